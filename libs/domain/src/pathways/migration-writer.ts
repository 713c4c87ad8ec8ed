import type { CompiledPathway, PathwayDefinition } from '../../../engine/src/index.js';
import { buildSnapshotFor, buildStateTree } from '../../../pathway-tools/src/index.js';
import { DomainError } from '../../../core/src/http/domain-error.js';
import { QUEUE } from '../../../core/src/queue/queue-registry.js';
import type { CaseContext } from '../cases/case-context.js';
import { many, one, type Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import type { Instance } from '../instances/instance.repository.js';
import { enqueue, reminderJobId, timerJobId } from '../outbox/outbox.js';
import type { ReminderWriter } from '../reminders/reminder-writer.js';
import type { TaskWriter } from '../tasks/task-writer.js';
import type { InstanceChanges } from './migration-changes.js';
import { pendingRemindersOf, type InstanceHoldings } from './migration-instance-state.js';
import type { MigrationReminderToAdd } from './migration-types.js';

export interface MigrationWrite {
  row: Instance;
  ctx: CaseContext;
  holdings: InstanceHoldings;
  changes: InstanceChanges;
  from: PathwayDefinition;
  to: CompiledPathway;
  toVersion: number;
  mapping: Record<string, string>;
  actor: Actor;
  now: Date;
}

/**
 * Writes a planned migration inside the caller's transaction (the instance row locked): the new
 * snapshot, version and state (compare-and-set on the revision), tasks closed, kept (moved to their
 * new state id, due date and rules) and opened, reminders cancelled and scheduled, timer rows
 * cancelled and set with their queue jobs through the outbox, and a `pathway.migrated` case event.
 * Returns the new revision and the reminders it scheduled.
 */
export async function writeMigration(
  tx: Db,
  deps: { tasks: TaskWriter; reminders: ReminderWriter },
  w: MigrationWrite,
): Promise<{ revision: number; remindersToAdd: MigrationReminderToAdd[] }> {
  const { row, ctx, changes, now } = w;
  const plan = changes.plan;
  const snapshot = buildSnapshotFor(w.to, plan.targetStateValue, (row.snapshot.context ?? {}) as Record<string, unknown>);
  const value = snapshot.value ?? plan.targetStateValue;
  const updated = await one<{ revision: number }>(
    tx,
    `UPDATE pathway_instances
        SET version = $3, snapshot = $4, state_value = $5, revision = revision + 1, updated_at = now()
      WHERE id = $1 AND revision = $2 AND status = 'active'
      RETURNING revision`,
    [row.id, row.revision, w.toVersion, JSON.stringify(snapshot), JSON.stringify(value)],
  );
  if (!updated) throw new DomainError('conflict', 'The pathway instance was changed by someone else; run the migration again');
  const revision = updated.revision;
  const origin = (state: string) => ({ pathway: row.pathwayKey, version: w.toVersion, state });

  // Done and cancelled tasks of a renamed state move with it, so `allTasksDone` still counts them.
  // Before closing anything: the tasks this migration closes stay under the state they were opened in.
  const fromTree = buildStateTree(w.from);
  const toTree = buildStateTree(w.to.definition);
  for (const m of plan.stateMapping) {
    const fromNode = fromTree.byId.get(m.from)?.nodeId;
    const toNode = m.to === null ? undefined : toTree.byId.get(m.to)?.nodeId;
    if (!fromNode || !toNode || fromNode === toNode) continue;
    await tx.query(`UPDATE tasks SET state_id = $3, updated_at = now() WHERE instance_id = $1 AND state_id = $2 AND status <> 'open'`, [
      row.id,
      fromNode,
      toNode,
    ]);
  }

  const closeIds = changes.tasksToClose.map((c) => c.taskId);
  if (closeIds.length > 0) {
    const closed = await many<{ id: string }>(
      tx,
      `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'open' RETURNING id`,
      [closeIds],
    );
    await deps.reminders.cancelForTasks(tx, closed.map((c) => c.id));
  }

  const rescheduled: string[] = [];
  for (const kept of changes.tasksKept) {
    await tx.query(`UPDATE tasks SET state_id = $2, title = $3, spec = $4, due_at = $5, updated_at = now() WHERE id = $1`, [
      kept.taskId,
      kept.stateId,
      kept.title,
      JSON.stringify(kept.spec),
      kept.newDueAt,
    ]);
    if (!kept.remindersChanged) continue;
    const agencyId = w.holdings.openTasks.find((t) => t.id === kept.taskId)?.assignee_agency_id ?? null;
    await deps.reminders.cancelForTasks(tx, [kept.taskId]);
    await deps.reminders.scheduleForTask(
      tx,
      ctx,
      { id: kept.taskId, agencyId, dueAt: kept.newDueAt ? new Date(kept.newDueAt) : null, spec: kept.spec },
      origin(kept.stateId),
      now,
    );
    rescheduled.push(kept.taskId);
  }
  await skipAlreadySent(tx, rescheduled);

  const opened: Array<{ id: string; key: string; stateId: string }> = [];
  for (const task of changes.tasksToOpen) {
    const rows = await deps.tasks.open(
      tx,
      ctx,
      { instanceId: row.id, stateId: task.stateId, spec: task.spec, dueAt: task.dueAt ? new Date(task.dueAt) : null, origin: origin(task.stateId) },
      now,
    );
    opened.push(...rows.map((r) => ({ id: r.id, key: task.key, stateId: task.stateId })));
  }

  for (const timer of changes.timersToCancel) {
    const cancelled = await many<{ id: string }>(
      tx,
      `UPDATE timers SET status = 'cancelled', settled_at = now()
        WHERE instance_id = $1 AND timer_id = $2 AND status = 'pending' RETURNING id`,
      [row.id, timer.timerId],
    );
    await enqueue(tx, cancelled.map((t) => ({ kind: 'remove' as const, queue: QUEUE.timers, jobId: timerJobId(t.id) })));
  }
  for (const timer of changes.timersToSet) {
    const inserted = await one<{ id: string }>(
      tx,
      `INSERT INTO timers (instance_id, timer_id, event, fire_at, revision) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, timer_id, revision) DO UPDATE SET fire_at = EXCLUDED.fire_at
       RETURNING id`,
      [row.id, timer.timerId, timer.event, timer.fireAt, revision],
    );
    await enqueue(tx, [
      {
        kind: 'add',
        job: 'timer.fire',
        jobId: timerJobId(inserted!.id),
        payload: { instanceId: row.id, timerRowId: inserted!.id, timerId: timer.timerId, event: timer.event, revision },
        runAt: new Date(timer.fireAt),
      },
    ]);
  }

  const owners = new Map<string, { taskId: string | null; key: string; stateId: string }>([
    ...opened.map((o) => [o.id, { taskId: null, key: o.key, stateId: o.stateId }] as const),
    ...changes.tasksKept.map((k) => [k.taskId, { taskId: k.taskId, key: k.key, stateId: k.stateId }] as const),
  ]);
  const added = await pendingRemindersOf(tx, [...opened.map((o) => o.id), ...rescheduled]);
  const remindersToAdd = added.map((r) => {
    const owner = owners.get(r.task_id)!;
    return { taskId: owner.taskId, taskKey: owner.key, stateId: owner.stateId, agencyId: r.agency_id, kind: r.kind, dueAt: r.due_at.toISOString() };
  });

  await tx.query(
    `INSERT INTO case_events (case_id, instance_id, type, data, actor_user_id, actor_agency_id, from_state, to_state, revision)
     VALUES ($1, $2, 'pathway.migrated', $3, $4, $5, $6, $7, $8)`,
    [
      ctx.case.id,
      row.id,
      JSON.stringify({ fromVersion: row.version, toVersion: w.toVersion, mapping: w.mapping }),
      w.actor.userId,
      w.actor.agencyId,
      JSON.stringify(row.stateValue),
      JSON.stringify(value),
      revision,
    ],
  );
  return { revision, remindersToAdd };
}

/**
 * A reminder rescheduled to the very moment one was already sent for (same kind, agency and time:
 * typically an overdue notice when only the reminder offsets changed) is not sent twice.
 */
async function skipAlreadySent(tx: Db, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  const skipped = await many<{ id: string; generation: number }>(
    tx,
    `UPDATE reminders n SET status = 'skipped', updated_at = now()
      WHERE n.task_id = ANY($1::uuid[]) AND n.status = 'pending'
        AND EXISTS (SELECT 1 FROM reminders s WHERE s.task_id = n.task_id AND s.status = 'sent'
                     AND s.kind = n.kind AND s.agency_id = n.agency_id AND s.due_at = n.due_at)
      RETURNING n.id, n.generation`,
    [taskIds],
  );
  await enqueue(tx, skipped.map((r) => ({ kind: 'remove' as const, queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation) })));
}
