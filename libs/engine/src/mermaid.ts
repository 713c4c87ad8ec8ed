import { ACTIONS, GUARDS } from './registry.js';
import type { PathwayDefinition, ValidationError } from './types.js';
import { resolveTarget } from './validator-graph.js';
import { walkMachine, type MachineModel, type StateNodeInfo, type TransitionInfo } from './validator-machine.js';
import { isPlainObject, own } from './validator-path.js';

export interface MermaidOptions {
  /** States to mark as current: key paths (`followUps.sixMonths`) or XState ids (`closure.followUps.sixMonths`). */
  highlight?: string[];
}

const ANY_STATE = 'anyState';

/**
 * Renders a pathway as a Mermaid `stateDiagram-v2`: states with their titles and task counts,
 * transitions labelled with the event's title and type, guards, `after` delays and `always`
 * branches, nested states as composite states, final states leading to `[*]`. The output depends
 * only on the definition, so it can be stored, diffed and cached.
 *
 * @example toMermaid(definition, { highlight: ['screening'] })
 */
export function toMermaid(def: PathwayDefinition, opts: MermaidOptions = {}): string {
  const ignored: ValidationError[] = [];
  const model = walkMachine(def.machine, { kind: 'guard', specs: GUARDS }, { kind: 'action', specs: ACTIONS }, ignored);
  const lines = ['stateDiagram-v2'];
  if (!model) return lines.join('\n') + '\n';
  const ids = mermaidIds(model);
  const idOf = (node: StateNodeInfo): string => ids.get(node) as string;

  const crossEdges: string[] = [];
  const renderChildren = (parent: StateNodeInfo, indent: string): void => {
    const children = [...parent.children.values()];
    if (parent.type === 'compound' && parent.initial) {
      lines.push(`${indent}[*] --> ${idOf(parent.children.get(parent.initial) as StateNodeInfo)}`);
    }
    children.forEach((child, index) => {
      if (parent.type === 'parallel' && index > 0) lines.push(`${indent}--`);
      lines.push(`${indent}${idOf(child)} : ${label(stateLabel(child))}`);
      if (child.children.size > 0) {
        lines.push(`${indent}state ${idOf(child)} {`);
        renderChildren(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
      if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`);
    });
    for (const child of children) {
      for (const transition of child.transitions) {
        for (const edge of edgesOf(model, transition, idOf)) {
          // Mermaid places a state in the block where it is first named: edges leaving the block go last.
          if (edge.target && edge.target.parent === parent) lines.push(`${indent}${edge.line}`);
          else crossEdges.push(edge.line);
        }
      }
    }
  };
  renderChildren(model.root, '  ');

  if (model.root.transitions.length > 0) {
    lines.push(`  ${ANY_STATE} : Any open state`);
    for (const transition of model.root.transitions) {
      for (const edge of edgesOf(model, transition, () => ANY_STATE, idOf)) lines.push(`  ${edge.line}`);
    }
  }
  for (const line of crossEdges) lines.push(`  ${line}`);

  if (model.root.transitions.length > 0) {
    lines.push('  classDef anyState fill:#f8fafc,stroke:#94a3b8,stroke-dasharray:4 3');
    lines.push(`  class ${ANY_STATE} anyState`);
  }
  const wanted = new Set(opts.highlight ?? []);
  const highlighted = model.nodes.filter((node) => node !== model.root && (wanted.has(node.keys.join('.')) || wanted.has(node.id)));
  if (highlighted.length > 0) {
    lines.push('  classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px');
    lines.push(`  class ${highlighted.map(idOf).join(',')} current`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Dotted key paths of the active states in an XState state value, ancestors included:
 * `{ followUps: 'sixMonths' }` → `['followUps', 'followUps.sixMonths']`. Feeds `highlight`.
 */
export function activeStatePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (!isPlainObject(value)) return [];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    paths.push(prefix + key);
    paths.push(...activeStatePaths(child, `${prefix}${key}.`));
  }
  return paths;
}

/** Mermaid ids: key paths joined with `_`, made unique; the root has none. */
function mermaidIds(model: MachineModel): Map<StateNodeInfo, string> {
  const ids = new Map<StateNodeInfo, string>();
  const used = new Set<string>([ANY_STATE]);
  for (const node of model.nodes) {
    if (node === model.root) continue;
    const base = node.keys.join('_').replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; used.has(id); n += 1) id = `${base}_${n}`;
    used.add(id);
    ids.set(node, id);
  }
  return ids;
}

function stateLabel(node: StateNodeInfo): string {
  const meta = own(node.config, 'meta');
  const title = isPlainObject(meta) && typeof own(meta, 'title') === 'string' ? (own(meta, 'title') as string) : (node.keys.at(-1) ?? '');
  const tasks = isPlainObject(meta) ? own(meta, 'tasks') : undefined;
  const count = Array.isArray(tasks) ? tasks.length : 0;
  return count === 0 ? title : `${title} (${count} ${count === 1 ? 'task' : 'tasks'})`;
}

interface Edge {
  line: string;
  target: StateNodeInfo | null;
}

function edgesOf(
  model: MachineModel,
  transition: TransitionInfo,
  sourceId: (node: StateNodeInfo) => string,
  targetId: (node: StateNodeInfo) => string = sourceId,
): Edge[] {
  const from = sourceId(transition.source);
  const text = label(transitionLabel(transition));
  const targets = transition.targets
    .map((target) => resolveTarget(model, transition.source, target.value))
    .filter((target): target is StateNodeInfo => typeof target !== 'string' && target !== model.root);
  if (transition.targets.length === 0) return [{ line: `${from} --> ${from} : ${text}`, target: transition.source }];
  return targets.map((target) => ({ line: `${from} --> ${targetId(target)} : ${text}`, target }));
}

function transitionLabel(transition: TransitionInfo): string {
  const config = isPlainObject(transition.config) ? transition.config : {};
  const meta = own(config, 'meta');
  const title = isPlainObject(meta) && typeof own(meta, 'title') === 'string' ? (own(meta, 'title') as string) : undefined;
  let head: string;
  switch (transition.kind) {
    case 'on':
      head = title ? `${title} (${transition.trigger})` : transition.trigger;
      break;
    case 'after':
      head = title ? `after ${transition.trigger}: ${title}` : `after ${transition.trigger}`;
      break;
    case 'always':
      head = title ? `always: ${title}` : 'always';
      break;
    default:
      head = 'done';
  }
  const guard = own(config, 'guard');
  const parts = [head];
  if (guard !== undefined) parts.push(`[${refText(guard)}]`);
  const actions = own(config, 'actions');
  for (const action of Array.isArray(actions) ? actions : actions === undefined ? [] : [actions]) {
    if (isPlainObject(action) && own(action, 'type') === 'startPathway') {
      const params = own(action, 'params');
      if (isPlainObject(params)) parts.push(`/ start ${String(own(params, 'key'))}`);
    }
  }
  return parts.join(' ');
}

/** `quorumMet(coordinator, police)`, `dataEquals(basis, consent)`, `allTasksDone`. */
function refText(ref: unknown): string {
  if (typeof ref === 'string') return ref;
  if (!isPlainObject(ref)) return '?';
  const name = String(own(ref, 'type'));
  const params = own(ref, 'params');
  if (!isPlainObject(params) || Object.keys(params).length === 0) return name;
  const values = Object.values(params).map((value) => {
    if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
    if (typeof value === 'string') return value;
    if (isPlainObject(value) || (typeof value === 'object' && value !== null)) return refText(value);
    return JSON.stringify(value);
  });
  return `${name}(${values.join(', ')})`;
}

/** Keeps labels on one line and free of characters Mermaid reads as syntax. */
function label(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/;/g, ',').replace(/#/g, 'no. ').replace(/[{}<>"]/g, '').replace(/-->/g, '->').trim();
}
