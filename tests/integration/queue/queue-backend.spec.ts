import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { openQueueConnection, type QueueConnection } from '../../../libs/core/src/queue/queue-backend.js';
import { jobId } from '../../../libs/core/src/queue/queue-registry.js';
import { queueBackends } from '../../support/backends.js';
import { firstOf } from '../../support/defined.js';

describe.each(queueBackends())('queue backend: %s', (backend) => {
  const conn: QueueConnection = openQueueConnection({
    databaseUrl: process.env.DATABASE_URL!,
    redisUrl: backend === 'redis' ? process.env.REDIS_URL : undefined,
    prefix: `${process.env.QUEUE_PREFIX}_q`,
  });
  afterAll(() => conn.close());

  it('delivers a delayed job once, after its delay, even when added twice with the same id', async () => {
    const name = `test-${randomUUID().slice(0, 8)}`;
    const queue = conn.makeQueue(name);
    const seen: Array<{ id: string | undefined; at: number }> = [];
    const added = Date.now();
    const worker = conn.makeWorker(
      name,
      (job: Job) => {
        seen.push({ id: job.id, at: Date.now() });
        return Promise.resolve();
      },
      { concurrency: 2 },
    );
    const id = jobId('timer', randomUUID(), 3);
    await queue.add('fire', { n: 1 }, { jobId: id, delay: 400 });
    await queue.add('fire', { n: 2 }, { jobId: id, delay: 400 });
    await waitFor(() => seen.length >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toHaveLength(1);
    const job = firstOf(seen, 'jobs seen');
    expect(job.id).toBe(id);
    expect(job.at - added).toBeGreaterThanOrEqual(350);
    await worker.close();
    await queue.close();
  });

  it('a removed delayed job never runs', async () => {
    const name = `test-${randomUUID().slice(0, 8)}`;
    const queue = conn.makeQueue(name);
    const seen: string[] = [];
    const worker = conn.makeWorker(name, (job: Job) => Promise.resolve(void seen.push(job.id!)), { concurrency: 1 });
    await queue.add('fire', {}, { jobId: 'keep-1', delay: 300 });
    await queue.add('fire', {}, { jobId: 'drop-1', delay: 300 });
    await queue.remove('drop-1');
    await waitFor(() => seen.length >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual(['keep-1']);
    await worker.close();
    await queue.close();
  });
});

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
