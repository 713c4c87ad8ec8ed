import { many, type Db } from '../db.js';

/** Owner of `outbox`. */
export const OutboxRepository = {
  /** Housekeeping: deletes rows relayed longer than `retention` ago (a PostgreSQL interval, e.g. '1 day'); returns how many. */
  async purgeRelayedOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM outbox WHERE relayed_at < now() - $1::interval RETURNING 1`, [retention])).length;
  },
};
