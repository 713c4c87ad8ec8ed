import { many, type Db } from '../db.js';

/** Owner of `idempotency_keys`. */
export const IdempotencyRepository = {
  /** Housekeeping: deletes stored responses older than `retention` (a PostgreSQL interval); returns how many. */
  async purgeOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval RETURNING 1`, [retention])).length;
  },
};
