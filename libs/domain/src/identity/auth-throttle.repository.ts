import { many, type Db } from '../db.js';

/** Owner of `auth_throttle`. */
export const AuthThrottleRepository = {
  /** Housekeeping: deletes counters untouched for `retention` (a PostgreSQL interval) and no longer blocking; returns how many. */
  async purgeIdleOlderThan(db: Db, retention: string): Promise<number> {
    return (
      await many(
        db,
        `DELETE FROM auth_throttle WHERE updated_at < now() - $1::interval AND (blocked_until IS NULL OR blocked_until < now()) RETURNING 1`,
        [retention],
      )
    ).length;
  },
};
