import { Injectable, Logger } from '@nestjs/common';
import { Clock, reminderLateness, secondsLate } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Db } from '../db.js';
import { conferenceTitle } from '../conferences/conference-title.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { ReminderRepository, type Reminder } from './reminder.repository.js';
import { ReminderSubjectRepository } from './reminder-subject.repository.js';

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
      const input = {
        caseId: r.caseId,
        agencyId: r.agencyId,
        kind: r.kind,
        title: subject.title,
        taskId: r.taskId,
        conferenceId: r.conferenceId,
        reminderId: r.id,
        dueAt: subject.dueAt,
        rule: { ...r.rule, reminderId: r.id, generation: r.generation },
        dedupeKey: `reminder:${r.id}:${r.generation}`,
      };
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
