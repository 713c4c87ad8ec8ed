import type { StateMappingEntry, TaskToClose, TaskToOpen, TimerKept, TimerToCancel, TimerToSet } from '#pathway-tools';

/** What an administrator asks for: which instances move from which version to which, and how states map. */
export interface MigrationRequest {
  fromVersion: number;
  toVersion: number;
  /** Instances to move; without it, every active instance of `fromVersion` (apply needs `all: true` for that). */
  instanceIds?: string[];
  all?: boolean;
  /** State of `fromVersion` → state of `toVersion`, by dot path (`screening.legacy`) or XState id. */
  mapping?: Record<string, string>;
}

export interface MigrationTaskToClose {
  taskId: string;
  stateId: string;
  key: string;
  /** `reassigned`: the new version gives the task to another role, so it closes here and opens for that role. */
  reason: TaskToClose['reason'] | 'reassigned';
}

export interface MigrationTaskToOpen {
  stateId: string;
  statePath: string;
  key: string;
  title: string;
  assigneeRole: string;
  dueAt: string | null;
  why: TaskToOpen['why'] | 'reassigned';
}

export interface MigrationTaskKept {
  taskId: string;
  fromStateId: string;
  stateId: string;
  statePath: string;
  key: string;
  title: string;
  oldDueAt: string | null;
  newDueAt: string | null;
  dueChanged: boolean;
  /** Its pending reminders are cancelled and scheduled again from the new due date and rules. */
  remindersChanged: boolean;
  titleChanged: boolean;
}

export interface MigrationTimerToCancel extends TimerToCancel {
  fireAt: string | null;
}

export interface MigrationReminderToCancel {
  reminderId: string;
  taskId: string;
  agencyId: string;
  kind: string;
  dueAt: string;
}

export interface MigrationReminderToAdd {
  /** The kept task it belongs to; null for a task the migration opens (its id exists once applied). */
  taskId: string | null;
  taskKey: string;
  stateId: string;
  agencyId: string;
  kind: string;
  dueAt: string;
}

/** One instance's migration: what moves where. The same shape for a dry run and for an apply. */
export interface MigrationItem {
  instanceId: string;
  caseId: string | null;
  caseReference: string | null;
  fromVersion: number;
  toVersion: number;
  ok: boolean;
  fromStates: string[];
  toStates: string[];
  stateMapping: StateMappingEntry[];
  tasksToClose: MigrationTaskToClose[];
  tasksToOpen: MigrationTaskToOpen[];
  tasksKept: MigrationTaskKept[];
  timersToCancel: MigrationTimerToCancel[];
  timersToSet: TimerToSet[];
  timersKept: TimerKept[];
  remindersToCancel: MigrationReminderToCancel[];
  remindersToAdd: MigrationReminderToAdd[];
  errors: string[];
  warnings: string[];
}

export interface AppliedItem extends MigrationItem {
  applied: boolean;
  /** The instance's revision after the migration (or its unchanged revision when refused). */
  revision: number | null;
}

export interface DryRunResult {
  key: string;
  fromVersion: number;
  toVersion: number;
  items: MigrationItem[];
  summary: { instances: number; ok: number; blocked: number };
}

export interface ApplyResult {
  key: string;
  fromVersion: number;
  toVersion: number;
  items: AppliedItem[];
  summary: { instances: number; applied: number; refused: number };
}

/** An empty item, for instances refused before any planning (unknown, finished, on another version). */
export function refusedItem(instanceId: string, req: MigrationRequest, errors: string[], caseRow?: { id: string; reference: string }): MigrationItem {
  return {
    instanceId,
    caseId: caseRow?.id ?? null,
    caseReference: caseRow?.reference ?? null,
    fromVersion: req.fromVersion,
    toVersion: req.toVersion,
    ok: false,
    fromStates: [],
    toStates: [],
    stateMapping: [],
    tasksToClose: [],
    tasksToOpen: [],
    tasksKept: [],
    timersToCancel: [],
    timersToSet: [],
    timersKept: [],
    remindersToCancel: [],
    remindersToAdd: [],
    errors,
    warnings: [],
  };
}
