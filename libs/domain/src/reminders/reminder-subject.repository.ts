import { many, one, type Db } from '../db.js';

/**
 * Read-only: what a due reminder is about, read by its dispatcher under the reminder's lock — the
 * case (and whether the agency still takes part, whether a pathway still runs), the task, the
 * conference. No writes here.
 */
export const ReminderSubjectRepository = {
  async caseFor(db: Db, caseId: string, agencyId: string): Promise<{ status: string; reference: string; participates: boolean; running: boolean } | undefined> {
    return one<{ status: string; reference: string; participates: boolean; running: boolean }>(
      db,
      `SELECT c.status, c.reference,
              EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.agency_id = $2) AS participates,
              EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.status = 'active') AS running
         FROM cases c WHERE c.id = $1`,
      [caseId, agencyId],
    );
  },

  async task(db: Db, taskId: string): Promise<{ status: string; title: string; dueAt: Date | null } | undefined> {
    return one<{ status: string; title: string; dueAt: Date | null }>(
      db,
      `SELECT status, title, due_at AS "dueAt" FROM tasks WHERE id = $1`,
      [taskId],
    );
  },

  async conference(db: Db, conferenceId: string): Promise<{ status: string; scheduledAt: Date } | undefined> {
    return one<{ status: string; scheduledAt: Date }>(
      db,
      `SELECT status, scheduled_at AS "scheduledAt" FROM conferences WHERE id = $1`,
      [conferenceId],
    );
  },

  /**
   * The subjects of a batch of reminders in one statement: per reminder, its case (with whether its
   * agency still takes part and whether a pathway still runs), its task and its conference.
   */
  async subjectsOf(
    db: Db,
    reminders: ReadonlyArray<{ id: string; caseId: string; agencyId: string; taskId: string | null; conferenceId: string | null }>,
  ): Promise<ReminderSubjectRow[]> {
    return many<ReminderSubjectRow>(
      db,
      `SELECT x.id, c.status AS "caseStatus", c.reference,
              EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.agency_id = x.agency_id) AS participates,
              EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.status = 'active') AS running,
              t.status AS "taskStatus", t.title AS "taskTitle", t.due_at AS "taskDueAt",
              f.status AS "conferenceStatus", f.scheduled_at AS "conferenceAt"
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[]) AS x(id, case_id, agency_id, task_id, conference_id)
         LEFT JOIN cases c ON c.id = x.case_id
         LEFT JOIN tasks t ON t.id = x.task_id
         LEFT JOIN conferences f ON f.id = x.conference_id`,
      [
        reminders.map((r) => r.id),
        reminders.map((r) => r.caseId),
        reminders.map((r) => r.agencyId),
        reminders.map((r) => r.taskId),
        reminders.map((r) => r.conferenceId),
      ],
    );
  },
};

/** One reminder's subject as `subjectsOf` reads it (`caseStatus` null: the case is gone). */
export interface ReminderSubjectRow {
  id: string;
  caseStatus: string | null;
  reference: string | null;
  participates: boolean;
  running: boolean;
  taskStatus: string | null;
  taskTitle: string | null;
  taskDueAt: Date | null;
  conferenceStatus: string | null;
  conferenceAt: Date | null;
}
