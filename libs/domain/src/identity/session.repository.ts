import { many, one, single, type Db } from '../db.js';
import type { UserRole } from './actor.js';

export type SessionVia = 'password' | 'oidc';
export type RevokeReason = 'logout' | 'refresh_reuse' | 'password_changed' | 'password_reset' | 'user_changed' | 'user_deactivated';

/** A refresh token presented for a refresh, with its session and user. */
export interface PresentedRefreshToken {
  sessionId: string;
  generation: number;
  used: boolean;
  expired: boolean;
  revoked: boolean;
  userId: string;
  active: boolean;
}

/** The user behind a live session. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
}

/** Owner of `sessions` and of their `refresh_tokens` (only token hashes are stored). */
export const SessionRepository = {
  async insert(db: Db, userId: string, via: SessionVia): Promise<string> {
    return (await single<{ id: string }>(db, `INSERT INTO sessions (user_id, via) VALUES ($1, $2) RETURNING id`, [userId, via])).id;
  },

  async touch(db: Db, sessionId: string): Promise<void> {
    await many(db, `UPDATE sessions SET last_used_at = now() WHERE id = $1`, [sessionId]);
  },

  /** Revokes one live session; false when it was revoked already (or does not exist). */
  async revoke(db: Db, sessionId: string, reason: RevokeReason): Promise<boolean> {
    const rows = await many(db, `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [
      sessionId,
      reason,
    ]);
    return rows.length > 0;
  },

  /** Revokes every live session of a user but `exceptSessionId`; returns how many. */
  async revokeAllOfUser(db: Db, userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    const rows = await many(
      db,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
      [userId, reason, exceptSessionId ?? null],
    );
    return rows.length;
  },

  /** The active user of a live session, when the session is theirs. */
  async liveUser(db: Db, sessionId: string, userId: string): Promise<SessionUser | undefined> {
    return one<SessionUser>(
      db,
      `SELECT u.id, u.email, u.name, u.agency_id AS "agencyId", u.roles
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.active`,
      [sessionId, userId],
    );
  },

  async insertRefreshToken(db: Db, token: { hash: string; sessionId: string; generation: number; idleDays: number }): Promise<void> {
    await many(
      db,
      `INSERT INTO refresh_tokens (token_hash, session_id, generation, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`,
      [token.hash, token.sessionId, token.generation, token.idleDays],
    );
  },

  /** A refresh token by hash with its session and user, both locked. */
  async lockRefreshToken(db: Db, tokenHash: string): Promise<PresentedRefreshToken | undefined> {
    return one<PresentedRefreshToken>(
      db,
      `SELECT r.session_id AS "sessionId", r.generation, r.used_at IS NOT NULL AS used, r.expires_at <= now() AS expired,
              s.revoked_at IS NOT NULL AS revoked, s.user_id AS "userId", u.active
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
        WHERE r.token_hash = $1
        FOR NO KEY UPDATE OF r, s`,
      [tokenHash],
    );
  },

  async spendRefreshToken(db: Db, tokenHash: string): Promise<void> {
    await many(db, `UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
  },
};
