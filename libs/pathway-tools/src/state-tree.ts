import type { MachineJson, PathwayDefinition, TaskSpec, TransitionMeta } from '#engine';

/**
 * A read-only view of a definition's machine JSON as a flat list of states, so the diff, the
 * diagram and the migration planner agree on what a state id is: the dot-joined path of state
 * keys from the root (`screening`, `planning.contributions`), without the machine id.
 */
export interface StateNodeView {
  /** Dot path from the root, e.g. `planning.contributions`. */
  id: string;
  /** XState state node id: the custom `id` when given, else `<machineId>.<path>`. */
  nodeId: string;
  key: string;
  parentId: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  title?: string;
  initial?: string;
  childIds: string[];
  tasks: TaskSpec[];
  transitions: TransitionView[];
  /** Delay keys of `after`, in definition order. */
  delays: string[];
  config: Record<string, unknown>;
}

export interface TransitionView {
  /** The `on` event name, `always`, `onDone`, or `after:<delay>` for a timer. */
  event: string;
  kind: 'on' | 'always' | 'onDone' | 'after';
  delay?: string;
  /** Position among the candidates for the same event (XState tries them in order). */
  index: number;
  /** Targets as written (`planning`, `.child`, `#id`); empty for targetless transitions. */
  targets: string[];
  guard?: unknown;
  meta?: TransitionMeta;
  config: Record<string, unknown>;
}

export interface StateTree {
  machineId: string;
  /** Every state but the root, parents before children, in definition order. */
  states: StateNodeView[];
  byId: Map<string, StateNodeView>;
  /** By XState state node id (`referral.screening`, or a custom `id`). */
  byNodeId: Map<string, StateNodeView>;
  /** Transitions declared on the machine root itself (global events). */
  rootTransitions: TransitionView[];
  rootInitial?: string;
  rootChildIds: string[];
  rootType: 'compound' | 'parallel';
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function transitionsOf(config: Json): TransitionView[] {
  const out: TransitionView[] = [];
  const add = (event: string, kind: TransitionView['kind'], raw: unknown, delay?: string) => {
    toArray(raw).forEach((candidate, index) => {
      const t: Json = typeof candidate === 'string' ? { target: candidate } : isRecord(candidate) ? candidate : {};
      const targets = toArray(t.target).filter((x): x is string => typeof x === 'string');
      out.push({
        event,
        kind,
        ...(delay !== undefined ? { delay } : {}),
        index,
        targets,
        ...(t.guard !== undefined ? { guard: t.guard } : {}),
        ...(isRecord(t.meta) ? { meta: t.meta } : {}),
        config: t,
      });
    });
  };
  if (isRecord(config.on)) for (const [event, raw] of Object.entries(config.on)) add(event, 'on', raw);
  if (config.always !== undefined) add('always', 'always', config.always);
  if (config.onDone !== undefined) add('onDone', 'onDone', config.onDone);
  if (isRecord(config.after)) {
    for (const [delay, raw] of Object.entries(config.after)) add(`after:${delay}`, 'after', raw, delay);
  }
  return out;
}

function delaysOf(config: Json): string[] {
  return isRecord(config.after) ? Object.keys(config.after) : [];
}

function typeOf(config: Json): StateNodeView['type'] {
  const t = config.type;
  if (t === 'final' || t === 'parallel' || t === 'history') return t;
  if (t === 'compound' || t === 'atomic') return t;
  return isRecord(config.states) && Object.keys(config.states).length > 0 ? 'compound' : 'atomic';
}

function tasksOf(config: Json): TaskSpec[] {
  const meta = config.meta;
  if (!isRecord(meta) || !Array.isArray(meta.tasks)) return [];
  return meta.tasks.filter((t): t is TaskSpec => isRecord(t) && typeof t.key === 'string');
}

/** Builds the flat state view of a definition (or of a bare machine config). */
export function buildStateTree(source: PathwayDefinition | MachineJson): StateTree {
  const machine: Json = isRecord((source as PathwayDefinition).machine)
    ? (source as PathwayDefinition).machine
    : (source as Json);
  // Same rule as the engine's compiler: the machine id, else the pathway key.
  const fallbackId = typeof (source as PathwayDefinition).key === 'string' ? (source as PathwayDefinition).key : '(machine)';
  const machineId = typeof machine.id === 'string' ? machine.id : fallbackId;
  const states: StateNodeView[] = [];
  const byId = new Map<string, StateNodeView>();

  const walk = (children: unknown, parentId: string | null) => {
    if (!isRecord(children)) return;
    for (const [key, raw] of Object.entries(children)) {
      if (!isRecord(raw)) continue;
      const id = parentId === null ? key : `${parentId}.${key}`;
      const meta = isRecord(raw.meta) ? raw.meta : undefined;
      const view: StateNodeView = {
        id,
        nodeId: typeof raw.id === 'string' ? raw.id : `${machineId}.${id}`,
        key,
        parentId,
        type: typeOf(raw),
        ...(typeof meta?.title === 'string' ? { title: meta.title } : {}),
        ...(typeof raw.initial === 'string' ? { initial: raw.initial } : {}),
        childIds: isRecord(raw.states) ? Object.keys(raw.states).map((k) => `${id}.${k}`) : [],
        tasks: tasksOf(raw),
        transitions: transitionsOf(raw),
        delays: delaysOf(raw),
        config: raw,
      };
      states.push(view);
      byId.set(id, view);
      walk(raw.states, id);
    }
  };
  walk(machine.states, null);

  return {
    machineId,
    states,
    byId,
    byNodeId: new Map(states.map((st) => [st.nodeId, st])),
    rootTransitions: transitionsOf(machine),
    ...(typeof machine.initial === 'string' ? { rootInitial: machine.initial } : {}),
    rootChildIds: isRecord(machine.states) ? Object.keys(machine.states) : [],
    rootType: machine.type === 'parallel' ? 'parallel' : 'compound',
  };
}

/**
 * Resolves a transition target as XState does: `#id` by state node id, `.child` below the
 * source, anything else as a sibling of the source (or a child of the root for root transitions).
 * Returns null when the target names no state.
 */
export function resolveTarget(tree: StateTree, sourceId: string | null, target: string): string | null {
  if (target.startsWith('#')) {
    const ref = target.slice(1);
    for (const s of tree.states) if (s.nodeId === ref) return s.id;
    // `#machine.a.b` addresses by path below the machine id; `#custom.b` below a custom id.
    for (const s of [...tree.states].sort((a, b) => b.nodeId.length - a.nodeId.length)) {
      if (ref.startsWith(`${s.nodeId}.`)) {
        const id = `${s.id}.${ref.slice(s.nodeId.length + 1)}`;
        return tree.byId.has(id) ? id : null;
      }
    }
    if (ref.startsWith(`${tree.machineId}.`)) {
      const id = ref.slice(tree.machineId.length + 1);
      return tree.byId.has(id) ? id : null;
    }
    return null;
  }
  let id: string;
  if (target.startsWith('.')) id = sourceId === null ? target.slice(1) : `${sourceId}${target}`;
  else {
    const parent = sourceId === null ? null : (tree.byId.get(sourceId)?.parentId ?? null);
    id = parent === null ? target : `${parent}.${target}`;
  }
  return tree.byId.has(id) ? id : null;
}

/**
 * The leaf states entered when `id` is entered without a deeper target: the initial child of a
 * compound state (recursively), every region of a parallel state.
 */
export function entryLeaves(tree: StateTree, id: string): string[] {
  const node = tree.byId.get(id);
  if (!node) return [];
  if (node.type === 'parallel') return node.childIds.flatMap((c) => entryLeaves(tree, c));
  if (node.type === 'compound') {
    const initial = node.initial !== undefined ? `${id}.${node.initial}` : node.childIds[0];
    return initial === undefined ? [id] : entryLeaves(tree, initial);
  }
  return [id];
}

/** `a.b.c` → `['a', 'a.b', 'a.b.c']`. */
export function selfAndAncestors(id: string): string[] {
  const parts = id.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/**
 * Leaf state ids of an XState state value: `'a'` → `['a']`, `{ a: 'b' }` → `['a.b']`,
 * `{ p: { r1: 'x', r2: 'y' } }` → `['p.r1.x', 'p.r2.y']`.
 */
export function leafIdsOfValue(value: unknown, prefix = ''): string[] {
  const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  if (typeof value === 'string') return [join(value)];
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (isRecord(v) && Object.keys(v).length === 0) return [join(k)];
    return leafIdsOfValue(v, join(k));
  });
}

/**
 * Builds an XState state value from leaf ids (the inverse of {@link leafIdsOfValue}); a compound
 * state with one active child gives a string, a parallel state an object of its regions.
 */
export function valueOfLeafIds(tree: StateTree, leafIds: string[]): unknown {
  const build = (parentId: string | null): unknown => {
    const childIds = parentId === null ? tree.rootChildIds : (tree.byId.get(parentId)?.childIds ?? []);
    const active = childIds.filter((c) => leafIds.some((l) => l === c || l.startsWith(`${c}.`)));
    const isParallel = parentId === null ? tree.rootType === 'parallel' : tree.byId.get(parentId)?.type === 'parallel';
    const keyOf = (c: string) => c.slice(c.lastIndexOf('.') + 1);
    const hasActiveChildren = (c: string) => (tree.byId.get(c)?.childIds ?? []).some((g) =>
        leafIds.some((l) => l === g || l.startsWith(`${g}.`)),
      );
    if (!isParallel && active.length === 1) {
      const only = active[0]!;
      return hasActiveChildren(only) ? { [keyOf(only)]: build(only) } : keyOf(only);
    }
    const out: Record<string, unknown> = {};
    for (const c of active) out[keyOf(c)] = hasActiveChildren(c) ? build(c) : {};
    return out;
  };
  return build(null);
}

/**
 * Finds a state by dot path (`planning.contributions`) or by XState node id
 * (`referral.planning.contributions`, `#custom`): the engine names states by node id, people by path.
 */
export function findState(tree: StateTree, ref: string): StateNodeView | undefined {
  return tree.byId.get(ref) ?? tree.byNodeId.get(ref.startsWith('#') ? ref.slice(1) : ref);
}
