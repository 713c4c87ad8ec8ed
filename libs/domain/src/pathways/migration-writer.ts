import type { CompiledPathway, PathwayDefinition } from '#engine';
import { buildSnapshotFor, buildStateTree } from '#pathway-tools';
import { DomainError, QUEUE } from '#core';
import type { CaseContext } from '../cases/case-context.js';
import { CaseEventRepository } from '../cases/case-event.repository.js';
import type { Db } from '../db.js';
import type { Actor } from '../identity/actor.js';
import { InstanceRepository, type Instance } from '../instances/instance.repository.js';
import { enqueue, reminderJobId, timerJobId } from '../outbox/outbox.js';
import { ReminderRepository } from '../reminders/reminder.repository.js';
import type { ReminderWriter } from '../reminders/reminder-writer.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { TimerRepository } from '../timers/timer.repository.js';
import type { TaskWriter } from '../tasks/task-writer.js';
import type { InstanceChanges } from './migration-changes.js';
import type { InstanceHoldings } from './migration-instance-state.js';
import { MigrationRepository } from './migration.repository.js';
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
  const revision = await InstanceRepository.migrateToVersion(tx, row.id, row.revision, { version: w.toVersion, snapshot, value });
  if (revision === undefined) throw new DomainError('conflict', 'The pathway instance was changed by someone else; run the migration again');
  const origin = (state: string) => ({ pathway: row.pathwayKey, version: w.toVersion, state });

  // Done and cancelled tasks of a renamed state move with it, so `allTasksDone` still counts them.
  // Before closing anything: the tasks this migration closes stay under the state they were opened in.
  const fromTree = buildStateTree(w.from);
  const toTree = buildStateTree(w.to.definition);
  for (const m of plan.stateMapping) {
    const fromNode = fromTree.byId.get(m.from)?.nodeId;
    const toNode = m.to === null ? undefined : toTree.byId.get(m.to)?.nodeId;
    if (!fromNode || !toNode || fromNode === toNode) continue;
    await TaskRepository.moveSettledToState(tx, row.id, fromNode, toNode);
  }

  const closeIds = changes.tasksToClose.map((c) => c.taskId);
  if (closeIds.length > 0) {
    const closed = await TaskRepository.cancelOpen(tx, closeIds);
    await deps.reminders.cancelForTasks(tx, closed);
  }

  const rescheduled: string[] = [];
  for (const kept of changes.tasksKept) {
    await TaskRepository.updateKept(tx, { taskId: kept.taskId, stateId: kept.stateId, title: kept.title, spec: kept.spec, dueAt: kept.newDueAt });
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
    const cancelled = await TimerRepository.cancelPending(tx, row.id, timer.timerId);
    await enqueue(tx, cancelled.map((id) => ({ kind: 'remove' as const, queue: QUEUE.timers, jobId: timerJobId(id) })));
  }
  for (const timer of changes.timersToSet) {
    const timerRowId = await TimerRepository.set(tx, { instanceId: row.id, timerId: timer.timerId, event: timer.event, fireAt: timer.fireAt, revision });
    await enqueue(tx, [
      {
        kind: 'add',
        job: 'timer.fire',
        jobId: timerJobId(timerRowId),
        payload: { instanceId: row.id, timerRowId, timerId: timer.timerId, event: timer.event, revision },
        runAt: new Date(timer.fireAt),
      },
    ]);
  }

  const owners = new Map<string, { taskId: string | null; key: string; stateId: string }>([
    ...opened.map((o) => [o.id, { taskId: null, key: o.key, stateId: o.stateId }] as const),
    ...changes.tasksKept.map((k) => [k.taskId, { taskId: k.taskId, key: k.key, stateId: k.stateId }] as const),
  ]);
  const added = await MigrationRepository.pendingRemindersOf(tx, [...opened.map((o) => o.id), ...rescheduled]);
  const remindersToAdd = added.map((r) => {
    const owner = owners.get(r.task_id)!;
    return { taskId: owner.taskId, taskKey: owner.key, stateId: owner.stateId, agencyId: r.agency_id, kind: r.kind, dueAt: r.due_at.toISOString() };
  });

  await CaseEventRepository.append(tx, {
    caseId: ctx.case.id,
    instanceId: row.id,
    type: 'pathway.migrated',
    data: { fromVersion: row.version, toVersion: w.toVersion, mapping: w.mapping },
    actorUserId: w.actor.userId,
    actorAgencyId: w.actor.agencyId,
    fromState: row.stateValue,
    toState: value,
    revision,
  });
  return { revision, remindersToAdd };
}

/**
 * A reminder rescheduled to the very moment one was already sent for (same kind, agency and time:
 * typically an overdue notice when only the reminder offsets changed) is not sent twice.
 */
async function skipAlreadySent(tx: Db, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  const skipped = await ReminderRepository.skipAlreadySent(tx, taskIds);
  await enqueue(tx, skipped.map((r) => ({ kind: 'remove' as const, queue: QUEUE.reminders, jobId: reminderJobId(r.id, r.generation) })));
}
