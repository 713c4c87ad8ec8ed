import { one, type Db } from '../db.js';

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
};
