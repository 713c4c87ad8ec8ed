import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../core/src/clock/clock.js';
import { APP_CONFIG } from '../../../core/src/config/config.module.js';
import type { AppConfig } from '../../../core/src/config/config.schema.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { conferenceInvite, conferenceTitleIn, openLinkLabel } from '../../../notifications/src/index.js';
import type { TaskSpec } from '../../../engine/src/index.js';
import { many, one, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { loadCaseContext, type CaseContext } from '../cases/case-context.js';
import { InstanceService } from '../instances/instance.service.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { ConferenceKeyDate } from './conference-key-date.js';
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

export type Decision = string | { text: string; rationale?: string; dissent?: string };

export interface MinutesInput {
  text: string;
  decisions: Decision[];
  actions: Array<{ title: string; agencyId: string; dueAt: Date }>;
}

interface ConferenceRow {
  id: string;
  case_id: string;
  scheduled_at: Date;
  duration_minutes: number;
  location: string | null;
  status: 'scheduled' | 'held' | 'cancelled';
  sequence: number;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly instances: InstanceService,
    private readonly notifications: NotificationWriter,
    private readonly reminders: ReminderWriter,
    private readonly keyDate: ConferenceKeyDate,
    private readonly clock: Clock,
  ) {}

  async schedule(tx: Db, actor: Actor, caseId: string, input: ScheduleConferenceInput) {
    await this.access.assertCase(tx, actor, caseId);
    this.access.assertCaseManager(actor);
    const ctx = (await loadCaseContext(tx, caseId, true))!;
    if (ctx.case.status !== 'open') throw new DomainError('conflict', 'The case is closed');
    const participating = [...new Set(ctx.participants.map((p) => p.agency_id))];
    const agencyIds = [...new Set(input.agencyIds ?? participating)];
    this.assertParticipants(ctx, agencyIds, (i) => `$.agencyIds[${i}]`);
    const now = this.clock.now();
    const row = (await one<ConferenceRow>(
      tx,
      `INSERT INTO conferences (case_id, scheduled_at, duration_minutes, location, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, case_id, scheduled_at, duration_minutes, location, status, sequence`,
      [caseId, input.scheduledAt, input.durationMinutes ?? 60, input.location ?? null, actor.userId],
    ))!;
    await tx.query(
      `INSERT INTO conference_invitees (conference_id, agency_id) SELECT $1, unnest($2::uuid[])`,
      [row.id, agencyIds],
    );
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
    return this.view(tx, row.id);
  }

  /**
   * Moves a conference: SEQUENCE goes up (calendars replace the entry), its reminders and the due
   * dates counted from it move in this transaction, and every invitee is told.
   */
  async reschedule(tx: Db, actor: Actor, conferenceId: string, input: { scheduledAt: Date; durationMinutes?: number; location?: string }) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status !== 'scheduled') throw new DomainError('conflict', `The conference is ${conf.status}; it can no longer be moved`);
    const unchanged =
      new Date(conf.scheduled_at).getTime() === input.scheduledAt.getTime() &&
      (input.durationMinutes === undefined || input.durationMinutes === conf.duration_minutes) &&
      (input.location === undefined || input.location === conf.location);
    if (unchanged) return this.view(tx, conferenceId);
    const now = this.clock.now();
    const updated = (await one<ConferenceRow>(
      tx,
      `UPDATE conferences SET scheduled_at = $2, duration_minutes = coalesce($3, duration_minutes),
              location = coalesce($4, location), sequence = sequence + 1, updated_at = now()
        WHERE id = $1 RETURNING id, case_id, scheduled_at, duration_minutes, location, status, sequence`,
      [conferenceId, input.scheduledAt, input.durationMinutes ?? null, input.location ?? null],
    ))!;
    const ctx = (await loadCaseContext(tx, conf.case_id))!;
    const invitees = await this.invitees(tx, conferenceId);
    const offsets = await many<{ offset: string }>(
      tx,
      `SELECT DISTINCT rule->>'offset' AS offset FROM reminders WHERE conference_id = $1 AND task_id IS NULL ORDER BY 1`,
      [conferenceId],
    );
    const planned = planConferenceReminders(
      { id: conferenceId, scheduledAt: input.scheduledAt },
      invitees,
      offsets.map((o) => o.offset),
      now,
    );
    const reminders = await this.reminders.replan(tx, conf.case_id, { conferenceId }, planned);
    for (const invitee of invitees) {
      await this.notifications.create(tx, {
        caseId: conf.case_id,
        agencyId: invitee.agencyId,
        kind: 'conference_changed',
        title: conferenceTitle(ctx.case.reference),
        conferenceId,
        dueAt: input.scheduledAt,
        rule: { source: 'conference', conference: conferenceId, kind: 'conference_changed', sequence: updated.sequence },
        dedupeKey: `conference_changed:${conferenceId}:${updated.sequence}:${invitee.agencyId}`,
      });
    }
    await this.logEvent(tx, actor, conf.case_id, 'conference.rescheduled', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      from: new Date(conf.scheduled_at).toISOString(),
      to: input.scheduledAt.toISOString(),
      sequence: updated.sequence,
    });
    const moved = await this.keyDate.sync(tx, conf.case_id, now);
    await this.reevaluate(tx, actor, conf.case_id);
    await this.audit.record(tx, actor, {
      action: 'conference.reschedule',
      caseId: conf.case_id,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { sequence: updated.sequence, remindersMoved: reminders.moved, tasksMoved: moved.length },
    });
    return this.view(tx, conferenceId);
  }

  /**
   * Cancels a scheduled conference: its pending reminders are cancelled, each invitee gets
   * `conference_changed` (its calendar file now says METHOD:CANCEL with a higher SEQUENCE), and the
   * case's `conferenceDate` moves to the next conference still ahead.
   */
  async cancel(tx: Db, actor: Actor, conferenceId: string, input: { reason?: string } = {}) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') return this.view(tx, conferenceId);
    if (conf.status !== 'scheduled') throw new DomainError('conflict', `The conference is ${conf.status}; it can no longer be cancelled`);
    const now = this.clock.now();
    const updated = (await one<ConferenceRow>(
      tx,
      `UPDATE conferences SET status = 'cancelled', sequence = sequence + 1, updated_at = now()
        WHERE id = $1 RETURNING id, case_id, scheduled_at, duration_minutes, location, status, sequence`,
      [conferenceId],
    ))!;
    const cancelled = await this.reminders.cancelForConference(tx, conferenceId);
    const ctx = (await loadCaseContext(tx, conf.case_id))!;
    for (const invitee of await this.invitees(tx, conferenceId)) {
      await this.notifications.create(tx, {
        caseId: conf.case_id,
        agencyId: invitee.agencyId,
        kind: 'conference_changed',
        title: conferenceTitle(ctx.case.reference),
        conferenceId,
        dueAt: new Date(conf.scheduled_at),
        rule: { source: 'conference', conference: conferenceId, kind: 'conference_changed', sequence: updated.sequence, cancelled: true },
        dedupeKey: `conference_changed:${conferenceId}:${updated.sequence}:${invitee.agencyId}`,
      });
    }
    await this.logEvent(tx, actor, conf.case_id, 'conference.cancelled', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      scheduledAt: new Date(conf.scheduled_at).toISOString(),
      sequence: updated.sequence,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    await this.keyDate.sync(tx, conf.case_id, now);
    await this.audit.record(tx, actor, {
      action: 'conference.cancel',
      caseId: conf.case_id,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { sequence: updated.sequence, remindersCancelled: cancelled },
    });
    return this.view(tx, conferenceId);
  }

  /** Records whether an agency attended (or sent apologies); guards such as `quorumMet` are re-evaluated. */
  async recordAttendance(tx: Db, actor: Actor, conferenceId: string, input: { agencyId: string; attended: boolean; apologies?: string }) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') throw new DomainError('conflict', 'The conference was cancelled');
    const ctx = (await loadCaseContext(tx, conf.case_id))!;
    this.assertParticipants(ctx, [input.agencyId], () => '$.agencyId');
    await tx.query(
      `INSERT INTO conference_invitees (conference_id, agency_id, attended, apologies, recorded_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (conference_id, agency_id) DO UPDATE SET attended = EXCLUDED.attended, apologies = EXCLUDED.apologies, recorded_at = now()`,
      [conferenceId, input.agencyId, input.attended, input.apologies ?? null],
    );
    await this.logEvent(tx, actor, conf.case_id, 'conference.attendance', {
      conferenceId,
      agencyId: input.agencyId,
      attended: input.attended,
      apologies: input.apologies !== undefined,
    });
    await this.audit.record(tx, actor, {
      action: 'conference.attendance',
      caseId: conf.case_id,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { agencyId: input.agencyId, attended: input.attended },
    });
    await this.reevaluate(tx, actor, conf.case_id);
    return this.view(tx, conferenceId);
  }

  /**
   * Records the minutes: the conference is held (its own reminders stop) and each action becomes a
   * task for its agency, with reminders. Recording again replaces text and decisions and adds the
   * new actions.
   */
  async recordMinutes(tx: Db, actor: Actor, conferenceId: string, input: MinutesInput) {
    const conf = await this.load(tx, actor, conferenceId, true);
    this.access.assertCaseManager(actor);
    if (conf.status === 'cancelled') throw new DomainError('conflict', 'The conference was cancelled');
    const ctx = (await loadCaseContext(tx, conf.case_id))!;
    if (input.actions.length > 0 && ctx.case.status !== 'open') throw new DomainError('conflict', 'The case is closed');
    this.assertParticipants(ctx, input.actions.map((a) => a.agencyId), (i) => `$.actions[${i}].agencyId`);
    const now = this.clock.now();
    await tx.query(
      `UPDATE conferences SET minutes_text = $2, decisions = $3, minutes_recorded_at = now(), minutes_recorded_by = $4,
              status = 'held', updated_at = now() WHERE id = $1`,
      [conferenceId, input.text, JSON.stringify(input.decisions), actor.userId],
    );
    await this.reminders.cancelForConference(tx, conferenceId);
    const taskIds: string[] = [];
    for (const action of input.actions) taskIds.push(await this.openAction(tx, ctx, conferenceId, action, now));
    await this.logEvent(tx, actor, conf.case_id, 'conference.minutes', {
      conferenceId,
      title: conferenceTitle(ctx.case.reference),
      decisions: input.decisions.length,
      actions: taskIds.length,
    });
    await this.keyDate.sync(tx, conf.case_id, now);
    await this.reevaluate(tx, actor, conf.case_id);
    await this.audit.record(tx, actor, {
      action: 'conference.minutes',
      caseId: conf.case_id,
      resource: 'conference',
      resourceId: conferenceId,
      detail: { decisions: input.decisions.length, actions: taskIds.length },
    });
    return this.view(tx, conferenceId);
  }

  async get(db: Db, actor: Actor, conferenceId: string) {
    const conf = await this.load(db, actor, conferenceId);
    await this.audit.record(db, actor, { action: 'conference.read', caseId: conf.case_id, resource: 'conference', resourceId: conferenceId });
    return this.view(db, conferenceId);
  }

  async list(db: Db, actor: Actor, caseId: string) {
    await this.access.assertCase(db, actor, caseId);
    const ids = await many<{ id: string }>(db, `SELECT id FROM conferences WHERE case_id = $1 ORDER BY scheduled_at DESC, id`, [caseId]);
    const items = [];
    for (const { id } of ids) items.push(await this.view(db, id));
    return { items };
  }

  /** The invitation as the caller may download it. */
  async invitation(db: Db, actor: Actor, conferenceId: string): Promise<string> {
    const conf = await this.load(db, actor, conferenceId);
    await this.audit.record(db, actor, { action: 'conference.invite', caseId: conf.case_id, resource: 'conference', resourceId: conferenceId });
    return this.calendar(db, conferenceId);
  }

  /**
   * RFC 5545 text of the conference as it stands: stable UID, SEQUENCE raised by every move, a link
   * instead of case content, the lead agency as organizer and invited agencies with an email address.
   */
  /** The invitation as iCalendar, worded in `locale` (the receiving agency's; English by default). */
  async calendar(db: Db, conferenceId: string, locale?: string): Promise<string> {
    const c = await one<ConferenceRow & { reference: string; lead_name: string; lead_email: string | null }>(
      db,
      `SELECT f.id, f.case_id, f.scheduled_at, f.duration_minutes, f.location, f.status, f.sequence,
              c.reference, a.name AS lead_name, a.email AS lead_email
         FROM conferences f JOIN cases c ON c.id = f.case_id JOIN agencies a ON a.id = c.lead_agency_id
        WHERE f.id = $1`,
      [conferenceId],
    );
    if (!c) throw new DomainError('not_found', 'Conference not found');
    const attendees = await many<{ name: string; email: string | null }>(
      db,
      `SELECT a.name, a.email FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id WHERE i.conference_id = $1 ORDER BY a.name`,
      [conferenceId],
    );
    const link = this.notifications.linkFor({ caseId: c.case_id, conferenceId });
    return conferenceInvite({
      uid: conferenceUid(c.id),
      sequence: c.sequence,
      start: new Date(c.scheduled_at),
      durationMinutes: c.duration_minutes,
      title: locale ? conferenceTitleIn(locale, c.reference) : conferenceTitle(c.reference),
      location: c.location ?? undefined,
      description: `${openLinkLabel(locale)}: ${link}`,
      url: link,
      organizer: c.lead_email ? { name: c.lead_name, email: c.lead_email } : undefined,
      attendees: attendees.map((a) => ({ name: a.name, email: a.email ?? undefined })),
      method: c.status === 'cancelled' ? 'CANCEL' : 'REQUEST',
    });
  }

  /** The conference as the API shows it. */
  async view(db: Db, conferenceId: string) {
    const c = await one<ConferenceRow & {
      reference: string;
      minutes_text: string | null;
      decisions: Decision[] | null;
      minutes_recorded_at: Date | null;
      created_at: Date;
      updated_at: Date;
    }>(
      db,
      `SELECT f.*, c.reference FROM conferences f JOIN cases c ON c.id = f.case_id WHERE f.id = $1`,
      [conferenceId],
    );
    if (!c) throw new DomainError('not_found', 'Conference not found');
    const invitees = await many<{ agencyId: string; agencyName: string; attended: boolean | null; apologies: string | null; recordedAt: Date | null }>(
      db,
      `SELECT i.agency_id AS "agencyId", a.name AS "agencyName", i.attended, i.apologies, i.recorded_at AS "recordedAt"
         FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id WHERE i.conference_id = $1 ORDER BY a.name, a.id`,
      [conferenceId],
    );
    const actions = await many(
      db,
      `SELECT id AS "taskId", title, assignee_agency_id AS "agencyId", due_at AS "dueAt", status
         FROM tasks WHERE conference_id = $1 ORDER BY created_at, id`,
      [conferenceId],
    );
    return {
      id: c.id,
      caseId: c.case_id,
      caseReference: c.reference,
      title: conferenceTitle(c.reference),
      scheduledAt: c.scheduled_at,
      durationMinutes: c.duration_minutes,
      location: c.location,
      status: c.status,
      sequence: c.sequence,
      uid: conferenceUid(c.id),
      agencyIds: invitees.map((i) => i.agencyId),
      invitees,
      attendance: invitees.filter((i) => i.attended !== null).map((i) => ({ agencyId: i.agencyId, attended: i.attended, apologies: i.apologies })),
      minutes: c.minutes_recorded_at
        ? { text: c.minutes_text, decisions: c.decisions ?? [], actions, recordedAt: c.minutes_recorded_at }
        : null,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    };
  }

  /** The conference row, if the actor may see its case (404 otherwise, whether unknown or hidden). */
  private async load(db: Db, actor: Actor, conferenceId: string, lock = false): Promise<ConferenceRow> {
    if (!isUuid(conferenceId)) throw new DomainError('not_found', 'Conference not found');
    const row = await one<ConferenceRow>(
      db,
      `SELECT id, case_id, scheduled_at, duration_minutes, location, status, sequence FROM conferences WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [conferenceId],
    );
    if (!row) throw new DomainError('not_found', 'Conference not found');
    try {
      await this.access.assertCase(db, actor, row.case_id);
    } catch {
      throw new DomainError('not_found', 'Conference not found');
    }
    return row;
  }

  private async invitees(db: Db, conferenceId: string): Promise<Invitee[]> {
    return many<Invitee>(
      db,
      `SELECT i.agency_id AS "agencyId", a.country, a.timezone FROM conference_invitees i JOIN agencies a ON a.id = i.agency_id
        WHERE i.conference_id = $1 ORDER BY i.agency_id`,
      [conferenceId],
    );
  }

  private async openAction(tx: Db, ctx: CaseContext, conferenceId: string, action: MinutesInput['actions'][number], now: Date): Promise<string> {
    const role = ctx.participants.find((p) => p.agency_id === action.agencyId)!.role;
    const spec: TaskSpec = { ...ACTION_SPEC, title: action.title, assignee: { role } };
    const task = (await one<{ id: string }>(
      tx,
      `INSERT INTO tasks (case_id, conference_id, task_key, title, assignee_role, assignee_agency_id, due_at, spec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [ctx.case.id, conferenceId, spec.key, action.title, role, action.agencyId, action.dueAt, JSON.stringify(spec)],
    ))!;
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

  private assertParticipants(ctx: CaseContext, agencyIds: string[], path: (index: number) => string): void {
    const errors = agencyIds
      .map((id, i) => (ctx.participants.some((p) => p.agency_id === id) ? null : { path: path(i), message: 'this agency does not take part in the case' }))
      .filter((e): e is { path: string; message: string } => e !== null);
    if (errors.length > 0) throw new DomainError('unprocessable', 'Only agencies taking part in the case may be named', { errors });
  }

  private async reevaluate(tx: Db, actor: Actor, caseId: string): Promise<void> {
    const active = await many<{ id: string }>(tx, `SELECT id FROM pathway_instances WHERE case_id = $1 AND status = 'active' ORDER BY created_at`, [caseId]);
    for (const instance of active) await this.instances.reevaluate(tx, instance.id, { actor });
  }

  private async logEvent(tx: Db, actor: Actor, caseId: string, type: string, data: Record<string, unknown>): Promise<void> {
    await tx.query(
      `INSERT INTO case_events (case_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, $2, $3, $4, $5)`,
      [caseId, type, actor.userId, actor.agencyId, JSON.stringify(data)],
    );
  }
}
