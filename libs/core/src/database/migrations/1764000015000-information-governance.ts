import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Information governance (docs/governance.md):
 * - `case_notes`: notes on a case; `restricted_to` (agency ids, the author's agency included) makes
 *   a note exist only for those agencies — NULL means every agency taking part sees it;
 * - `case_lawful_basis`: every basis recorded for a case, with who, when and from where (the API or
 *   a pathway's event); `cases.lawful_basis` stays the current one (`none`: consent withdrawn);
 * - `cases.status = 'erased'` and `erased_at`: the personal data is gone, reference, dates and
 *   states remain;
 * - audit filters by user and by action get their own indexes.
 */
export class InformationGovernance1764000015000 implements MigrationInterface {
  name = 'InformationGovernance1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        text text NOT NULL,
        restricted_to uuid[],
        author_user_id uuid REFERENCES users(id),
        author_agency_id uuid REFERENCES agencies(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_notes_case ON case_notes (case_id, created_at DESC);

      CREATE TABLE case_lawful_basis (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        basis text NOT NULL CHECK (basis IN ('consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests', 'none')),
        note text,
        source text NOT NULL CHECK (source IN ('create', 'api', 'pathway')),
        instance_id uuid REFERENCES pathway_instances(id),
        recorded_by uuid REFERENCES users(id),
        recorded_agency_id uuid REFERENCES agencies(id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_lawful_basis_case ON case_lawful_basis (case_id, id DESC);
      INSERT INTO case_lawful_basis (case_id, basis, source, recorded_by, recorded_at)
        SELECT id, lawful_basis, 'create', created_by, created_at FROM cases
         WHERE lawful_basis IN ('consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests');

      ALTER TABLE cases DROP CONSTRAINT cases_status_check;
      ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('open', 'closed', 'erased'));
      ALTER TABLE cases ADD COLUMN erased_at timestamptz;

      CREATE INDEX audit_log_user_at ON audit_log (user_id, at DESC);
      CREATE INDEX audit_log_action_at ON audit_log (action, at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX audit_log_action_at;
      DROP INDEX audit_log_user_at;
      UPDATE cases SET status = 'closed' WHERE status = 'erased';
      ALTER TABLE cases DROP COLUMN erased_at;
      ALTER TABLE cases DROP CONSTRAINT cases_status_check;
      ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('open', 'closed'));
      DROP TABLE case_lawful_basis, case_notes;
    `);
  }
}
