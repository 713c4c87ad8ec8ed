import type { DataSource } from 'typeorm';
import { DomainError } from '../../../libs/core/src/http/domain-error.js';

// What a user would notice, read straight from the tables (test code may use SQL).

export interface TaskRead {
  id: string;
  title: string;
  status: string;
  assigneeAgencyId: string | null;
  dueAt: Date | null;
}

export const tasksOf = (db: DataSource, caseId: string): Promise<TaskRead[]> =>
  db.query(
    `SELECT id, title, status, assignee_agency_id AS "assigneeAgencyId", due_at AS "dueAt" FROM tasks WHERE case_id = $1 ORDER BY created_at, id`,
    [caseId],
  );

export interface ReminderRead {
  id: string;
  kind: string;
  agencyId: string;
  status: string;
  generation: number;
  dueAt: string;
}

/** A task's (or conference's) reminders in due order, due times as ISO strings. */
export async function remindersOf(db: DataSource, owner: { taskId?: string; conferenceId?: string }, status?: string): Promise<ReminderRead[]> {
  const rows = await db.query<Array<Omit<ReminderRead, 'dueAt'> & { dueAt: Date }>>(
    `SELECT id, kind, agency_id AS "agencyId", status, generation, due_at AS "dueAt" FROM reminders
      WHERE ${owner.taskId ? 'task_id = $1' : 'conference_id = $1 AND task_id IS NULL'} AND ($2::text IS NULL OR status = $2)
      ORDER BY due_at, kind, agency_id`,
    [owner.taskId ?? owner.conferenceId, status ?? null],
  );
  return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt).toISOString() }));
}

/** The queued wake-up (outbox row) for a job id: when the queue is told to run it. */
export async function outboxRunAt(db: DataSource, jobId: string): Promise<string | null | undefined> {
  const [row] = await db.query<Array<{ run_at: Date | null }>>(`SELECT run_at FROM outbox WHERE job_id = $1 AND topic LIKE 'add:%' ORDER BY id DESC LIMIT 1`, [jobId]);
  if (!row) return undefined;
  return row.run_at ? new Date(row.run_at).toISOString() : null;
}

export const notificationsOf = (db: DataSource, caseId: string): Promise<Array<{ kind: string; agencyId: string; title: string; taskId: string | null; reminderId: string | null }>> =>
  db.query(
    `SELECT kind, agency_id AS "agencyId", title, task_id AS "taskId", reminder_id AS "reminderId" FROM notifications WHERE case_id = $1 ORDER BY created_at, id`,
    [caseId],
  );

export const eventTypesOf = async (db: DataSource, caseId: string): Promise<string[]> =>
  (await db.query<Array<{ type: string }>>(`SELECT type FROM case_events WHERE case_id = $1 ORDER BY id`, [caseId])).map((e) => e.type);

/** `at` plus an ISO-free offset in ms, as an ISO string. */
export const plus = (at: string | Date, ms: number) => new Date(new Date(at).getTime() + ms).toISOString();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The DomainError `promise` rejects with (fails when it resolves or throws something else). */
export async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, the call succeeded');
}
