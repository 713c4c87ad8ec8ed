import { Injectable } from '@nestjs/common';
import { Clock } from '../../../core/src/clock/clock.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { many, one, type Db } from '../db.js';
import { hasRole, type Actor } from '../identity/actor.js';
import { AccessService, isUuid } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { InstanceRepository } from '../instances/instance.repository.js';
import { InstanceService } from '../instances/instance.service.js';
import { ReminderWriter } from '../reminders/reminder-writer.js';
import { NotificationWriter } from '../notifications/notification-writer.js';
import { loadCaseContext } from '../cases/case-context.js';
import type { TaskSpec } from '../../../engine/src/index.js';

/** Inbox totals above this are reported as `total: 1000, totalCapped: true`. */
export const TOTAL_CAP = 1000;

export type TaskStatusFilter = 'open' | 'overdue' | 'done' | 'cancelled';

const TASK_COLUMNS = `t.id, t.case_id AS "caseId", c.reference AS "caseReference", t.title, t.task_key AS "taskKey",
  t.state_id AS "stateId", t.instance_id AS "instanceId", t.conference_id AS "conferenceId",
  t.assignee_role AS "assigneeRole", t.assignee_agency_id AS "assigneeAgencyId", t.due_at AS "dueAt",
  CASE WHEN t.status = 'open' AND t.due_at < now() THEN 'overdue' ELSE t.status END AS status,
  t.outcome, t.note, t.acknowledged_at AS "acknowledgedAt", t.completed_at AS "completedAt", t.created_at AS "createdAt"`;

/** Agencies' task inboxes, acknowledging and completing tasks. */
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
    const cases = this.access.caseFilter(actor, 'c', 1);
    const params = [...cases.params];
    const tasks = this.access.taskFilter(actor, 't', params.length + 1);
    params.push(...tasks.params);
    const where = [cases.sql, tasks.sql];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status === 'open') where.push(`t.status = 'open'`);
    else if (f.status === 'overdue') where.push(`t.status = 'open' AND t.due_at < now()`);
    else if (f.status === 'done') where.push(`t.status = 'done'`);
    else if (f.status === 'cancelled') where.push(`t.status = 'cancelled'`);
    else where.push(`t.status <> 'cancelled'`);
    if (f.caseId) {
      if (!isUuid(f.caseId)) return { items: [], total: 0 };
      add((n) => `t.case_id = ${n}`, f.caseId);
    }
    if (f.agencyId) add((n) => `t.assignee_agency_id = ${n}`, f.agencyId);
    const clause = where.join(' AND ');
    const order = f.status === 'done' ? 't.completed_at DESC' : 't.due_at ASC NULLS LAST, t.created_at';
    const items = await many(
      this.ds.manager,
      `SELECT ${TASK_COLUMNS} FROM tasks t JOIN cases c ON c.id = t.case_id
        WHERE ${clause} ORDER BY ${order}, t.id LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    // Counting every match of a large inbox costs more than the page itself: count up to a cap.
    const total = await one<{ n: number }>(
      this.ds.manager,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks t JOIN cases c ON c.id = t.case_id WHERE ${clause} LIMIT ${TOTAL_CAP + 1}) s`,
      params,
    );
    return { items, total: Math.min(total!.n, TOTAL_CAP), totalCapped: total!.n > TOTAL_CAP };
  }

  /** The task, if the actor may see it (404 otherwise). */
  async get(db: Db, actor: Actor, taskId: string, lock = false) {
    if (!isUuid(taskId)) throw new DomainError('not_found', 'Task not found');
    const cases = this.access.caseFilter(actor, 'c', 2);
    const tasks = this.access.taskFilter(actor, 't', 2 + cases.params.length);
    const row = await one<{
      id: string;
      caseId: string;
      instanceId: string | null;
      status: string;
      assigneeAgencyId: string | null;
      title: string;
      taskKey: string | null;
      dueAt: Date | null;
    }>(
      db,
      `SELECT ${TASK_COLUMNS} FROM tasks t JOIN cases c ON c.id = t.case_id
        WHERE t.id = $1 AND ${cases.sql} AND ${tasks.sql}${lock ? ' FOR NO KEY UPDATE OF t' : ''}`,
      [taskId, ...cases.params, ...tasks.params],
    );
    if (!row) throw new DomainError('not_found', 'Task not found');
    return row;
  }

  async acknowledge(tx: Db, actor: Actor, taskId: string) {
    const task = await this.get(tx, actor, taskId, true);
    this.assertActs(actor, task);
    await tx.query(
      `UPDATE tasks SET acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2), updated_at = now() WHERE id = $1`,
      [taskId, actor.userId],
    );
    await this.audit.record(tx, actor, { action: 'task.acknowledge', caseId: task.caseId, resource: 'task', resourceId: taskId });
    return this.get(tx, actor, taskId);
  }

  /**
   * Completes a task: its pending reminders are cancelled and its pathway is re-evaluated, so an
   * automatic (`always`) transition whose guard now passes is taken. Guarded events a case manager
   * sends become available; they do not fire by themselves.
   */
  async complete(tx: Db, actor: Actor, taskId: string, input: { outcome?: string; note?: string }) {
    // The instance first, then the task: the order a pathway event locks them in.
    if (isUuid(taskId)) await InstanceRepository.lockOwnerOf(tx, { taskId });
    const task = await this.get(tx, actor, taskId, true);
    this.assertActs(actor, task);
    // Under the locks, a completion that came first has committed: answering 200 would drop this
    // caller's outcome and note without a word, so they are told it was done already.
    if (task.status === 'done') throw new DomainError('conflict', 'The task is already done');
    if (task.status === 'cancelled') throw new DomainError('conflict', 'The task was cancelled');
    await tx.query(
      `UPDATE tasks SET status = 'done', outcome = $2, note = $3, completed_at = now(), completed_by = $4, updated_at = now() WHERE id = $1`,
      [taskId, input.outcome ?? null, input.note ?? null, actor.userId],
    );
    await this.reminders.cancelForTasks(tx, [taskId]);
    await tx.query(
      `INSERT INTO case_events (case_id, instance_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, $2, 'task.completed', $3, $4, $5)`,
      [task.caseId, task.instanceId, actor.userId, actor.agencyId, JSON.stringify({ taskId, title: task.title, outcome: input.outcome ?? null })],
    );
    await this.audit.record(tx, actor, { action: 'task.complete', caseId: task.caseId, resource: 'task', resourceId: taskId });
    if (task.instanceId) await this.instances.reevaluate(tx, task.instanceId, { actor });
    return this.get(tx, actor, taskId);
  }

  /**
   * A case manager extends (or brings forward) a task's due date, with a reason: its pending
   * reminders, overdue notices and escalations move with it, and later moves of the key date it
   * was counted from leave it alone (the date set by hand counts).
   */
  async extend(tx: Db, actor: Actor, taskId: string, input: { dueAt: Date; reason: string }) {
    this.access.assertCaseManager(actor);
    const task = await this.lockOpen(tx, actor, taskId);
    await tx.query(`UPDATE tasks SET due_at = $2, due_set_by_hand = true, updated_at = now() WHERE id = $1`, [taskId, input.dueAt]);
    await this.replanReminders(tx, taskId, task.assigneeAgencyId, input.dueAt, 'due date changed', { futureOnly: false });
    await this.record(tx, actor, task, 'task.extended', { from: task.dueAt, to: input.dueAt.toISOString(), reason: input.reason });
    return this.get(tx, actor, taskId);
  }

  /**
   * A case manager hands a task to another agency of the case: every pending reminder and rung of
   * its ladder is cancelled, the new agency is told (`task_assigned`) and reminded from now on.
   */
  async reassign(tx: Db, actor: Actor, taskId: string, input: { agencyId: string; reason?: string }) {
    this.access.assertCaseManager(actor);
    const task = await this.lockOpen(tx, actor, taskId);
    const takesPart = await one(tx, `SELECT 1 FROM case_participants WHERE case_id = $1 AND agency_id = $2`, [task.caseId, input.agencyId]);
    if (!takesPart) {
      throw new DomainError('unprocessable', 'The agency does not take part in this case', { errors: [{ path: '$.agencyId', message: 'add the agency to the case first' }] });
    }
    if (task.assigneeAgencyId === input.agencyId) throw new DomainError('conflict', 'The task is already assigned to this agency');
    await tx.query(`UPDATE tasks SET assignee_agency_id = $2, acknowledged_at = NULL, acknowledged_by = NULL, updated_at = now() WHERE id = $1`, [taskId, input.agencyId]);
    await this.reminders.cancelForTasks(tx, [taskId], 'task reassigned');
    await this.replanReminders(tx, taskId, input.agencyId, task.dueAt ? new Date(task.dueAt) : null, 'task reassigned', { futureOnly: true });
    const count = await one<{ n: number }>(tx, `SELECT count(*)::int AS n FROM case_events WHERE type = 'task.reassigned' AND data->>'taskId' = $1`, [taskId]);
    await this.notifications.create(tx, {
      caseId: task.caseId,
      agencyId: input.agencyId,
      kind: 'task_assigned',
      title: task.title,
      taskId,
      dueAt: task.dueAt ? new Date(task.dueAt) : null,
      rule: { source: 'reassignment', task: task.taskKey ?? undefined, kind: 'task_assigned' },
      dedupeKey: `task_assigned:${taskId}:${input.agencyId}:${count?.n ?? 0}`,
    });
    await this.record(tx, actor, task, 'task.reassigned', { from: task.assigneeAgencyId, to: input.agencyId, reason: input.reason ?? null });
    return this.get(tx, actor, taskId);
  }

  /** Locks the task's instance, then the task (the documented lock order); it must still be open. */
  private async lockOpen(tx: Db, actor: Actor, taskId: string) {
    if (isUuid(taskId)) await InstanceRepository.lockOwnerOf(tx, { taskId });
    const task = await this.get(tx, actor, taskId, true);
    if (task.status === 'done') throw new DomainError('conflict', 'The task is already done');
    if (task.status === 'cancelled') throw new DomainError('conflict', 'The task was cancelled');
    return task;
  }

  /** Plans the task's reminders again for its (new) due date and assignee. */
  private async replanReminders(tx: Db, taskId: string, agencyId: string | null, dueAt: Date | null, reason: string, opts: { futureOnly: boolean }) {
    const row = await one<{ case_id: string; spec: TaskSpec | null; pathway_key: string | null; version: number | null; state_id: string | null; conference_id: string | null }>(
      tx,
      `SELECT t.case_id, t.spec, i.pathway_key, i.version, t.state_id, t.conference_id FROM tasks t LEFT JOIN pathway_instances i ON i.id = t.instance_id WHERE t.id = $1`,
      [taskId],
    );
    if (!row?.spec) return;
    const ctx = (await loadCaseContext(tx, row.case_id))!;
    const base = row.pathway_key
      ? { source: 'task' as const, pathway: row.pathway_key, version: row.version ?? undefined, state: row.state_id ?? undefined, task: row.spec.key }
      : { source: 'conference' as const, conference: row.conference_id, task: row.spec.key };
    const now = this.clock.now();
    let planned = this.reminders.planForTask(ctx, { agencyId, dueAt, spec: row.spec }, base, now);
    if (opts.futureOnly) planned = planned.filter((p) => p.dueAt.getTime() > now.getTime());
    await this.reminders.replan(tx, row.case_id, { taskId }, planned, reason);
  }

  private async record(tx: Db, actor: Actor, task: { id: string; caseId: string; instanceId: string | null; title: string }, type: 'task.extended' | 'task.reassigned', data: Record<string, unknown>) {
    await tx.query(
      `INSERT INTO case_events (case_id, instance_id, type, actor_user_id, actor_agency_id, data) VALUES ($1, $2, $3, $4, $5, $6)`,
      [task.caseId, task.instanceId, type, actor.userId, actor.agencyId, JSON.stringify({ taskId: task.id, title: task.title, ...data })],
    );
    await this.audit.record(tx, actor, { action: type, caseId: task.caseId, resource: 'task', resourceId: task.id, detail: data });
  }

  /** Staff act on their own agency's tasks; case managers may act on any task of their cases. */
  private assertActs(actor: Actor, task: { assigneeAgencyId: string | null }) {
    if (hasRole(actor, 'case_manager')) return;
    if (task.assigneeAgencyId !== actor.agencyId) throw new DomainError('not_found', 'Task not found');
  }
}
