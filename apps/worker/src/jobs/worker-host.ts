import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import type { z } from 'zod';
import { type AnyWorker, JOBS, jobSchema, type QueueConnection, type QueueName, RequestContext, saneRequestId } from '#core';
import type { JobHandler, JobHandlers, QueueRegistration } from './job-handlers.js';

/** A job name fit for a log line (names come from whoever added the job). */
const JOB_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const loggable = (name: string) => (JOB_NAME.test(name) ? name : '(unprintable)');

/** The catalog's queues and job names that `handlers` has no handler for, and handlers of no catalog job. */
export function missingHandlers(handlers: Partial<Record<string, { handlers?: Record<string, unknown> } | undefined>>): {
  missing: string[];
  unknown: string[];
} {
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const [queue, jobs] of Object.entries(JOBS)) {
    const registered = handlers[queue]?.handlers;
    if (!registered) {
      missing.push(`queue ${queue}`);
      continue;
    }
    for (const name of Object.keys(jobs)) if (typeof registered[name] !== 'function') missing.push(`job ${name} (queue ${queue})`);
    for (const name of Object.keys(registered)) if (!Object.hasOwn(jobs, name)) unknown.push(`job ${name} (queue ${queue})`);
  }
  for (const queue of Object.keys(handlers)) if (!Object.hasOwn(JOBS, queue)) unknown.push(`queue ${queue}`);
  return { missing, unknown };
}

/**
 * The one place BullMQ workers are made: one per queue of the job catalog, each dispatching by
 * `job.name` to the handler its processor registered, with the payload its schema parsed.
 *
 * - It refuses to start — throws at boot, before any worker runs — when a queue or job of the
 *   catalog has no handler (or a handler is registered for a job the catalog does not know).
 * - It refuses a job whose name has no handler on its queue, or whose payload fails its schema: the
 *   job fails at once and for good (`UnrecoverableError`, no retry), with the reason logged — job
 *   name, id and the failing fields' paths, never the payload's values.
 * - Each job runs with its request id (from its data) as the current one and bound, with the
 *   queue, job name and id, to every log line made while it runs; work it schedules carries it on.
 */
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly workers = new Map<QueueName, AnyWorker>();

  constructor(
    private readonly connection: QueueConnection,
    private readonly handlers: JobHandlers,
    /** Binds each job's fields to the log lines made while it runs (nestjs-pino); without it, logs stay as they are. */
    private readonly pino?: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the database and queue connections close: lets running jobs finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Checks that every job has a handler (throws otherwise), then starts a worker per queue. */
  start(): void {
    const { missing, unknown } = missingHandlers(this.handlers);
    if (missing.length > 0 || unknown.length > 0) {
      const problems = [
        ...(missing.length > 0 ? [`no handler for ${missing.join(', ')}`] : []),
        ...(unknown.length > 0 ? [`handlers for what the job catalog does not have: ${unknown.join(', ')}`] : []),
      ];
      throw new Error(`worker host refuses to start: ${problems.join('; ')}`);
    }
    for (const queue of Object.keys(JOBS) as QueueName[]) {
      if (this.workers.has(queue)) continue;
      const registration = this.handlers[queue] as QueueRegistration<QueueName>;
      const worker = this.connection.makeWorker(queue, (job: Job) => this.process(queue, job), {
        concurrency: registration.concurrency,
        autorun: false,
      });
      // makeWorker takes no settings; a custom backoff is read from the worker's options when a job fails.
      if (registration.backoffStrategy) worker.opts.settings = { ...worker.opts.settings, backoffStrategy: registration.backoffStrategy };
      worker.run().catch((error: Error) => this.logger.warn({ queue, err: { message: error.message } }, 'queue worker stopped'));
      this.workers.set(queue, worker);
    }
  }

  async stop(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.close()));
  }

  /** Runs one job of `queue`: refuses it, or hands its parsed payload to its handler. */
  async process(queue: QueueName, job: Job): Promise<unknown> {
    const requestId = saneRequestId((job.data as { requestId?: unknown } | undefined)?.requestId);
    const bindings = { ...(requestId ? { requestId } : {}), queue, jobName: loggable(job.name), jobId: job.id };
    const run = () => RequestContext.run(requestId, () => this.dispatch(queue, job, requestId));
    return this.pino ? this.pino.runInContext(run, { bindings }) : run();
  }

  private async dispatch(queue: QueueName, job: Job, requestId: string | undefined): Promise<unknown> {
    const schema = jobSchema(queue, job.name);
    const handlers = (this.handlers[queue] as QueueRegistration<QueueName>).handlers as Record<string, JobHandler<never> | undefined>;
    const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
    if (!schema || !handler) return this.refuse(job, queue, `no handler for job ${loggable(job.name)} on queue ${queue}`);
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      return this.refuse(job, queue, `payload of ${job.name} fails its schema`, issuesOf(parsed.error));
    }
    const started = Date.now();
    const result = await handler(parsed.data as never, { job, requestId });
    this.logger.debug({ ms: Date.now() - started, outcome: typeof result === 'string' ? result : undefined }, 'job done');
    return result;
  }

  private refuse(job: Job, queue: QueueName, reason: string, issues?: Array<{ path: string; code: string }>): never {
    this.logger.warn({ queue, jobName: loggable(job.name), jobId: job.id, reason, ...(issues ? { issues } : {}) }, 'job refused');
    const detail = issues ? ` (${issues.map((i) => `${i.path || '(payload)'}: ${i.code}`).join(', ')})` : '';
    throw new UnrecoverableError(`refused: ${reason}${detail}`);
  }
}

/** Where and how a payload fails its schema: paths and issue codes only, no values. */
function issuesOf(error: z.ZodError): Array<{ path: string; code: string }> {
  return error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), code: i.code }));
}
