import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';

export const Rule = named(
  'Rule',
  z.looseObject({
    source: z.string().optional(),
    pathway: z.string().optional(),
    version: z.number().int().optional(),
    state: z.string().optional(),
    task: z.string().optional(),
    kind: z.string().optional(),
    offset: z.string().optional(),
  }),
  'Where a reminder or notification comes from (the pathway rule that made it)',
);

export const Notification = named(
  'Notification',
  z.object({
    id,
    kind: z.string().describe('task_assigned, reminder, overdue, escalation, conference_invitation, conference_changed, …'),
    title: z.string(),
    link: z.string(),
    caseId: id,
    caseReference: z.string(),
    taskId: id.nullable(),
    conferenceId: id.nullable(),
    dueAt: timestamp.nullable(),
    createdAt: timestamp,
    readAt: timestamp.nullable().describe("The caller's own read time"),
    rule: Rule.nullable(),
    why: z.string().describe('Why the agency receives it, in words'),
  }),
);

export const NotificationList = named(
  'NotificationList',
  z.object({
    items: z.array(Notification),
    total: z.number().int().describe('Counted up to 1,000'),
    totalCapped: z.boolean().optional().describe('True when more than `total` match'),
    unread: z.number().int().describe('Counted up to 1,000'),
    unreadCapped: z.boolean().optional().describe('True when more than `unread` are unread'),
  }),
);

export const NotificationRead = named('NotificationRead', z.object({ id, readAt: timestamp }));
export const NotificationsRead = named('NotificationsRead', z.object({ updated: z.number().int().describe('How many were unread') }));
