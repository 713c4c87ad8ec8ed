import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../core/src/clock/clock.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { reminderLateness, secondsLate } from '../../../core/src/metrics/metrics.js';
import { one, type Db } from '../db.js';
import { conferenceTitle } from '../conferences/conference-title.js';
import { NotificationWriter } from '../notifications/notification-writer.js';

export type DispatchOutcome = 'sent' | 'skipped' | 'stale' | 'missing';

interface ReminderRow {
  id: string;
  case_id: string;
  task_id: string | null;
  conference_id: string | null;
  agency_id: string;
  kind: string;
  status: string;
  generation: number;
  due_at: Date;
  rule: Record<string, unknown>;
}

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

  async dispatch(reminderId: string, generation: number, now = this.clock.now()): Promise<DispatchOutcome> {
    let dueAt: Date | undefined;
    const outcome = await this.ds.transaction(async (tx): Promise<DispatchOutcome> => {
      const r = await one<ReminderRow>(
        tx,
        `SELECT id, case_id, task_id, conference_id, agency_id, kind, status, generation, due_at, rule
           FROM reminders WHERE id = $1 FOR NO KEY UPDATE`,
        [reminderId],
      );
      if (!r) return 'missing';
      if (r.status !== 'pending' || r.generation !== generation) return 'stale';
      const subject = await this.subject(tx, r, now);
      if ('skip' in subject) {
        await tx.query(`UPDATE reminders SET status = 'skipped', updated_at = now() WHERE id = $1`, [r.id]);
        this.logger.debug({ reminderId: r.id, reason: subject.skip }, 'reminder skipped');
        return 'skipped';
      }
      await this.notifications.create(tx, {
        caseId: r.case_id,
        agencyId: r.agency_id,
        kind: r.kind,
        title: subject.title,
        taskId: r.task_id,
        conferenceId: r.conference_id,
        reminderId: r.id,
        dueAt: subject.dueAt,
        rule: { ...r.rule, reminderId: r.id, generation: r.generation },
        dedupeKey: `reminder:${r.id}:${r.generation}`,
      });
      await tx.query(`UPDATE reminders SET status = 'sent', sent_at = now(), updated_at = now() WHERE id = $1`, [r.id]);
      dueAt = r.due_at;
      return 'sent';
    });
    if (outcome === 'sent' && dueAt) reminderLateness.observe(secondsLate(this.clock.now(), new Date(dueAt)));
    return outcome;
  }

  /** What the reminder is about, or why it no longer applies. */
  private async subject(tx: Db, r: ReminderRow, now: Date): Promise<{ title: string; dueAt: Date | null } | { skip: string }> {
    const c = await one<{ status: string; reference: string; participates: boolean; running: boolean }>(
      tx,
      `SELECT c.status, c.reference,
              EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.agency_id = $2) AS participates,
              EXISTS (SELECT 1 FROM pathway_instances i WHERE i.case_id = c.id AND i.status = 'active') AS running
         FROM cases c WHERE c.id = $1`,
      [r.case_id, r.agency_id],
    );
    if (!c) return { skip: 'case gone' };
    // Work outlives closing: a closed case's pathway still running (closure follow-ups, retention)
    // keeps its reminders; a closed case with nothing running sends nothing.
    if (c.status !== 'open' && !c.running) return { skip: 'case closed and no pathway still running' };
    // An agency removed from the case has lost access: it gets no more messages about it.
    if (!c.participates) return { skip: 'agency no longer takes part' };
    if (r.task_id) {
      const task = await one<{ status: string; title: string; due_at: Date | null }>(
        tx,
        `SELECT status, title, due_at FROM tasks WHERE id = $1`,
        [r.task_id],
      );
      if (!task || task.status !== 'open') return { skip: 'task no longer open' };
      return { title: task.title, dueAt: task.due_at };
    }
    if (r.conference_id) {
      const conf = await one<{ status: string; scheduled_at: Date }>(
        tx,
        `SELECT status, scheduled_at FROM conferences WHERE id = $1`,
        [r.conference_id],
      );
      if (!conf || conf.status !== 'scheduled') return { skip: 'conference no longer scheduled' };
      if (new Date(conf.scheduled_at).getTime() <= now.getTime()) return { skip: 'conference already started' };
      return { title: conferenceTitle(c.reference), dueAt: conf.scheduled_at };
    }
    return { skip: 'reminder has no subject' };
  }
}
