import { Injectable } from '@nestjs/common';
import { many, type Db } from '../db.js';
import { hasRole, type Actor } from '../identity/actor.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { conferenceTitle } from '../conferences/conference-title.js';
import { describeRule, type RuleLike } from '../notifications/notification-why.js';

export interface TimelineItem {
  at: Date;
  kind: string;
  [field: string]: unknown;
}

export type ReminderStatusFilter = 'pending' | 'sent' | 'cancelled' | 'skipped' | 'active' | 'all';

const DELIVERY_JSON = `coalesce((SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts,
      'lastStatus', d.last_status, 'lastError', d.last_error, 'nextAttemptAt', d.next_attempt_at, 'deliveredAt', d.delivered_at)
      ORDER BY d.channel) FROM deliveries d WHERE d.notification_id = n.id), '[]')`;

/** Conference entries of the event log, by the kind the timeline shows. */
const CONFERENCE_KINDS: Record<string, string> = {
  'conference.scheduled': 'conference_scheduled',
  'conference.rescheduled': 'conference_changed',
  'conference.attendance': 'conference_attendance',
  'conference.minutes': 'conference_minutes',
};

/**
 * What happened on a case and what is scheduled: the timeline merges the event log (transitions,
 * conferences), tasks and notifications; the reminder list shows each reminder with the status of
 * its deliveries. Agency staff see only their own agency's tasks, reminders and notifications.
 */
/** A `case_events` row with its instance and actor, as the timeline reads it. */
interface EventRow {
  at: Date;
  type: string;
  instance_id: string | null;
  pathway_key: string | null;
  version: number | null;
  from_state: unknown;
  to_state: unknown;
  revision: number | null;
  data: Record<string, unknown> | null;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  actor_name: string | null;
}

@Injectable()
export class CaseActivityService {
  constructor(
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** Newest first. */
  async timeline(db: Db, actor: Actor, caseId: string, page: { limit: number; offset: number }) {
    await this.access.assertCase(db, actor, caseId);
    const window = page.limit + page.offset;
    const manager = hasRole(actor, 'case_manager');
    const own = manager ? 'true' : 'x.agency_id = $2';
    const params = manager ? [caseId] : [caseId, actor.agencyId];
    const [events, tasks, notifications] = await Promise.all([
      many<EventRow>(
        db,
        `SELECT e.at, e.type, e.instance_id, i.pathway_key, i.version, e.from_state, e.to_state, e.revision, e.data,
                e.actor_user_id, e.actor_agency_id, u.name AS actor_name
           FROM case_events e LEFT JOIN pathway_instances i ON i.id = e.instance_id LEFT JOIN users u ON u.id = e.actor_user_id
          WHERE e.case_id = $1 AND e.type <> 'task.completed'
          ORDER BY e.at DESC, e.id DESC LIMIT ${window}`,
        [caseId],
      ),
      many<{ at: Date; kind: string; taskId: string; title: string; agencyId: string | null; dueAt: Date | null; outcome: string | null; actorName: string | null }>(
        db,
        `SELECT * FROM (
           SELECT x.created_at AS at, 'task_opened' AS kind, x.id AS "taskId", x.title, x.assignee_agency_id AS "agencyId", x.due_at AS "dueAt",
                  NULL::text AS outcome, NULL::text AS "actorName"
             FROM tasks x WHERE x.case_id = $1 AND ${own.replace('x.agency_id', 'x.assignee_agency_id')}
           UNION ALL
           SELECT x.completed_at, 'task_completed', x.id, x.title, x.assignee_agency_id, x.due_at, x.outcome, u.name
             FROM tasks x LEFT JOIN users u ON u.id = x.completed_by
            WHERE x.case_id = $1 AND x.status = 'done' AND ${own.replace('x.agency_id', 'x.assignee_agency_id')}
           UNION ALL
           SELECT x.updated_at, 'task_cancelled', x.id, x.title, x.assignee_agency_id, x.due_at, NULL, NULL
             FROM tasks x WHERE x.case_id = $1 AND x.status = 'cancelled' AND ${own.replace('x.agency_id', 'x.assignee_agency_id')}
         ) t ORDER BY at DESC LIMIT ${window}`,
        params,
      ),
      many<{ at: Date; notificationId: string; notificationKind: string; agencyId: string; title: string; taskId: string | null; conferenceId: string | null; dueAt: Date | null; rule: RuleLike | null; delivery: Array<{ status: string }> }>(
        db,
        `SELECT n.created_at AS at, n.id AS "notificationId", n.kind AS "notificationKind", n.agency_id AS "agencyId", n.title,
                n.task_id AS "taskId", n.conference_id AS "conferenceId", n.due_at AS "dueAt", n.rule, ${DELIVERY_JSON} AS delivery
           FROM notifications n WHERE n.case_id = $1 AND ${own.replace('x.agency_id', 'n.agency_id')}
          ORDER BY n.created_at DESC LIMIT ${window}`,
        params,
      ),
    ]);
    const items: TimelineItem[] = [
      ...events.map((e) => this.eventItem(e)),
      ...tasks.map(({ actorName, outcome, ...t }) => ({
        ...t,
        ...(t.kind === 'task_completed' ? { outcome, actor: actorName ? { name: actorName } : undefined } : {}),
      })),
      ...notifications.map(({ rule, ...n }) => ({
        kind: 'notification_sent',
        ...n,
        why: describeRule(n.notificationKind, n.title, rule),
        deliveryFailed: n.delivery.some((d) => d.status === 'dead'),
      })),
    ];
    items.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
    await this.audit.record(db, actor, { action: 'case.timeline', caseId, resource: 'case', resourceId: caseId });
    return { items: items.slice(page.offset, page.offset + page.limit) };
  }

  /** Reminders by due time; by default those still to come and those sent. */
  async reminders(db: Db, actor: Actor, caseId: string, status: ReminderStatusFilter = 'active') {
    await this.access.assertCase(db, actor, caseId);
    const manager = hasRole(actor, 'case_manager');
    const params: unknown[] = [caseId];
    const where = ['r.case_id = $1'];
    if (!manager) {
      params.push(actor.agencyId);
      where.push(`r.agency_id = $${params.length}`);
    }
    if (status === 'active') where.push(`r.status IN ('pending', 'sent')`);
    else if (status !== 'all') {
      params.push(status);
      where.push(`r.status = $${params.length}`);
    }
    const rows = await many<{
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
    }>(
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
    // The ledger also holds what the pathways themselves will do: their pending timers (a review's
    // 12-week clock, a no-answer timeout, retention). They belong to no agency: case managers see them.
    const timerStatuses = status === 'active' || status === 'pending' ? ['pending'] : status === 'all' ? ['pending', 'fired', 'cancelled', 'stale'] : [];
    const timers =
      manager && timerStatuses.length > 0
        ? await many<{ id: string; instanceId: string; pathway: string; event: string; timerId: string; dueAt: Date; status: string }>(
            db,
            `SELECT t.id, t.instance_id AS "instanceId", i.pathway_key AS pathway, t.event, t.timer_id AS "timerId", t.fire_at AS "dueAt", t.status
               FROM timers t JOIN pathway_instances i ON i.id = t.instance_id
              WHERE i.case_id = $1 AND t.status = ANY($2::text[]) ORDER BY t.fire_at, t.id`,
            [caseId, timerStatuses],
          )
        : [];
    await this.audit.record(db, actor, { action: 'case.reminders', caseId, resource: 'case', resourceId: caseId });
    const items: Array<Record<string, unknown> & { dueAt: Date; id: string }> = [
      ...rows.map(({ taskTitle, reference, ...r }) => {
        const title = taskTitle ?? conferenceTitle(reference);
        const reason = typeof r.rule?.cancelled === 'string' ? { reason: r.rule.cancelled } : {};
        return { ...r, title, why: describeRule(r.kind, title, r.rule), ...reason };
      }),
      ...timers.map((t) => ({ ...t, kind: 'timer', title: t.event, why: `Pathway ${t.pathway} moves on with ${t.event} at this time unless something else happens first` })),
    ];
    items.sort((a, b) => new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime() || a.id.localeCompare(b.id));
    return { items };
  }

  private eventItem(e: EventRow): TimelineItem {
    const actor = e.actor_user_id ? { userId: e.actor_user_id, agencyId: e.actor_agency_id, name: e.actor_name } : undefined;
    const system = typeof e.data?.system === 'string' ? e.data.system : undefined;
    const by = actor ? { actor } : system ? { system } : {};
    if (CONFERENCE_KINDS[e.type]) return { at: e.at, kind: CONFERENCE_KINDS[e.type], ...(e.data ?? {}), ...by };
    const pathway = e.instance_id ? { instanceId: e.instance_id, pathway: e.pathway_key, version: e.version } : {};
    if (e.type === 'pathway.started') return { at: e.at, kind: 'pathway_started', ...pathway, to: e.to_state, revision: e.revision, ...by };
    if (e.from_state !== null && e.from_state !== undefined) {
      const data = e.data && !('system' in e.data) ? { data: e.data } : {};
      return { at: e.at, kind: 'transition', event: e.type, ...pathway, from: e.from_state, to: e.to_state, revision: e.revision, ...data, ...by };
    }
    const data = e.data && !('system' in e.data) ? e.data : {};
    return { at: e.at, kind: e.type.replace(/\./g, '_'), ...pathway, ...data, ...by };
  }
}
