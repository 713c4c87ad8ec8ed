import { many, type Db } from '../db.js';

/**
 * Read-only: everything held about a case, table by table, for the subject-access export
 * (CaseExportService). Rows come back as JSON objects with camelCase keys.
 */
export const CaseExportRepository = {
  async events(db: Db, caseId: string): Promise<unknown[]> {
    return many(
      db,
      `SELECT e.at, e.type, e.instance_id AS "instanceId", e.data, e.from_state AS "fromState", e.to_state AS "toState", e.revision,
              e.actor_user_id AS "actorUserId", e.actor_agency_id AS "actorAgencyId"
         FROM case_events e WHERE e.case_id = $1 ORDER BY e.at, e.id`,
      [caseId],
    );
  },

  async instances(db: Db, caseId: string): Promise<unknown[]> {
    return many(
      db,
      `SELECT id AS "instanceId", pathway_key AS key, version, state_value AS state, status, revision, snapshot->'context' AS context,
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM pathway_instances WHERE case_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
  },

  async tasks(db: Db, caseId: string): Promise<unknown[]> {
    return many(
      db,
      `SELECT id, title, task_key AS "taskKey", state_id AS "stateId", instance_id AS "instanceId", conference_id AS "conferenceId",
              assignee_role AS "assigneeRole", assignee_agency_id AS "assigneeAgencyId", due_at AS "dueAt", status, outcome, note,
              created_at AS "createdAt", completed_at AS "completedAt", completed_by AS "completedBy"
         FROM tasks WHERE case_id = $1 ORDER BY created_at, id`,
      [caseId],
    );
  },

  async notifications(db: Db, caseId: string): Promise<unknown[]> {
    return many(
      db,
      `SELECT n.id, n.kind, n.agency_id AS "agencyId", n.title, n.task_id AS "taskId", n.conference_id AS "conferenceId", n.due_at AS "dueAt",
              n.created_at AS "createdAt",
              coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts, 'deliveredAt', d.delivered_at)
                          ORDER BY d.channel) FROM deliveries d WHERE d.notification_id = n.id), '[]') AS deliveries
         FROM notifications n WHERE n.case_id = $1 ORDER BY n.created_at, n.id`,
      [caseId],
    );
  },

  async conferenceIds(db: Db, caseId: string): Promise<string[]> {
    return (await many<{ id: string }>(db, `SELECT id FROM conferences WHERE case_id = $1 ORDER BY scheduled_at, id`, [caseId])).map((r) => r.id);
  },
};
