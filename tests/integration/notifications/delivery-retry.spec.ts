import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { openQueueConnection, type QueueConnection } from '../../../libs/core/src/queue/queue-backend.js';
import { jobId } from '../../../libs/core/src/queue/queue-registry.js';
import { DELIVERY_JOB_OPTIONS } from '../../../libs/domain/src/notifications/delivery-policy.js';
import { DeliveryFailed, deliveryBackoffStrategy } from '../../../apps/worker/src/deliveries/delivery-backoff.js';
import { queueBackends } from '../../support/backends.js';
import { eventually } from '../../support/app.js';
import { at } from '../../support/defined.js';

describe.each(queueBackends())('delivery retry policy on the %s backend', (backend) => {
  const conn: QueueConnection = openQueueConnection({
    databaseUrl: process.env.DATABASE_URL!,
    redisUrl: backend === 'redis' ? process.env.REDIS_URL : undefined,
    prefix: `${process.env.QUEUE_PREFIX}_d`,
  });
  afterAll(() => conn.close());

  /** A worker set up as the delivery processor sets up its own: custom backoff strategy, started after. */
  function worker(name: string, processor: (job: Job) => Promise<unknown>) {
    const w = conn.makeWorker(name, processor, { concurrency: 1, autorun: false });
    w.opts.settings = { ...w.opts.settings, backoffStrategy: deliveryBackoffStrategy(10) };
    void w.run();
    return w;
  }

  it('waits the delay the processor chose between attempts, then succeeds', async () => {
    const name = `deliveries-${randomUUID().slice(0, 8)}`;
    const queue = conn.makeQueue(name);
    const seen: number[] = [];
    const w = worker(name, (job) => {
      seen.push(Date.now());
      if (job.attemptsMade < 2) return Promise.reject(new DeliveryFailed('HTTP 500', 300));
      return Promise.resolve('delivered');
    });
    await queue.add('delivery.send', {}, { ...DELIVERY_JOB_OPTIONS, jobId: jobId('delivery', randomUUID()) });
    await eventually(() => seen.length === 3, 10_000, 'three attempts');
    expect(at(seen, 1, 'attempts') - at(seen, 0, 'attempts')).toBeGreaterThanOrEqual(280);
    expect(at(seen, 2, 'attempts') - at(seen, 1, 'attempts')).toBeGreaterThanOrEqual(280);
    await w.close();
    await queue.close();
  }, 20_000);

  it('stops after eight attempts', async () => {
    const name = `deliveries-${randomUUID().slice(0, 8)}`;
    const queue = conn.makeQueue(name);
    let attempts = 0;
    const w = worker(name, () => {
      attempts++;
      return Promise.reject(new DeliveryFailed('HTTP 503', 5));
    });
    const id = jobId('delivery', randomUUID());
    await queue.add('delivery.send', {}, { ...DELIVERY_JOB_OPTIONS, jobId: id });
    await eventually(async () => (await queue.getJob(id))?.finishedOn !== undefined, 10_000, 'the job to fail for good');
    await new Promise((r) => setTimeout(r, 200));
    expect(attempts).toBe(8);
    expect(await (await queue.getJob(id))!.getState()).toBe('failed');
    await w.close();
    await queue.close();
  }, 20_000);
});
