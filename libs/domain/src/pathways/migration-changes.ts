import { addDuration, computeDueAt, isValidDuration, type PathwayDefinition, type TaskSpec } from '#engine';
import { buildStateTree, type MigrationPlan, planMigration, sameJson, type TimerKept, type TimerToSet } from '#pathway-tools';
import type { InstanceHoldings, OpenTaskRow } from './migration-instance-state.js';
import type { MigrationReminderToCancel, MigrationTaskKept, MigrationTaskToClose, MigrationTaskToOpen, MigrationTimerToCancel } from './migration-types.js';

export interface ChangesInput {
  from: PathwayDefinition;
  to: PathwayDefinition;
  stateValue: unknown;
  holdings: InstanceHoldings;
  mapping?: Record<string, string>;
  now: Date;
  keyDates: Record<string, string | null | undefined>;
  versions: { from: number; to: number };
}

export type TaskToOpenWithSpec = MigrationTaskToOpen & { spec: TaskSpec };
export type TaskKeptWithSpec = MigrationTaskKept & { spec: TaskSpec };

/** The migration plan turned into row-level changes: every open task row, timer row and reminder row it touches. */
export interface InstanceChanges {
  plan: MigrationPlan;
  ok: boolean;
  errors: string[];
  warnings: string[];
  tasksToClose: MigrationTaskToClose[];
  tasksToOpen: TaskToOpenWithSpec[];
  tasksKept: TaskKeptWithSpec[];
  timersToCancel: MigrationTimerToCancel[];
  timersToSet: TimerToSet[];
  timersKept: TimerKept[];
  /** Pending reminders of the tasks that close, and of kept tasks whose reminders are rescheduled. */
  remindersToCancel: MigrationReminderToCancel[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * When a task's clock started: its due date minus its old `due` when that is a plain duration (so
 * migrating there and back gives the very same due date), else when the task was opened.
 */
function clockStart(row: OpenTaskRow): Date {
  const due = row.spec?.due;
  if (row.due_at && typeof due === 'string' && isValidDuration(due) && !due.startsWith('-')) return addDuration(row.due_at, `-${due}`);
  return row.created_at;
}

/** What reminders and escalations are computed from, besides the due date. */
const reminderRules = (spec: TaskSpec | null | undefined) => ({
  reminders: spec?.reminders,
  escalation: spec?.escalation,
  urgent: spec?.urgent,
  assignee: spec?.assignee,
});

/**
 * Plans an instance's migration with {@link planMigration} and refines it to the rows it touches:
 * - several agencies sharing a role hold one task row each for the same state and key; the planner
 *   sees one of them and its verdict applies to all (it would otherwise close the others as duplicates);
 * - a kept task whose `due` changed counts its new due date from when its clock started, not from now;
 * - a kept task that the new version gives to another role closes and opens again for that role;
 * - moving into a final state is refused: finishing a pathway must go through its own transition.
 */
export function changesFor(input: ChangesInput): InstanceChanges {
  const groups = new Map<string, OpenTaskRow[]>();
  for (const task of input.holdings.openTasks) {
    const slot = `${task.state_id}\u0000${task.task_key}`;
    groups.set(slot, [...(groups.get(slot) ?? []), task]);
  }
  const representatives = [...groups.values()].flatMap((rows) => rows.slice(0, 1));
  const plan = planMigration({
    from: input.from,
    to: input.to,
    instance: {
      stateValue: input.stateValue,
      openTasks: representatives.map((t) => ({ id: t.id, stateId: t.state_id, key: t.task_key, dueAt: iso(t.due_at) })),
      pendingTimers: input.holdings.pendingTimers.map((t) => ({ timerId: t.timer_id, event: t.event, fireAt: t.fire_at.toISOString() })),
    },
    mapping: input.mapping,
    now: input.now,
    keyDates: input.keyDates,
    versions: input.versions,
  });
  const rowsOf = (taskId: string) => {
    const rep = representatives.find((t) => t.id === taskId)!;
    return groups.get(`${rep.state_id}\u0000${rep.task_key}`)!;
  };

  const errors = [...plan.errors];
  const toTree = buildStateTree(input.to);
  for (const id of plan.toStates) {
    if (toTree.byId.get(id)?.type === 'final') {
      errors.push(`state '${id}' of v${input.versions.to} is final: an instance is not migrated into a final state; map it elsewhere and finish it with its own event`);
    }
  }

  const tasksToClose: MigrationTaskToClose[] = plan.tasksToClose.flatMap((c) =>
    rowsOf(c.taskId).map((row) => ({ taskId: row.id, stateId: row.state_id, key: row.task_key, reason: c.reason })),
  );
  const tasksToOpen: TaskToOpenWithSpec[] = plan.tasksToOpen.map((o) => ({
    stateId: o.stateId,
    statePath: o.statePath,
    key: o.key,
    title: o.task.title,
    assigneeRole: o.task.assignee.role,
    dueAt: o.dueAt,
    why: o.why,
    spec: o.task,
  }));
  const tasksKept: TaskKeptWithSpec[] = [];
  for (const kept of plan.tasksKept) {
    const rows = rowsOf(kept.taskId);
    if (kept.assigneeChanged) {
      for (const row of rows) tasksToClose.push({ taskId: row.id, stateId: row.state_id, key: row.task_key, reason: 'reassigned' });
      tasksToOpen.push({
        stateId: kept.stateId,
        statePath: kept.statePath,
        key: kept.key,
        title: kept.task.title,
        assigneeRole: kept.task.assignee.role,
        dueAt: kept.newDueAt,
        why: 'reassigned',
        spec: kept.task,
      });
      continue;
    }
    for (const row of rows) {
      const oldDueAt = iso(row.due_at);
      const newDueAt = kept.dueChanged ? iso(computeDueAt(kept.task, clockStart(row), input.keyDates)) : oldDueAt;
      tasksKept.push({
        taskId: row.id,
        fromStateId: row.state_id,
        stateId: kept.stateId,
        statePath: kept.statePath,
        key: kept.key,
        title: kept.task.title,
        oldDueAt,
        newDueAt,
        dueChanged: newDueAt !== oldDueAt,
        remindersChanged: newDueAt !== oldDueAt || !sameJson(reminderRules(row.spec), reminderRules(kept.task)),
        titleChanged: row.title !== kept.task.title,
        spec: kept.task,
      });
    }
  }

  const timerRows = input.holdings.pendingTimers;
  const timersToCancel: MigrationTimerToCancel[] = plan.timersToCancel.map((c) => ({
    ...c,
    fireAt: timerRows.find((t) => t.timer_id === c.timerId)?.fire_at.toISOString() ?? null,
  }));

  const rescheduled = new Set([...tasksToClose.map((c) => c.taskId), ...tasksKept.filter((k) => k.remindersChanged).map((k) => k.taskId)]);
  const remindersToCancel = input.holdings.pendingReminders
    .filter((r) => rescheduled.has(r.task_id))
    .map((r) => ({ reminderId: r.id, taskId: r.task_id, agencyId: r.agency_id, kind: r.kind, dueAt: r.due_at.toISOString() }));

  return {
    plan,
    ok: errors.length === 0,
    errors,
    warnings: plan.warnings,
    tasksToClose,
    tasksToOpen,
    tasksKept,
    timersToCancel,
    timersToSet: plan.timersToSet,
    timersKept: plan.timersKept,
    remindersToCancel,
  };
}
