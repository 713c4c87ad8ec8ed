import { many, type Db } from '../db.js';

/** Owner of `login_attempts`: every password login attempt, kept for a day. */
export const LoginAttemptRepository = {
  async record(db: Db, attempt: { email: string; ip: string | null; succeeded: boolean }): Promise<void> {
    await many(db, `INSERT INTO login_attempts (email, ip, succeeded) VALUES ($1, $2, $3)`, [attempt.email, attempt.ip, attempt.succeeded]);
  },

  /** Deletes attempts older than `retention` (a PostgreSQL interval, e.g. `1 day`); returns how many. */
  async purgeOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM login_attempts WHERE at < now() - $1::interval RETURNING 1`, [retention])).length;
  },
};
