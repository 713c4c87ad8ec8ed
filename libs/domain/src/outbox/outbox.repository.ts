import type pg from 'pg';
import { QUEUE } from '#core';
import { many, single, type CteInput, type Db } from '../db.js';

/** NOTIFY channel of the outbox trigger (migration 1764000003000 names it too). */
export const OUTBOX_CHANNEL = 'convene_outbox';

/** One outbox row as written: `add:<job>` or `remove:<queue>`, the job id, its payload and when it runs. */
export interface OutboxRowInput {
  topic: string;
  jobId: string;
  payload: unknown;
  runAt: Date | null;
}

/** A row the relay still has to move into the queue. */
export interface PendingOutboxRow {
  id: string;
  topic: string;
  jobId: string;
  payload: Record<string, unknown>;
  runAt: Date | null;
}

/** Owner of `outbox`. */
export const OutboxRepository = {
  /** Appends rows in one statement, in the order given. */
  async insertMany(db: Db, rows: readonly OutboxRowInput[]): Promise<void> {
    if (rows.length === 0) return;
    await many(
      db,
      `INSERT INTO outbox (topic, job_id, payload, run_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])`,
      [rows.map((r) => r.topic), rows.map((r) => r.jobId), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => (r.runAt ? r.runAt.toISOString() : null))],
    );
  },

  /** Locks up to `limit` unrelayed rows, oldest first, skipping those another relay holds. */
  async claimBatch(db: Db, limit: number): Promise<PendingOutboxRow[]> {
    return many<PendingOutboxRow>(
      db,
      `SELECT id, topic, job_id AS "jobId", payload, run_at AS "runAt" FROM outbox
        WHERE relayed_at IS NULL ORDER BY id LIMIT ${Math.trunc(limit)} FOR UPDATE SKIP LOCKED`,
    );
  },

  async markRelayed(db: Db, ids: readonly string[]): Promise<void> {
    await many(db, `UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  },

  /** Rows not relayed yet (served by the partial index outbox_unrelayed: cheap however big the table). */
  async countUnrelayed(db: Db): Promise<number> {
    return (await single<{ n: number }>(db, 'SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL')).n;
  },

  /** Subscribes a dedicated connection to the NOTIFY the outbox trigger sends at each commit. */
  async listenForCommits(client: pg.ClientBase): Promise<void> {
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
  },

  /** Housekeeping: deletes rows relayed longer than `retention` ago (a PostgreSQL interval, e.g. '1 day'); returns how many. */
  async purgeRelayedOlderThan(db: Db, retention: string): Promise<number> {
    return (await many(db, `DELETE FROM outbox WHERE relayed_at < now() - $1::interval RETURNING 1`, [retention])).length;
  },

  /**
   * CTE body: outbox rows from `rows`, SELECTs of (topic, job_id, payload, run_at) joined by UNION
   * ALL in the order given: the plan's own `outbox` rows ({@link OutboxRowInput} as JSON) first.
   */
  insertCte({ plan, gate }: CteInput, rows: readonly string[]): string {
    const planned = `SELECT topic, job_id, payload, run_at
                       FROM jsonb_to_recordset(${plan}->'outbox') AS o(topic text, job_id text, payload jsonb, run_at timestamptz)
                      WHERE ${gate}`;
    return `INSERT INTO outbox (topic, job_id, payload, run_at) ${[planned, ...rows].join(' UNION ALL ')}`;
  },
};

/**
 * The SQL expression of a job id whose parts are columns (uuid and integer columns need no
 * escaping), for outbox rows a statement writes itself: `jobIdSql('reminder', 'r.id', 'r.generation')`
 * yields what `reminderJobId(r.id, r.generation)` (outbox.ts) does.
 */
export function jobIdSql(kind: 'timer' | 'reminder' | 'delivery', ...columns: string[]): string {
  return [`'${kind}'`, ...columns.map((c) => `${c}::text`)].join(` || '.' || `);
}

/** Outbox rows (topic, job_id, payload, run_at) of a SELECT: one per row of CTE `from`. */
export const outboxRowsSql = {
  removeReminders: (from: string) => `SELECT 'remove:${QUEUE.reminders}', ${jobIdSql('reminder', 'id', 'generation')}, '{}'::jsonb, NULL::timestamptz FROM ${from}`,
  removeTimers: (from: string) => `SELECT 'remove:${QUEUE.timers}', ${jobIdSql('timer', 'id')}, '{}'::jsonb, NULL::timestamptz FROM ${from}`,
  /** `context` is the SQL of a jsonb object merged into each payload (the request id). */
  sendDeliveries: (from: string, context: string) =>
    `SELECT 'add:delivery.send', ${jobIdSql('delivery', 'id')}, jsonb_build_object('deliveryId', id) || ${context}, NULL::timestamptz FROM ${from}`,
};
