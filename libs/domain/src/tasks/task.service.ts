import { Injectable } from '@nestjs/common';
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
    const row = await one<{ id: string; caseId: string; instanceId: string | null; status: string; assigneeAgencyId: string | null; title: string }>(
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

  /** Staff act on their own agency's tasks; case managers may act on any task of their cases. */
  private assertActs(actor: Actor, task: { assigneeAgencyId: string | null }) {
    if (hasRole(actor, 'case_manager')) return;
    if (task.assigneeAgencyId !== actor.agencyId) throw new DomainError('not_found', 'Task not found');
  }
}
