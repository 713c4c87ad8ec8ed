import { Injectable } from '@nestjs/common';
import { nextDeliveryTime, reminderSchedule, type TaskSpec } from '#engine';
import { QUEUE } from '#core';
import type { Db } from '../db.js';
import { enqueue, reminderJobId, type OutboxMessage } from '../outbox/outbox.js';
import { agenciesWithRole, type CaseContext } from '../cases/case-context.js';
import { ReminderRepository, type ReminderJobRef, type ReminderOwner } from './reminder.repository.js';

export interface ReminderRule {
  source: 'task' | 'conference';
  pathway?: string;
  version?: number;
  state?: string;
  task?: string;
  kind: string;
  offset: string;
  [extra: string]: unknown;
}

export interface PlannedReminder {
  agencyId: string;
  kind: string;
  dueAt: Date;
  rule: ReminderRule;
  /** Planned only for the record: its moment had passed, so it is stored as `skipped` without a job. */
  skipped?: boolean;
}

/** What a reminder's rule says apart from its kind and offset (who planned it and for what). */
export interface RuleBase {
  source: ReminderRule['source'];
  pathway?: string;
  version?: number;
  state?: string;
  task?: string;
  [extra: string]: unknown;
}

export interface ReplanResult {
  moved: number;
  added: number;
  cancelled: number;
}

/** The slack under which a "before" reminder still counts as due now rather than missed. */
const PAST_SLACK_MS = 60_000;

/**
 * The reminders a task's due date implies, with the working-hours rule applied per recipient
 * (non-urgent messages wait for the recipient's next working morning). A "before due" reminder
 * whose moment has passed is left out; overdue and escalation messages are kept (sent at once).
 * Pure: the one-statement step write (step-plan.ts) plans with it too.
 */
export function planTaskReminders(
  ctx: CaseContext,
  task: { agencyId: string | null; dueAt: Date | null; spec: TaskSpec },
  base: RuleBase,
  now: Date,
): PlannedReminder[] {
  if (!task.dueAt) return [];
  const assignee = ctx.participants.find((p) => p.agencyId === task.agencyId);
  const planned: PlannedReminder[] = [];
  for (const message of reminderSchedule(task.spec, task.dueAt)) {
    const recipients =
      message.kind === 'escalation'
        ? agenciesWithRole(ctx, message.toRole)
        : assignee
          ? [assignee]
          : [];
    for (const r of recipients) {
      let dueAt = message.at;
      // Urgent tasks go at once; anything else waits for the recipient's own delivery hours.
      if (!task.spec.urgent) dueAt = nextDeliveryTime(dueAt, r.deliveryHours, r.country, r.timezone);
      if (dueAt.getTime() < now.getTime() - PAST_SLACK_MS && message.kind !== 'escalation' && message.kind !== 'overdue') {
        continue; // a "before due" reminder whose moment has passed is no longer useful
      }
      planned.push({ agencyId: r.agencyId, kind: message.kind, dueAt, rule: { ...base, source: base.source, kind: message.kind, offset: message.offset } });
    }
  }
  return planned;
}

/**
 * Schedules reminders as rows (the source of truth) plus delayed jobs through the outbox. Each
 * reminder job id carries the reminder's generation, so moving a reminder never collides with the
 * job it replaces, and re-delivery of the same outbox row is harmless.
 */
@Injectable()
export class ReminderWriter {
  /** Before due / due / overdue to the assignee agency, escalation to the agencies of the escalation role. */
  async scheduleForTask(
    tx: Db,
    ctx: CaseContext,
    task: { id: string; agencyId: string | null; dueAt: Date | null; spec: TaskSpec },
    origin: { pathway: string; version: number; state: string },
    now: Date,
  ): Promise<number> {
    const planned = this.planForTask(ctx, task, { source: 'task', ...origin, task: task.spec.key }, now);
    return this.insert(tx, ctx.case.id, { taskId: task.id }, planned);
  }

  /**
   * The reminders a task's due date implies, with the working-hours rule applied per recipient
   * (non-urgent messages wait for the recipient's next working morning). A "before due" reminder
   * whose moment has passed is left out; overdue and escalation messages are kept (sent at once).
   */
  planForTask(
    ctx: CaseContext,
    task: { agencyId: string | null; dueAt: Date | null; spec: TaskSpec },
    base: RuleBase,
    now: Date,
  ): PlannedReminder[] {
    return planTaskReminders(ctx, task, base, now);
  }

  async insert(
    tx: Db,
    caseId: string,
    owner: ReminderOwner,
    planned: PlannedReminder[],
  ): Promise<number> {
    if (planned.length === 0) return 0;
    const rows = await ReminderRepository.insert(tx, caseId, owner, planned);
    await enqueue(
      tx,
      rows
        .filter((r) => r.status === 'pending')
        .map<OutboxMessage>((r) => ({
          kind: 'add',
          job: 'reminder.send',
          jobId: reminderJobId(r.id, r.generation),
          payload: { reminderId: r.id, generation: r.generation },
          runAt: new Date(r.dueAt),
        })),
    );
    return rows.filter((r) => r.status === 'pending').length;
  }

  /**
   * Re-plans the reminders of one owner (a task whose due date moved, or a conference that moved)
   * in the caller's transaction. A pending reminder that the new plan still has (same agency, kind
   * and offset) moves: its generation goes up, the old job is removed and a new one is queued, so a
   * job of the old generation that fires anyway is ignored. Pending reminders the plan no longer has
   * are cancelled (with `reason` kept in their rule, shown in the case's ledger); planned ones
   * without a pending match are added. Sent reminders stay as they were.
   */
  async replan(
    tx: Db,
    caseId: string,
    owner: ReminderOwner,
    planned: PlannedReminder[],
    reason?: string,
  ): Promise<ReplanResult> {
    const pending = await ReminderRepository.lockPending(tx, owner);
    const keyOf = (agencyId: string, kind: string, offset: string) => `${agencyId}|${kind}|${offset}`;
    const byKey = new Map(pending.map((p) => [keyOf(p.agencyId, p.kind, p.offset), p]));
    const moves: Array<{ id: string; dueAt: Date }> = [];
    const additions: PlannedReminder[] = [];
    for (const plan of planned) {
      const match = plan.skipped ? undefined : byKey.get(keyOf(plan.agencyId, plan.kind, plan.rule.offset));
      if (!match) {
        // Nothing pending to move: record it (skipped when its moment passed) unless a row says so already.
        if (!plan.skipped || !(await ReminderRepository.exists(tx, owner, plan))) additions.push(plan);
        continue;
      }
      byKey.delete(keyOf(plan.agencyId, plan.kind, plan.rule.offset));
      if (new Date(match.dueAt).getTime() !== plan.dueAt.getTime()) moves.push({ id: match.id, dueAt: plan.dueAt });
    }
    const moved = await this.move(tx, moves);
    const cancelled = await this.cancel(tx, [...byKey.values()].map((p) => p.id), reason);
    const added = await this.insert(tx, caseId, owner, additions);
    return { moved, added, cancelled };
  }

  /** Moves pending reminders to new times: generation + 1, old job removed, new job queued. */
  async move(tx: Db, moves: Array<{ id: string; dueAt: Date }>): Promise<number> {
    if (moves.length === 0) return 0;
    const rows = await ReminderRepository.move(tx, moves);
    await enqueue(
      tx,
      rows.flatMap<OutboxMessage>((r) => [
        { kind: 'remove', queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation - 1) },
        {
          kind: 'add',
          job: 'reminder.send',
          jobId: reminderJobId(r.id, r.generation),
          payload: { reminderId: r.id, generation: r.generation },
          runAt: new Date(r.dueAt),
        },
      ]),
    );
    return rows.length;
  }

  /** Cancels pending reminders by id and removes their queued jobs. */
  cancel(tx: Db, ids: string[], reason?: string): Promise<number> {
    return this.cancelPending(tx, { ids }, reason);
  }

  /** Cancels the pending reminders of these tasks and removes their queued jobs. */
  cancelForTasks(tx: Db, taskIds: string[], reason?: string): Promise<number> {
    return this.cancelPending(tx, { taskIds }, reason);
  }

  /** Cancels the pending reminders of a conference itself (not of the tasks its minutes created). */
  cancelForConference(tx: Db, conferenceId: string): Promise<number> {
    return this.cancelPending(tx, { conferenceId });
  }

  private async cancelPending(tx: Db, which: Parameters<typeof ReminderRepository.cancelPending>[1], reason?: string): Promise<number> {
    const rows = await ReminderRepository.cancelPending(tx, which, reason);
    await this.removeJobs(tx, rows);
    return rows.length;
  }

  private async removeJobs(tx: Db, rows: ReminderJobRef[]): Promise<void> {
    await enqueue(
      tx,
      rows.map<OutboxMessage>((r) => ({ kind: 'remove', queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation) })),
    );
  }
}
