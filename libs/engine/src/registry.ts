import type { EngineFacts, Effect, GuardRef, StateInfo } from './types.js';

/** Describes one parameter of a guard or action, for the validator and the admin UI. */
export interface ParamSpec {
  type: 'string' | 'string[]' | 'json' | 'guard';
  required: boolean;
  description: string;
}

/** What a guard may look at: the event's data, the facts, and where the instance is. */
export interface GuardEnv {
  data: Record<string, unknown>;
  facts: EngineFacts;
  /** Active state node ids, outermost first. */
  activeStateIds: readonly string[];
  states: ReadonlyMap<string, StateInfo>;
  /** Set when listing the events a user could send: their data is not known yet, so guards on it pass. */
  dataUnknown?: boolean;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

type Params = Record<string, unknown>;

export interface GuardSpec {
  description: string;
  params: Record<string, ParamSpec>;
  /** The condition in words, e.g. "key date 'releaseDate' is set". */
  summary(params: Params): string;
  /** True for guards that look at the event's data. */
  readsEventData?: boolean;
  evaluate(env: GuardEnv, params: Params): GuardVerdict;
}

export interface ActionSpec {
  description: string;
  params: Record<string, ParamSpec>;
  /** The effect the durable layer executes (from the action's params and the event's data); absent for actions that only change context. */
  toEffect?(params: Params, data: Params): Effect;
  /** Pure context update run inside the transition; absent for actions that only produce effects. */
  assign?: (context: Params, data: Params, params: Params) => Params;
}

const OK: GuardVerdict = { ok: true };

function refuse(reason: string): GuardVerdict {
  return { ok: false, reason };
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Open tasks per active state that declares tasks; a declared task not yet recorded counts as open. */
function openTaskCounts(env: GuardEnv): Array<{ state: StateInfo; open: number }> {
  const result: Array<{ state: StateInfo; open: number }> = [];
  for (const id of env.activeStateIds) {
    const state = env.states.get(id);
    if (!state || state.tasks.length === 0) continue;
    const records = env.facts.tasks.filter((t) => t.stateId === id);
    const openKeys = new Set(records.filter((t) => t.status === 'open').map((t) => t.key));
    // Tasks of a state entered in this very step are not persisted yet: they are not done.
    for (const task of state.tasks) if (!records.some((t) => t.key === task.key)) openKeys.add(task.key);
    if (openKeys.size > 0) result.push({ state, open: openKeys.size });
  }
  return result;
}

export const GUARDS: Record<string, GuardSpec> = {
  allTasksDone: {
    description:
      'Every task of the current state is done. Cancelled tasks do not block; a task that has not been opened yet does.',
    params: {},
    summary: () => 'every task of the current state is done',
    evaluate(env) {
      const blocking = openTaskCounts(env);
      if (blocking.length === 0) return OK;
      return refuse(
        blocking.map(({ state, open }) => `not every task of '${state.title}' is done (${open} open)`).join('; '),
      );
    },
  },
  quorumMet: {
    description: 'The latest conference of the case had attendance from every role in params.roles.',
    params: {
      roles: { type: 'string[]', required: true, description: 'Roles that must have attended, e.g. ["police", "probation"].' },
    },
    summary: (p) => `the latest conference had ${stringList(p.roles).join(', ')} present`,
    evaluate(env, params) {
      const attended = new Set(env.facts.latestConferenceAttendedRoles);
      const missing = stringList(params.roles).filter((role) => !attended.has(role));
      return missing.length === 0 ? OK : refuse(`quorum not met — missing ${missing.join(', ')}`);
    },
  },
  dataEquals: {
    description: "The event's data field params.field equals params.value.",
    params: {
      field: { type: 'string', required: true, description: 'Name of the field in the event data.' },
      value: { type: 'json', required: true, description: 'The value it must equal (string, number, boolean or null).' },
    },
    summary: (p) => `'${String(p.field)}' is ${quote(p.value)}`,
    readsEventData: true,
    evaluate(env, params) {
      if (env.dataUnknown) return OK;
      const field = String(params.field);
      return env.data[field] === params.value ? OK : refuse(`'${field}' must be ${quote(params.value)}`);
    },
  },
  dataPresent: {
    description: "The event's data carries a non-empty params.field.",
    params: { field: { type: 'string', required: true, description: 'Name of the field in the event data.' } },
    summary: (p) => `'${String(p.field)}' is given`,
    readsEventData: true,
    evaluate(env, params) {
      if (env.dataUnknown) return OK;
      const value = env.data[String(params.field)];
      const present = value !== undefined && value !== null && value !== '';
      return present ? OK : refuse(`'${String(params.field)}' is required`);
    },
  },
  keyDateSet: {
    description: 'The case key date params.name (e.g. releaseDate) is set.',
    params: { name: { type: 'string', required: true, description: 'Name of the key date, e.g. "releaseDate".' } },
    summary: (p) => `key date '${String(p.name)}' is set`,
    evaluate(env, params) {
      const value = env.facts.keyDates[String(params.name)];
      return typeof value === 'string' && value.trim() !== ''
        ? OK
        : refuse(`key date '${String(params.name)}' is not set`);
    },
  },
  lawfulBasisIs: {
    description:
      "The case's current lawful basis (recorded by PATCH /api/cases/:id or a recordLawfulBasis action) is params.basis: one of consent, public_task, substantial_public_interest, legal_obligation, vital_interests, none.",
    params: { basis: { type: 'string', required: true, description: 'The basis, e.g. "consent" or "none" (consent withdrawn).' } },
    summary: (p) => `the lawful basis is '${String(p.basis)}'`,
    evaluate(env, params) {
      const current = env.facts.lawfulBasis ?? null;
      return current === params.basis ? OK : refuse(`the lawful basis is ${current === null ? 'not recorded' : `'${current}'`}, not '${String(params.basis)}'`);
    },
  },
  lawfulBasisRecorded: {
    description: 'The case has a lawful basis for sharing: one is recorded and it is not "none" (consent withdrawn).',
    params: {},
    summary: () => 'a lawful basis for sharing is recorded',
    evaluate(env) {
      const current = env.facts.lawfulBasis ?? null;
      if (current === null) return refuse('no lawful basis for sharing is recorded');
      return current === 'none' ? refuse('no lawful basis holds any more (consent withdrawn)') : OK;
    },
  },
  not: {
    description: 'The guard in params.guard refuses.',
    params: { guard: { type: 'guard', required: true, description: 'A guard reference: a name or {type, params}.' } },
    summary: (p) => `not (${summarizeGuard(p.guard as GuardRef)})`,
    evaluate(env, params) {
      const inner = params.guard as GuardRef;
      if (env.dataUnknown && readsEventData(inner)) return OK;
      return evaluateGuard(inner, env).ok ? refuse(`${summarizeGuard(inner)}, which this step does not allow`) : OK;
    },
  },
};

function guardName(ref: GuardRef): string {
  return typeof ref === 'string' ? ref : ref.type;
}

function guardParams(ref: GuardRef): Params {
  return typeof ref === 'string' ? {} : (ref.params ?? {});
}

/** True when the guard (or one it wraps) looks at the event's data. */
export function readsEventData(ref: GuardRef): boolean {
  const spec = GUARDS[guardName(ref)];
  if (!spec) return false;
  if (spec.readsEventData) return true;
  const inner = guardParams(ref).guard;
  return inner !== undefined && readsEventData(inner as GuardRef);
}

/** The condition a guard reference states, in words. */
export function summarizeGuard(ref: GuardRef): string {
  const spec = GUARDS[guardName(ref)];
  return spec ? spec.summary(guardParams(ref)) : `guard '${guardName(ref)}'`;
}

/** Evaluates a guard reference from a definition. Throws on a guard the registry does not know. */
export function evaluateGuard(ref: GuardRef, env: GuardEnv): GuardVerdict {
  const spec = GUARDS[guardName(ref)];
  if (!spec) throw new Error(`Unknown guard '${guardName(ref)}'`);
  return spec.evaluate(env, guardParams(ref));
}

export const ACTIONS: Record<string, ActionSpec> = {
  startPathway: {
    description: 'Starts another pathway (params.key) for the same case.',
    params: { key: { type: 'string', required: true, description: 'Key of the pathway definition to start.' } },
    toEffect: (p) => ({ type: 'pathway.start', key: String(p.key) }),
  },
  notify: {
    description: 'Sends a notification of params.kind to the agency holding params.role.',
    params: {
      kind: { type: 'string', required: true, description: 'Notification kind, e.g. "conference_invitation".' },
      role: { type: 'string', required: true, description: 'Role whose agency is notified, e.g. "coordinator".' },
    },
    toEffect: ({ kind, role, ...rest }) => ({
      type: 'notify',
      kind: String(kind),
      role: String(role),
      ...(Object.keys(rest).length > 0 ? { params: rest } : {}),
    }),
  },
  closeCase: {
    description:
      'Closes the case: every other open pathway of the case is cancelled and the case is marked closed (retention starts).',
    params: {},
    toEffect: () => ({ type: 'case.close' }),
  },
  recordLawfulBasis: {
    description:
      "Records the case's lawful basis from the event's data field params.field (default \"basis\"), with params.noteField (default \"rationale\") as its note: the case's one record of its basis, kept with its history; guards read it (lawfulBasisIs, lawfulBasisRecorded).",
    params: {
      field: { type: 'string', required: false, description: 'Data field holding the basis (default "basis").' },
      noteField: { type: 'string', required: false, description: 'Data field holding a note on it (default "rationale").' },
    },
    toEffect: (p, data) => {
      const note = data[typeof p.noteField === 'string' ? p.noteField : 'rationale'];
      return {
        type: 'case.lawfulBasis',
        basis: data[typeof p.field === 'string' ? p.field : 'basis'],
        ...(typeof note === 'string' && note !== '' ? { note } : {}),
      };
    },
  },
  eraseCaseData: {
    description:
      "Erases the case's personal data in one transaction (subject, notes, minutes text, decisions, task notes and outcomes, event data, notification and delivery bodies, emails written for it), keeping the reference, dates, states and the record of the erasure; the case then reads as {status: \"erased\"}. Refused (and recorded) while the case has a legal hold (key date legalHold). Idempotent.",
    params: {},
    toEffect: () => ({ type: 'case.erase' }),
  },
  recordData: {
    description:
      "Copies the event's data into the instance context: only params.fields when given, else every field.",
    params: {
      fields: { type: 'string[]', required: false, description: 'Names of the data fields to keep.' },
    },
    assign(context, data, params) {
      const fields = Array.isArray(params.fields) ? stringList(params.fields) : Object.keys(data);
      const next: Params = { ...context };
      for (const field of fields) if (field in data) next[field] = data[field];
      return next;
    },
  },
};
