import { many, single, type Db } from '../db.js';

/**
 * Which unsettled rows the reconciler pages through: `before` keeps the overdue ones,
 * `after`/`afterId` continue after the last row of the previous page.
 */
export interface UnsettledPage {
  before?: Date;
  after?: Date;
  afterId?: string;
  limit: number;
}

/**
 * The condition and order shared by the reconciler's reads of timers, reminders and deliveries, on
 * a subquery `x` with columns `id`, `due` and `job_id`: rows in due order whose job is not still
 * waiting in the outbox. Placeholders `$1`–`$4` are {@link unsettledParams}.
 */
export const UNSETTLED_PAGE = `($1::timestamptz IS NULL OR due < $1) AND ($2::timestamptz IS NULL OR (due, id::text) > ($2, $3))
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.relayed_at IS NULL AND o.job_id = x.job_id)
                ORDER BY due, id LIMIT $4`;

export const unsettledParams = (page: UnsettledPage): unknown[] => [page.before ?? null, page.after ?? null, page.afterId ?? '', page.limit];

/** A pending timer the queue should hold a job for. */
export interface UnsettledTimer {
  id: string;
  instanceId: string;
  timerId: string;
  event: string;
  revision: number;
  due: Date;
}

/** One reconciler pass at a time across every worker process (pg_try_advisory_xact_lock). */
const RECONCILE_LOCK = 0x636f6e72;

/**
 * Read-only queries of the reconciler (apps/worker): its pass lock and the pending timers it arms
 * again (`timers` is written by its own repository; reminders and deliveries are read through theirs).
 */
export const ReconcileRepository = {
  /** Takes the reconciler's lock for the transaction; false when another pass holds it. */
  async tryLockPass(tx: Db): Promise<boolean> {
    return (await single<{ locked: boolean }>(tx, 'SELECT pg_try_advisory_xact_lock($1) AS locked', [RECONCILE_LOCK])).locked;
  },

  /** Pending timers in due order whose job is not waiting in the outbox. */
  async unsettledTimers(db: Db, page: UnsettledPage): Promise<UnsettledTimer[]> {
    return many<UnsettledTimer>(
      db,
      `SELECT id, instance_id AS "instanceId", timer_id AS "timerId", event, revision, due
         FROM (SELECT id, instance_id, timer_id, event, revision, fire_at AS due, 'timer.' || id::text AS job_id
                 FROM timers WHERE status = 'pending') x WHERE ${UNSETTLED_PAGE}`,
      unsettledParams(page),
    );
  },
};
