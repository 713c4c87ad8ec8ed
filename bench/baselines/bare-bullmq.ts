import { openQueueConnection, type AnyWorker } from '../../libs/core/src/queue/queue-backend.js';

export interface BareQueueResult {
  jobs: number;
  completed: number;
  failed: number;
  /** Worker 'error' events (e.g. deadlocks reported by the PostgreSQL backend). */
  workerErrors: number;
  perSecond: number;
  elapsedMs: number;
}

/**
 * Bare BullMQ on the same backend: `jobs` jobs added (in bulk, 100 at a time) and processed by a
 * no-op worker with the app's concurrency. Rate = jobs / (first add → last completion).
 */
export async function runBareBullmq(opts: { redisUrl?: string; databaseUrl: string; prefix: string; jobs: number; concurrency: number }): Promise<BareQueueResult> {
  const conn = openQueueConnection({ redisUrl: opts.redisUrl, databaseUrl: opts.databaseUrl, prefix: opts.prefix });
  const name = `bare-${Date.now().toString(36)}`;
  const queue = conn.makeQueue(name);
  let completed = 0;
  let failed = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((r) => (finish = r));
  const worker: AnyWorker = conn.makeWorker(name, () => Promise.resolve('ok'), { concurrency: opts.concurrency });
  // BullMQ's PostgreSQL backend can report deadlocks under concurrency: count them, do not hang on them.
  worker.on('completed', () => {
    if (++completed + failed >= opts.jobs) finish();
  });
  worker.on('failed', () => {
    if (completed + ++failed >= opts.jobs) finish();
  });
  let workerErrors = 0;
  worker.on('error', () => workerErrors++);
  await worker.waitUntilReady();
  const started = performance.now();
  try {
    for (let i = 0; i < opts.jobs; i += 100) {
      const batch = Array.from({ length: Math.min(100, opts.jobs - i) }, (_, k) => ({
        name: 'bare',
        data: { n: i + k },
        opts: { jobId: `bare.${i + k}`, removeOnComplete: 1000 },
      }));
      await queue.addBulk(batch);
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 120_000).unref());
    await Promise.race([allDone, timeout]);
    const elapsedMs = performance.now() - started;
    return { jobs: opts.jobs, completed, failed, workerErrors, perSecond: Math.round((completed / elapsedMs) * 1000 * 10) / 10, elapsedMs: Math.round(elapsedMs) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await conn.close();
  }
}
