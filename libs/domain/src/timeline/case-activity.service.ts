import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Db } from '../db.js';
import { CaseActivityRepository, type ActivityScope, type TimelineEvent } from './case-activity.repository.js';
import { hasRole, type Actor } from '../identity/actor.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { conferenceTitle } from '../conferences/conference-title.js';
import { describeRule } from '../notifications/notification-why.js';
import { CaseNoteRepository } from '../governance/case-note.repository.js';

export interface TimelineItem {
  at: Date;
  kind: string;
  [field: string]: unknown;
}

export type ReminderStatusFilter = 'pending' | 'sent' | 'cancelled' | 'skipped' | 'active' | 'all';

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
@Injectable()
export class CaseActivityService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The timeline (newest first), in one transaction with its audit record. */
  timeline(actor: Actor, caseId: string, page: { limit: number; offset: number }) {
    return this.ds.transaction((tx) => this.timelineIn(tx, actor, caseId, page));
  }

  /** The reminder ledger, in one transaction with its audit record. */
  reminders(actor: Actor, caseId: string, status: ReminderStatusFilter = 'active') {
    return this.ds.transaction((tx) => this.remindersIn(tx, actor, caseId, status));
  }

  private async timelineIn(db: Db, actor: Actor, caseId: string, page: { limit: number; offset: number }) {
    await this.access.assertCase(db, actor, caseId);
    const window = page.limit + page.offset;
    const scope = this.scopeOf(actor);
    const [events, tasks, notifications, notes] = await Promise.all([
      CaseActivityRepository.events(db, caseId, window),
      CaseActivityRepository.taskEntries(db, caseId, scope, window),
      CaseActivityRepository.notifications(db, caseId, scope, window),
      // Notes the reader's agency may see: a restricted note of other agencies is absent here too.
      CaseNoteRepository.visible(db, caseId, actor.agencyId, { limit: window, offset: 0 }),
    ]);
    const items: TimelineItem[] = [
      ...events.map((e) => this.eventItem(e)),
      ...notes.map((n) => ({
        at: n.createdAt,
        kind: 'note',
        noteId: n.id,
        text: n.text,
        restrictedTo: n.restrictedTo,
        actor: n.authorUserId ? { userId: n.authorUserId, agencyId: n.authorAgencyId, name: n.authorName } : undefined,
      })),
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
  private async remindersIn(db: Db, actor: Actor, caseId: string, status: ReminderStatusFilter) {
    await this.access.assertCase(db, actor, caseId);
    const manager = hasRole(actor, 'case_manager');
    const statuses = status === 'active' ? ['pending', 'sent'] : status === 'all' ? undefined : [status];
    const rows = await CaseActivityRepository.reminders(db, caseId, this.scopeOf(actor), statuses);
    // The ledger also holds what the pathways themselves will do: their pending timers (a review's
    // 12-week clock, a no-answer timeout, retention). They belong to no agency: case managers see them.
    const timerStatuses = status === 'active' || status === 'pending' ? ['pending'] : status === 'all' ? ['pending', 'fired', 'cancelled', 'stale'] : [];
    const timers = manager && timerStatuses.length > 0 ? await CaseActivityRepository.timers(db, caseId, timerStatuses) : [];
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

  /** Case managers see every agency's entries; agency staff their own agency's. */
  private scopeOf(actor: Actor): ActivityScope {
    return hasRole(actor, 'case_manager') ? { all: true } : { agencyId: actor.agencyId };
  }

  private eventItem(e: TimelineEvent): TimelineItem {
    const actor = e.actorUserId ? { userId: e.actorUserId, agencyId: e.actorAgencyId, name: e.actorName } : undefined;
    const system = typeof e.data?.system === 'string' ? e.data.system : undefined;
    const by = actor ? { actor } : system ? { system } : {};
    const conferenceKind = CONFERENCE_KINDS[e.type];
    if (conferenceKind) return { at: e.at, kind: conferenceKind, ...(e.data ?? {}), ...by };
    const pathway = e.instanceId ? { instanceId: e.instanceId, pathway: e.pathwayKey, version: e.version } : {};
    if (e.type === 'pathway.started') return { at: e.at, kind: 'pathway_started', ...pathway, to: e.toState, revision: e.revision, ...by };
    if (e.fromState !== null && e.fromState !== undefined) {
      const data = e.data && !('system' in e.data) ? { data: e.data } : {};
      return { at: e.at, kind: 'transition', event: e.type, ...pathway, from: e.fromState, to: e.toState, revision: e.revision, ...data, ...by };
    }
    const data = e.data && !('system' in e.data) ? e.data : {};
    return { at: e.at, kind: e.type.replace(/\./g, '_'), ...pathway, ...data, ...by };
  }
}
