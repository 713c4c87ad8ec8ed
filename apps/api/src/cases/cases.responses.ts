import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, instanceStatus, stateValue, timestamp } from '../common/responses.js';

export const AllowedEvent = named(
  'AllowedEvent',
  z.object({
    type: z.string(),
    title: z.string().optional(),
    roles: z.array(z.string()).describe('User roles that may send it'),
    enabled: z.boolean().describe('False when a guard refuses it right now; `reason` says why'),
    reason: z.string().optional(),
  }),
);

export const PathwayInstance = named(
  'PathwayInstance',
  z.object({
    instanceId: id,
    key: z.string(),
    version: z.number().int(),
    state: stateValue,
    status: instanceStatus,
    revision: z.number().int().describe('Raised by every change to the instance (If-Match)'),
    allowedEvents: z.array(AllowedEvent).describe('Events whose guards pass now'),
    availableEvents: z.array(AllowedEvent).describe('Every event of the current state, refused ones with enabled: false and the reason'),
  }),
  'A pathway running on a case',
);

export const Subject = named(
  'Subject',
  z.looseObject({ name: z.string(), dateOfBirth: z.string().optional().describe('YYYY-MM-DD') }),
  'The person the case is about',
);

export const keyDates = z.record(z.string(), z.string().nullable()).describe('Key dates by name, e.g. releaseDate (YYYY-MM-DD or a date-time)');

export const CaseParticipant = named(
  'CaseParticipant',
  z.object({ agencyId: id, agencyName: z.string(), agencyKind: z.string(), role: z.string(), addedAt: timestamp }),
);

export const CaseTask = named(
  'CaseTask',
  z.object({
    id,
    title: z.string(),
    taskKey: z.string().nullable(),
    stateId: z.string().nullable(),
    instanceId: id.nullable(),
    assigneeRole: z.string().nullable(),
    assigneeAgencyId: id.nullable(),
    dueAt: timestamp.nullable(),
    status: z.enum(['open', 'done']),
    overdue: z.boolean().nullable().describe('Open and past its due date (null without a due date)'),
    completedAt: timestamp.nullable(),
  }),
  'A task of the case, as the case page lists it (cancelled tasks are left out)',
);

export const CaseConference = named(
  'CaseConference',
  z.object({ id, scheduledAt: timestamp, durationMinutes: z.number().int(), location: z.string().nullable(), status: z.enum(['scheduled', 'held', 'cancelled']) }),
);

const caseStatus = z.enum(['open', 'closed', 'erased']);

export const lawfulBasisValue = z.enum(['consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests', 'none']);

export const LawfulBasisEntry = named(
  'LawfulBasisEntry',
  z.object({
    basis: lawfulBasisValue,
    note: z.string().nullable(),
    source: z.enum(['create', 'api', 'pathway']).describe('Where it was recorded: at creation, PATCH /api/cases/:id, or a pathway event (recordLawfulBasis)'),
    instanceId: id.nullable(),
    recordedBy: id.nullable(),
    recordedAgencyId: id.nullable(),
    recordedAt: timestamp,
  }),
  'One lawful basis recorded for the case, with who and when',
);

export const CurrentLawfulBasis = named(
  'CurrentLawfulBasis',
  z.object({
    basis: lawfulBasisValue.describe('"none": no basis holds any more (consent withdrawn)'),
    note: z.string().nullable(),
    recordedAt: timestamp.nullable(),
    recordedBy: id.nullable(),
    source: z.enum(['create', 'api', 'pathway']).nullable(),
  }),
  "The case's current lawful basis",
);

export const NotificationsWithheld = named(
  'NotificationsWithheld',
  z.object({ since: timestamp.nullable(), reason: z.string() }),
  'Set while the lawful basis is "none": no notification about the case goes to any agency but the lead, and why',
);

const caseDetailShape = {
  id,
  reference: z.string().describe('e.g. CNV-2026-0001'),
  status: caseStatus,
  subject: Subject,
  leadAgencyId: id,
  participants: z.array(CaseParticipant),
  keyDates,
  lawfulBasis: CurrentLawfulBasis.nullable(),
  lawfulBasisHistory: z.array(LawfulBasisEntry).describe('Every basis recorded, newest first'),
  notificationsWithheld: NotificationsWithheld.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: timestamp.nullable(),
  pathways: z.array(PathwayInstance),
  tasks: z.array(CaseTask).describe('Agency staff see their own agency\'s tasks only'),
  conferences: z.array(CaseConference),
};

export const CaseDetail = named('CaseDetail', z.object(caseDetailShape), 'A case with its participants, pathways, tasks and conferences');

export const ErasedCase = named(
  'ErasedCase',
  z.object({ id, reference: z.string(), status: z.literal('erased'), erasedAt: timestamp }).strict(),
  'A case whose personal data was erased (eraseCaseData): nothing else about the person can be read',
);

export const CaseRead = named('CaseRead', z.union([CaseDetail, ErasedCase]), 'The case detail, or what is left of an erased case');

export const CaseCreated = named(
  'CaseCreated',
  z.object({
    ...caseDetailShape,
    possibleRepeatOf: z
      .array(z.object({ id, reference: z.string(), status: caseStatus, createdAt: timestamp }))
      .describe('Cases of the same person opened in the last 12 months that the caller can see'),
  }),
  'The new case',
);

export const CaseSummary = named(
  'CaseSummary',
  z.object({
    id,
    reference: z.string(),
    status: caseStatus,
    subject: Subject.nullable().describe('null once the case is erased'),
    leadAgencyId: id,
    keyDates,
    createdAt: timestamp,
    updatedAt: timestamp,
    pathways: z.array(z.object({ instanceId: id, key: z.string(), version: z.number().int(), state: stateValue, status: instanceStatus })),
    openTasks: z.number().int(),
    overdueTasks: z.number().int(),
  }),
  'A case in the case list',
);

export const CaseList = named(
  'CaseList',
  z.object({
    items: z.array(CaseSummary),
    total: z.number().int().describe('Matching cases, counted up to 1,000'),
    totalCapped: z.boolean().optional().describe('True when more than `total` cases match'),
    limit: z.number().int(),
    offset: z.number().int(),
  }),
);

export const ParticipantAdded = named(
  'ParticipantAdded',
  z.object({ caseId: id, agencyId: id, role: z.string(), assignedTasks: z.number().int().describe('Open tasks of the role now assigned to the agency') }),
);

export const ParticipantRemoved = named(
  'ParticipantRemoved',
  z.object({ reassigned: z.number().int(), cancelled: z.number().int() }),
  'How many of its open tasks went to another agency in the role, and how many were cancelled',
);

export const PathwayStarted = named(
  'PathwayStarted',
  z.object({ instanceId: id, key: z.string(), version: z.number().int(), state: stateValue, status: instanceStatus, revision: z.number().int() }),
);

export const EventResult = named(
  'EventResult',
  z.object({
    instanceId: id,
    state: stateValue,
    status: instanceStatus,
    allowedEvents: z.array(AllowedEvent),
    availableEvents: z.array(AllowedEvent),
    revision: z.number().int(),
  }),
  'The instance after the event (also sent as the ETag)',
);

export const CaseNote = named(
  'CaseNote',
  z.object({
    id,
    caseId: id,
    text: z.string(),
    restrictedTo: z.array(id).nullable().describe('The agencies (the author\'s included) this note exists for; null: every agency of the case'),
    authorUserId: id.nullable(),
    authorAgencyId: id.nullable(),
    authorName: z.string().nullable(),
    createdAt: timestamp,
  }),
  'A note on a case',
);

export const CaseNoteList = named('CaseNoteList', z.object({ items: z.array(CaseNote) }), 'The notes the caller\'s agency may see, newest first');

const ExportedNote = CaseNote.extend({ restricted: z.boolean() });

export const CaseExport = named(
  'CaseExport',
  z.union([
    z.object({
      exportedAt: timestamp,
      exportedBy: z.object({ userId: id, agencyId: id.nullable() }),
      restricted: z
        .object({ notes: z.number().int(), decisions: z.number().int(), included: z.boolean(), notice: z.string() })
        .describe('Restricted notes and decisions of other agencies are included in this export, marked, and this says so'),
      case: z.object({
        id,
        reference: z.string(),
        status: caseStatus,
        subject: z.unknown(),
        leadAgencyId: id,
        keyDates,
        lawfulBasis: z.string().nullable(),
        createdAt: timestamp,
        updatedAt: timestamp,
        closedAt: timestamp.nullable(),
      }),
      participants: z.array(CaseParticipant),
      lawfulBasisHistory: z.array(LawfulBasisEntry),
      notes: z.array(ExportedNote),
      pathways: z.array(z.record(z.string(), z.unknown())),
      events: z.array(z.record(z.string(), z.unknown())),
      tasks: z.array(z.record(z.string(), z.unknown())),
      conferences: z.array(z.record(z.string(), z.unknown())),
      notifications: z.array(z.record(z.string(), z.unknown())),
    }),
    ErasedCase,
  ]),
  'Everything Convene holds about the case (subject-access request), or what is left of an erased case',
);
