import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';

export const Task = named(
  'Task',
  z.object({
    id,
    caseId: id,
    caseReference: z.string(),
    title: z.string(),
    taskKey: z.string().nullable(),
    stateId: z.string().nullable(),
    instanceId: id.nullable(),
    conferenceId: id.nullable().describe('Set for a conference action'),
    assigneeRole: z.string().nullable(),
    assigneeAgencyId: id.nullable(),
    dueAt: timestamp.nullable(),
    status: z.enum(['open', 'overdue', 'done', 'cancelled']).describe('overdue: open and past its due date'),
    outcome: z.string().nullable(),
    note: z.string().nullable(),
    acknowledgedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    createdAt: timestamp,
  }),
  'A task of an agency',
);

export const TaskList = named(
  'TaskList',
  z.object({
    items: z.array(Task),
    total: z.number().int().describe('Counts at most 1,000'),
    totalCapped: z.boolean().optional().describe('True when there are more than `total`'),
  }),
);
