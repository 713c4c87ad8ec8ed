import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';

export const Decision = named(
  'Decision',
  z.union([
    z.string(),
    z.object({ text: z.string(), rationale: z.string().optional(), dissent: z.string().optional(), restrictedTo: z.array(id).optional() }),
  ]),
  'A decision of the minutes: its text, or the text with a rationale and a dissent; a restricted one (restrictedTo) is shown only to the agencies it names',
);

export const ConferenceInvitee = named(
  'ConferenceInvitee',
  z.object({ agencyId: id, agencyName: z.string(), attended: z.boolean().nullable(), apologies: z.string().nullable(), recordedAt: timestamp.nullable() }),
);

export const Attendance = named('Attendance', z.object({ agencyId: id, attended: z.boolean().nullable(), apologies: z.string().nullable() }));

export const MinutesAction = named(
  'MinutesAction',
  z.object({ taskId: id, title: z.string(), agencyId: id.nullable(), dueAt: timestamp.nullable(), status: z.enum(['open', 'done', 'cancelled']) }),
  'An action of the minutes: the task it became',
);

export const Minutes = named(
  'Minutes',
  z.object({ text: z.string().nullable(), decisions: z.array(Decision), actions: z.array(MinutesAction), recordedAt: timestamp }),
);

export const Conference = named(
  'Conference',
  z.object({
    id,
    caseId: id,
    caseReference: z.string(),
    title: z.string(),
    scheduledAt: timestamp,
    durationMinutes: z.number().int(),
    location: z.string().nullable(),
    status: z.enum(['scheduled', 'held', 'cancelled']),
    sequence: z.number().int().describe('The invitation\'s SEQUENCE (RFC 5545), raised by every change'),
    uid: z.string().describe('The invitation\'s UID'),
    agencyIds: z.array(id),
    invitees: z.array(ConferenceInvitee),
    attendance: z.array(Attendance).describe('The invitees whose attendance is recorded'),
    minutes: Minutes.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  'A case conference',
);

export const ConferenceList = named('ConferenceList', z.object({ items: z.array(Conference) }));
