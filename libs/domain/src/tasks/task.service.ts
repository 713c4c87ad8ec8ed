import { Injectable } from '@nestjs/common';
import { Clock, DomainError } from '#core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { transaction, type Db } from '../db.js';
import type { RunOnce } from '../idempotency/idempotency.service.js';
import { hasRole, type Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import { CaseParticipantRepository } from '../cases/case-participant.repository.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { InstanceService } from '../instances/instance.service.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { loadCaseContext } from '../cases/case-context.js';
import { TaskRepository, type TaskStatusFilter, type TaskView, type TaskVisibility } from './task.repository.js';

export type { TaskStatusFilter };

/** Inbox totals above this are reported as `total: 1000, totalCapped: true`. */
export const TOTAL_CAP = 1000;

/**
 * Agencies' task inboxes, acknowledging and completing tasks. Each use case checks access, writes
 * its audit record in its unit of work and returns the task as the API shows it. Acknowledging,
 * completing and reassigning run in the caller's transaction (an `Idempotency-Key`'s unit of work);
 * the others open their own.
 */
@Injectable()
export class TaskService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly instances: InstanceService,
    private readonly reminders: ReminderWriter,
    private readonly notifications: NotificationWriter,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, f: { status?: TaskStatusFilter; caseId?: string; agencyId?: string; limit: number; offset: number }) {
    if (f.caseId && !isUuid(f.caseId)) return { items: [], total: 0 };
    // The page and its audit record (the cases shown, the task ids of each) are one statement.
    const { items, matched } = await TaskRepository.inbox(this.ds.manager, this.visibleTo(actor), f, TOTAL_CAP, this.audit.listRead(actor, 'task.list', 'task'));
    return { items, total: Math.min(matched, TOTAL_CAP), totalCapped: matched > TOTAL_CAP };
  }

  /** The task, if the actor may see it (404 otherwise), in one transaction with its audit record. */
  get(actor: Actor, taskId: string): Promise<TaskView> {
    return this.ds.transaction(async (tx) => {
      const task = await this.find(tx, actor, taskId);
      await this.audit.record(tx, actor, { action: 'task.read', caseId: task.caseId, resource: 'task', resourceId: task.id });
      return task;
    });
  }

  /** The use case: once per `Idempotency-Key` (a repeat answers the task as it is now). */
  acknowledge(actor: Actor, taskId: string, once: RunOnce) {
    return once((tx) => this.acknowledgeIn(tx, actor, taskId), () => this.get(actor, taskId));
  }

  private async acknowledgeIn(tx: Db, actor: Actor, taskId: string) {
    const task = await this.find(tx, actor, taskId, true);
    this.assertActs(actor, task);
    await TaskRepository.acknowledge(tx, taskId, actor.userId);
    await this.audit.record(tx, actor, { action: 'task.acknowledge', caseId: task.caseId, resource: 'task', resourceId: taskId });
    return this.find(tx, actor, taskId);
  }

  /**
   * Completes a task: its pending reminders are cancelled and its pathway is re-evaluated, so an
   * automatic (`always`) transition whose guard now passes is taken. Guarded events a case manager
   * sends become available; they do not fire by themselves.
   */
  /** The use case: once per `Idempotency-Key` (a repeat answers the task as it is now). */
  complete(actor: Actor, taskId: string, input: { outcome?: string; note?: string }, once: RunOnce) {
    return once((tx) => this.completeIn(tx, actor, taskId, input), () => this.get(actor, taskId));
  }

  private async completeIn(tx: Db, actor: Actor, taskId: string, input: { outcome?: string; note?: string }) {
    // The instance first, then the task: the order a pathway event locks them in.
    if (isUuid(taskId)) await InstanceRepository.lockOwnerOf(tx, { taskId });
    const task = await this.find(tx, actor, taskId, true);
    this.assertActs(actor, task);
    // Under the locks, a completion that came first has committed: answering 200 would drop this
    // caller's outcome and note without a word, so they are told it was done already.
    if (task.status === 'done') throw new DomainError('conflict', 'The task is already done');
    if (task.status === 'cancelled') throw new DomainError('conflict', 'The task was cancelled');
    await TaskRepository.complete(tx, taskId, { outcome: input.outcome ?? null, note: input.note ?? null, userId: actor.userId });
    await this.reminders.cancelForTasks(tx, [taskId]);
    await CaseEventRepository.append(tx, {
      caseId: task.caseId,
      instanceId: task.instanceId,
      type: 'task.completed',
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      data: { taskId, title: task.title, outcome: input.outcome ?? null },
    });
    await this.audit.record(tx, actor, { action: 'task.complete', caseId: task.caseId, resource: 'task', resourceId: taskId });
    if (task.instanceId) await this.instances.reevaluate(tx, task.instanceId, { actor });
    return this.find(tx, actor, taskId);
  }

  /**
   * A case manager extends (or brings forward) a task's due date, with a reason: its pending
   * reminders, overdue notices and escalations move with it, and later moves of the key date it
   * was counted from leave it alone (the date set by hand counts).
   */
  async extend(actor: Actor, taskId: string, input: { dueAt: Date; reason: string }) {
    return transaction(this.ds, async (tx) => {
      this.access.assertCaseManager(actor);
      const task = await this.lockOpen(tx, actor, taskId);
      await TaskRepository.setDueByHand(tx, taskId, input.dueAt);
      await this.replanReminders(tx, taskId, task.assigneeAgencyId, input.dueAt, 'due date changed', { futureOnly: false });
      await this.record(tx, actor, task, 'task.extended', { from: task.dueAt, to: input.dueAt.toISOString(), reason: input.reason });
      return this.find(tx, actor, taskId);
    });
  }

  /**
   * A case manager hands a task to another agency of the case: every pending reminder and rung of
   * its ladder is cancelled, the new agency is told (`task_assigned`) and reminded from now on.
   */
  /** The use case: once per `Idempotency-Key` (a repeat answers the task as it is now). */
  reassign(actor: Actor, taskId: string, input: { agencyId: string; reason?: string }, once: RunOnce) {
    return once((tx) => this.reassignIn(tx, actor, taskId, input), () => this.get(actor, taskId));
  }

  private async reassignIn(tx: Db, actor: Actor, taskId: string, input: { agencyId: string; reason?: string }) {
    this.access.assertCaseManager(actor);
    const task = await this.lockOpen(tx, actor, taskId);
    if (!(await CaseParticipantRepository.takesPart(tx, task.caseId, input.agencyId))) {
      throw new DomainError('unprocessable', 'The agency does not take part in this case', { errors: [{ path: '$.agencyId', message: 'add the agency to the case first' }] });
    }
    if (task.assigneeAgencyId === input.agencyId) throw new DomainError('conflict', 'The task is already assigned to this agency');
    await TaskRepository.reassign(tx, taskId, input.agencyId);
    await this.reminders.cancelForTasks(tx, [taskId], 'task reassigned');
    await this.replanReminders(tx, taskId, input.agencyId, task.dueAt ? new Date(task.dueAt) : null, 'task reassigned', { futureOnly: true });
    const count = await CaseEventRepository.countTaskReassignments(tx, taskId);
    await this.notifications.create(tx, {
      caseId: task.caseId,
      agencyId: input.agencyId,
      kind: 'task_assigned',
      title: task.title,
      taskId,
      dueAt: task.dueAt ? new Date(task.dueAt) : null,
      rule: { source: 'reassignment', task: task.taskKey ?? undefined, kind: 'task_assigned' },
      dedupeKey: `task_assigned:${taskId}:${input.agencyId}:${count}`,
    });
    await this.record(tx, actor, task, 'task.reassigned', { from: task.assigneeAgencyId, to: input.agencyId, reason: input.reason ?? null });
    return this.find(tx, actor, taskId);
  }

  /** What the actor may see: the cases of the access rules, and within them their agency's tasks (all for case managers). */
  private visibleTo(actor: Actor): TaskVisibility {
    return {
      cases: (alias, first) => this.access.caseFilter(actor, alias, first),
      tasks: (alias, first) => this.access.taskFilter(actor, alias, first),
    };
  }

  /** The task, if the actor may see it (404 otherwise); `lock` locks its row. */
  private async find(db: Db, actor: Actor, taskId: string, lock = false): Promise<TaskView> {
    if (!isUuid(taskId)) throw new DomainError('not_found', 'Task not found');
    const task = await TaskRepository.get(db, taskId, this.visibleTo(actor), { lock });
    if (!task) throw new DomainError('not_found', 'Task not found');
    return task;
  }

  /** Locks the task's instance, then the task (the documented lock order); it must still be open. */
  private async lockOpen(tx: Db, actor: Actor, taskId: string) {
    if (isUuid(taskId)) await InstanceRepository.lockOwnerOf(tx, { taskId });
    const task = await this.find(tx, actor, taskId, true);
    if (task.status === 'done') throw new DomainError('conflict', 'The task is already done');
    if (task.status === 'cancelled') throw new DomainError('conflict', 'The task was cancelled');
    return task;
  }

  /** Plans the task's reminders again for its (new) due date and assignee. */
  private async replanReminders(tx: Db, taskId: string, agencyId: string | null, dueAt: Date | null, reason: string, opts: { futureOnly: boolean }) {
    const row = await TaskRepository.planning(tx, taskId);
    if (!row?.spec) return;
    const ctx = (await loadCaseContext(tx, row.caseId))!;
    const base = row.pathwayKey
      ? { source: 'task' as const, pathway: row.pathwayKey, version: row.version ?? undefined, state: row.stateId ?? undefined, task: row.spec.key }
      : { source: 'conference' as const, conference: row.conferenceId, task: row.spec.key };
    const now = this.clock.now();
    let planned = this.reminders.planForTask(ctx, { agencyId, dueAt, spec: row.spec }, base, now);
    if (opts.futureOnly) planned = planned.filter((p) => p.dueAt.getTime() > now.getTime());
    await this.reminders.replan(tx, row.caseId, { taskId }, planned, reason);
  }

  private async record(tx: Db, actor: Actor, task: { id: string; caseId: string; instanceId: string | null; title: string }, type: 'task.extended' | 'task.reassigned', data: Record<string, unknown>) {
    await CaseEventRepository.append(tx, {
      caseId: task.caseId,
      instanceId: task.instanceId,
      type,
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      data: { taskId: task.id, title: task.title, ...data },
    });
    await this.audit.record(tx, actor, { action: type, caseId: task.caseId, resource: 'task', resourceId: task.id, detail: data });
  }

  /** Staff act on their own agency's tasks; case managers may act on any task of their cases. */
  private assertActs(actor: Actor, task: { assigneeAgencyId: string | null }) {
    if (hasRole(actor, 'case_manager')) return;
    if (task.assigneeAgencyId !== actor.agencyId) throw new DomainError('not_found', 'Task not found');
  }
}
