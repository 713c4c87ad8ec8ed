import { Injectable } from '@nestjs/common';
import type { TaskSpec } from '#engine';
import type { Db } from '../db.js';
import { agenciesWithRole, type CaseContext } from '../cases/case-context.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { TaskRepository } from './task.repository.js';

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
    const rows = await TaskRepository.open(
      tx,
      { caseId: ctx.case.id, instanceId: input.instanceId, conferenceId: input.conferenceId ?? null, stateId: input.stateId, spec: input.spec, dueAt: input.dueAt },
      agencyIds,
    );
    for (const row of rows) {
      await this.reminders.scheduleForTask(
        tx,
        ctx,
        { id: row.id, agencyId: row.agencyId, dueAt: input.dueAt, spec: input.spec },
        input.origin,
        now,
      );
      if (row.agencyId) {
        await this.notifications.create(tx, {
          caseId: ctx.case.id,
          agencyId: row.agencyId,
          kind: 'task_assigned',
          title: input.spec.title,
          taskId: row.id,
          dueAt: input.dueAt,
          rule: { source: 'task', ...input.origin, task: input.spec.key, kind: 'task_assigned' },
          dedupeKey: `task_assigned:${row.id}`,
        });
      }
    }
    return rows;
  }

  /** Cancels the open tasks of a state (when the pathway leaves it) and their pending reminders. */
  async cancelForState(tx: Db, instanceId: string, stateId: string, taskKey: string): Promise<string[]> {
    const ids = await TaskRepository.cancelOpenOfState(tx, instanceId, stateId, taskKey);
    await this.reminders.cancelForTasks(tx, ids);
    return ids;
  }

  /** Cancels every open task of an instance (instance cancelled or case closed). */
  async cancelForInstance(tx: Db, instanceId: string): Promise<string[]> {
    const ids = await TaskRepository.cancelOpenOfInstance(tx, instanceId);
    await this.reminders.cancelForTasks(tx, ids);
    return ids;
  }
}
