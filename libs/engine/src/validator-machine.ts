import type { ValidationError } from './types.js';
import { checkStateMeta, checkTransitionMeta } from './validator-meta.js';
import { childPath, describeValue, isNonEmptyString, isPlainObject, own } from './validator-path.js';
import { checkRef, type RegistryView } from './validator-refs.js';
import { checkDuration } from './validator-values.js';

export type StateNodeType = 'atomic' | 'compound' | 'parallel' | 'final';
export type TransitionKind = 'on' | 'after' | 'always' | 'onDone';

/** A state node as the validator sees it: where it is, what it is, and how it can be left. */
export interface StateNodeInfo {
  path: string;
  keys: string[];
  /** XState id: the explicit `id`, else the machine id and the key path joined by dots. */
  id: string;
  type: StateNodeType;
  parent: StateNodeInfo | null;
  children: Map<string, StateNodeInfo>;
  initial?: string;
  transitions: TransitionInfo[];
  /** The node's config as written. */
  config: Record<string, unknown>;
}

export interface TransitionInfo {
  source: StateNodeInfo;
  kind: TransitionKind;
  /** Event type, delay or `always`/`onDone`. */
  trigger: string;
  path: string;
  targets: Array<{ value: string; path: string }>;
  guarded: boolean;
  /** The transition as written: a target string or an object. */
  config: unknown;
}

export interface MachineModel {
  root: StateNodeInfo;
  nodes: StateNodeInfo[];
  /** Explicit and default ids → node. */
  ids: Map<string, StateNodeInfo>;
}

export const MAX_STATE_DEPTH = 32;

const NODE_KEYS = new Set([
  'id', 'initial', 'states', 'on', 'after', 'always', 'onDone', 'type', 'meta', 'entry', 'exit', 'description', 'tags',
]);
const ROOT_ONLY_KEYS = new Set(['context']);
const TRANSITION_KEYS = new Set(['target', 'guard', 'actions', 'reenter', 'description', 'meta']);
const STATE_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const RESERVED_EVENT_PREFIXES = ['xstate.', 'done.', 'error.'];

/** Config keys XState knows but a definition may not use, with the reason a user should read. */
const REFUSED_KEYS: Record<string, string> = {
  invoke: 'invoke is not supported: a definition never runs services or code; use registry actions and tasks',
  src: 'src is not supported: a definition never runs services or code',
  delays: 'delays are not configurable: write ISO 8601 durations as "after" keys',
  guards: 'guard implementations come from the engine registry; reference them by name',
  actions: 'action implementations come from the engine registry; use "entry", "exit" or a transition\'s "actions"',
  actors: 'actors are not supported: a definition never runs services or code',
  history: 'history states are not supported',
  output: 'output is not supported',
  input: 'input is not supported',
  systemId: 'systemId is not supported',
  onError: 'onError belongs to invoked services, which are not supported',
  schemas: 'schemas are not supported',
  types: 'types are not supported',
  cond: 'use "guard" (XState v5) instead of "cond"',
  internal: 'use "reenter" (XState v5) instead of "internal"',
  in: '"in" is not supported',
};

/**
 * Walks `machine`, checking every state node's keys and values, and builds the model that the
 * graph checks (targets, reachability, completion) run on. Returns null when the root is unusable.
 */
export function walkMachine(
  machine: unknown,
  guards: RegistryView,
  actions: RegistryView,
  errors: ValidationError[],
): MachineModel | null {
  const path = '$.machine';
  if (!isPlainObject(machine)) {
    errors.push({ path, message: `machine must be an XState machine config object, got ${describeValue(machine)}` });
    return null;
  }
  const machineId = own(machine, 'id');
  if (!isNonEmptyString(machineId)) {
    errors.push({ path: childPath(path, 'id'), message: 'machine id is required' });
  }
  const rootId = isNonEmptyString(machineId) ? machineId : '(machine)';
  const nodes: StateNodeInfo[] = [];
  const ids = new Map<string, StateNodeInfo>();
  const ctx = { guards, actions, errors, nodes, ids, rootId };
  const root = walkNode(machine, path, [], null, ctx);
  return { root, nodes, ids };
}

interface WalkContext {
  guards: RegistryView;
  actions: RegistryView;
  errors: ValidationError[];
  nodes: StateNodeInfo[];
  ids: Map<string, StateNodeInfo>;
  rootId: string;
}

function walkNode(
  config: Record<string, unknown>,
  path: string,
  keys: string[],
  parent: StateNodeInfo | null,
  ctx: WalkContext,
): StateNodeInfo {
  const { errors } = ctx;
  const isRoot = parent === null;
  for (const key of Object.keys(config)) {
    const keyPath = childPath(path, key);
    const refused = own(REFUSED_KEYS, key);
    if (refused !== undefined) errors.push({ path: keyPath, message: refused });
    else if (!NODE_KEYS.has(key) && !(isRoot && ROOT_ONLY_KEYS.has(key))) {
      const where = ROOT_ONLY_KEYS.has(key) ? ' (only on the machine itself)' : '';
      errors.push({ path: keyPath, message: `unknown state node key "${key}"${where}; allowed: ${[...NODE_KEYS].join(', ')}` });
    }
  }

  const explicitId = own(config, 'id');
  if (explicitId !== undefined && (typeof explicitId !== 'string' || !NODE_ID.test(explicitId))) {
    errors.push({ path: childPath(path, 'id'), message: 'id must be letters, digits, "_" or "-", starting with a letter (no dots)' });
  }
  const id = typeof explicitId === 'string' && explicitId ? explicitId : [ctx.rootId, ...keys].join('.');
  const node: StateNodeInfo = { path, keys, id, type: 'atomic', parent, children: new Map(), transitions: [], config };
  if (ctx.ids.has(id)) errors.push({ path: childPath(path, 'id'), message: `id "${id}" is used by another state` });
  else ctx.ids.set(id, node);
  ctx.nodes.push(node);

  const type = own(config, 'type');
  if (type === 'history') errors.push({ path: childPath(path, 'type'), message: own(REFUSED_KEYS, 'history') ?? 'history states are not supported' });
  else if (type !== undefined && type !== 'final' && type !== 'parallel' && type !== 'atomic' && type !== 'compound') {
    errors.push({ path: childPath(path, 'type'), message: `type must be "final", "parallel", "compound" or "atomic", got ${describeValue(type)}` });
  }

  const states = own(config, 'states');
  const statesPath = childPath(path, 'states');
  if (states !== undefined) {
    if (!isPlainObject(states)) errors.push({ path: statesPath, message: 'states must be an object of state nodes' });
    else if (keys.length >= MAX_STATE_DEPTH) {
      errors.push({ path: statesPath, message: `states are nested too deeply (more than ${MAX_STATE_DEPTH} levels)` });
    } else {
      for (const [key, child] of Object.entries(states)) {
        const childNodePath = childPath(statesPath, key);
        if (!STATE_KEY.test(key)) {
          errors.push({ path: childNodePath, message: `state key "${key}" must be letters, digits, "_" or "-", starting with a letter` });
          continue;
        }
        if (!isPlainObject(child)) {
          errors.push({ path: childNodePath, message: `a state must be an object, got ${describeValue(child)}` });
          continue;
        }
        node.children.set(key, walkNode(child, childNodePath, [...keys, key], node, ctx));
      }
      if (node.children.size === 0 && Object.keys(states).length === 0) {
        errors.push({ path: statesPath, message: 'states must not be empty' });
      }
    }
  }

  if (type === 'final') {
    node.type = 'final';
    for (const key of ['states', 'on', 'after', 'always', 'onDone', 'initial']) {
      if (Object.hasOwn(config, key)) errors.push({ path: childPath(path, key), message: `a final state cannot have "${key}"` });
    }
  } else if (type === 'parallel') {
    node.type = 'parallel';
    if (Object.hasOwn(config, 'initial')) errors.push({ path: childPath(path, 'initial'), message: 'a parallel state enters all its regions: remove "initial"' });
    if (node.children.size === 0) errors.push({ path: statesPath, message: 'a parallel state needs regions (child states)' });
    for (const region of node.children.values()) {
      if (region.type !== 'compound' && region.type !== 'parallel') {
        errors.push({ path: region.path, message: 'each region of a parallel state needs its own child states' });
      }
    }
  } else if (node.children.size > 0 || (type === 'compound' && states !== undefined)) {
    node.type = 'compound';
    const initial = own(config, 'initial');
    const initialPath = childPath(path, 'initial');
    if (initial === undefined) errors.push({ path: initialPath, message: 'initial is required: name the child state entered first' });
    else if (typeof initial !== 'string' || !node.children.has(initial)) {
      errors.push({ path: initialPath, message: `initial ${describeValue(initial)} is not a child state; children: ${[...node.children.keys()].join(', ')}` });
    } else node.initial = initial;
  } else {
    if (Object.hasOwn(config, 'initial')) errors.push({ path: childPath(path, 'initial'), message: 'initial needs child states' });
    if (isRoot) errors.push({ path: statesPath, message: 'machine needs at least one state' });
  }
  if (Object.hasOwn(config, 'onDone') && node.type !== 'compound' && node.type !== 'parallel') {
    errors.push({ path: childPath(path, 'onDone'), message: 'onDone is only for states with child states' });
  }

  checkNodeValues(config, path, node, ctx);
  return node;
}

function checkNodeValues(config: Record<string, unknown>, path: string, node: StateNodeInfo, ctx: WalkContext): void {
  const { errors } = ctx;
  const on = own(config, 'on');
  if (on !== undefined) {
    const onPath = childPath(path, 'on');
    if (!isPlainObject(on)) errors.push({ path: onPath, message: 'on must map event types to transitions' });
    else {
      for (const [event, value] of Object.entries(on)) {
        const eventPath = childPath(onPath, event);
        if (event === '*') errors.push({ path: eventPath, message: 'wildcard events are not supported: name each event' });
        else if (!EVENT_TYPE.test(event) || RESERVED_EVENT_PREFIXES.some((p) => event.startsWith(p))) {
          errors.push({ path: eventPath, message: `event type "${event}" must be letters, digits, "_", "-" or ".", and not start with xstate., done. or error.` });
        }
        readTransitions(value, eventPath, node, 'on', event, ctx);
      }
    }
  }
  const after = own(config, 'after');
  if (after !== undefined) {
    const afterPath = childPath(path, 'after');
    if (!isPlainObject(after)) errors.push({ path: afterPath, message: 'after must map ISO 8601 durations to transitions' });
    else {
      for (const [delay, value] of Object.entries(after)) {
        const delayPath = childPath(afterPath, delay);
        checkDuration(delay, delayPath, errors);
        readTransitions(value, delayPath, node, 'after', delay, ctx);
      }
    }
  }
  const always = own(config, 'always');
  if (always !== undefined) readTransitions(always, childPath(path, 'always'), node, 'always', 'always', ctx);
  const onDone = own(config, 'onDone');
  if (onDone !== undefined) readTransitions(onDone, childPath(path, 'onDone'), node, 'onDone', 'onDone', ctx);

  for (const key of ['entry', 'exit']) {
    const value = own(config, key);
    if (value !== undefined) checkActionList(value, childPath(path, key), ctx);
  }
  const meta = own(config, 'meta');
  if (meta !== undefined) checkStateMeta(meta, childPath(path, 'meta'), errors);
  const description = own(config, 'description');
  if (description !== undefined && typeof description !== 'string') {
    errors.push({ path: childPath(path, 'description'), message: 'description must be a string' });
  }
  const tags = own(config, 'tags');
  if (tags !== undefined && (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string'))) {
    errors.push({ path: childPath(path, 'tags'), message: 'tags must be an array of strings' });
  }
  const context = own(config, 'context');
  if (context !== undefined && !isPlainObject(context)) {
    errors.push({ path: childPath(path, 'context'), message: 'context must be a JSON object' });
  }
}

function checkActionList(value: unknown, path: string, ctx: WalkContext): void {
  if (Array.isArray(value)) value.forEach((action: unknown, index) => checkRef(action, childPath(path, index), ctx.actions, ctx.errors));
  else checkRef(value, path, ctx.actions, ctx.errors);
}

/** Reads `"target"`, `{…}` or an array of them, as XState v5 does. */
function readTransitions(
  value: unknown,
  path: string,
  source: StateNodeInfo,
  kind: TransitionKind,
  trigger: string,
  ctx: WalkContext,
): void {
  if (Array.isArray(value)) {
    if (value.length === 0) ctx.errors.push({ path, message: 'an empty list of transitions does nothing: remove it' });
    value.forEach((item: unknown, index) => readTransition(item, childPath(path, index), source, kind, trigger, ctx));
  } else {
    readTransition(value, path, source, kind, trigger, ctx);
  }
}

function readTransition(
  value: unknown,
  path: string,
  source: StateNodeInfo,
  kind: TransitionKind,
  trigger: string,
  ctx: WalkContext,
): void {
  const { errors } = ctx;
  const transition: TransitionInfo = { source, kind, trigger, path, targets: [], guarded: false, config: value };
  if (typeof value === 'string') {
    transition.targets.push({ value, path });
    source.transitions.push(transition);
    return;
  }
  if (!isPlainObject(value)) {
    errors.push({ path, message: `a transition is a target string or an object with target/guard/actions, got ${describeValue(value)}` });
    return;
  }
  for (const key of Object.keys(value)) {
    if (TRANSITION_KEYS.has(key)) continue;
    const refused = own(REFUSED_KEYS, key);
    if (refused !== undefined) errors.push({ path: childPath(path, key), message: refused });
    else {
      errors.push({ path: childPath(path, key), message: `unknown transition key "${key}"; allowed: ${[...TRANSITION_KEYS].join(', ')}` });
    }
  }
  const target = own(value, 'target');
  const targetPath = childPath(path, 'target');
  if (typeof target === 'string') transition.targets.push({ value: target, path: targetPath });
  else if (Array.isArray(target)) {
    if (target.length === 0) errors.push({ path: targetPath, message: 'target list is empty' });
    target.forEach((item: unknown, index) => {
      if (typeof item === 'string') transition.targets.push({ value: item, path: childPath(targetPath, index) });
      else errors.push({ path: childPath(targetPath, index), message: 'a target must be a string' });
    });
  } else if (target !== undefined) {
    errors.push({ path: targetPath, message: `target must be a state key, "#id" or ".child", got ${describeValue(target)}` });
  }
  const guard = own(value, 'guard');
  if (guard !== undefined) {
    transition.guarded = true;
    checkRef(guard, childPath(path, 'guard'), ctx.guards, errors);
  }
  const actions = own(value, 'actions');
  if (actions !== undefined) checkActionList(actions, childPath(path, 'actions'), ctx);
  const reenter = own(value, 'reenter');
  if (reenter !== undefined && typeof reenter !== 'boolean') {
    errors.push({ path: childPath(path, 'reenter'), message: 'reenter must be true or false' });
  }
  const description = own(value, 'description');
  if (description !== undefined && typeof description !== 'string') {
    errors.push({ path: childPath(path, 'description'), message: 'description must be a string' });
  }
  const meta = own(value, 'meta');
  if (meta !== undefined) checkTransitionMeta(meta, childPath(path, 'meta'), errors);
  if (kind === 'always' && transition.targets.length === 0) {
    errors.push({ path, message: 'an "always" transition needs a target, or it would loop forever' });
  }
  source.transitions.push(transition);
}
