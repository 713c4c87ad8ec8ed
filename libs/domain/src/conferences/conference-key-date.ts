import { Injectable } from '@nestjs/common';
import { computeDueAt, type DueSpec, type TaskSpec } from '../../../engine/src/index.js';
import { many, one, type Db } from '../db.js';
import { loadCaseContext } from '../cases/case-context.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';

/** The case key date that follows the next scheduled conference. */
export const CONFERENCE_KEY_DATE = 'conferenceDate';

const namesConferenceDate = (due: DueSpec | undefined) =>
  typeof due === 'object' && due !== null && ('before' in due ? due.before : due.after) === CONFERENCE_KEY_DATE;

/**
 * Keeps the case key date `conferenceDate` on the next scheduled conference, and everything counted
 * from it in step: open tasks due before or after it get their new due date and their reminders
 * move (or are planned, when the date was unknown until now).
 */
@Injectable()
export class ConferenceKeyDate {
  constructor(private readonly reminders: ReminderWriter) {}

  /** Returns the tasks whose due date changed. */
  async sync(tx: Db, caseId: string, now: Date): Promise<Array<{ taskId: string; from: Date | null; to: Date | null }>> {
    const next = await one<{ scheduled_at: Date }>(
      tx,
      `SELECT scheduled_at FROM conferences WHERE case_id = $1 AND status = 'scheduled'
        ORDER BY scheduled_at < now(), CASE WHEN scheduled_at >= now() THEN scheduled_at END ASC, scheduled_at DESC
        LIMIT 1`,
      [caseId],
    );
    // No conference ahead: the date of the last one stays, as the record of when it was.
    if (!next) return [];
    const value = new Date(next.scheduled_at).toISOString();
    await tx.query(
      `UPDATE cases SET key_dates = key_dates || jsonb_build_object($2::text, $3::text), updated_at = now()
        WHERE id = $1 AND key_dates->>$2 IS DISTINCT FROM $3`,
      [caseId, CONFERENCE_KEY_DATE, value],
    );
    const ctx = (await loadCaseContext(tx, caseId))!;
    const tasks = await many<{
      id: string;
      spec: TaskSpec;
      due_at: Date | null;
      created_at: Date;
      assignee_agency_id: string | null;
      pathway_key: string | null;
      version: number | null;
      state_id: string | null;
      conference_id: string | null;
    }>(
      tx,
      `SELECT t.id, t.spec, t.due_at, t.created_at, t.assignee_agency_id, i.pathway_key, i.version, t.state_id, t.conference_id
         FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id
        WHERE t.case_id = $1 AND t.status = 'open' AND t.spec IS NOT NULL
          AND (t.spec->'due'->>'before' = $2 OR t.spec->'due'->>'after' = $2)
        ORDER BY t.created_at, t.id FOR NO KEY UPDATE OF t`,
      [caseId, CONFERENCE_KEY_DATE],
    );
    const changed: Array<{ taskId: string; from: Date | null; to: Date | null }> = [];
    for (const t of tasks) {
      if (!namesConferenceDate(t.spec.due)) continue;
      // The same computation the engine made when it opened the task, now with the new key date.
      const dueAt = computeDueAt(t.spec, new Date(t.created_at), ctx.case.key_dates);
      const before = t.due_at ? new Date(t.due_at) : null;
      if ((before?.getTime() ?? null) === (dueAt?.getTime() ?? null)) continue;
      await tx.query(`UPDATE tasks SET due_at = $2, updated_at = now() WHERE id = $1`, [t.id, dueAt]);
      const base = t.pathway_key
        ? { source: 'task' as const, pathway: t.pathway_key, version: t.version ?? undefined, state: t.state_id ?? undefined, task: t.spec.key }
        : { source: 'conference' as const, conference: t.conference_id, task: t.spec.key };
      const planned = this.reminders.planForTask(ctx, { agencyId: t.assignee_agency_id, dueAt, spec: t.spec }, base, now);
      await this.reminders.replan(tx, caseId, { taskId: t.id }, planned);
      changed.push({ taskId: t.id, from: before, to: dueAt });
    }
    return changed;
  }
}
