import type { ValidationError } from './types.js';
import type { MachineModel, StateNodeInfo, TransitionInfo } from './validator-machine.js';

/** Resolves transition targets the way XState v5 does: sibling path, `.child` path or `#id`. */
export function resolveTarget(model: MachineModel, source: StateNodeInfo, target: string): StateNodeInfo | string {
  const descend = (from: StateNodeInfo, segments: string[]): StateNodeInfo | string => {
    let node = from;
    for (const segment of segments) {
      const next = node.children.get(segment);
      if (!next) {
        const known = [...node.children.keys()];
        return `"${segment}" is not a child of ${node.parent ? `"${node.keys.join('.')}"` : 'the machine'}` +
          (known.length ? ` (children: ${known.join(', ')})` : '');
      }
      node = next;
    }
    return node;
  };
  if (target.startsWith('#')) {
    const [id = '', ...rest] = target.slice(1).split('.');
    const node = model.ids.get(id);
    return node ? descend(node, rest) : `no state has id "${id}"`;
  }
  if (target.startsWith('.')) return descend(source, target.slice(1).split('.'));
  if (!source.parent) return `"${target}" cannot be a sibling of the machine itself: write ".${target}"`;
  return descend(source.parent, target.split('.'));
}

/** Resolved targets of every transition, with an error for each one that does not exist. */
export function resolveAllTargets(model: MachineModel, errors: ValidationError[]): Map<TransitionInfo, StateNodeInfo[]> {
  const resolved = new Map<TransitionInfo, StateNodeInfo[]>();
  for (const node of model.nodes) {
    for (const transition of node.transitions) {
      const targets: StateNodeInfo[] = [];
      for (const target of transition.targets) {
        const result = resolveTarget(model, node, target.value);
        if (typeof result === 'string') errors.push({ path: target.path, message: `target "${target.value}" does not exist: ${result}` });
        else targets.push(result);
      }
      resolved.set(transition, targets);
    }
  }
  return resolved;
}

function ancestorsOf(node: StateNodeInfo): StateNodeInfo[] {
  const list: StateNodeInfo[] = [];
  for (let current = node.parent; current; current = current.parent) list.push(current);
  return list;
}

/**
 * States that some run can enter, treating every guard as passable: entering a state enters its
 * ancestors and its initial child (all regions for a parallel state); `onDone` counts once a final
 * child (for a parallel state: one in each region) can be entered.
 */
export function reachableStates(model: MachineModel, targets: Map<TransitionInfo, StateNodeInfo[]>): Set<StateNodeInfo> {
  const reached = new Set<StateNodeInfo>();
  const queue: StateNodeInfo[] = [];
  const mark = (node: StateNodeInfo): void => {
    if (reached.has(node)) return;
    reached.add(node);
    queue.push(node);
  };
  const enter = (node: StateNodeInfo): void => {
    for (const ancestor of ancestorsOf(node)) mark(ancestor);
    const stack = [node];
    while (stack.length) {
      const current = stack.pop() as StateNodeInfo;
      mark(current);
      if (current.type === 'compound' && current.initial) stack.push(current.children.get(current.initial) as StateNodeInfo);
      if (current.type === 'parallel') stack.push(...current.children.values());
    }
  };
  const canComplete = (node: StateNodeInfo): boolean => {
    const children = [...node.children.values()];
    if (node.type === 'parallel') return children.every((region) => canComplete(region));
    return children.some((child) => child.type === 'final' && reached.has(child));
  };
  enter(model.root);
  // onDone depends on what else is reached, so repeat until nothing new turns up.
  for (let grew = true; grew; ) {
    grew = false;
    while (queue.length) {
      const node = queue.shift() as StateNodeInfo;
      for (const transition of node.transitions) {
        if (transition.kind !== 'onDone') for (const target of targets.get(transition) ?? []) enter(target);
      }
    }
    for (const node of [...reached]) {
      if (!canComplete(node)) continue;
      for (const transition of node.transitions) {
        if (transition.kind !== 'onDone') continue;
        for (const target of targets.get(transition) ?? []) {
          if (!reached.has(target)) grew = true;
          enter(target);
        }
      }
    }
  }
  return reached;
}

/**
 * Leaf states from which no run can finish the machine, treating guards as passable. From a leaf
 * any transition of it or its ancestors may fire (and, inside a parallel state, any transition of
 * the other regions); a final leaf completes its parent, which follows `onDone` or, at the top,
 * ends the machine.
 */
export function statesThatCannotFinish(model: MachineModel, targets: Map<TransitionInfo, StateNodeInfo[]>): StateNodeInfo[] {
  // Graph over state nodes plus "done(parent)" pseudo nodes; edges point backwards for the search.
  type Vertex = StateNodeInfo | { doneOf: StateNodeInfo };
  const doneVertex = new Map<StateNodeInfo, { doneOf: StateNodeInfo }>();
  const done = (node: StateNodeInfo): { doneOf: StateNodeInfo } => {
    let vertex = doneVertex.get(node);
    if (!vertex) doneVertex.set(node, (vertex = { doneOf: node }));
    return vertex;
  };
  const incoming = new Map<Vertex, Vertex[]>();
  const edge = (from: Vertex, to: Vertex): void => {
    const list = incoming.get(to);
    if (list) list.push(from);
    else incoming.set(to, [from]);
  };
  const leaves = model.nodes.filter((node) => node.type === 'atomic' || node.type === 'final');
  const leavesUnder = (node: StateNodeInfo): StateNodeInfo[] => leaves.filter((leaf) => ancestorsOf(leaf).includes(node));

  for (const node of model.nodes) {
    if (node.type === 'compound' && node.initial) edge(node, node.children.get(node.initial) as StateNodeInfo);
    if (node.type === 'parallel') for (const region of node.children.values()) edge(node, region);
    for (const transition of node.transitions) {
      if (transition.kind !== 'onDone') continue;
      for (const target of targets.get(transition) ?? []) edge(done(node), target);
    }
    if (node.parent?.type === 'parallel') edge(done(node), done(node.parent));
  }
  for (const leaf of leaves) {
    if (leaf.type === 'final' && leaf.parent) edge(leaf, done(leaf.parent));
    const active = [leaf, ...ancestorsOf(leaf)];
    for (const owner of active) {
      for (const transition of owner.transitions) {
        if (transition.kind === 'onDone') continue;
        for (const target of targets.get(transition) ?? []) edge(leaf, target);
      }
      if (owner.parent?.type === 'parallel') {
        for (const region of owner.parent.children.values()) {
          if (region !== owner) for (const other of leavesUnder(region)) edge(leaf, other);
        }
      }
    }
  }

  const canFinish = new Set<Vertex>();
  const finish = done(model.root);
  const queue: Vertex[] = [finish];
  canFinish.add(finish);
  while (queue.length) {
    const vertex = queue.shift() as Vertex;
    for (const from of incoming.get(vertex) ?? []) {
      if (canFinish.has(from)) continue;
      canFinish.add(from);
      queue.push(from);
    }
  }
  return leaves.filter((leaf) => !canFinish.has(leaf));
}
