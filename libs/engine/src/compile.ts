import { assign, setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { approximateMillis, isValidDuration } from './duration.js';
import { ACTIONS, evaluateGuard, GUARDS, type GuardEnv } from './registry.js';
import type { EngineFacts, GuardRef, PathwayDefinition, StateInfo, TaskSpec } from './types.js';
import { normalizeTask } from './titles.js';
import { activeNodesOf } from './xstate-internals.js';

/** Engine-internal actions injected on states with tasks; their params carry the state id. */
export const TASKS_ENTER = 'convene.tasks.enter';
export const TASKS_EXIT = 'convene.tasks.exit';

export interface CompiledPathway {
  definition: PathwayDefinition;
  machine: AnyStateMachine;
  /** Every state node by XState id (root included). */
  states: ReadonlyMap<string, StateInfo>;
  /** `xstate.after.*` event type → the ISO duration of its `after` key. */
  delayEvents: ReadonlyMap<string, string>;
  /** Every event type some transition handles, internal `xstate.*` ones excluded. */
  eventTypes: ReadonlySet<string>;
  rootId: string;
}

/** A guard as compiled: XState calls `check` with the live snapshot, so guards see the current states. */
export interface CompiledGuard {
  (args: { event: unknown }): boolean;
  ref: GuardRef;
  check(snapshot: unknown, args: { event: unknown }): boolean;
}

type Json = Record<string, unknown>;

const EMPTY_FACTS: EngineFacts = { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [] };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads the facts and data that ride on a wrapped event (`facts`) or on the init event (`input.facts`). */
export function guardEnvFrom(
  event: unknown,
  activeStateIds: readonly string[],
  states: ReadonlyMap<string, StateInfo>,
): GuardEnv {
  const e = (isObject(event) ? event : {}) as { data?: unknown; facts?: EngineFacts; input?: { facts?: EngineFacts } };
  return {
    data: isObject(e.data) ? e.data : {},
    facts: e.facts ?? e.input?.facts ?? EMPTY_FACTS,
    activeStateIds,
    states,
  };
}

function activeIdsOf(snapshot: unknown): string[] {
  return (activeNodesOf(snapshot) ?? []).map((n) => n.id);
}

function compileGuard(ref: unknown, path: string, states: ReadonlyMap<string, StateInfo>): CompiledGuard {
  const name = typeof ref === 'string' ? ref : isObject(ref) ? ref.type : undefined;
  if (typeof name !== 'string' || !GUARDS[name]) {
    throw new Error(`${path}: unknown guard ${JSON.stringify(name ?? ref)} (known: ${Object.keys(GUARDS).join(', ')})`);
  }
  const guardRef = ref as GuardRef;
  // XState hands `check` (its hook for built-in guards) the snapshot being evaluated, also between
  // the microsteps of `always` transitions; a plain guard function only gets context and event.
  const fallback = (args: { event: unknown }) => evaluateGuard(guardRef, guardEnvFrom(args.event, [], states)).ok;
  return Object.assign(fallback, {
    ref: guardRef,
    check: (snapshot: unknown, args: { event: unknown }) =>
      evaluateGuard(guardRef, guardEnvFrom(args.event, activeIdsOf(snapshot), states)).ok,
  });
}

function checkActions(actions: unknown, path: string): void {
  for (const action of toArray(actions as unknown[] | undefined)) {
    const name = typeof action === 'string' ? action : isObject(action) ? action.type : undefined;
    if (typeof name !== 'string' || !ACTIONS[name]) {
      throw new Error(`${path}: unknown action ${JSON.stringify(name ?? action)} (known: ${Object.keys(ACTIONS).join(', ')})`);
    }
  }
}

/** State configs are walked before XState builds nodes; ids follow XState's rule (`parent.id + '.' + key`). */
class ConfigCompiler {
  readonly states = new Map<string, StateInfo>();
  readonly delays = new Map<string, number>();
  readonly eventTypes = new Set<string>();

  compileState(config: Json, id: string, key: string, path: string): Json {
    if ('invoke' in config) throw new Error(`${path}: 'invoke' is not supported in pathway definitions`);
    const meta = isObject(config.meta) ? config.meta : {};
    const tasks = Array.isArray(meta.tasks) ? (meta.tasks as TaskSpec[]).map(normalizeTask) : [];
    this.states.set(id, { id, title: typeof meta.title === 'string' ? meta.title : key, tasks });
    const out: Json = { ...config };
    checkActions(config.entry, `${path}.entry`);
    checkActions(config.exit, `${path}.exit`);
    if (tasks.length > 0) {
      out.entry = [{ type: TASKS_ENTER, params: { stateId: id } }, ...toArray(config.entry)];
      out.exit = [...toArray(config.exit), { type: TASKS_EXIT, params: { stateId: id } }];
    }
    if (isObject(config.on)) {
      const on: Json = {};
      for (const [event, transitions] of Object.entries(config.on)) {
        if (!event.startsWith('xstate.') && event !== '*') this.eventTypes.add(event);
        on[event] = this.compileTransitions(transitions, `${path}.on.${event}`);
      }
      out.on = on;
    }
    if (config.always !== undefined) out.always = this.compileTransitions(config.always, `${path}.always`);
    if (config.onDone !== undefined) out.onDone = this.compileTransitions(config.onDone, `${path}.onDone`);
    if (isObject(config.after)) {
      const after: Json = {};
      for (const [delay, transitions] of Object.entries(config.after)) {
        this.registerDelay(delay, `${path}.after`);
        after[delay] = this.compileTransitions(transitions, `${path}.after.${delay}`);
      }
      out.after = after;
    }
    if (isObject(config.states)) {
      const children: Json = {};
      for (const [childKey, child] of Object.entries(config.states)) {
        if (!isObject(child)) throw new Error(`${path}.states.${childKey}: a state must be an object`);
        const childId = typeof child.id === 'string' ? child.id : `${id}.${childKey}`;
        children[childKey] = this.compileState(child, childId, childKey, `${path}.states.${childKey}`);
      }
      out.states = children;
    }
    return out;
  }

  private registerDelay(delay: string, path: string): void {
    if (isValidDuration(delay) && !delay.startsWith('-')) this.delays.set(delay, approximateMillis(delay));
    else if (!/^\d+$/.test(delay)) throw new Error(`${path}: delay ${JSON.stringify(delay)} is not an ISO 8601 duration`);
  }

  private compileTransitions(transitions: unknown, path: string): unknown {
    if (!Array.isArray(transitions)) return this.compileTransition(transitions, path);
    return transitions.map((t, i) => this.compileTransition(t, `${path}[${i}]`));
  }

  private compileTransition(transition: unknown, path: string): unknown {
    if (!isObject(transition)) return transition;
    checkActions(transition.actions, `${path}.actions`);
    if (transition.guard === undefined) return transition;
    return { ...transition, guard: compileGuard(transition.guard, `${path}.guard`, this.states) };
  }
}

function allNodes(root: AnyStateNode): AnyStateNode[] {
  const result: AnyStateNode[] = [root];
  for (const child of Object.values(root.states) as AnyStateNode[]) result.push(...allNodes(child));
  return result;
}

function noop(): void {}

/**
 * Builds the XState machine of a definition, with the registry's guards and actions and its ISO
 * `after` delays. Throws a clear Error on what the engine cannot run (unknown guards or actions,
 * `invoke`). Compiling is the expensive part: callers cache the result by key and version.
 *
 * @example const pathway = compilePathway(definition); startInstance(pathway, { now, facts });
 */
export function compilePathway(def: PathwayDefinition): CompiledPathway {
  if (!isObject(def.machine)) throw new Error(`Pathway '${def.key}': machine must be an object`);
  const rootId = typeof def.machine.id === 'string' ? def.machine.id : def.key;
  const compiler = new ConfigCompiler();
  const config = compiler.compileState({ ...def.machine, id: rootId }, rootId, rootId, '$.machine');

  const actions: Record<string, unknown> = { [TASKS_ENTER]: noop, [TASKS_EXIT]: noop };
  for (const [name, spec] of Object.entries(ACTIONS)) {
    const update = spec.assign;
    actions[name] = update
      ? assign(({ context, event }, params) => {
          const data = (event as { data?: unknown }).data;
          return update(context ?? {}, isObject(data) ? data : {}, params ?? {});
        })
      : noop;
  }

  // Implementations are keyed by name only at runtime, so the typed overloads of setup() do not apply.
  const machine = setup({
    actions: actions as Record<string, never>,
    delays: Object.fromEntries(compiler.delays),
  }).createMachine(config as never) as unknown as AnyStateMachine;

  const delayEvents = new Map<string, string>();
  for (const node of allNodes(machine.root)) {
    for (const t of node.after) if (typeof t.delay === 'string') delayEvents.set(t.eventType as string, t.delay);
  }
  return { definition: def, machine, states: compiler.states, delayEvents, eventTypes: compiler.eventTypes, rootId };
}
