/**
 * Every queue and job Convene runs, in one place. Queue names are stored in Redis and PostgreSQL:
 * NEVER rename one casually — jobs waiting under the old name would be stranded.
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

/** Job payloads by job name. Handlers re-load the record and return early if the world moved on. */
export interface JobPayloads {
  'timer.fire': { instanceId: string; timerRowId: string; timerId: string; event: string; revision: number };
  'reminder.send': { reminderId: string; generation: number };
  'delivery.send': { deliveryId: string };
}

export type JobName = keyof JobPayloads;

/** Which queue carries each job. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'timer.fire': QUEUE.timers,
  'reminder.send': QUEUE.reminders,
  'delivery.send': QUEUE.deliveries,
};

export const ALL_QUEUES = Object.values(QUEUE);

/**
 * BullMQ job ids: no `:` and never an integer string. Build them from parts with `.` so re-delivery
 * of the same outbox row maps to the same job.
 */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_.-]/g, '_')).join('.');
}
