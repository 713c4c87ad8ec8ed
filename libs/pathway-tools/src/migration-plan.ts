import { addDuration, computeDueAt, type PathwayDefinition, type TaskSpec } from '#engine';
import { sameJson } from './json-value.js';
import {
  buildStateTree,
  entryLeaves,
  findState,
  leafIdsOfValue,
  selfAndAncestors,
  valueOfLeafIds,
  type StateNodeView,
  type StateTree,
} from './state-tree.js';

export interface MigrationInstance {
  /** XState state value of the running instance, e.g. `{ planning: 'contributions' }`. */
  stateValue: unknown;
  openTasks: Array<{ id: string; stateId: string; key: string; dueAt: string | null }>;
  pendingTimers: Array<{ timerId: string; event: string; fireAt: string }>;
  /** When the current state was entered; due dates of kept tasks whose `due` changed count from it. */
  enteredAt?: string;
}

export interface MigrationInput {
  from: PathwayDefinition;
  to: PathwayDefinition;
  instance: MigrationInstance;
  /**
   * State of `from` → state of `to`, by dot path (`screening.legacy`) or XState id. Mapping a
   * compound state also moves its sub-states that have no mapping and no namesake in `to`.
   * Mapping onto an ancestor of another mapped state (a removed parallel region onto its parallel
   * state) drops the state into that ancestor.
   */
  mapping?: Record<string, string>;
  now: Date;
  keyDates: Record<string, string | null | undefined>;
  /** Only for messages ("no longer exists in v2"). */
  versions?: { from: number; to: number };
}

export interface StateMappingEntry {
  /** Active leaf state of the instance (dot path in `from`). */
  from: string;
  /** State of `to` it moves to (dot path), or null when stranded. */
  to: string | null;
  how: 'same-id' | 'explicit' | 'missing';
}

export interface TaskToClose {
  taskId: string;
  stateId: string;
  key: string;
  /** `task-removed`: its state remains but no longer has the task; `state-left`: the instance leaves (or was mapped away from) its state. */
  reason: 'state-left' | 'task-removed' | 'duplicate' | 'unknown-state';
}

export interface TaskToOpen {
  /** XState id of the owning state in `to`, as the engine names it (e.g. `referral.screening`). */
  stateId: string;
  statePath: string;
  key: string;
  task: TaskSpec;
  dueAt: string | null;
  /** `new-task`: its state continues under the same id and the task is new in `to`; `entered`: the instance enters (or is mapped into) its state. */
  why: 'entered' | 'new-task';
}

export interface TaskKept {
  taskId: string;
  /** The state id the task is recorded under now (engine naming, `from`). */
  fromStateId: string;
  /** Its state id in `to` (engine naming); differs when its state was renamed or mapped. */
  stateId: string;
  statePath: string;
  key: string;
  task: TaskSpec;
  oldDueAt: string | null;
  newDueAt: string | null;
  dueChanged: boolean;
  /** Reminders or escalation must be rescheduled: their offsets changed, or the due date moved. */
  remindersChanged: boolean;
  assigneeChanged: { from: string; to: string } | null;
  titleChanged: boolean;
}

export interface TimerToCancel {
  timerId: string;
  event: string;
  /** `renamed`: replaced by a timer of the mapped state firing at the same time (see timersToSet). */
  reason: 'state-left' | 'delay-removed' | 'renamed' | 'unknown';
}

export interface TimerToSet {
  timerId: string;
  event: string;
  fireAt: string;
  stateId: string;
  delay: string;
  /** True when it replaces a pending timer of a renamed state and keeps its fire time. */
  carriedOver: boolean;
}

export interface TimerKept {
  timerId: string;
  event: string;
  fireAt: string;
  stateId: string;
  delay: string;
}

export interface MigrationPlan {
  ok: boolean;
  /** Active leaf states before (dot paths in `from`). */
  fromStates: string[];
  /** Active leaf states after (dot paths in `to`); includes parallel regions entered to complete the configuration. */
  toStates: string[];
  /** The state value to persist for the instance; null when the plan is not ok. */
  targetStateValue: unknown;
  stateMapping: StateMappingEntry[];
  tasksToClose: TaskToClose[];
  tasksToOpen: TaskToOpen[];
  tasksKept: TaskKept[];
  timersToCancel: TimerToCancel[];
  timersToSet: TimerToSet[];
  timersKept: TimerKept[];
  /** Why the plan cannot be applied as is; empty when `ok`. */
  errors: string[];
  /** Things an administrator should know but that do not block the migration. */
  warnings: string[];
}

/** The event XState raises when an `after` delay of a state elapses. */
export function afterEventType(state: StateNodeView, delay: string): string {
  return `xstate.after.${delay}.${state.nodeId}`;
}

interface Resolved {
  target: string | null;
  how: StateMappingEntry['how'];
}

class Planner {
  readonly a: StateTree;
  readonly b: StateTree;
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  /** Explicit mapping, normalised to dot paths (from → to). */
  readonly mapping = new Map<string, string>();
  /** How messages name the versions: `v1`/`v2` when known. */
  readonly fromName: string;
  readonly toName: string;

  constructor(private readonly input: MigrationInput) {
    this.a = buildStateTree(input.from);
    this.b = buildStateTree(input.to);
    this.fromName = input.versions ? `v${input.versions.from}` : 'the current version';
    this.toName = input.versions ? `v${input.versions.to}` : 'the target version';
    for (const [fromRef, toRef] of Object.entries(input.mapping ?? {})) {
      const source = findState(this.a, fromRef);
      const target = findState(this.b, toRef);
      if (!source) this.errors.push(`mapping names '${fromRef}', which is not a state of ${this.fromName}`);
      if (!target) this.errors.push(`mapping sends '${fromRef}' to '${toRef}', which is not a state of ${this.toName}`);
      if (source && target) this.mapping.set(source.id, target.id);
    }
  }

  /** Where a state of `from` goes: its explicit mapping, its namesake, or a mapped ancestor. */
  resolve(id: string): Resolved {
    const explicit = this.mapping.get(id);
    if (explicit !== undefined) return { target: explicit, how: 'explicit' };
    if (this.b.byId.has(id)) return { target: id, how: 'same-id' };
    for (const ancestor of selfAndAncestors(id).reverse().slice(1)) {
      const mapped = this.mapping.get(ancestor);
      if (mapped !== undefined) return { target: mapped, how: 'explicit' };
    }
    return { target: null, how: 'missing' };
  }

  /** Adds the entry leaves of every region of an active parallel state that nothing maps into. */
  completeParallelRegions(leaves: string[]): string[] {
    const result = [...leaves];
    for (let changed = true; changed; ) {
      changed = false;
      const active = new Set(result.flatMap(selfAndAncestors));
      const parallels = [
        ...(this.b.rootType === 'parallel' ? [{ childIds: this.b.rootChildIds }] : []),
        ...this.b.states.filter((s) => s.type === 'parallel' && active.has(s.id)),
      ];
      for (const p of parallels) {
        for (const region of p.childIds) {
          if (active.has(region)) continue;
          result.push(...entryLeaves(this.b, region));
          changed = true;
        }
      }
    }
    return result;
  }

  /** Two leaves in the same non-parallel parent cannot both be active. */
  checkConflicts(leaves: string[]): void {
    const active = new Set(leaves.flatMap(selfAndAncestors));
    const compounds: Array<{ id: string | null; childIds: string[] }> = [
      ...(this.b.rootType === 'compound' ? [{ id: null, childIds: this.b.rootChildIds }] : []),
      ...this.b.states.filter((s) => s.type === 'compound').map((s) => ({ id: s.id, childIds: s.childIds })),
    ];
    for (const c of compounds) {
      const on = c.childIds.filter((id) => active.has(id));
      if (on.length > 1) {
        const where = c.id === null ? 'at the top level' : `inside '${c.id}'`;
        this.errors.push(
          `states ${on.map((id) => `'${id}'`).join(' and ')} of ${this.toName} cannot be active at once (${where}): map the instance's states into one of them`,
        );
      }
    }
  }
}

function dueIso(task: TaskSpec, enteredAt: Date, keyDates: MigrationInput['keyDates']): string | null {
  const due = computeDueAt(task, enteredAt, keyDates);
  return due ? due.toISOString() : null;
}

/**
 * Plans moving a running instance to another version of its pathway, without touching anything:
 * which state each active state lands in, which tasks close, stay (with due dates recomputed when
 * their `due` changed) or open, and which timers are kept, cancelled or set. A state with no
 * namesake and no mapping is never dropped silently: the plan is not `ok` and says which state to map.
 * Planning the reverse migration (swap `from`/`to`, invert the mapping) restores the original.
 *
 * @example
 * const plan = planMigration({ from: v1, to: v2, instance, mapping: { 'screening.legacy': 'screening.triage' },
 *   now: new Date(), keyDates: caseRow.keyDates, versions: { from: 1, to: 2 } });
 * if (!plan.ok) throw new UnprocessableEntity(plan.errors);
 */
export function planMigration(input: MigrationInput): MigrationPlan {
  const planner = new Planner(input);
  const { a, b, errors, warnings, fromName, toName } = planner;

  const fromStates = leafIdsOfValue(input.instance.stateValue);
  for (const id of fromStates) {
    if (!a.byId.has(id)) errors.push(`the instance is in '${id}', which is not a state of ${fromName}: is 'from' the right version?`);
  }

  const stateMapping: StateMappingEntry[] = [];
  for (const id of fromStates) {
    const { target, how } = planner.resolve(id);
    stateMapping.push({ from: id, to: target, how });
    if (target === null) errors.push(`state '${id}' no longer exists in ${toName}: map it to a state of ${toName}`);
  }
  const targets = stateMapping.map((m) => m.to).filter((t): t is string => t !== null);
  // A state mapped onto an ancestor of another mapped state is absorbed by it (e.g. a removed
  // parallel region mapped to its parallel state) instead of re-entering that ancestor's initial states.
  const mappedLeaves = targets
    .filter((t) => !targets.some((other) => other !== t && other.startsWith(`${t}.`)))
    .flatMap((t) => entryLeaves(b, t));
  const toStates = planner.completeParallelRegions([...new Set(mappedLeaves)]);
  planner.checkConflicts(toStates);

  // Every active state node, leaves and their ancestors, before and after.
  const oldActive = [...new Set(fromStates.filter((id) => a.byId.has(id)).flatMap(selfAndAncestors))];
  const newActive = new Set(toStates.flatMap(selfAndAncestors));
  const leafTarget = new Map(stateMapping.map((m) => [m.from, m.to]));
  const imageOf = (id: string): string | null => {
    const target = leafTarget.has(id) ? leafTarget.get(id)! : planner.resolve(id).target;
    return target !== null && newActive.has(target) ? target : null;
  };
  const sources = new Map<string, string[]>();
  for (const id of oldActive) {
    const image = imageOf(id);
    if (image !== null) sources.set(image, [...(sources.get(image) ?? []), id]);
  }
  const orderedNew = b.states.filter((s) => newActive.has(s.id));

  // Tasks.
  const now = input.now;
  const enteredAt = input.instance.enteredAt ? new Date(input.instance.enteredAt) : now;
  const tasksToClose: TaskToClose[] = [];
  const tasksKept: TaskKept[] = [];
  const tasksToOpen: TaskToOpen[] = [];
  const covered = new Set<string>();
  for (const open of input.instance.openTasks) {
    const state = findState(a, open.stateId);
    const close = (reason: TaskToClose['reason']) => tasksToClose.push({ taskId: open.id, stateId: open.stateId, key: open.key, reason });
    if (!state) {
      warnings.push(`task ${open.id} belongs to '${open.stateId}', which is not a state of ${fromName}: it is closed`);
      close('unknown-state');
      continue;
    }
    const image = imageOf(state.id);
    if (image === null) {
      close('state-left');
      continue;
    }
    const target = b.byId.get(image)!;
    const spec = target.tasks.find((t) => t.key === open.key);
    if (!spec) {
      // "removed" when the state itself remains; mapped elsewhere, the task's state is what was left.
      close(image === state.id ? 'task-removed' : 'state-left');
      continue;
    }
    const slot = `${image}\u0000${open.key}`;
    if (covered.has(slot)) {
      close('duplicate');
      continue;
    }
    covered.add(slot);
    const old = state.tasks.find((t) => t.key === open.key);
    const dueChanged = !sameJson(old?.due, spec.due);
    const newDueAt = dueChanged ? dueIso(spec, enteredAt, input.keyDates) : open.dueAt;
    const oldRole = old?.assignee?.role;
    const newRole = spec.assignee?.role;
    tasksKept.push({
      taskId: open.id,
      fromStateId: open.stateId,
      stateId: target.nodeId,
      statePath: target.id,
      key: open.key,
      task: spec,
      oldDueAt: open.dueAt,
      newDueAt,
      dueChanged,
      remindersChanged:
        !sameJson(old?.reminders, spec.reminders) || !sameJson(old?.escalation, spec.escalation) || newDueAt !== open.dueAt,
      assigneeChanged: oldRole !== undefined && newRole !== undefined && oldRole !== newRole ? { from: oldRole, to: newRole } : null,
      titleChanged: old?.title !== spec.title,
    });
  }
  for (const state of orderedNew) {
    const from = sources.get(state.id) ?? [];
    for (const spec of state.tasks) {
      if (covered.has(`${state.id}\u0000${spec.key}`)) continue;
      // A task its previous state already had, but that is not open, was done or cancelled: leave it be.
      if (from.some((id) => a.byId.get(id)?.tasks.some((t) => t.key === spec.key))) continue;
      tasksToOpen.push({
        stateId: state.nodeId,
        statePath: state.id,
        key: spec.key,
        task: spec,
        dueAt: dueIso(spec, now, input.keyDates),
        why: from.includes(state.id) ? 'new-task' : 'entered',
      });
    }
  }

  // Timers.
  const knownEvents = new Map<string, { state: StateNodeView; delay: string }>();
  for (const state of a.states) for (const delay of state.delays) knownEvents.set(afterEventType(state, delay), { state, delay });
  const timersToCancel: TimerToCancel[] = [];
  const timersToSet: TimerToSet[] = [];
  const timersKept: TimerKept[] = [];
  const armed = new Set<string>();
  for (const timer of input.instance.pendingTimers) {
    const known = knownEvents.get(timer.event);
    if (!known) {
      warnings.push(`pending timer ${timer.timerId} (${timer.event}) belongs to no 'after' delay of ${fromName}: it is cancelled`);
      timersToCancel.push({ timerId: timer.timerId, event: timer.event, reason: 'unknown' });
      continue;
    }
    const image = imageOf(known.state.id);
    const target = image === null ? undefined : b.byId.get(image);
    if (!target) {
      timersToCancel.push({ timerId: timer.timerId, event: timer.event, reason: 'state-left' });
      continue;
    }
    if (!target.delays.includes(known.delay) || armed.has(`${target.id}\u0000${known.delay}`)) {
      const reason = target.id === known.state.id ? 'delay-removed' : 'state-left';
      timersToCancel.push({ timerId: timer.timerId, event: timer.event, reason });
      continue;
    }
    armed.add(`${target.id}\u0000${known.delay}`);
    const event = afterEventType(target, known.delay);
    if (event === timer.event) {
      timersKept.push({ timerId: timer.timerId, event, fireAt: timer.fireAt, stateId: target.nodeId, delay: known.delay });
    } else {
      // XState names the timer after its state: a renamed state needs a new timer firing at the same time.
      timersToCancel.push({ timerId: timer.timerId, event: timer.event, reason: 'renamed' });
      timersToSet.push({ timerId: event, event, fireAt: timer.fireAt, stateId: target.nodeId, delay: known.delay, carriedOver: true });
    }
  }
  for (const state of orderedNew) {
    const from = sources.get(state.id) ?? [];
    for (const delay of state.delays) {
      if (armed.has(`${state.id}\u0000${delay}`)) continue;
      // The same delay with no pending timer has already fired (its guard held the state): do not rearm it.
      if (from.some((id) => a.byId.get(id)?.delays.includes(delay))) continue;
      const event = afterEventType(state, delay);
      timersToSet.push({
        timerId: event,
        event,
        fireAt: addDuration(now, delay).toISOString(),
        stateId: state.nodeId,
        delay,
        carriedOver: false,
      });
    }
  }

  const ok = errors.length === 0;
  return {
    ok,
    fromStates,
    toStates,
    targetStateValue: ok ? valueOfLeafIds(b, toStates) : null,
    stateMapping,
    tasksToClose,
    tasksToOpen,
    tasksKept,
    timersToCancel,
    timersToSet,
    timersKept,
    errors,
    warnings,
  };
}
