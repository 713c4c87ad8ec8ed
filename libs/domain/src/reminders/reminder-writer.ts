import { Injectable } from '@nestjs/common';
import { nextWorkingMorning, reminderSchedule, type TaskSpec } from '../../../engine/src/index.js';
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

interface PlannedReminder {
  agencyId: string;
  kind: string;
  dueAt: Date;
  rule: ReminderRule;
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
    if (!task.dueAt) return 0;
    const assignee = ctx.participants.find((p) => p.agency_id === task.agencyId);
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
        if (!task.spec.urgent) dueAt = nextWorkingMorning(dueAt, r.country, r.timezone);
        if (dueAt.getTime() < now.getTime() - 60_000 && message.kind !== 'escalation' && message.kind !== 'overdue') {
          continue; // a "before due" reminder whose moment has passed is no longer useful
        }
        planned.push({
          agencyId: r.agency_id,
          kind: message.kind,
          dueAt,
          rule: { source: 'task', ...origin, task: task.spec.key, kind: message.kind, offset: message.offset },
        });
      }
    }
    return this.insert(tx, ctx.case.id, { taskId: task.id }, planned);
  }

  async insert(
    tx: Db,
    caseId: string,
    owner: { taskId?: string; conferenceId?: string },
    planned: PlannedReminder[],
  ): Promise<number> {
    if (planned.length === 0) return 0;
    const rows = await many<{ id: string; generation: number; due_at: Date }>(
      tx,
      `INSERT INTO reminders (case_id, task_id, conference_id, agency_id, kind, due_at, rule)
       SELECT $1, $2, $3, * FROM unnest($4::uuid[], $5::text[], $6::timestamptz[], $7::jsonb[])
       RETURNING id, generation, due_at`,
      [
        caseId,
        owner.taskId ?? null,
        owner.conferenceId ?? null,
        planned.map((p) => p.agencyId),
        planned.map((p) => p.kind),
        planned.map((p) => p.dueAt.toISOString()),
        planned.map((p) => JSON.stringify(p.rule)),
      ],
    );
    await enqueue(
      tx,
      rows.map<OutboxMessage>((r) => ({
        kind: 'add',
        job: 'reminder.send',
        jobId: reminderJobId(r.id, r.generation),
        payload: { reminderId: r.id, generation: r.generation },
        runAt: new Date(r.due_at),
      })),
    );
    return rows.length;
  }

  /** Cancels the pending reminders of these tasks and removes their queued jobs. */
  async cancelForTasks(tx: Db, taskIds: string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    const rows = await many<{ id: string; generation: number }>(
      tx,
      `UPDATE reminders SET status = 'cancelled', updated_at = now()
        WHERE task_id = ANY($1::uuid[]) AND status = 'pending' RETURNING id, generation`,
      [taskIds],
    );
    await enqueue(
      tx,
      rows.map<OutboxMessage>((r) => ({ kind: 'remove', queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation) })),
    );
    return rows.length;
  }
}
