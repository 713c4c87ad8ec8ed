import { Injectable } from '@nestjs/common';
import type { TaskSpec } from '../../../engine/src/index.js';
import { many, type Db } from '../db.js';
import { agenciesWithRole, type CaseContext } from '../cases/case-context.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';

export interface OpenedTask {
  id: string;
  agencyId: string | null;
}

/** Opens and cancels a pathway's tasks, with their reminders and `task_assigned` notifications. */
@Injectable()
export class TaskWriter {
  constructor(
    private readonly reminders: ReminderWriter,
    private readonly notifications: NotificationWriter,
  ) {}

  /**
   * One task per agency holding the assignee role (several agencies may share a role); an unassigned
   * task when nobody holds it yet, so the case manager sees the gap.
   */
  async open(
    tx: Db,
    ctx: CaseContext,
    input: { instanceId: string | null; stateId: string | null; spec: TaskSpec; dueAt: Date | null; origin: { pathway: string; version: number; state: string }; conferenceId?: string | null },
    now: Date,
  ): Promise<OpenedTask[]> {
    const agencies = agenciesWithRole(ctx, input.spec.assignee.role);
    const agencyIds = agencies.length > 0 ? agencies.map((a) => a.agencyId) : [null];
    const rows = await many<{ id: string; assignee_agency_id: string | null }>(
      tx,
      `INSERT INTO tasks (case_id, instance_id, conference_id, state_id, task_key, title, assignee_role, assignee_agency_id, due_at, spec)
       SELECT $1, $2, $3, $4, $5, $6, $7, agency, $8, $9 FROM unnest($10::uuid[]) AS agency
       RETURNING id, assignee_agency_id`,
      [
        ctx.case.id,
        input.instanceId,
        input.conferenceId ?? null,
        input.stateId,
        input.spec.key,
        input.spec.title,
        input.spec.assignee.role,
        input.dueAt,
        JSON.stringify(input.spec),
        agencyIds,
      ],
    );
    for (const row of rows) {
      await this.reminders.scheduleForTask(
        tx,
        ctx,
        { id: row.id, agencyId: row.assignee_agency_id, dueAt: input.dueAt, spec: input.spec },
        input.origin,
        now,
      );
      if (row.assignee_agency_id) {
        await this.notifications.create(tx, {
          caseId: ctx.case.id,
          agencyId: row.assignee_agency_id,
          kind: 'task_assigned',
          title: input.spec.title,
          taskId: row.id,
          dueAt: input.dueAt,
          rule: { source: 'task', ...input.origin, task: input.spec.key, kind: 'task_assigned' },
          dedupeKey: `task_assigned:${row.id}`,
        });
      }
    }
    return rows.map((r) => ({ id: r.id, agencyId: r.assignee_agency_id }));
  }

  /** Cancels the open tasks of a state (when the pathway leaves it) and their pending reminders. */
  async cancelForState(tx: Db, instanceId: string, stateId: string, taskKey: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      tx,
      `UPDATE tasks SET status = 'cancelled', updated_at = now()
        WHERE instance_id = $1 AND state_id = $2 AND task_key = $3 AND status = 'open' RETURNING id`,
      [instanceId, stateId, taskKey],
    );
    const ids = rows.map((r) => r.id);
    await this.reminders.cancelForTasks(tx, ids);
    return ids;
  }

  /** Cancels every open task of an instance (instance cancelled or case closed). */
  async cancelForInstance(tx: Db, instanceId: string): Promise<string[]> {
    const rows = await many<{ id: string }>(
      tx,
      `UPDATE tasks SET status = 'cancelled', updated_at = now()
        WHERE instance_id = $1 AND status = 'open' RETURNING id`,
      [instanceId],
    );
    const ids = rows.map((r) => r.id);
    await this.reminders.cancelForTasks(tx, ids);
    return ids;
  }
}
