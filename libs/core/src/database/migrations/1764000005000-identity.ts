import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People, agencies and sessions (docs/identity.md): sessions with single-use rotating refresh
 * tokens (stored as SHA-256 hashes), password-reset links (hashed), one-time SSO hand-over codes,
 * per-person notification read state, agency deactivation and webhook-secret rotation.
 */
export class Identity1764000005000 implements MigrationInterface {
  name = 'Identity1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        via text NOT NULL CHECK (via IN ('password', 'oidc')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL;

      -- One row per generation of a session's refresh token; a spent one (used_at set) presented again revokes the session.
      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        generation integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        UNIQUE (session_id, generation)
      );

      CREATE TABLE password_resets (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        requested_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX password_resets_user ON password_resets (user_id) WHERE used_at IS NULL;

      -- A single sign-on hands the web app a one-time code (in the URL fragment), exchanged for tokens.
      CREATE TABLE sso_handoffs (
        code_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );

      CREATE TABLE notification_reads (
        notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        read_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, notification_id)
      );

      ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

      ALTER TABLE agencies
        ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN previous_webhook_secret text,
        ADD COLUMN webhook_secret_changed_at timestamptz,
        ADD COLUMN IF NOT EXISTS delivery_hours jsonb;

      -- A delivery to an agency deactivated before it went out is recorded as skipped.
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
        CHECK (status IN ('pending', 'delivered', 'retrying', 'dead', 'skipped'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE deliveries SET status = 'dead' WHERE status = 'skipped';
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'retrying', 'dead'));
      ALTER TABLE agencies DROP COLUMN active, DROP COLUMN previous_webhook_secret, DROP COLUMN webhook_secret_changed_at;
      ALTER TABLE users DROP COLUMN password_changed_at;
      DROP TABLE notification_reads, sso_handoffs, password_resets, refresh_tokens, sessions;
    `);
  }
}
