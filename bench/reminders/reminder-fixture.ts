import type pg from 'pg';
import { ReminderWriter } from '../../libs/domain/src/reminders/reminder-writer.js';
import type { Db } from '../../libs/domain/src/db.js';
import { at, firstOf } from '../support/defined.js';

/** The domain's writers take a TypeORM manager; they only call `query(sql, params)`, which a pg pool answers. */
export function poolAsDb(pool: pg.Pool): Db {
  return { query: async (sql: string, params?: unknown[]) => (await pool.query<Record<string, unknown>>(sql, params)).rows } as unknown as Db;
}

export interface ReminderWave {
  /** task id → due time (epoch ms); one reminder per task, so a webhook's taskId names its reminder. */
  dueByTask: Map<string, number>;
  firstDue: number;
  lastDue: number;
  /** When the rows and outbox entries were committed. */
  committedAt: number;
}

const PER_CASE = 20;

/**
 * Writes `dueTimes.length` reminders the way the domain does (reminder rows plus outbox entries,
 * through `ReminderWriter.insert`), one per open task of the webhook agency, on cases made with
 * SQL (`PER_CASE` tasks each). The outbox relay moves them into the reminders queue.
 */
export async function scheduleReminderWave(
  pool: pg.Pool,
  opts: { tag: string; cityId: string; webhookAgencyId: string; dueTimes: number[] },
): Promise<ReminderWave> {
  const n = opts.dueTimes.length;
  const caseCount = Math.ceil(n / PER_CASE);
  const cases = (
    await pool.query<{ id: string }>(
      `INSERT INTO cases (reference, subject, lead_agency_id)
       SELECT 'BENCH-' || $1 || '-' || g, '{"name":"Reminder bench"}', $2 FROM generate_series(1, $3) g RETURNING id`,
      [opts.tag, opts.cityId, caseCount],
    )
  ).rows.map((r) => r.id);
  await pool.query(
    `INSERT INTO case_participants (case_id, agency_id, role)
     SELECT c, $2::uuid, 'probation' FROM unnest($1::uuid[]) c
     UNION ALL SELECT c, $3::uuid, 'coordinator' FROM unnest($1::uuid[]) c`,
    [cases, opts.webhookAgencyId, opts.cityId],
  );
  const tasks = (
    await pool.query<{ id: string; case_id: string }>(
      `INSERT INTO tasks (case_id, title, task_key, assignee_role, assignee_agency_id, due_at, spec)
       SELECT ($1::uuid[])[(g - 1) / ${PER_CASE} + 1], 'Reminder bench task', 'bench', 'probation', $2, now() + interval '7 days',
              '{"key":"bench","title":"Reminder bench task","assignee":{"role":"probation"},"due":"P7D","reminders":["P0D"]}'
         FROM generate_series(1, $3) g RETURNING id, case_id`,
      [cases, opts.webhookAgencyId, n],
    )
  ).rows;
  const writer = new ReminderWriter();
  const db = poolAsDb(pool);
  const dueByTask = new Map<string, number>();
  const byCase = new Map<string, Array<{ taskId: string; due: number }>>();
  tasks.forEach((t, i) => {
    const due = at(opts.dueTimes, i, 'dueTimes'); // one task per due time
    dueByTask.set(t.id, due);
    byCase.set(t.case_id, [...(byCase.get(t.case_id) ?? []), { taskId: t.id, due }]);
  });
  // One call per task (a reminder's owner is one task), eight at a time like a busy app.
  const jobs = [...byCase].flatMap(([caseId, list]) => list.map((item) => ({ caseId, ...item })));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobs.length) {
        const item = at(jobs, next++, 'jobs');
        await writer.insert(db, item.caseId, { taskId: item.taskId }, [
          {
            agencyId: opts.webhookAgencyId,
            kind: 'reminder',
            dueAt: new Date(item.due),
            rule: { source: 'task', pathway: 'bench', version: 1, state: 'bench', task: 'bench', kind: 'reminder', offset: 'P0D' },
          },
        ]);
      }
    }),
  );
  return { dueByTask, firstDue: Math.min(...opts.dueTimes), lastDue: Math.max(...opts.dueTimes), committedAt: Date.now() };
}

/** Polls until the outbox has no unrelayed rows; returns when (epoch ms), or undefined after `timeoutMs`. */
export async function waitOutboxDrained(pool: pg.Pool, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL');
    if (firstOf(rows, 'outbox count').n === 0) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
