import { z } from 'zod';
import { named } from '../common/openapi.js';
import { FieldError, id, instanceStatus, stateValue, timestamp } from '../common/responses.js';

export const versionStatus = z.enum(['draft', 'published', 'retired']);

export const PathwayDefinition = named(
  'PathwayDefinition',
  z.looseObject({
    key: z.string(),
    title: z.string(),
    description: z.string().optional(),
    machine: z.record(z.string(), z.unknown()).describe('XState v5 machine config as JSON (CONTRACT §3)'),
  }),
  'A pathway definition: `{key, title, description?, machine}`',
);

export const PathwaySummary = named(
  'PathwaySummary',
  z.object({ key: z.string(), title: z.string(), publishedVersion: z.number().int().nullable(), latestVersion: z.number().int().nullable() }),
);
export const PathwayList = named('PathwayList', z.object({ items: z.array(PathwaySummary) }));

export const PathwayVersionInfo = named(
  'PathwayVersionInfo',
  z.object({ version: z.number().int(), status: versionStatus, createdAt: timestamp, publishedAt: timestamp.nullable() }),
);

export const PathwayDetail = named(
  'PathwayDetail',
  z.object({
    key: z.string(),
    title: z.string(),
    publishedVersion: z.number().int().nullable(),
    latestVersion: z.number().int(),
    versions: z.array(PathwayVersionInfo),
  }),
);

export const PathwayVersion = named(
  'PathwayVersion',
  z.object({
    key: z.string(),
    version: z.number().int(),
    status: versionStatus,
    definition: PathwayDefinition,
    createdAt: timestamp,
    publishedAt: timestamp.nullable(),
  }),
);

export const ValidationResult = named('ValidationResult', z.object({ valid: z.boolean(), errors: z.array(FieldError) }));

export const DraftCreated = named(
  'DraftCreated',
  z.object({ key: z.string(), version: z.number().int(), status: versionStatus, checksum: z.string() }),
  'The new version (a draft)',
);

export const PathwayImported = named(
  'PathwayImported',
  DraftCreated.extend({ createdPathway: z.boolean(), definition: PathwayDefinition }),
  'The imported draft; `createdPathway` when the key was new',
);

export const VersionPublished = named(
  'VersionPublished',
  z.object({ key: z.string(), version: z.number().int(), status: versionStatus, publishedAt: timestamp.nullable() }),
);

export const VersionRetired = named(
  'VersionRetired',
  z.object({
    key: z.string(),
    version: z.number().int(),
    status: versionStatus,
    runningInstances: z.number().int().describe('Instances still running on this version'),
    changed: z.boolean().describe('False when it was retired already'),
  }),
);

export const PathwayHistoryEntry = named(
  'PathwayHistoryEntry',
  z.object({
    id: z.string(),
    at: timestamp,
    action: z.string(),
    version: z.number().int().nullable(),
    caseId: id.nullable(),
    resource: z.string().nullable(),
    resourceId: z.string().nullable(),
    user: z.object({ id, name: z.string().nullable(), email: z.string().nullable() }).nullable().describe('null for the system (the workflows/ loader)'),
    detail: z.record(z.string(), z.unknown()).nullable(),
  }),
);
export const PathwayHistory = named('PathwayHistory', z.object({ items: z.array(PathwayHistoryEntry), total: z.number().int() }));

export const PathwayDiagram = named(
  'PathwayDiagram',
  z.object({ key: z.string(), version: z.number().int(), mermaid: z.string(), svg: z.string() }),
  'The state chart as Mermaid source and as SVG',
);

const json = z.unknown().describe('Any JSON value');
const diffKind = z.enum(['added', 'removed', 'changed']);
const FieldChange = z.object({ field: z.string(), from: json, to: json });
const transitionLike = { kind: diffKind, stateId: z.string(), index: z.number().int(), targets: z.array(z.string()), guard: json, changes: z.array(FieldChange) };

export const DefinitionDiff = named(
  'DefinitionDiff',
  z.object({
    identical: z.boolean(),
    pathway: z.array(FieldChange),
    states: z.array(z.object({ kind: diffKind, stateId: z.string(), title: z.string().nullable(), type: z.string(), changes: z.array(FieldChange) })),
    transitions: z.array(z.object({ ...transitionLike, event: z.string() })),
    timers: z.array(z.object({ ...transitionLike, delay: z.string() })),
    tasks: z.array(z.object({ kind: diffKind, stateId: z.string(), taskKey: z.string(), title: z.string().nullable(), changes: z.array(FieldChange) })),
  }),
  'What changed between two versions of a pathway',
);

export const PathwayDiff = named(
  'PathwayDiff',
  z.object({ key: z.string(), from: z.number().int(), to: z.number().int(), changes: DefinitionDiff, text: z.string().describe('The changes, readable') }),
);

export const PathwayInstanceRow = named(
  'PathwayInstanceRow',
  z.object({
    instanceId: id,
    caseId: id,
    caseReference: z.string(),
    version: z.number().int(),
    state: stateValue,
    status: instanceStatus,
    revision: z.number().int(),
    updatedAt: timestamp,
  }),
);
export const PathwayInstances = named(
  'PathwayInstances',
  z.object({
    items: z.array(PathwayInstanceRow),
    byVersion: z.array(z.object({ version: z.number().int(), active: z.number().int() })).describe('Running instances per version'),
  }),
);

const MigrationItemShape = {
  instanceId: z.string(),
  caseId: id.nullable(),
  caseReference: z.string().nullable(),
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  ok: z.boolean(),
  fromStates: z.array(z.string()),
  toStates: z.array(z.string()),
  stateMapping: z.array(z.object({ from: z.string(), to: z.string().nullable(), how: z.enum(['same-id', 'explicit', 'missing']) })),
  tasksToClose: z.array(z.object({ taskId: id, stateId: z.string(), key: z.string(), reason: z.string() })),
  tasksToOpen: z.array(
    z.object({ stateId: z.string(), statePath: z.string(), key: z.string(), title: z.string(), assigneeRole: z.string(), dueAt: timestamp.nullable(), why: z.string() }),
  ),
  tasksKept: z.array(
    z.object({
      taskId: id,
      fromStateId: z.string(),
      stateId: z.string(),
      statePath: z.string(),
      key: z.string(),
      title: z.string(),
      oldDueAt: timestamp.nullable(),
      newDueAt: timestamp.nullable(),
      dueChanged: z.boolean(),
      remindersChanged: z.boolean(),
      titleChanged: z.boolean(),
    }),
  ),
  timersToCancel: z.array(z.looseObject({ timerId: z.string(), event: z.string(), reason: z.string(), fireAt: timestamp.nullable() })),
  timersToSet: z.array(z.looseObject({ timerId: z.string(), event: z.string(), fireAt: timestamp, stateId: z.string(), delay: z.string(), carriedOver: z.boolean() })),
  timersKept: z.array(z.looseObject({ timerId: z.string(), event: z.string(), fireAt: timestamp, stateId: z.string(), delay: z.string() })),
  remindersToCancel: z.array(z.object({ reminderId: id, taskId: id, agencyId: id, kind: z.string(), dueAt: timestamp })),
  remindersToAdd: z.array(z.object({ taskId: id.nullable(), taskKey: z.string(), stateId: z.string(), agencyId: id, kind: z.string(), dueAt: timestamp })),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
};

export const MigrationItem = named(
  'MigrationItem',
  z.object({ ...MigrationItemShape, revision: z.number().int().optional().describe('When ok: the revision the instance would have after the migration') }),
  "One instance's migration: where each state goes, which tasks, timers and reminders close, stay or open");
export const AppliedMigrationItem = named(
  'AppliedMigrationItem',
  z.object({ ...MigrationItemShape, applied: z.boolean(), revision: z.number().int().nullable() }),
);

export const MigrationDryRun = named(
  'MigrationDryRun',
  z.object({
    key: z.string(),
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    items: z.array(MigrationItem),
    summary: z.object({ instances: z.number().int(), ok: z.number().int(), blocked: z.number().int() }),
  }),
);

export const MigrationApplied = named(
  'MigrationApplied',
  z.object({
    key: z.string(),
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    items: z.array(AppliedMigrationItem),
    summary: z.object({ instances: z.number().int(), applied: z.number().int(), refused: z.number().int() }),
  }),
);
