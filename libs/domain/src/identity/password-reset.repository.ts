import { many, one, type Db } from '../db.js';
import type { UserRole } from './actor.js';

/** The active user a valid reset link belongs to. */
export interface ResetUser {
  userId: string;
  email: string;
  name: string;
  agencyId: string | null;
  roles: UserRole[];
}

/** Owner of `password_resets`: single-use reset links (only token hashes stored). */
export const PasswordResetRepository = {
  /** Earlier unused links of the user stop working. */
  async spendAllOfUser(db: Db, userId: string): Promise<void> {
    await many(db, `UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
  },

  async insert(db: Db, reset: { tokenHash: string; userId: string; requestedBy: string; validHours: number }): Promise<void> {
    await many(
      db,
      `INSERT INTO password_resets (token_hash, user_id, requested_by, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
      [reset.tokenHash, reset.userId, reset.requestedBy, reset.validHours],
    );
  },

  /** The user of an unused, unexpired link of an active user, the link locked. */
  async lockRedeemable(db: Db, tokenHash: string): Promise<ResetUser | undefined> {
    return one<ResetUser>(
      db,
      `SELECT u.id AS "userId", u.email, u.name, u.agency_id AS "agencyId", u.roles
         FROM password_resets r JOIN users u ON u.id = r.user_id
        WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.active
        FOR NO KEY UPDATE OF r`,
      [tokenHash],
    );
  },

  async spend(db: Db, tokenHash: string): Promise<void> {
    await many(db, `UPDATE password_resets SET used_at = now() WHERE token_hash = $1`, [tokenHash]);
  },
};
