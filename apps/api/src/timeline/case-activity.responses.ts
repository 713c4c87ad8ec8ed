import { z } from 'zod';
import { named } from '../common/openapi.js';
import { id, timestamp } from '../common/responses.js';
import { Rule } from '../notifications/notifications.responses.js';

export const TimelineItem = named(
  'TimelineItem',
  z.looseObject({
    at: timestamp,
    kind: z
      .string()
      .describe(
        'transition, pathway_started, task_opened, task_completed, task_cancelled, conference_scheduled, conference_changed, ' +
          'conference_attendance, conference_minutes, notification_sent, or another entry of the event log; the other fields depend on it',
      ),
  }),
  'One entry of the case timeline',
);
export const Timeline = named('Timeline', z.object({ items: z.array(TimelineItem) }));

export const Delivery = named(
  'Delivery',
  z.object({
    channel: z.enum(['webhook', 'email']),
    status: z.enum(['pending', 'delivered', 'retrying', 'dead']),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable().describe('HTTP status of the last webhook attempt'),
    lastError: z.string().nullable(),
    nextAttemptAt: timestamp.nullable(),
    deliveredAt: timestamp.nullable(),
  }),
  'One channel of a notification\'s delivery',
);

export const Reminder = named(
  'Reminder',
  z.object({
    id,
    kind: z.string().describe('reminder, overdue, escalation, …; `timer` for a pending pathway timer'),
    dueAt: timestamp,
    status: z.string().describe('pending, sent, cancelled or skipped (a timer: pending, fired, cancelled or stale)'),
    title: z.string(),
    why: z.string(),
    agencyId: id.optional().describe('Reminders: the agency it goes to'),
    taskId: id.nullable().optional(),
    conferenceId: id.nullable().optional(),
    rule: Rule.optional(),
    generation: z.number().int().optional(),
    sentAt: timestamp.nullable().optional(),
    reason: z.string().optional().describe('Why it was cancelled'),
    delivery: z.array(Delivery).optional(),
    instanceId: id.optional().describe('Timers: the pathway instance'),
    pathway: z.string().optional(),
    event: z.string().optional(),
    timerId: z.string().optional(),
  }),
  'A reminder of the case (and its deliveries), or a pending pathway timer (`kind: "timer"`)',
);
export const ReminderList = named('ReminderList', z.object({ items: z.array(Reminder) }));
