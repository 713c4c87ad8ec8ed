import { many, one, single, type CteInput, type Db } from '../db.js';

export type TimerStatus = 'pending' | 'fired' | 'cancelled' | 'stale';

/** A durable timer of a pathway instance (`timers`). */
export interface Timer {
  id: string;
  instanceId: string;
  event: string;
  status: TimerStatus;
  fireAt: Date;
}

/** Owner of `timers`. */
/** A timer a one-statement write sets (`insertCte`), its id chosen by the writer. */
export interface PlannedTimer {
  id: string;
  instance_id: string;
  timer_id: string;
  event: string;
  fire_at: string;
  revision: number;
}

export const TimerRepository = {
  /** The timer, locked (the caller has locked its instance first: the lock order). */
  async lock(db: Db, id: string): Promise<Timer | undefined> {
    return one<Timer>(
      db,
      `SELECT id, instance_id AS "instanceId", event, status, fire_at AS "fireAt" FROM timers WHERE id = $1 FOR NO KEY UPDATE`,
      [id],
    );
  },

  /** Settles a timer: fired, or stale when its instance moved on. */
  async settle(db: Db, id: string, status: 'fired' | 'stale'): Promise<void> {
    await many(db, `UPDATE timers SET status = $2, settled_at = now() WHERE id = $1`, [id, status]);
  },

  /** Sets the instance's timer for this revision (setting it again moves its moment); returns the row id. */
  async set(db: Db, timer: { instanceId: string; timerId: string; event: string; fireAt: string | Date; revision: number }): Promise<string> {
    const row = await single<{ id: string }>(
      db,
      `INSERT INTO timers (instance_id, timer_id, event, fire_at, revision) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, timer_id, revision) DO UPDATE SET fire_at = EXCLUDED.fire_at
       RETURNING id`,
      [timer.instanceId, timer.timerId, timer.event, timer.fireAt, timer.revision],
    );
    return row.id;
  },

  /** Cancels the instance's pending timers (only those named `timerId` when given); returns their row ids. */
  async cancelPending(db: Db, instanceId: string, timerId?: string): Promise<string[]> {
    const rows =
      timerId === undefined
        ? await many<{ id: string }>(
            db,
            `UPDATE timers SET status = 'cancelled', settled_at = now() WHERE instance_id = $1 AND status = 'pending' RETURNING id`,
            [instanceId],
          )
        : await many<{ id: string }>(
            db,
            `UPDATE timers SET status = 'cancelled', settled_at = now()
              WHERE instance_id = $1 AND timer_id = $2 AND status = 'pending' RETURNING id`,
            [instanceId, timerId],
          );
    return rows.map((r) => r.id);
  },

  /** CTE body: cancels the plan instance's pending timers named in `cancelTimers`; RETURNING their row ids. */
  cancelCte({ plan, gate }: CteInput): string {
    return `UPDATE timers SET status = 'cancelled', settled_at = now()
             WHERE instance_id = (${plan}->'instance'->>'id')::uuid
               AND timer_id IN (SELECT jsonb_array_elements_text(${plan}->'cancelTimers')) AND status = 'pending' AND ${gate}
             RETURNING id`;
  },

  /** CTE body: sets the plan's `timers` ({@link PlannedTimer}). */
  insertCte({ plan, gate }: CteInput): string {
    return `INSERT INTO timers (id, instance_id, timer_id, event, fire_at, revision)
            SELECT id, instance_id, timer_id, event, fire_at, revision
              FROM jsonb_to_recordset(${plan}->'timers') AS x(id uuid, instance_id uuid, timer_id text, event text, fire_at timestamptz, revision int)
             WHERE ${gate}`;
  },
};
