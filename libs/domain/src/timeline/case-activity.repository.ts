import { many, type Db } from '../db.js';
import type { RuleLike } from '../notifications/notification-why.js';

/** Whose entries a reader sees: everything (case managers) or one agency's. */
export type ActivityScope = { all: true } | { agencyId: string | null };

/** A `case_events` entry with its instance and actor, as the timeline reads it. */
export interface TimelineEvent {
  at: Date;
  type: string;
  instanceId: string | null;
  pathwayKey: string | null;
  version: number | null;
  fromState: unknown;
  toState: unknown;
  revision: number | null;
  data: Record<string, unknown> | null;
  actorUserId: string | null;
  actorAgencyId: string | null;
  actorName: string | null;
}

export interface TimelineTaskEntry {
  at: Date;
  kind: string;
  taskId: string;
  title: string;
  agencyId: string | null;
  dueAt: Date | null;
  outcome: string | null;
  actorName: string | null;
}

export interface TimelineNotification {
  at: Date;
  notificationId: string;
  notificationKind: string;
  agencyId: string;
  title: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: Date | null;
  rule: RuleLike | null;
  delivery: Array<{ status: string }>;
}

export interface ReminderEntry {
  id: string;
  kind: string;
  agencyId: string;
  taskId: string | null;
  conferenceId: string | null;
  dueAt: Date;
  status: string;
  rule: RuleLike;
  generation: number;
  sentAt: Date | null;
  taskTitle: string | null;
  reference: string;
  delivery: Array<Record<string, unknown>>;
}

export interface TimerEntry {
  id: string;
  instanceId: string;
  pathway: string;
  event: string;
  timerId: string;
  dueAt: Date;
  status: string;
}

const DELIVERY_JSON = `coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts,
      'lastStatus', d.last_status, 'lastError', d.last_error, 'nextAttemptAt', d.next_attempt_at, 'deliveredAt', d.delivered_at)
      ORDER BY d.channel) FROM deliveries d WHERE d.notification_id = n.id), '[]')`;

/** `column = $2` for an agency's scope (its id the second parameter), `true` for everything. */
function scoped(scope: ActivityScope, column: string): { sql: string; params: unknown[] } {
  return 'all' in scope ? { sql: 'true', params: [] } : { sql: `${column} = $2`, params: [scope.agencyId] };
}

/** Read-only: what happened on a case and what is scheduled, from the tables their owners write. */
export const CaseActivityRepository = {
  /** The newest `limit` events of the case's log (task completions are told by the tasks). */
  async events(db: Db, caseId: string, limit: number): Promise<TimelineEvent[]> {
    return many<TimelineEvent>(
      db,
      `SELECT e.at, e.type, e.instance_id AS "instanceId", i.pathway_key AS "pathwayKey", i.version, e.from_state AS "fromState",
              e.to_state AS "toState", e.revision, e.data, e.actor_user_id AS "actorUserId", e.actor_agency_id AS "actorAgencyId",
              u.name AS "actorName"
         FROM case_events e LEFT JOIN pathway_instances i ON i.id = e.instance_id LEFT JOIN users u ON u.id = e.actor_user_id
        WHERE e.case_id = $1 AND e.type <> 'task.completed'
        ORDER BY e.at DESC, e.id DESC LIMIT ${Math.trunc(limit)}`,
      [caseId],
    );
  },

  /** The newest `limit` task entries (opened, completed, cancelled) in scope. */
  async taskEntries(db: Db, caseId: string, scope: ActivityScope, limit: number): Promise<TimelineTaskEntry[]> {
    const own = scoped(scope, 'x.assignee_agency_id');
    return many<TimelineTaskEntry>(
      db,
      `SELECT * FROM (
         SELECT x.created_at AS at, 'task_opened' AS kind, x.id AS "taskId", x.title, x.assignee_agency_id AS "agencyId", x.due_at AS "dueAt",
                NULL::text AS outcome, NULL::text AS "actorName"
           FROM tasks x WHERE x.case_id = $1 AND ${own.sql}
         UNION ALL
         SELECT x.completed_at, 'task_completed', x.id, x.title, x.assignee_agency_id, x.due_at, x.outcome, u.name
           FROM tasks x LEFT JOIN users u ON u.id = x.completed_by
          WHERE x.case_id = $1 AND x.status = 'done' AND ${own.sql}
         UNION ALL
         SELECT x.updated_at, 'task_cancelled', x.id, x.title, x.assignee_agency_id, x.due_at, NULL, NULL
           FROM tasks x WHERE x.case_id = $1 AND x.status = 'cancelled' AND ${own.sql}
       ) t ORDER BY at DESC LIMIT ${Math.trunc(limit)}`,
      [caseId, ...own.params],
    );
  },

  /** The newest `limit` notifications in scope, each with its deliveries. */
  async notifications(db: Db, caseId: string, scope: ActivityScope, limit: number): Promise<TimelineNotification[]> {
    const own = scoped(scope, 'n.agency_id');
    return many<TimelineNotification>(
      db,
      `SELECT n.created_at AS at, n.id AS "notificationId", n.kind AS "notificationKind", n.agency_id AS "agencyId", n.title,
              n.task_id AS "taskId", n.conference_id AS "conferenceId", n.due_at AS "dueAt", n.rule, ${DELIVERY_JSON} AS delivery
         FROM notifications n WHERE n.case_id = $1 AND ${own.sql}
        ORDER BY n.created_at DESC LIMIT ${Math.trunc(limit)}`,
      [caseId, ...own.params],
    );
  },

  /** The case's reminders in scope with these statuses (all when `statuses` is undefined), by due time, with their deliveries. */
  async reminders(db: Db, caseId: string, scope: ActivityScope, statuses: readonly string[] | undefined): Promise<ReminderEntry[]> {
    const params: unknown[] = [caseId];
    const where = ['r.case_id = $1'];
    if (!('all' in scope)) {
      params.push(scope.agencyId);
      where.push(`r.agency_id = $${params.length}`);
    }
    if (statuses) {
      params.push(statuses);
      where.push(`r.status = ANY($${params.length}::text[])`);
    }
    return many<ReminderEntry>(
      db,
      `SELECT r.id, r.kind, r.agency_id AS "agencyId", r.task_id AS "taskId", r.conference_id AS "conferenceId", r.due_at AS "dueAt",
              r.status, r.rule, r.generation, r.sent_at AS "sentAt", t.title AS "taskTitle", c.reference,
              coalesce((SELECT json_agg(d ORDER BY d.channel) FROM (
                 SELECT d.channel, d.status, d.attempts, d.last_status AS "lastStatus", d.last_error AS "lastError",
                        d.next_attempt_at AS "nextAttemptAt", d.delivered_at AS "deliveredAt"
                   FROM notifications n JOIN deliveries d ON d.notification_id = n.id WHERE n.reminder_id = r.id) d), '[]') AS delivery
         FROM reminders r JOIN cases c ON c.id = r.case_id LEFT JOIN tasks t ON t.id = r.task_id
        WHERE ${where.join(' AND ')} ORDER BY r.due_at, r.id`,
      params,
    );
  },

  /** The case's pathway timers with these statuses, by when they fire. */
  async timers(db: Db, caseId: string, statuses: readonly string[]): Promise<TimerEntry[]> {
    return many<TimerEntry>(
      db,
      `SELECT t.id, t.instance_id AS "instanceId", i.pathway_key AS pathway, t.event, t.timer_id AS "timerId", t.fire_at AS "dueAt", t.status
         FROM timers t JOIN pathway_instances i ON i.id = t.instance_id
        WHERE i.case_id = $1 AND t.status = ANY($2::text[]) ORDER BY t.fire_at, t.id`,
      [caseId, statuses],
    );
  },
};
