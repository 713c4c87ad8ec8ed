/**
 * Every queue Convene runs, in one place (its jobs and their payload schemas: job-catalog.ts).
 * Queue names are stored in Redis and PostgreSQL: NEVER rename one casually — jobs waiting under
 * the old name would be stranded.
 */
export const QUEUE = {
  /** Pathway timers (`after` delays): fire an event into an instance. */
  timers: 'timers',
  /** Reminders of tasks and conferences, before due / due / overdue / escalation. */
  reminders: 'reminders',
  /** One notification delivered over one channel (webhook, email). */
  deliveries: 'deliveries',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Job names, payloads (schemas in the job catalog) and which queue carries each job. */
export { JOB_QUEUE, type JobName, type JobPayloads } from './job-catalog.js';

export const ALL_QUEUES = Object.values(QUEUE);

/**
 * BullMQ job ids: no `:` and never an integer string. Build them from parts with `.` so re-delivery
 * of the same outbox row maps to the same job.
 */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('.');
}
