import { many, one, type Db } from '../db.js';
import type { UserRole } from './actor.js';

export interface HandoffUser {
  id: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
}

/** Owner of `sso_handoffs`: one-time codes the web app trades for a session (only hashes stored). */
export const SsoHandoffRepository = {
  async insert(db: Db, handoff: { codeHash: string; userId: string; validSeconds: number }): Promise<void> {
    await many(db, `INSERT INTO sso_handoffs (code_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [
      handoff.codeHash,
      handoff.userId,
      handoff.validSeconds,
    ]);
  },

  /** Spends an unused, unexpired code of an active user; returns that user, or undefined. */
  async redeem(db: Db, codeHash: string): Promise<HandoffUser | undefined> {
    return one<HandoffUser>(
      db,
      `UPDATE sso_handoffs h SET used_at = now() FROM users u
        WHERE h.code_hash = $1 AND h.used_at IS NULL AND h.expires_at > now() AND u.id = h.user_id AND u.active
        RETURNING u.id, u.email, u.name, u.agency_id AS "agencyId", u.roles`,
      [codeHash],
    );
  },
};
