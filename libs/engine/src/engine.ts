import {
  createActor,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateNode,
  type AnyTransitionDefinition,
} from 'xstate';
import { addDuration } from './duration.js';
import { guardEnvFrom, TASKS_ENTER, TASKS_EXIT, type CompiledGuard, type CompiledPathway } from './compile.js';
import { ACTIONS, evaluateGuard, type GuardVerdict } from './registry.js';
import { computeDueAt } from './schedule.js';
import { activeNodes } from './xstate-internals.js';
import type {
  AllowedEvent,
  Effect,
  EngineFacts,
  PathwayEvent,
  PersistedSnapshot,
  StepResult,
  TaskSpec,
  TransitionMeta,
} from './types.js';

export interface StepOptions {
  now: Date;
  facts: EngineFacts;
  /** Country for `workingDays` due dates (public holidays); weekends only when absent. */
  country?: string;
  /** Zone in which working days are counted; UTC when absent. */
  timezone?: string;
}

export type CheckResult =
  | { ok: true; meta: TransitionMeta }
  | { ok: false; code: 'unknown_event' | 'not_allowed' | 'guard_refused'; message: string; guard?: string };

const DEFAULT_ROLES = ['case_manager'];

/** Rebuilds a live snapshot from its persisted JSON without starting an actor (timers stay ours). */
function restore(p: CompiledPathway, persisted: PersistedSnapshot): AnyMachineSnapshot {
  return createActor(p.machine, { snapshot: persisted as never }).getSnapshot() as AnyMachineSnapshot;
}

/** The event as XState sees it: facts ride along so guards can read them; they are never persisted. */
function wrap(event: PathwayEvent, facts: EngineFacts): { type: string; data: Record<string, unknown>; facts: EngineFacts } {
  return { type: event.type, data: event.data ?? {}, facts };
}

interface RawAction {
  type: string;
  params?: unknown;
}

function effectsOf(p: CompiledPathway, actions: readonly RawAction[], opts: StepOptions, data: Record<string, unknown> = {}): Effect[] {
  const effects: Effect[] = [];
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    switch (action.type) {
      case 'xstate.raise': {
        // An undelayed raise is handled inside the transition already.
        if (typeof params.delay !== 'number') break;
        const eventType = (params.event as { type: string }).type;
        const iso = p.delayEvents.get(eventType);
        const fireAt = iso ? addDuration(opts.now, iso) : new Date(opts.now.getTime() + params.delay);
        const timerId = typeof params.id === 'string' ? params.id : eventType;
        effects.push({ type: 'timer.set', timerId, event: eventType, fireAt: fireAt.toISOString() });
        break;
      }
      case 'xstate.cancel':
        effects.push({ type: 'timer.cancel', timerId: String(params.sendId) });
        break;
      case TASKS_ENTER: {
        const stateId = String(params.stateId);
        for (const task of p.states.get(stateId)?.tasks ?? []) {
          const dueAt = computeDueAt(task, opts.now, opts.facts.keyDates, opts);
          effects.push({ type: 'task.open', stateId, task, dueAt: dueAt ? dueAt.toISOString() : null });
        }
        break;
      }
      case TASKS_EXIT: {
        const stateId = String(params.stateId);
        for (const task of p.states.get(stateId)?.tasks ?? []) effects.push({ type: 'task.cancel', stateId, taskKey: task.key });
        break;
      }
      default: {
        const effect = ACTIONS[action.type]?.toEffect?.(params, data);
        if (effect) effects.push(effect);
      }
    }
  }
  return settle(effects);
}

function pairKey(effect: Effect): string | null {
  switch (effect.type) {
    case 'task.open':
      return `task:${effect.stateId}#${effect.task.key}`;
    case 'task.cancel':
      return `task:${effect.stateId}#${effect.taskKey}`;
    case 'timer.set':
    case 'timer.cancel':
      return `timer:${effect.timerId}`;
    default:
      return null;
  }
}

/**
 * A state entered and left within one step (an `always` pass-through) would open and cancel the
 * same task or timer: drop such pairs. Then cancels go first so a re-entered state's new task or
 * timer is not cancelled by the exit that preceded it.
 */
function settle(effects: Effect[]): Effect[] {
  const kept: Effect[] = [];
  for (const effect of effects) {
    if (effect.type === 'task.cancel' || effect.type === 'timer.cancel') {
      const key = pairKey(effect);
      const opened = kept.findLastIndex((e) => (e.type === 'task.open' || e.type === 'timer.set') && pairKey(e) === key);
      if (opened >= 0) {
        kept.splice(opened, 1);
        continue;
      }
    }
    kept.push(effect);
  }
  const isCancel = (e: Effect) => e.type === 'task.cancel' || e.type === 'timer.cancel';
  return [...kept.filter(isCancel), ...kept.filter((e) => !isCancel(e))];
}

function result(p: CompiledPathway, previous: AnyMachineSnapshot | null, next: AnyMachineSnapshot, effects: Effect[]): StepResult {
  const done = next.status === 'done';
  if (done && previous?.status !== 'done') effects.push({ type: 'instance.done' });
  return {
    snapshot: p.machine.getPersistedSnapshot(next),
    value: next.value,
    status: done ? 'done' : 'active',
    changed: true,
    effects,
  };
}

/**
 * Starts an instance: enters the initial states, opening their tasks and setting their timers.
 *
 * @example const { snapshot, effects } = startInstance(pathway, { now: new Date(), facts });
 */
export function startInstance(p: CompiledPathway, opts: StepOptions): StepResult {
  const [next, actions] = initialTransition(p.machine, { facts: opts.facts });
  return result(p, null, next as AnyMachineSnapshot, effectsOf(p, actions, opts));
}

/**
 * Applies one event (a user's, or a timer's `xstate.after.*` when it fires). An event the current
 * state does not handle, or a guard refuses, gives `changed: false`, no effects and the same snapshot.
 *
 * @example applyEvent(pathway, row.snapshot, { type: 'ACCEPT', data: { consent: 'given' } }, { now, facts })
 */
export function applyEvent(
  p: CompiledPathway,
  snapshot: PersistedSnapshot,
  event: PathwayEvent,
  opts: StepOptions,
): StepResult {
  const previous = restore(p, snapshot);
  const [next, actions] = transition(p.machine, previous, wrap(event, opts.facts));
  // XState hands back the same snapshot object when nothing happened (a re-entry also keeps it, but has actions).
  if (next === previous && actions.length === 0) {
    return { snapshot, value: previous.value, status: previous.status === 'done' ? 'done' : 'active', changed: false, effects: [] };
  }
  return result(p, previous, next as AnyMachineSnapshot, effectsOf(p, actions, opts, event.data ?? {}));
}

function metaOf(t: AnyTransitionDefinition): TransitionMeta {
  return (t.meta ?? {}) as TransitionMeta;
}

interface Selection {
  /** Whether any active state handles the event at all. */
  handled: boolean;
  selected?: AnyTransitionDefinition;
  /** The first refusal, when nothing was selected. */
  refusal?: { transition: AnyTransitionDefinition; guard: string; reason: string };
}

/** Mirrors XState's transition selection (deepest state first, first passing guard), keeping the reasons. */
function select(
  p: CompiledPathway,
  snap: AnyMachineSnapshot,
  eventType: string,
  facts: EngineFacts,
  data: Record<string, unknown> | undefined,
): Selection {
  const nodes = activeNodes(snap);
  const env = guardEnvFrom({ data, facts }, nodes.map((n) => n.id), p.states);
  if (data === undefined) env.dataUnknown = true;
  const selection: Selection = { handled: false };
  for (const leaf of nodes) {
    if (leaf.type !== 'atomic' && leaf.type !== 'final') continue;
    for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) {
      const candidates = node.transitions.get(eventType);
      if (!candidates) continue;
      selection.handled = true;
      for (const t of candidates) {
        const guard = t.guard as CompiledGuard | undefined;
        const verdict: GuardVerdict = guard?.ref === undefined ? { ok: true } : evaluateGuard(guard.ref, env);
        if (verdict.ok) return { ...selection, selected: t };
        if (!selection.refusal && guard) {
          const name = typeof guard.ref === 'string' ? guard.ref : guard.ref.type;
          selection.refusal = { transition: t, guard: name, reason: verdict.reason };
        }
      }
    }
  }
  return selection;
}

function describeStates(p: CompiledPathway, snap: AnyMachineSnapshot): string {
  const leaves = activeNodes(snap).filter((n) => n.type === 'atomic' || n.type === 'final');
  return leaves.map((n) => `'${p.states.get(n.id)?.title ?? n.key}'`).join(', ');
}

/**
 * Says whether an event would be accepted now, and if not, why — in words for a case manager.
 *
 * @example checkEvent(pathway, snapshot, { type: 'CLOSE' }, facts)
 * // { ok: false, code: 'guard_refused', guard: 'allTasksDone', message: "Refused: not every task of 'Screening' is done (2 open)" }
 */
export function checkEvent(p: CompiledPathway, snapshot: PersistedSnapshot, event: PathwayEvent, facts: EngineFacts): CheckResult {
  if (!p.eventTypes.has(event.type) && !p.delayEvents.has(event.type)) {
    return { ok: false, code: 'unknown_event', message: `'${event.type}' is not an event of pathway '${p.definition.title}'` };
  }
  const snap = restore(p, snapshot);
  if (snap.status === 'done') {
    return { ok: false, code: 'not_allowed', message: `'${event.type}' is not possible: the pathway has finished` };
  }
  const selection = select(p, snap, event.type, facts, event.data ?? {});
  if (selection.selected) return { ok: true, meta: metaOf(selection.selected) };
  if (selection.refusal) {
    const { guard, reason } = selection.refusal;
    return { ok: false, code: 'guard_refused', guard, message: `Refused: ${reason}` };
  }
  return { ok: false, code: 'not_allowed', message: `'${event.type}' is not possible in ${describeStates(p, snap)}` };
}

/**
 * The user events the current states handle, each enabled or (with a reason) refused by a guard
 * right now. Guards on the event's data pass here: the user has not filled the data in yet.
 */
export function allowedEvents(p: CompiledPathway, snapshot: PersistedSnapshot, facts: EngineFacts): AllowedEvent[] {
  const snap = restore(p, snapshot);
  if (snap.status === 'done') return [];
  const types = new Set<string>();
  for (const leaf of activeNodes(snap)) {
    if (leaf.type !== 'atomic' && leaf.type !== 'final') continue;
    for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) {
      for (const type of node.transitions.keys()) if (p.eventTypes.has(type)) types.add(type);
    }
  }
  return [...types].map((type) => {
    const selection = select(p, snap, type, facts, undefined);
    const transition = selection.selected ?? selection.refusal?.transition;
    const meta = transition ? metaOf(transition) : {};
    const event: AllowedEvent = { type, roles: meta.roles ?? DEFAULT_ROLES, enabled: Boolean(selection.selected) };
    if (meta.title !== undefined) event.title = meta.title;
    if (!selection.selected && selection.refusal) event.reason = `Refused: ${selection.refusal.reason}`;
    return event;
  });
}

/** Ids of the active state nodes, outermost first, without the machine's root (e.g. `['referral.screening']`). */
export function stateIds(p: CompiledPathway, snapshot: PersistedSnapshot): string[] {
  return activeNodes(restore(p, snapshot)).map((n) => n.id).filter((id) => id !== p.rootId);
}

/** The tasks a state declares in `meta.tasks` (empty for unknown states). */
export function tasksForState(p: CompiledPathway, stateId: string): TaskSpec[] {
  return p.states.get(stateId)?.tasks ?? [];
}
