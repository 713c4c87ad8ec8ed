import { Injectable, Logger } from '@nestjs/common';
import { Clock, reminderLateness, secondsLate } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Db } from '../db.js';
import { conferenceTitle } from '../conferences/conference-title.js';
import { NotificationWriter, type NotificationInput } from '../notifications/notification-writer.js';
import { ReminderRepository, type Reminder } from './reminder.repository.js';
import { ReminderSubjectRepository, type ReminderSubjectRow } from './reminder-subject.repository.js';

export type DispatchOutcome = 'sent' | 'skipped' | 'stale' | 'missing';

/**
 * Turns a due reminder into a notification. The job only names the reminder and its generation;
 * everything else is re-read under a row lock, so a moved, cancelled or already sent reminder, a
 * task done meanwhile or a conference already held never produces a message, and a redelivered job
 * never produces a second one.
 */
@Injectable()
export class ReminderDispatcher {
  private readonly logger = new Logger(ReminderDispatcher.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly notifications: NotificationWriter,
    private readonly clock: Clock,
  ) {}

  /** Dispatches the reminder; its deliveries are queued (through the outbox) for the delivery job. */
  async dispatch(reminderId: string, generation: number, now = this.clock.now()): Promise<DispatchOutcome> {
    return (await this.run(reminderId, generation, now, false)).outcome;
  }

  /**
   * Dispatches the reminder in one hop: the same transaction and checks as `dispatch`, but the
   * delivery rows are not queued; their ids come back for the caller to send once this has
   * committed (it queues the delivery job only for a retry). Deliveries the caller never sends
   * stay `pending` and the reconciler arms them.
   */
  async dispatchForSending(
    reminderId: string,
    generation: number,
    now = this.clock.now(),
  ): Promise<{ outcome: DispatchOutcome; deliveryIds: string[] }> {
    return this.run(reminderId, generation, now, true);
  }

  /**
   * `dispatchForSending` for a batch of due reminders (the reminder jobs running at this moment), in
   * one transaction of five statements whatever the batch's size: lock the reminders (id order),
   * read their subjects, write the notifications, their deliveries, and mark each reminder sent or
   * skipped. Each reminder gets the outcome and delivery ids `dispatchForSending` would give it.
   */
  async dispatchManyForSending(
    items: ReadonlyArray<{ reminderId: string; generation: number }>,
    now = this.clock.now(),
  ): Promise<Array<{ outcome: DispatchOutcome; deliveryIds: string[] }>> {
    const sent: Reminder[] = [];
    const results = await this.ds.transaction(async (tx) => {
      const locked = new Map((await ReminderRepository.lockManyForDispatch(tx, items.map((i) => i.reminderId))).map((r) => [r.id, r]));
      const due = [...new Map(items.flatMap((i) => {
        const r = locked.get(i.reminderId);
        return r && r.status === 'pending' && r.generation === i.generation ? [[r.id, r] as const] : [];
      })).values()];
      const subjects = new Map((await ReminderSubjectRepository.subjectsOf(tx, due)).map((s) => [s.id, s]));
      const decided = due.map((r) => ({ r, subject: decideSubject(r, subjects.get(r.id), now) }));
      const toSend = decided.flatMap(({ r, subject }) => ('skip' in subject ? [] : [{ r, subject }]));
      for (const { r, subject } of decided) if ('skip' in subject) this.logger.debug({ reminderId: r.id, reason: subject.skip }, 'reminder skipped');
      const written = await this.notifications.createManyForSending(
        tx,
        toSend.map(({ r, subject }) => notificationOf(r, subject)),
      );
      await ReminderRepository.markDispatched(tx, decided.map(({ r, subject }) => ({ id: r.id, status: 'skip' in subject ? 'skipped' : 'sent' })));
      sent.push(...toSend.map(({ r }) => r));
      const outcomeOf = new Map(decided.map(({ r, subject }) => [r.id, 'skip' in subject ? ('skipped' as const) : ('sent' as const)]));
      // The first job naming a reminder gets its outcome; another job naming it again (a duplicate) finds it stale.
      const answered = new Set<string>();
      return items.map((i): { outcome: DispatchOutcome; deliveryIds: string[] } => {
        const r = locked.get(i.reminderId);
        if (!r) return { outcome: 'missing', deliveryIds: [] };
        const outcome = outcomeOf.get(r.id);
        if (!outcome || r.generation !== i.generation || answered.has(r.id)) return { outcome: 'stale', deliveryIds: [] };
        answered.add(r.id);
        return { outcome, deliveryIds: outcome === 'sent' ? (written.get(dedupeKeyOf(r)) ?? []) : [] };
      });
    });
    const at = this.clock.now();
    for (const r of sent) reminderLateness.observe(secondsLate(at, new Date(r.dueAt)));
    return results;
  }

  private async run(
    reminderId: string,
    generation: number,
    now: Date,
    inline: boolean,
  ): Promise<{ outcome: DispatchOutcome; deliveryIds: string[] }> {
    let dueAt: Date | undefined;
    let deliveryIds: string[] = [];
    const outcome = await this.ds.transaction(async (tx): Promise<DispatchOutcome> => {
      const r = await ReminderRepository.lockForDispatch(tx, reminderId);
      if (!r) return 'missing';
      if (r.status !== 'pending' || r.generation !== generation) return 'stale';
      const subject = await this.subject(tx, r, now);
      if ('skip' in subject) {
        await ReminderRepository.markSkipped(tx, r.id);
        this.logger.debug({ reminderId: r.id, reason: subject.skip }, 'reminder skipped');
        return 'skipped';
      }
      const input = notificationOf(r, subject);
      if (inline) deliveryIds = (await this.notifications.createForSending(tx, input))?.deliveryIds ?? [];
      else await this.notifications.create(tx, input);
      await ReminderRepository.markSent(tx, r.id);
      dueAt = r.dueAt;
      return 'sent';
    });
    if (outcome === 'sent' && dueAt) reminderLateness.observe(secondsLate(this.clock.now(), new Date(dueAt)));
    return { outcome, deliveryIds };
  }

  /** What the reminder is about, or why it no longer applies. */
  private async subject(tx: Db, r: Reminder, now: Date): Promise<{ title: string; dueAt: Date | null } | { skip: string }> {
    const c = await ReminderSubjectRepository.caseFor(tx, r.caseId, r.agencyId);
    if (!c) return { skip: 'case gone' };
    // Work outlives closing: a closed case's pathway still running (closure follow-ups, retention)
    // keeps its reminders; a closed case with nothing running sends nothing.
    if (c.status !== 'open' && !c.running) return { skip: 'case closed and no pathway still running' };
    // An agency removed from the case has lost access: it gets no more messages about it.
    if (!c.participates) return { skip: 'agency no longer takes part' };
    if (r.taskId) {
      const task = await ReminderSubjectRepository.task(tx, r.taskId);
      if (!task || task.status !== 'open') return { skip: 'task no longer open' };
      return { title: task.title, dueAt: task.dueAt };
    }
    if (r.conferenceId) {
      const conf = await ReminderSubjectRepository.conference(tx, r.conferenceId);
      if (!conf || conf.status !== 'scheduled') return { skip: 'conference no longer scheduled' };
      if (new Date(conf.scheduledAt).getTime() <= now.getTime()) return { skip: 'conference already started' };
      return { title: conferenceTitle(c.reference), dueAt: conf.scheduledAt };
    }
    return { skip: 'reminder has no subject' };
  }
}

const dedupeKeyOf = (r: Reminder) => `reminder:${r.id}:${r.generation}`;

/** The notification a due reminder becomes (once per reminder and generation: its dedupe key). */
function notificationOf(r: Reminder, subject: { title: string; dueAt: Date | null }): NotificationInput {
  return {
    caseId: r.caseId,
    agencyId: r.agencyId,
    kind: r.kind,
    title: subject.title,
    taskId: r.taskId,
    conferenceId: r.conferenceId,
    reminderId: r.id,
    dueAt: subject.dueAt,
    rule: { ...r.rule, reminderId: r.id, generation: r.generation },
    dedupeKey: dedupeKeyOf(r),
  };
}

/** What the reminder is about, or why it no longer applies: the same rules as `ReminderDispatcher.subject`. */
function decideSubject(r: Reminder, s: ReminderSubjectRow | undefined, now: Date): { title: string; dueAt: Date | null } | { skip: string } {
  if (!s || s.caseStatus === null) return { skip: 'case gone' };
  if (s.caseStatus !== 'open' && !s.running) return { skip: 'case closed and no pathway still running' };
  if (!s.participates) return { skip: 'agency no longer takes part' };
  if (r.taskId) {
    if (s.taskStatus !== 'open' || s.taskTitle === null) return { skip: 'task no longer open' };
    return { title: s.taskTitle, dueAt: s.taskDueAt };
  }
  if (r.conferenceId) {
    if (s.conferenceStatus !== 'scheduled' || !s.conferenceAt) return { skip: 'conference no longer scheduled' };
    if (new Date(s.conferenceAt).getTime() <= now.getTime()) return { skip: 'conference already started' };
    return { title: conferenceTitle(s.reference ?? ''), dueAt: s.conferenceAt };
  }
  return { skip: 'reminder has no subject' };
}
