import { many, type Db } from '../db.js';

/** Owner of `login_attempts`. */
export const LoginAttemptRepository = {
  /** Housekeeping: deletes attempts older than `retention` (a PostgreSQL interval); returns how many. */
  async purgeOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM login_attempts WHERE at < now() - $1::interval RETURNING 1`, [retention])).length;
  },
};
