import type { PathwayDefinition, TaskSpec } from '#engine';
import { normalise, sameJson, showValue, type JsonValue } from './json-value.js';
import { buildStateTree, type StateNodeView, type StateTree, type TransitionView } from './state-tree.js';

export type DiffKind = 'added' | 'removed' | 'changed';

/** One field that differs; `from`/`to` are JSON (`null` when absent). */
export interface FieldChange {
  field: string;
  from: JsonValue;
  to: JsonValue;
}

export interface StateDiff {
  kind: DiffKind;
  /** Dot path, e.g. `planning.contributions`. */
  stateId: string;
  title: string | null;
  type: string;
  changes: FieldChange[];
}

export interface TransitionDiff {
  kind: DiffKind;
  /** Source state, or `(root)` for events handled by the machine root. */
  stateId: string;
  event: string;
  index: number;
  targets: string[];
  guard: JsonValue;
  changes: FieldChange[];
}

export interface TimerDiff {
  kind: DiffKind;
  stateId: string;
  /** The `after` key, e.g. `P5D`. */
  delay: string;
  index: number;
  targets: string[];
  guard: JsonValue;
  changes: FieldChange[];
}

export interface TaskDiff {
  kind: DiffKind;
  stateId: string;
  taskKey: string;
  title: string | null;
  changes: FieldChange[];
}

/** What changed between two versions of a pathway; plain JSON. */
export interface DefinitionDiff {
  identical: boolean;
  /** Changes to the pathway itself: key, title, description, machine id, initial state. */
  pathway: FieldChange[];
  states: StateDiff[];
  transitions: TransitionDiff[];
  timers: TimerDiff[];
  tasks: TaskDiff[];
}

export const ROOT_STATE = '(root)';

type Fields<T> = Array<[string, (x: T) => unknown]>;

const STATE_FIELDS: Fields<StateNodeView> = [
  ['title', (s) => s.title],
  ['type', (s) => s.type],
  ['initial', (s) => s.initial],
  ['entry', (s) => s.config.entry],
  ['exit', (s) => s.config.exit],
];

const TRANSITION_FIELDS: Fields<TransitionView> = [
  ['target', (t) => (t.targets.length === 1 ? t.targets[0] : t.targets.length === 0 ? undefined : t.targets)],
  ['guard', (t) => t.guard],
  ['meta.title', (t) => t.meta?.title],
  ['meta.roles', (t) => t.meta?.roles],
  ['actions', (t) => t.config.actions],
  ['reenter', (t) => t.config.reenter],
];

const TASK_FIELDS: Fields<TaskSpec> = [
  ['title', (t) => t.title],
  ['assignee', (t) => t.assignee?.role],
  ['due', (t) => t.due],
  ['reminders', (t) => t.reminders],
  ['escalation', (t) => t.escalation],
  ['urgent', (t) => t.urgent],
];

function fieldChanges<T>(fields: Fields<T>, a: T, b: T): FieldChange[] {
  return fields
    .filter(([, get]) => !sameJson(get(a), get(b)))
    .map(([field, get]) => ({ field, from: normalise(get(a)), to: normalise(get(b)) }));
}

/** Pairs items of two keyed lists: removed (in `from` order), then added or changed (in `to` order). */
function pair<T>(from: T[], to: T[], keyOf: (x: T) => string): Array<{ a?: T; b?: T }> {
  const toKeys = new Set(to.map(keyOf));
  const fromByKey = new Map(from.map((x) => [keyOf(x), x]));
  return [
    ...from.filter((x) => !toKeys.has(keyOf(x))).map((a) => ({ a })),
    ...to.map((b) => ({ a: fromByKey.get(keyOf(b)), b })),
  ];
}

function allTransitions(tree: StateTree): Array<TransitionView & { stateId: string }> {
  return [
    ...tree.rootTransitions.map((t) => ({ ...t, stateId: ROOT_STATE })),
    ...tree.states.flatMap((s) => s.transitions.map((t) => ({ ...t, stateId: s.id }))),
  ];
}

function allTasks(tree: StateTree): Array<{ stateId: string; task: TaskSpec }> {
  return tree.states.flatMap((s) => s.tasks.map((task) => ({ stateId: s.id, task })));
}

/**
 * Compares two versions of a pathway state by state, transition by transition and task by task.
 *
 * @example
 * const d = diffDefinitions(v1, v2);
 * d.tasks; // [{ kind: 'changed', stateId: 'screening', taskKey: 'risk-report',
 *          //    changes: [{ field: 'due', from: 'P14D', to: 'P10D' }], ... }]
 */
export function diffDefinitions(from: PathwayDefinition, to: PathwayDefinition): DefinitionDiff {
  const a = buildStateTree(from);
  const b = buildStateTree(to);

  const pathway = fieldChanges<[PathwayDefinition, StateTree]>(
    [
      ['key', ([d]) => d.key],
      ['title', ([d]) => d.title],
      ['description', ([d]) => d.description],
      ['machine.id', ([d]) => d.machine.id],
      ['machine.initial', ([, t]) => t.rootInitial],
    ],
    [from, a],
    [to, b],
  );

  const states: StateDiff[] = [];
  for (const { a: x, b: y } of pair(a.states, b.states, (s) => s.id)) {
    const s = (y ?? x)!;
    const kind: DiffKind = !x ? 'added' : !y ? 'removed' : 'changed';
    const changes = x && y ? fieldChanges(STATE_FIELDS, x, y) : [];
    if (kind === 'changed' && changes.length === 0) continue;
    states.push({ kind, stateId: s.id, title: s.title ?? null, type: s.type, changes });
  }

  const transitions: TransitionDiff[] = [];
  const timers: TimerDiff[] = [];
  const keyOfTransition = (t: TransitionView & { stateId: string }) => `${t.stateId}\u0000${t.event}\u0000${t.index}`;
  for (const { a: x, b: y } of pair(allTransitions(a), allTransitions(b), keyOfTransition)) {
    const t = (y ?? x)!;
    const kind: DiffKind = !x ? 'added' : !y ? 'removed' : 'changed';
    const changes = x && y ? fieldChanges(TRANSITION_FIELDS, x, y) : [];
    if (kind === 'changed' && changes.length === 0) continue;
    if (t.kind === 'after') {
      const guard = normalise(t.guard);
      timers.push({ kind, stateId: t.stateId, delay: t.delay!, index: t.index, targets: t.targets, guard, changes });
    } else {
      const guard = normalise(t.guard);
      transitions.push({ kind, stateId: t.stateId, event: t.event, index: t.index, targets: t.targets, guard, changes });
    }
  }

  const tasks: TaskDiff[] = [];
  for (const { a: x, b: y } of pair(allTasks(a), allTasks(b), (t) => `${t.stateId}\u0000${t.task.key}`)) {
    const t = (y ?? x)!;
    const kind: DiffKind = !x ? 'added' : !y ? 'removed' : 'changed';
    const changes = x && y ? fieldChanges(TASK_FIELDS, x.task, y.task) : [];
    if (kind === 'changed' && changes.length === 0) continue;
    tasks.push({ kind, stateId: t.stateId, taskKey: t.task.key, title: t.task.title ?? null, changes });
  }

  return {
    identical: pathway.length + states.length + transitions.length + timers.length + tasks.length === 0,
    pathway,
    states,
    transitions,
    timers,
    tasks,
  };
}

const SIGN: Record<DiffKind, string> = { added: '+', removed: '-', changed: '~' };

const PROSE_FIELDS = new Set(['title', 'meta.title', 'description']);

function changeLines(prefix: string, changes: FieldChange[]): string[] {
  return changes.map((c) => {
    // Titles are prose: always quoted, so "Screening" reads as a title and not as a state id.
    const quote = PROSE_FIELDS.has(c.field);
    return `~ ${prefix} ${c.field} ${showValue(c.from, { quote })} → ${showValue(c.to, { quote })}`;
  });
}

function targetText(targets: string[]): string {
  return targets.length === 0 ? ' (no target)' : ` → ${targets.join(', ')}`;
}

function guardText(guard: JsonValue): string {
  return guard === null ? '' : ` [guard ${showValue(guard)}]`;
}

/**
 * One line per change, `+` added, `-` removed, `~` changed, e.g.
 * `+ state planning.signoff "Plan sign-off"`, `~ task screening/risk-report due P14D → P10D`.
 * Returns `(no changes)` for identical definitions.
 */
export function formatDiff(diff: DefinitionDiff): string {
  const lines: string[] = [...changeLines('pathway', diff.pathway)];
  for (const s of diff.states) {
    if (s.kind === 'changed') lines.push(...changeLines(`state ${s.stateId}`, s.changes));
    else {
      const title = s.title === null ? '' : ` ${JSON.stringify(s.title)}`;
      const type = s.type === 'atomic' || s.type === 'compound' ? '' : ` (${s.type})`;
      lines.push(`${SIGN[s.kind]} state ${s.stateId}${title}${type}`);
    }
  }
  for (const t of diff.transitions) {
    const label = `transition ${t.stateId} on ${t.event}${t.index > 0 ? `#${t.index}` : ''}`;
    if (t.kind === 'changed') lines.push(...changeLines(label, t.changes));
    else lines.push(`${SIGN[t.kind]} ${label}${targetText(t.targets)}${guardText(t.guard)}`);
  }
  for (const t of diff.timers) {
    const label = `timer ${t.stateId} after ${t.delay}${t.index > 0 ? `#${t.index}` : ''}`;
    if (t.kind === 'changed') lines.push(...changeLines(label, t.changes));
    else lines.push(`${SIGN[t.kind]} ${label}${targetText(t.targets)}${guardText(t.guard)}`);
  }
  for (const t of diff.tasks) {
    const label = `task ${t.stateId}/${t.taskKey}`;
    if (t.kind === 'changed') lines.push(...changeLines(label, t.changes));
    else lines.push(`${SIGN[t.kind]} ${label}${t.title === null ? '' : ` ${JSON.stringify(t.title)}`}`);
  }
  return lines.length === 0 ? '(no changes)' : lines.join('\n');
}

