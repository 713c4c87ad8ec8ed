import type { BackoffStrategy, Job } from 'bullmq';
import type { JobName, JobNameOf, JobPayloads, QueueName } from '#core';

/** What a handler gets besides its validated payload. */
export interface JobContext {
  /** The BullMQ job (id, attempts made); its `data` is the unvalidated original: use the payload. */
  job: Job;
  /** The request id the job carries (also bound to every log line made while it runs). */
  requestId?: string;
}

/** Runs one job of name `J`, with its payload as its schema parsed it. */
export type JobHandler<J extends JobName> = (payload: JobPayloads[J], ctx: JobContext) => Promise<unknown>;

/** How the host runs a queue's worker. */
export interface QueueWorkerOptions {
  concurrency: number;
  /** BullMQ custom backoff strategy (`backoff: { type: <name> }` in the job options picks it). */
  backoffStrategy?: BackoffStrategy;
}

/** One queue as its processor registers it with the worker host: a handler per job name, and how to run it. */
export interface QueueRegistration<Q extends QueueName> extends QueueWorkerOptions {
  handlers: { [N in JobNameOf<Q>]: JobHandler<Extract<N, JobName>> };
}

/**
 * Every queue of the job catalog, with a handler for every job of it. The compiler refuses a map
 * without a queue or without a job's handler; the worker host checks again at start (for whatever
 * gets past the compiler).
 */
export type JobHandlers = { [Q in QueueName]: QueueRegistration<Q> };

/** A Nest provider that handles one queue's jobs (the reminder, timer and delivery processors). */
export interface QueueProcessor<Q extends QueueName> {
  readonly queue: Q;
  registration(): QueueRegistration<Q>;
}
