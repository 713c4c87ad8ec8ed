import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock, DomainError } from '#core';
import { conferenceInvite, conferenceTitleIn, openLinkLabel } from '#notifications';
import type { TaskSpec } from '#engine';
import { transaction, type Db } from '../db.js';
import type { RunOnce } from '../idempotency/idempotency.service.js';
import type { Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { loadCaseContext, type CaseContext } from '../cases/case-context.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { InstanceService } from '../instances/instance.service.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { ReminderRepository } from '../reminders/reminder.repository.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { ConferenceKeyDate } from './conference-key-date.js';
import { ConferenceRepository, type Conference, type Decision } from './conference.repository.js';
import { DEFAULT_CONFERENCE_REMINDERS, planConferenceReminders, type Invitee } from './conference-reminders.js';
import { conferenceTitle, conferenceUid } from './conference-title.js';

export interface ScheduleConferenceInput {
  scheduledAt: Date;
  durationMinutes?: number;
  location?: string;
  /** Invited agencies; default every agency taking part in the case. */
  agencyIds?: string[];
  /** Offsets before the meeting (`-P1D`, `-PT2H`); default {@link DEFAULT_CONFERENCE_REMINDERS}. */
  reminders?: string[];
}

export type { Decision };

export interface MinutesInput {
  text: string;
  decisions: Decision[];
  actions: Array<{ title: string; agencyId: string; dueAt: Date }>;
}

/** Reminders of an action agreed at a conference: the day before, on the day, escalation two days late. */
const ACTION_SPEC: Omit<TaskSpec, 'title' | 'assignee'> = {
  key: 'conference-action',
  reminders: ['-P1D', 'P0D'],
  escalation: { after: 'P2D', to: { role: 'coordinator' } },
};

/**
 * Case conferences: scheduling with invitations and reminders, moving them (everything counted from
 * the conference date moves in the same transaction), attendance (which `quorumMet` guards read)
 * and minutes whose actions become agency tasks. Case managers change conferences; everyone who
 * sees the case sees them.
 */
@Injectable()
export class ConferenceService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly instances: InstanceService,
    private readonly notifications: NotificationWriter,
    private readonly reminders: ReminderWriter,
    private readonly keyDate: ConferenceKeyDate,
    private readonly clock: Clock,
  ) {}

  /** The use case: once per `Idempotency-Key`. */
  schedule(actor: Actor, caseId: string, input: ScheduleConferenceInput, once: RunOnce) {
    return once((tx) => this.scheduleIn(tx, actor, caseId, input), () => this.list(actor, caseId));
  }

  private async scheduleIn(tx: Db, actor: Actor, caseId: string, input: ScheduleConferenceInput) {
    await this.access.assertCase(tx, actor, caseId);
    this.access.assertCaseManager(actor);
    const ctx = (await loadCaseContext(tx, caseId, true))!;
    if (ctx.case.status !== 'open') throw new DomainError('conflict', 'The case is closed');
    const participating = [...new Set(ctx.participants.map((p) => p.agencyId))];
    const agencyIds = [...new Set(input.agencyIds ?? participating)];
    this.assertParticipants(ctx, agencyIds, (i) => `$.agencyIds[${i}]`);
    const now = this.clock.now();
    const row = await ConferenceRepository.insert(tx, {
      caseId,
      scheduledAt: input.scheduledAt,
      durationMinutes: input.durationMinutes ?? 60,
      location: input.location ?? null,
      createdBy: actor.userId,
    });
    await ConferenceRepository.invite(tx, row.id, agencyIds);
    const invitees = await this.invitees(tx, row.id);
    await this.reminders.insert(
      tx,
      caseId,
      { conferenceId: row.id },
      planConferenceReminders({ id: row.id, scheduledAt: input.scheduledAt }, invitees, input.reminders ?? DEFAULT_CONFERENCE_REMINDERS, now),
    );
    for (const invitee of invitees) {
      await this.notifications.create(tx, {
        caseId,
        agencyId: invitee.agencyId,
        kind: 'conference_invitation',
        title: conferenceTitle(ctx.case.reference),
        conferenceId: row.id,
        dueAt: input.scheduledAt,
        rule: { source: 'conference', conference: row.id, kind: 'conference_invitation', sequence: row.sequence },
        dedupeKey: `conference_invitation:${row.id}:${invitee.agencyId}`,
      });
    }
    await this.logEvent(tx, actor, caseId, 'conference.scheduled', {
      conferenceId: row.id,
      title: conferenceTitle(ctx.case.reference),
      scheduledAt: input.scheduledAt.toISOString(),
      agencyIds,
    });
    const moved = await this.keyDate.sync(tx, caseId, now);
    await this.reevaluate(tx, actor, caseId);
    await this.audit.record(tx, actor, {
      action: 'conference.create',
      caseId,
      resource: 'conference',
      resourceId: row.id,
      detail: { invited: agencyIds.length, tasksMoved: moved.length },
    });
    return this.view(tx, row.id, actor.agencyId);
  }

  /**
   * Moves a conference: SEQUENCE goes up (calendars replace the entry), its reminders and the due
   * dates counted from it move in this transaction, and every invitee is told.
   */
  reschedule(actor: Actor, conferenceId: string, input: { scheduledAt: Date; durationMinutes?: number; location?: string }) {
    return transaction(this.ds, (tx) => this.move(tx, actor, conferenceId, input));
  }

  private async move(tx: Db, actor: Actor, conferenceId: string, input: { scheduledAt: Date; durationMinutes?: number; location?: string }) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status !== 'scheduled') throw new DomainError('conflict', `The conference is ${conf.status}; it can no longer be moved`);
    const unchanged =
      new Date(conf.scheduledAt).getTime() === input.scheduledAt.getTime() &&
      (input.durationMinutes === undefined || input.durationMinutes === conf.durationMinutes) &&
      (input.location === undefined || input.location === conf.location);
    if (unchanged) return this.view(tx, conferenceId, actor.agencyId);
    const now = this.clock.now();
    const updated = await ConferenceRepository.reschedule(tx, conferenceId, input);
    const ctx = (await loadCaseContext(tx, conf.caseId))!;
    const invitees = await this.invitees(tx, conferenceId);
    const offsets = await ReminderRepository.conferenceOffsets(tx, conferenceId);
    const planned = planConferenceReminders(
      { id: conferenceId, scheduledAt: input.scheduledAt },
      invitees,
      offsets,
      now,
    );
    const reminders = await this.reminders.replan(tx, conf.caseId, { conferenceId }, planned);
    for (const invitee of invitees) {
      await this.notifications.create(tx, {
        caseId: conf.caseId,
        agencyId: invitee.agencyId,
        kind: 'conference_changed',
        title: conferenceTitle(ctx.case.reference),
        conferenceId,
        dueAt: input.scheduledAt,
        rule: { source: 'conference', conference: conferenceId, kind: 'conference_changed', sequence: updated.sequence },
        dedupeKey: `conference_changed:${conferenceId}:${updated.sequence}:${invitee.agencyId}`,
      });
    }
    await this.logEvent(tx, actor, conf.caseId, 'conference.rescheduled', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      from: new Date(conf.scheduledAt).toISOString(),
      to: input.scheduledAt.toISOString(),
      sequence: updated.sequence,
    });
    const moved = await this.keyDate.sync(tx, conf.caseId, now);
    await this.reevaluate(tx, actor, conf.caseId);
    await this.audit.record(tx, actor, {
      action: 'conference.reschedule',
      caseId: conf.caseId,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { sequence: updated.sequence, remindersMoved: reminders.moved, tasksMoved: moved.length },
    });
    return this.view(tx, conferenceId, actor.agencyId);
  }

  /**
   * Cancels a scheduled conference: its pending reminders are cancelled, each invitee gets
   * `conference_changed` (its calendar file now says METHOD:CANCEL with a higher SEQUENCE), and the
   * case's `conferenceDate` moves to the next conference still ahead.
   */
  /** The use case: once per `Idempotency-Key`. */
  cancel(actor: Actor, conferenceId: string, input: { reason?: string }, once: RunOnce) {
    return once((tx) => this.cancelIn(tx, actor, conferenceId, input), () => this.get(actor, conferenceId));
  }

  private async cancelIn(tx: Db, actor: Actor, conferenceId: string, input: { reason?: string } = {}) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') return this.view(tx, conferenceId, actor.agencyId);
    if (conf.status !== 'scheduled') throw new DomainError('conflict', `The conference is ${conf.status}; it can no longer be cancelled`);
    const now = this.clock.now();
    const updated = await ConferenceRepository.cancel(tx, conferenceId);
    const cancelled = await this.reminders.cancelForConference(tx, conferenceId);
    const ctx = (await loadCaseContext(tx, conf.caseId))!;
    for (const invitee of await this.invitees(tx, conferenceId)) {
      await this.notifications.create(tx, {
        caseId: conf.caseId,
        agencyId: invitee.agencyId,
        kind: 'conference_changed',
        title: conferenceTitle(ctx.case.reference),
        conferenceId,
        dueAt: new Date(conf.scheduledAt),
        rule: { source: 'conference', conference: conferenceId, kind: 'conference_changed', sequence: updated.sequence, cancelled: true },
        dedupeKey: `conference_changed:${conferenceId}:${updated.sequence}:${invitee.agencyId}`,
      });
    }
    await this.logEvent(tx, actor, conf.caseId, 'conference.cancelled', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      scheduledAt: new Date(conf.scheduledAt).toISOString(),
      sequence: updated.sequence,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    await this.keyDate.sync(tx, conf.caseId, now);
    await this.audit.record(tx, actor, {
      action: 'conference.cancel',
      caseId: conf.caseId,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { sequence: updated.sequence, remindersCancelled: cancelled },
    });
    return this.view(tx, conferenceId, actor.agencyId);
  }

  /** Records whether an agency attended (or sent apologies); guards such as `quorumMet` are re-evaluated. */
  /** The use case: once per `Idempotency-Key`. */
  recordAttendance(actor: Actor, conferenceId: string, input: { agencyId: string; attended: boolean; apologies?: string }, once: RunOnce) {
    return once((tx) => this.recordAttendanceIn(tx, actor, conferenceId, input), () => this.get(actor, conferenceId));
  }

  private async recordAttendanceIn(tx: Db, actor: Actor, conferenceId: string, input: { agencyId: string; attended: boolean; apologies?: string }) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') throw new DomainError('conflict', 'The conference was cancelled');
    const ctx = (await loadCaseContext(tx, conf.caseId))!;
    this.assertParticipants(ctx, [input.agencyId], () => '$.agencyId');
    await ConferenceRepository.recordAttendance(tx, conferenceId, { agencyId: input.agencyId, attended: input.attended, apologies: input.apologies ?? null });
    await this.logEvent(tx, actor, conf.caseId, 'conference.attendance', {
      conferenceId,
      agencyId: input.agencyId,
      attended: input.attended,
      apologies: input.apologies !== undefined,
    });
    await this.audit.record(tx, actor, {
      action: 'conference.attendance',
      caseId: conf.caseId,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { agencyId: input.agencyId, attended: input.attended },
    });
    await this.reevaluate(tx, actor, conf.caseId);
    return this.view(tx, conferenceId, actor.agencyId);
  }

  /**
   * Records the minutes: the conference is held (its own reminders stop) and each action becomes a
   * task for its agency, with reminders. Recording again replaces text and decisions and adds the
   * new actions.
   */
  /** The use case: once per `Idempotency-Key`. */
  recordMinutes(actor: Actor, conferenceId: string, input: MinutesInput, once: RunOnce) {
    return once((tx) => this.recordMinutesIn(tx, actor, conferenceId, input), () => this.get(actor, conferenceId));
  }

  private async recordMinutesIn(tx: Db, actor: Actor, conferenceId: string, input: MinutesInput) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') throw new DomainError('conflict', 'The conference was cancelled');
    const ctx = (await loadCaseContext(tx, conf.caseId))!;
    if (input.actions.length > 0 && ctx.case.status !== 'open') throw new DomainError('conflict', 'The case is closed');
    this.assertParticipants(ctx, input.actions.map((a) => a.agencyId), (i) => `$.actions[${i}].agencyId`);
    const now = this.clock.now();
    const decisions = this.restrictDecisions(ctx, actor, input.decisions);
    await ConferenceRepository.recordMinutes(tx, conferenceId, { text: input.text, decisions, userId: actor.userId });
    await this.reminders.cancelForConference(tx, conferenceId);
    const taskIds: string[] = [];
    for (const action of input.actions) taskIds.push(await this.openAction(tx, ctx, conferenceId, action, now));
    await this.logEvent(tx, actor, conf.caseId, 'conference.minutes', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      // Every agency reads the event log: restricted decisions are not counted there.
      decisions: input.decisions.filter((d) => typeof d === 'string' || !d.restrictedTo).length,
      actions: taskIds.length,
    });
    await this.keyDate.sync(tx, conf.caseId, now);
    await this.reevaluate(tx, actor, conf.caseId);
    await this.audit.record(tx, actor, {
      action: 'conference.minutes',
      caseId: conf.caseId,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { decisions: input.decisions.length, actions: taskIds.length },
    });
    return this.view(tx, conferenceId, actor.agencyId);
  }

  /** One conference with invitees, attendance and minutes; the read is audited. */
  get(actor: Actor, conferenceId: string) {
    return transaction(this.ds, async (tx) => {
      const conf = await this.load(tx, actor, conferenceId);
      await this.audit.record(tx, actor, { action: 'conference.read', caseId: conf.caseId, resource: 'conference', resourceId: conferenceId });
      return this.view(tx, conferenceId, actor.agencyId);
    });
  }

  /** The case's conferences, latest first; the read is audited (`conference.list`, the ids shown). */
  list(actor: Actor, caseId: string) {
    return transaction(this.ds, async (db) => {
      await this.access.assertCase(db, actor, caseId);
      const items = [];
      for (const id of await ConferenceRepository.idsOfCase(db, caseId)) items.push(await this.view(db, id, actor.agencyId));
      await this.audit.record(db, actor, { action: 'conference.list', caseId, resource: 'conference', detail: { ids: items.map((c) => c.id) } });
      return { items };
    });
  }

  /** The invitation as the caller may download it; the download is audited. */
  invitation(actor: Actor, conferenceId: string): Promise<string> {
    return transaction(this.ds, async (tx) => {
      const conf = await this.load(tx, actor, conferenceId);
      await this.audit.record(tx, actor, { action: 'conference.invite', caseId: conf.caseId, resource: 'conference', resourceId: conferenceId });
      return this.calendar(tx, conferenceId);
    });
  }

  /**
   * RFC 5545 text of the conference as it stands: stable UID, SEQUENCE raised by every move, a link
   * instead of case content, the lead agency as organizer and invited agencies with an email address.
   */
  /** The invitation as iCalendar, worded in `locale` (the receiving agency's; English by default). */
  async calendar(db: Db, conferenceId: string, locale?: string): Promise<string> {
    const c = await ConferenceRepository.invitation(db, conferenceId);
    if (!c) throw new DomainError('not_found', 'Conference not found');
    const attendees = await ConferenceRepository.attendees(db, conferenceId);
    const link = this.notifications.linkFor({ caseId: c.caseId, conferenceId });
    return conferenceInvite({
      uid: conferenceUid(c.id),
      sequence: c.sequence,
      start: new Date(c.scheduledAt),
      durationMinutes: c.durationMinutes,
      title: locale ? conferenceTitleIn(locale, c.caseReference) : conferenceTitle(c.caseReference),
      location: c.location ?? undefined,
      description: `${openLinkLabel(locale)}: ${link}`,
      url: link,
      organizer: c.leadEmail ? { name: c.leadName, email: c.leadEmail } : undefined,
      attendees: attendees.map((a) => ({ name: a.name, email: a.email ?? undefined })),
      method: c.status === 'cancelled' ? 'CANCEL' : 'REQUEST',
    });
  }

  /** The conference as the API shows it to `viewer` (an agency): decisions restricted to other agencies are absent. */
  async view(db: Db, conferenceId: string, viewer: string | null | { all: true }) {
    const c = await ConferenceRepository.detail(db, conferenceId, viewer);
    if (!c) throw new DomainError('not_found', 'Conference not found');
    const invitees = await ConferenceRepository.invitees(db, conferenceId);
    const actions = await TaskRepository.conferenceActions(db, conferenceId);
    return {
      id: c.id,
      caseId: c.caseId,
      caseReference: c.caseReference,
      title: conferenceTitle(c.caseReference),
      scheduledAt: c.scheduledAt,
      durationMinutes: c.durationMinutes,
      location: c.location,
      status: c.status,
      sequence: c.sequence,
      uid: conferenceUid(c.id),
      agencyIds: invitees.map((i) => i.agencyId),
      invitees,
      attendance: invitees.filter((i) => i.attended !== null).map((i) => ({ agencyId: i.agencyId, attended: i.attended, apologies: i.apologies })),
      minutes: c.minutesRecordedAt
        ? { text: c.minutesText, decisions: c.decisions ?? [], actions, recordedAt: c.minutesRecordedAt }
        : null,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }

  /** The conference row, if the actor may see its case (404 otherwise, whether unknown or hidden). */
  private async load(db: Db, actor: Actor, conferenceId: string, lock = false): Promise<Conference> {
    if (!isUuid(conferenceId)) throw new DomainError('not_found', 'Conference not found');
    const row = await ConferenceRepository.get(db, conferenceId, { lock });
    if (!row) throw new DomainError('not_found', 'Conference not found');
    try {
      await this.access.assertCase(db, actor, row.caseId);
    } catch {
      throw new DomainError('not_found', 'Conference not found');
    }
    return row;
  }

  private invitees(db: Db, conferenceId: string): Promise<Invitee[]> {
    return ConferenceRepository.inviteeCalendars(db, conferenceId);
  }

  private async openAction(tx: Db, ctx: CaseContext, conferenceId: string, action: MinutesInput['actions'][number], now: Date): Promise<string> {
    const role = ctx.participants.find((p) => p.agencyId === action.agencyId)!.role;
    const spec: TaskSpec = { ...ACTION_SPEC, title: action.title, assignee: { role } };
    const [task] = await TaskRepository.open(
      tx,
      { caseId: ctx.case.id, instanceId: null, conferenceId, stateId: null, spec, dueAt: action.dueAt },
      [action.agencyId],
    );
    if (!task) throw new Error('opening a conference action task returned no row');
    const base = { source: 'conference' as const, conference: conferenceId, task: spec.key };
    await this.reminders.insert(
      tx,
      ctx.case.id,
      { taskId: task.id },
      this.reminders.planForTask(ctx, { agencyId: action.agencyId, dueAt: action.dueAt, spec }, base, now),
    );
    await this.notifications.create(tx, {
      caseId: ctx.case.id,
      agencyId: action.agencyId,
      kind: 'task_assigned',
      title: action.title,
      taskId: task.id,
      conferenceId,
      dueAt: action.dueAt,
      rule: { ...base, kind: 'task_assigned' },
      dedupeKey: `task_assigned:${task.id}`,
    });
    return task.id;
  }

  /** Restricted decisions name agencies of the case; the recorder's agency is always among them. */
  private restrictDecisions(ctx: CaseContext, actor: Actor, decisions: Decision[]): Decision[] {
    return decisions.map((d, i) => {
      if (typeof d === 'string' || !d.restrictedTo) return d;
      this.assertParticipants(ctx, d.restrictedTo, (j) => `$.decisions[${i}].restrictedTo[${j}]`);
      return { ...d, restrictedTo: [...new Set([...(actor.agencyId ? [actor.agencyId] : []), ...d.restrictedTo])] };
    });
  }

  private assertParticipants(ctx: CaseContext, agencyIds: string[], path: (index: number) => string): void {
    const errors = agencyIds
      .map((id, i) => (ctx.participants.some((p) => p.agencyId === id) ? null : { path: path(i), message: 'this agency does not take part in the case' }))
      .filter((e): e is { path: string; message: string } => e !== null);
    if (errors.length > 0) throw new DomainError('unprocessable', 'Only agencies taking part in the case may be named', { errors });
  }

  private async reevaluate(tx: Db, actor: Actor, caseId: string): Promise<void> {
    for (const instanceId of await InstanceRepository.activeIdsForCase(tx, caseId)) await this.instances.reevaluate(tx, instanceId, { actor });
  }

  private async logEvent(tx: Db, actor: Actor, caseId: string, type: string, data: Record<string, unknown>): Promise<void> {
    await CaseEventRepository.append(tx, { caseId, type, actorUserId: actor.userId, actorAgencyId: actor.agencyId, data });
  }
}
