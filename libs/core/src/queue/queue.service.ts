import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { ALL_QUEUES, JOB_QUEUE, QUEUE, type JobName, type JobPayloads, type QueueName } from './queue-registry.js';
import type { AnyQueue, QueueConnection } from './queue-backend.js';

export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

/** Typed access to Convene's queues: a job's queue and payload type follow from its name. */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, AnyQueue>();

  constructor(@Inject(QUEUE_CONNECTION) readonly connection: QueueConnection) {
    for (const name of ALL_QUEUES) this.queues.set(name, connection.makeQueue(name));
  }

  get backend() {
    return this.connection.kind;
  }

  queue(name: QueueName): AnyQueue {
    return this.queues.get(name)!;
  }

  async add<J extends JobName>(name: J, payload: JobPayloads[J], opts: JobsOptions & { jobId: string }): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, payload, { removeOnComplete: 1000, removeOnFail: 5000, ...opts });
  }

  /** Adds several jobs to one queue in one call (the outbox relay's batches). */
  async addBulk(queue: QueueName, jobs: Array<{ name: JobName; data: unknown; opts: JobsOptions & { jobId: string } }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(queue).addBulk(jobs.map((j) => ({ ...j, opts: { removeOnComplete: 1000, removeOnFail: 5000, ...j.opts } })));
  }

  async remove(queue: QueueName, jobId: string): Promise<void> {
    await this.queue(queue).remove(jobId).catch(() => undefined);
  }

  /** True when the backend answers within `timeoutMs` (and the link learns either way). */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const probe = this.queue(QUEUE.timers).getJobCounts('waiting');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref());
    try {
      await Promise.race([probe, timeout]);
      this.connection.link.answered();
      return true;
    } catch (error) {
      probe.catch(() => undefined);
      this.connection.link.failed(error);
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await this.connection.close();
  }
}
