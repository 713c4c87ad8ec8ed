import type { TaskSpec } from '#engine';
import { many, type Db } from '../db.js';
import type { SqlCondition } from './case.repository.js';

/** A task as the case detail lists it. */
export interface CaseTaskItem {
  id: string;
  title: string;
  taskKey: string | null;
  stateId: string | null;
  instanceId: string | null;
  assigneeRole: string;
  assigneeAgencyId: string | null;
  dueAt: Date | null;
  status: string;
  overdue: boolean;
  completedAt: Date | null;
}

/** A conference as the case detail lists it. */
export interface CaseConferenceItem {
  id: string;
  scheduledAt: Date;
  durationMinutes: number;
  location: string | null;
  status: string;
}

/** An open task with what it takes to hand it on or count its due date again. */
export interface OpenCaseTask {
  id: string;
  spec: TaskSpec | null;
  dueAt: Date | null;
  createdAt: Date;
  assigneeRole: string;
  assigneeAgencyId: string | null;
  instanceId: string | null;
  stateId: string | null;
  taskKey: string | null;
  conferenceId: string | null;
  /** The pathway and version of the task's instance; null for a conference's task. */
  pathwayKey: string | null;
  version: number | null;
}

const OPEN_TASK = `t.id, t.spec, t.due_at AS "dueAt", t.created_at AS "createdAt", t.assignee_role AS "assigneeRole",
  t.assignee_agency_id AS "assigneeAgencyId", t.instance_id AS "instanceId", t.state_id AS "stateId", t.task_key AS "taskKey",
  t.conference_id AS "conferenceId", i.pathway_key AS "pathwayKey", i.version`;

/** Read-only: what the case use cases read of a case's tasks and conferences (their owners write them). */
export const CaseViewRepository = {
  /** The case's tasks `visible` lets the caller see (a condition on alias `t`, placeholders from $2), open ones first. */
  async tasks(db: Db, caseId: string, visible: SqlCondition): Promise<CaseTaskItem[]> {
    return many<CaseTaskItem>(
      db,
      `SELECT t.id, t.title, t.task_key AS "taskKey", t.state_id AS "stateId", t.instance_id AS "instanceId",
              t.assignee_role AS "assigneeRole", t.assignee_agency_id AS "assigneeAgencyId", t.due_at AS "dueAt",
              t.status, (t.status = 'open' AND t.due_at < now()) AS overdue, t.completed_at AS "completedAt"
         FROM tasks t WHERE t.case_id = $1 AND t.status <> 'cancelled' AND ${visible.sql}
        ORDER BY t.status = 'open' DESC, t.due_at NULLS LAST, t.created_at`,
      [caseId, ...visible.params],
    );
  },

  async conferences(db: Db, caseId: string): Promise<CaseConferenceItem[]> {
    return many<CaseConferenceItem>(
      db,
      `SELECT id, scheduled_at AS "scheduledAt", duration_minutes AS "durationMinutes", location, status
         FROM conferences WHERE case_id = $1 ORDER BY scheduled_at DESC`,
      [caseId],
    );
  },

  /** The open tasks assigned to the agency. */
  async openTasksOfAgency(db: Db, caseId: string, agencyId: string): Promise<OpenCaseTask[]> {
    return many<OpenCaseTask>(
      db,
      `SELECT ${OPEN_TASK} FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id
        WHERE t.case_id = $1 AND t.assignee_agency_id = $2 AND t.status = 'open'`,
      [caseId, agencyId],
    );
  },

  /**
   * Locks and returns the open tasks whose due date the engine counts from one of these key dates
   * (not those whose due date a case manager set by hand), oldest first.
   */
  async lockOpenTasksCountedFrom(db: Db, caseId: string, keyDates: readonly string[]): Promise<Array<OpenCaseTask & { spec: TaskSpec }>> {
    return many<OpenCaseTask & { spec: TaskSpec }>(
      db,
      `SELECT ${OPEN_TASK} FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id
        WHERE t.case_id = $1 AND t.status = 'open' AND t.spec IS NOT NULL AND NOT t.due_set_by_hand
          AND (t.spec->'due'->>'before' = ANY($2::text[]) OR t.spec->'due'->>'after' = ANY($2::text[]))
        ORDER BY t.created_at, t.id FOR NO KEY UPDATE OF t`,
      [caseId, keyDates],
    );
  },
};
