import type { TaskSpec } from '../../../engine/src/index.js';
import { many, type Db } from '../db.js';

/**
 * Owner of `tasks` (H2 creates this file; the methods below are H1's, for the case use cases, to be
 * appended at the end of H2's object when the branches merge).
 */
export const TaskRepository = {
  /** Sets the due date counted again from a moved key date. */
  async setDueAt(db: Db, taskId: string, dueAt: Date | null): Promise<void> {
    await many(db, `UPDATE tasks SET due_at = $2, updated_at = now() WHERE id = $1`, [taskId, dueAt]);
  },

  /**
   * Assigns the case's open pathway tasks waiting for `role` without an agency to the agency;
   * returns them with their instance's pathway and version.
   */
  async assignWaitingForRole(
    db: Db,
    caseId: string,
    role: string,
    agencyId: string,
  ): Promise<Array<{ id: string; dueAt: Date | null; spec: TaskSpec; pathwayKey: string; version: number; stateId: string }>> {
    return many(
      db,
      `UPDATE tasks t SET assignee_agency_id = $3, updated_at = now()
         FROM pathway_instances i
        WHERE t.case_id = $1 AND t.assignee_role = $2 AND t.assignee_agency_id IS NULL AND t.status = 'open' AND i.id = t.instance_id
        RETURNING t.id, t.due_at AS "dueAt", t.spec, i.pathway_key AS "pathwayKey", i.version, t.state_id AS "stateId"`,
      [caseId, role, agencyId],
    );
  },

  /** Hands the task to another agency. */
  async reassign(db: Db, taskId: string, agencyId: string): Promise<void> {
    await many(db, 'UPDATE tasks SET assignee_agency_id = $2, updated_at = now() WHERE id = $1', [taskId, agencyId]);
  },

  /** Cancels one task (its agency left the case and nobody else holds the role). */
  async cancelOne(db: Db, taskId: string): Promise<void> {
    await many(db, `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = $1`, [taskId]);
  },
};
