import { z } from 'zod';
import { REQUEST_ID, RequestContext } from '../logging/request-context.js';
import type { QueueName } from './queue-registry.js';

/**
 * A job's payload: its own fields, plus the optional `requestId` of the HTTP request that caused
 * it (carried through the outbox, bound to the worker's log lines for the job). An unusable request
 * id is dropped, never a reason to refuse the job. Unknown fields are stripped.
 */
const payload = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ ...shape, requestId: z.string().regex(REQUEST_ID).optional().catch(undefined) });

const id = z.guid();
const count = z.number().int().nonnegative();

/**
 * Every job Convene runs: queue → job name → payload schema. The one map the enqueue side (the
 * outbox's message types), the worker host (validation and dispatch by `job.name`) and the worker's
 * handler map (`JobHandlers`, which the compiler checks complete against it) are built from.
 * Queue and job names are stored in Redis and PostgreSQL: NEVER rename one casually.
 * Handlers re-load the record the payload names and return early if the world moved on.
 */
export const JOBS = {
  timers: {
    'timer.fire': payload({ instanceId: id, timerRowId: id, timerId: z.string().min(1), event: z.string().min(1), revision: count }),
  },
  reminders: {
    'reminder.send': payload({ reminderId: id, generation: count }),
  },
  deliveries: {
    'delivery.send': payload({ deliveryId: id }),
  },
} as const satisfies { [Q in QueueName]: Record<string, z.ZodType> };

export type JobCatalog = typeof JOBS;

/** The job names a queue carries. */
export type JobNameOf<Q extends QueueName> = keyof JobCatalog[Q] & string;

/** Every job name, of every queue. */
export type JobName = { [Q in QueueName]: JobNameOf<Q> }[QueueName];

/** The queue that carries a job. */
export type QueueOf<J extends JobName> = { [Q in QueueName]: J extends JobNameOf<Q> ? Q : never }[QueueName];

/** The schema of a job's payload. */
export type JobSchema<J extends JobName> = { [Q in QueueName]: J extends keyof JobCatalog[Q] ? JobCatalog[Q][J] : never }[QueueName];

/** Job payloads by job name, as validated (what a handler gets) and as written (what the outbox takes). */
export type JobPayloads = { [J in JobName]: z.infer<JobSchema<J>> };

/** Which queue carries each job (derived from the catalog). */
export const JOB_QUEUE = Object.fromEntries(
  Object.entries(JOBS).flatMap(([queue, jobs]) => Object.keys(jobs).map((job) => [job, queue])),
) as { [J in JobName]: QueueOf<J> };

/** The schema of `name` on `queue`, or undefined when that queue carries no job of that name. */
export function jobSchema(queue: string, name: string): z.ZodType | undefined {
  const jobs = (JOBS as Record<string, Record<string, z.ZodType> | undefined>)[queue];
  return jobs && Object.hasOwn(jobs, name) ? jobs[name] : undefined;
}

/**
 * The payload as it goes into the outbox: with the current request id (the HTTP request's, or the
 * job's whose handler schedules more work) unless it names one already.
 */
export function withRequestId<P extends { requestId?: string }>(payload: P): P {
  const requestId = RequestContext.requestId;
  return requestId === undefined || payload.requestId !== undefined ? payload : { ...payload, requestId };
}
