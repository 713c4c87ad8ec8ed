import { childPath, isValidDuration, type PathwayDefinition, validateDefinition, type ValidationError } from '#engine';

export interface StatelyImportOptions {
  /** Pathway key; defaults to the machine id, made URL-safe. */
  key?: string;
  /** Pathway title; defaults to the machine's `meta.title`, its description, or its id. */
  title?: string;
}

export interface StatelyImportResult {
  /** Present when the machine could be converted; check `errors` before saving it. */
  definition?: PathwayDefinition;
  /** Conversion refusals first, then the validator's findings on the converted definition. */
  errors: ValidationError[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Same path spelling as the validator, so conversion errors and validation errors line up.
const child = childPath;

/** Editor and v4 leftovers that carry no behaviour: dropped without a word. */
const DROPPED_KEYS = new Set(['$schema', 'types', 'schemas', 'version', 'predictableActionArguments', 'preserveActionOrder', 'tsTypes']);

/** XState features a pathway definition cannot express, and what to do instead. */
const REFUSED_KEYS: Record<string, string> = {
  invoke: 'invoked actors (invoke) are not supported: a pathway never runs services; model the work as tasks and events',
  src: 'invoked actors (src) are not supported: a pathway never runs services',
  actors: 'actors are not supported: a pathway never runs services',
  onError: 'onError belongs to invoked actors, which are not supported',
  onSnapshot: 'onSnapshot belongs to invoked actors, which are not supported',
  history: 'history states are not supported: a running instance must always know its exact state',
};

/** Built-in XState actions whose behaviour lives in code, with the registry action to use instead. */
const BUILTIN_ACTION_HINTS: Record<string, string> = {
  'xstate.assign': 'use the registry action "recordData"',
  'xstate.spawnChild': 'spawning actors is not supported',
  'xstate.stopChild': 'actors are not supported',
  'xstate.sendTo': 'sending to other actors is not supported; use "notify" or "startPathway"',
  'xstate.sendParent': 'sending to other actors is not supported',
  'xstate.raise': 'raise is not supported; use an "always" or "after" transition',
  'xstate.log': 'log is not supported',
  'xstate.emit': 'emit is not supported; use "notify"',
  'xstate.enqueueActions': 'enqueueActions carries code',
  'xstate.cancel': 'cancel is not supported',
};

const CODE_LIKE = /=>|\bfunction\b|^\s*\(.*\)\s*\{/;

/**
 * Numeric milliseconds as an ISO 8601 duration: whole days as `P<n>D` (pathway delays are read in
 * calendar days), else hours, minutes and seconds (`5000` → `PT5S`, `90000` → `PT1M30S`).
 */
export function millisToIsoDuration(ms: number): string {
  const DAY = 86_400_000;
  if (ms === 0) return 'PT0S';
  if (ms % DAY === 0) return `P${ms / DAY}D`;
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** Finds the machine config inside what an editor or a colleague may hand over. */
function unwrap(input: unknown, errors: ValidationError[]): { machine: Json; path: string; wrapper?: Json } | null {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (e) {
      errors.push({ path: '$', message: `not valid JSON: ${(e as Error).message}` });
      return null;
    }
  }
  let path = '$';
  let wrapper: Json | undefined;
  for (let depth = 0; depth < 3 && isRecord(value); depth++) {
    if (isRecord(value.states) || typeof value.initial === 'string') return { machine: value, path, ...(wrapper ? { wrapper } : {}) };
    const inner = ['machine', 'config', 'definition', 'source'].find((k) => isRecord((value as Json)[k]));
    if (inner === undefined) break;
    wrapper = value;
    path = child(path, inner);
    value = value[inner];
  }
  errors.push({ path: '$', message: 'no XState machine config found: expected an object with "states" (or one wrapped in "machine"/"config")' });
  return null;
}

interface Converter {
  errors: ValidationError[];
  /** Named delays declared beside the machine, in milliseconds. */
  delays: Record<string, number>;
}

function convertDelay(key: string, path: string, cv: Converter): string | null {
  if (/^\d+(\.\d+)?$/.test(key)) return millisToIsoDuration(Number(key));
  if (isValidDuration(key)) return key;
  const named = cv.delays[key];
  if (typeof named === 'number' && Number.isFinite(named) && named >= 0) return millisToIsoDuration(named);
  cv.errors.push({
    path,
    message: `delay "${key}" is neither milliseconds nor an ISO 8601 duration, and has no numeric value in "delays": write it as e.g. "P5D"`,
  });
  return null;
}

function checkActionRef(value: unknown, path: string, cv: Converter): unknown {
  if (Array.isArray(value)) return value.map((item, i) => checkActionRef(item, child(path, i), cv));
  const type = typeof value === 'string' ? value : isRecord(value) ? value.type : undefined;
  if (isRecord(value) && ['exec', 'code', 'expr', 'assignment'].some((k) => k in value)) {
    cv.errors.push({ path, message: 'inline code is not supported: actions come from the engine registry (notify, startPathway, recordData)' });
  } else if (typeof type === 'string') {
    if (type.startsWith('inline:') || CODE_LIKE.test(type)) {
      cv.errors.push({ path, message: `inline code "${type}" is not supported: actions and guards come from the engine registry` });
    } else if (/^(xstate\.)?spawn(Child)?$/.test(type)) {
      cv.errors.push({ path, message: 'spawn is not supported: a pathway never runs actors' });
    } else if (BUILTIN_ACTION_HINTS[type] !== undefined) {
      cv.errors.push({ path, message: `built-in action "${type}" is not supported: ${BUILTIN_ACTION_HINTS[type]}` });
    }
  }
  return value;
}

function checkGuardRef(value: unknown, path: string, cv: Converter): void {
  const type = typeof value === 'string' ? value : isRecord(value) ? value.type : undefined;
  if (typeof type === 'string' && (type.startsWith('inline:') || CODE_LIKE.test(type))) {
    cv.errors.push({ path, message: `inline guard "${type}" is not supported: reference a registry guard by name (e.g. "allTasksDone")` });
  }
}

function convertTransition(value: unknown, path: string, cv: Converter): unknown {
  if (Array.isArray(value)) return value.map((item, i) => convertTransition(item, child(path, i), cv));
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const p = child(path, key);
    if (key === 'cond') {
      checkGuardRef(v, p, cv);
      out.guard = v; // XState v4 name of the same thing
    } else if (key === 'guard') {
      checkGuardRef(v, p, cv);
      out.guard = v;
    } else if (key === 'actions') out.actions = checkActionRef(v, p, cv);
    else if (key === 'internal') {
      if (v === false) out.reenter = true; // v4 "external" transition
    } else if (key === 'eventType' || key === 'source') {
      // Stately's resolved transitions repeat what the config already says.
    } else out[key] = v;
  }
  return out;
}

function convertNode(node: Json, path: string, cv: Converter, isRoot: boolean): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    const p = child(path, key);
    if (DROPPED_KEYS.has(key) || (isRoot && key === 'delays')) continue;
    if (REFUSED_KEYS[key] !== undefined) {
      cv.errors.push({ path: p, message: REFUSED_KEYS[key] });
      continue;
    }
    switch (key) {
      case 'type':
        if (value === 'history') cv.errors.push({ path: p, message: REFUSED_KEYS.history! });
        out.type = value;
        break;
      case 'states':
        if (isRecord(value)) {
          const states: Json = {};
          for (const [k, s] of Object.entries(value)) states[k] = isRecord(s) ? convertNode(s, child(p, k), cv, false) : s;
          out.states = states;
        } else out.states = value;
        break;
      case 'on':
        if (isRecord(value)) {
          const on: Json = {};
          for (const [event, t] of Object.entries(value)) on[event] = convertTransition(t, child(p, event), cv);
          out.on = on;
        } else out.on = value;
        break;
      case 'after':
        if (isRecord(value)) {
          const after: Json = {};
          for (const [delay, t] of Object.entries(value)) {
            const iso = convertDelay(delay, child(p, delay), cv);
            if (iso === null) continue;
            if (iso in after) cv.errors.push({ path: child(p, delay), message: `two delays both mean ${iso}: merge them` });
            after[iso] = convertTransition(t, child(p, delay), cv);
          }
          out.after = after;
        } else out.after = value;
        break;
      case 'always':
      case 'onDone':
        out[key] = convertTransition(value, p, cv);
        break;
      case 'entry':
      case 'exit':
        out[key] = checkActionRef(value, p, cv);
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

function slug(text: string): string {
  return text
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Converts a machine exported from Stately's editor (XState v5 config JSON, possibly wrapped in
 * `{ machine }` or `{ config }`, or as a JSON string) into a pathway definition: millisecond
 * delays become ISO durations (`5000` → `PT5S`), v4 `cond` becomes `guard`, and features a
 * pathway cannot run (invoke, spawn, inline code, history states) are refused with their path.
 * The result then goes through `validateDefinition`, whose errors are returned as well.
 *
 * @example
 * const { definition, errors } = importStatelyMachine(exported, { key: 'release-planning' });
 */
export function importStatelyMachine(json: unknown, opts: StatelyImportOptions = {}): StatelyImportResult {
  const errors: ValidationError[] = [];
  const found = unwrap(json, errors);
  if (found === null) return { errors };
  const { machine, wrapper } = found;

  const delays: Record<string, number> = {};
  for (const source of [wrapper?.delays, machine.delays, isRecord(wrapper?.implementations) ? wrapper.implementations.delays : undefined]) {
    if (isRecord(source)) for (const [k, v] of Object.entries(source)) if (typeof v === 'number') delays[k] = v;
  }
  const cv: Converter = { errors, delays };
  // Paths point into the converted definition, which is what users fix and re-import.
  const converted = convertNode(machine, '$.machine', cv, true);

  const meta = isRecord(machine.meta) ? machine.meta : {};
  const id = typeof machine.id === 'string' ? machine.id : undefined;
  const key = opts.key ?? (typeof wrapper?.key === 'string' ? wrapper.key : id !== undefined ? slug(id) : '');
  const title =
    opts.title ??
    (typeof wrapper?.title === 'string' ? wrapper.title : undefined) ??
    (typeof meta.title === 'string' ? meta.title : undefined) ??
    (typeof machine.description === 'string' ? machine.description : undefined) ??
    id ??
    key;
  if (key === '') errors.push({ path: '$.key', message: 'the machine has no id: pass a pathway key' });
  if (typeof converted.id !== 'string' && key !== '') converted.id = key;

  const description = typeof wrapper?.description === 'string' ? wrapper.description : undefined;
  const definition: PathwayDefinition = {
    key,
    title,
    ...(description !== undefined ? { description } : {}),
    machine: converted,
  };
  const seen = new Set(errors.map((e) => `${e.path}\u0000${e.message}`));
  for (const e of validateDefinition(definition)) {
    // The validator repeats some refusals (invoke, history) in its own words at the same path.
    if (errors.some((x) => x.path === e.path)) continue;
    if (!seen.has(`${e.path}\u0000${e.message}`)) errors.push(e);
  }
  return { definition, errors };
}
