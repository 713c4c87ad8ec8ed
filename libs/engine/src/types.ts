/**
 * Public types of the pathway engine. The engine is pure: it imports no Nest, TypeORM or BullMQ,
 * and every function takes its clock and facts as arguments.
 */

/** ISO 8601 duration, e.g. `P5D`, `PT30S`, `P6M`; reminders may be negative (`-P3D`). */
export type IsoDuration = string;

/** When a task is due: a duration from entering its state, or relative to a case key date. */
export type DueSpec =
  | IsoDuration
  | { before: string; offset: IsoDuration }
  | { after: string; offset: IsoDuration }
  | WorkingDaysDue;

/**
 * `workingDays` working days (weekends and the partnership country's public holidays skipped)
 * after entering the state, or after the key date named by `after`.
 */
export interface WorkingDaysDue {
  workingDays: number;
  after?: string;
}

export interface RoleRef {
  role: string;
}

export interface EscalationRung {
  after: IsoDuration;
  to: RoleRef;
}

/** Languages a definition may give titles in (the notifications' languages). */
export const TITLE_LANGUAGES = ['en', 'nl', 'fr', 'es', 'de', 'sv'] as const;
export type TitleLanguage = (typeof TITLE_LANGUAGES)[number];

export interface TaskSpec {
  key: string;
  /** The title shown by default (English, or the first language given). */
  title: string;
  /** The title in each language the definition gives it in (`title: {en, nl, …}` in the definition). */
  titles?: Partial<Record<TitleLanguage, string>>;
  assignee: RoleRef;
  due?: DueSpec;
  /** Offsets from the due date; negative is before it. */
  reminders?: IsoDuration[];
  /** One rung, or a ladder of rungs: each goes to its role's agency when the task is still open that long after its due date. */
  escalation?: EscalationRung | EscalationRung[];
  /** Marked urgent: reminders are not held back to the next working morning. */
  urgent?: boolean;
}

export interface StateMeta {
  title?: string;
  tasks?: TaskSpec[];
  [extra: string]: unknown;
}

export interface TransitionMeta {
  title?: string;
  roles?: string[];
  [extra: string]: unknown;
}

/** XState v5 machine config as JSON (no functions), see CONTRACT.md section 3. */
export type MachineJson = Record<string, unknown>;

export interface PathwayDefinition {
  key: string;
  title: string;
  description?: string;
  machine: MachineJson;
}

/** Facts about the world outside the machine that guards may read. */
export interface EngineFacts {
  /** Case key dates as ISO 8601 strings, e.g. `{ releaseDate: '2027-03-01' }`. */
  keyDates: Record<string, string | null | undefined>;
  /** Tasks of this instance as persisted (all states, all statuses). */
  tasks: Array<{ stateId: string; key: string; status: 'open' | 'done' | 'cancelled' }>;
  /** Roles that attended the latest conference of the case (for `quorumMet`). */
  latestConferenceAttendedRoles: string[];
  /** The case's current lawful basis (`none`: consent withdrawn), null when none was recorded. */
  lawfulBasis?: string | null;
}

/** An event sent to an instance. `data` is the user's payload. */
export interface PathwayEvent {
  type: string;
  data?: Record<string, unknown>;
}

/** Persisted snapshot (XState `getPersistedSnapshot`), plain JSON. */
export type PersistedSnapshot = Record<string, unknown>;

export type Effect =
  | {
      type: 'task.open';
      /** Id of the state node that owns the task (e.g. `referral.screening`). */
      stateId: string;
      task: TaskSpec;
      /** Computed due date, ISO string, or null when the task has no due date or its key date is missing. */
      dueAt: string | null;
    }
  | { type: 'task.cancel'; stateId: string; taskKey: string }
  | {
      type: 'timer.set';
      /** XState send id; unique per instance while pending. */
      timerId: string;
      /** The event to deliver when it fires (e.g. `xstate.after.P5D.referral.screening`). */
      event: string;
      fireAt: string;
    }
  | { type: 'timer.cancel'; timerId: string }
  | { type: 'notify'; kind: string; role: string; params?: Record<string, unknown> }
  | { type: 'pathway.start'; key: string }
  | { type: 'case.close' }
  /** Record the case's lawful basis (validated by the durable layer) from the event's data. */
  | { type: 'case.lawfulBasis'; basis: unknown; note?: string }
  /** Erase the case's personal data (`eraseCaseData`). */
  | { type: 'case.erase' }
  | { type: 'instance.done' };

export interface StepResult {
  snapshot: PersistedSnapshot;
  /** XState state value: a string or an object for nested states. */
  value: unknown;
  status: 'active' | 'done';
  changed: boolean;
  effects: Effect[];
}

export interface AllowedEvent {
  type: string;
  title?: string;
  roles: string[];
  /** False when a guard refuses it right now; `reason` says why. */
  enabled: boolean;
  reason?: string;
}

export interface ValidationError {
  /** JSON path into the definition, e.g. `$.machine.states.screening.on.ACCEPT.target`. */
  path: string;
  message: string;
}

/** What the engine knows about one state node of a compiled pathway. */
export interface StateInfo {
  /** XState id, e.g. `referral.screening`. */
  id: string;
  /** Title for people: `meta.title`, else the state's key. */
  title: string;
  tasks: TaskSpec[];
}

/** A guard as a definition references it: by name, or with params. */
export type GuardRef = string | { type: string; params?: Record<string, unknown> };
