import { Injectable } from '@nestjs/common';
import { nextDeliveryTime, reminderSchedule, type TaskSpec } from '../../../engine/src/index.js';
import { QUEUE } from '../../../core/src/queue/queue-registry.js';
import { many, type Db } from '../db.js';
import { enqueue, reminderJobId, type OutboxMessage } from '../outbox/outbox.js';
import { agenciesWithRole, type CaseContext } from '../cases/case-context.js';

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

  async insert(
    tx: Db,
    caseId: string,
    owner: { taskId?: string; conferenceId?: string },
    planned: PlannedReminder[],
  ): Promise<number> {
    if (planned.length === 0) return 0;
    const rows = await many<{ id: string; generation: number; due_at: Date; status: string }>(
      tx,
      `INSERT INTO reminders (case_id, task_id, conference_id, agency_id, kind, due_at, rule, status)
       SELECT $1, $2, $3, * FROM unnest($4::uuid[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::text[])
       RETURNING id, generation, due_at, status`,
      [
        caseId,
        owner.taskId ?? null,
        owner.conferenceId ?? null,
        planned.map((p) => p.agencyId),
        planned.map((p) => p.kind),
        planned.map((p) => p.dueAt.toISOString()),
        planned.map((p) => JSON.stringify(p.rule)),
        planned.map((p) => (p.skipped ? 'skipped' : 'pending')),
      ],
    );
    await enqueue(
      tx,
      rows
        .filter((r) => r.status === 'pending')
        .map<OutboxMessage>((r) => ({
          kind: 'add',
          job: 'reminder.send',
          jobId: reminderJobId(r.id, r.generation),
          payload: { reminderId: r.id, generation: r.generation },
          runAt: new Date(r.due_at),
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
    owner: { taskId?: string; conferenceId?: string },
    planned: PlannedReminder[],
    reason?: string,
  ): Promise<ReplanResult> {
    const pending = await many<{ id: string; agency_id: string; kind: string; offset: string; due_at: Date }>(
      tx,
      `SELECT id, agency_id, kind, rule->>'offset' AS offset, due_at FROM reminders
        WHERE status = 'pending' AND ${owner.taskId ? 'task_id = $1' : 'conference_id = $1 AND task_id IS NULL'}
        ORDER BY id FOR NO KEY UPDATE`,
      [owner.taskId ?? owner.conferenceId],
    );
    const keyOf = (agencyId: string, kind: string, offset: string) => `${agencyId}|${kind}|${offset}`;
    const byKey = new Map(pending.map((p) => [keyOf(p.agency_id, p.kind, p.offset), p]));
    const moves: Array<{ id: string; dueAt: Date }> = [];
    const additions: PlannedReminder[] = [];
    for (const plan of planned) {
      const match = plan.skipped ? undefined : byKey.get(keyOf(plan.agencyId, plan.kind, plan.rule.offset));
      if (!match) {
        // Nothing pending to move: record it (skipped when its moment passed) unless a row says so already.
        if (!plan.skipped || !(await this.hasRow(tx, owner, plan))) additions.push(plan);
        continue;
      }
      byKey.delete(keyOf(plan.agencyId, plan.kind, plan.rule.offset));
      if (new Date(match.due_at).getTime() !== plan.dueAt.getTime()) moves.push({ id: match.id, dueAt: plan.dueAt });
    }
    const moved = await this.move(tx, moves);
    const cancelled = await this.cancel(tx, [...byKey.values()].map((p) => p.id), reason);
    const added = await this.insert(tx, caseId, owner, additions);
    return { moved, added, cancelled };
  }

  /** Moves pending reminders to new times: generation + 1, old job removed, new job queued. */
  async move(tx: Db, moves: Array<{ id: string; dueAt: Date }>): Promise<number> {
    if (moves.length === 0) return 0;
    const rows = await many<{ id: string; generation: number; due_at: Date }>(
      tx,
      `UPDATE reminders r SET due_at = m.due_at, generation = r.generation + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::timestamptz[]) AS m(id, due_at)
        WHERE r.id = m.id AND r.status = 'pending'
        RETURNING r.id, r.generation, r.due_at`,
      [moves.map((m) => m.id), moves.map((m) => m.dueAt.toISOString())],
    );
    await enqueue(
      tx,
      rows.flatMap<OutboxMessage>((r) => [
        { kind: 'remove', queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation - 1) },
        {
          kind: 'add',
          job: 'reminder.send',
          jobId: reminderJobId(r.id, r.generation),
          payload: { reminderId: r.id, generation: r.generation },
          runAt: new Date(r.due_at),
        },
      ]),
    );
    return rows.length;
  }

  /** Cancels pending reminders by id and removes their queued jobs. */
  cancel(tx: Db, ids: string[], reason?: string): Promise<number> {
    return this.cancelWhere(tx, 'id = ANY($1::uuid[])', ids, reason);
  }

  /** Cancels the pending reminders of these tasks and removes their queued jobs. */
  cancelForTasks(tx: Db, taskIds: string[], reason?: string): Promise<number> {
    return this.cancelWhere(tx, 'task_id = ANY($1::uuid[])', taskIds, reason);
  }

  /** Cancels the pending reminders of a conference itself (not of the tasks its minutes created). */
  cancelForConference(tx: Db, conferenceId: string): Promise<number> {
    return this.cancelWhere(tx, 'conference_id = $1 AND task_id IS NULL', conferenceId);
  }

  /** Cancels the pending reminders matching `condition` (with `$1` bound to `value`) and removes their jobs. */
  private async cancelWhere(tx: Db, condition: string, value: string | string[], reason?: string): Promise<number> {
    if (Array.isArray(value) && value.length === 0) return 0;
    const rows = await many<{ id: string; generation: number }>(
      tx,
      `UPDATE reminders SET status = 'cancelled', updated_at = now(),
              rule = CASE WHEN $2::text IS NULL THEN rule ELSE rule || jsonb_build_object('cancelled', $2::text) END
        WHERE ${condition} AND status = 'pending' RETURNING id, generation`,
      [value, reason ?? null],
    );
    await this.removeJobs(tx, rows);
    return rows.length;
  }

  private async removeJobs(tx: Db, rows: Array<{ id: string; generation: number }>): Promise<void> {
    await enqueue(
      tx,
      rows.map<OutboxMessage>((r) => ({ kind: 'remove', queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation) })),
    );
  }

  private async hasRow(tx: Db, owner: { taskId?: string; conferenceId?: string }, plan: PlannedReminder): Promise<boolean> {
    const rows = await many(
      tx,
      `SELECT 1 FROM reminders WHERE ${owner.taskId ? 'task_id = $1' : 'conference_id = $1 AND task_id IS NULL'}
          AND agency_id = $2 AND kind = $3 AND rule->>'offset' = $4 AND due_at = $5 LIMIT 1`,
      [owner.taskId ?? owner.conferenceId, plan.agencyId, plan.kind, plan.rule.offset, plan.dueAt.toISOString()],
    );
    return rows.length > 0;
  }
}
