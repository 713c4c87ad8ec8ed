import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge } from 'prom-client';
import { ALL_QUEUES } from '../queue/queue-registry.js';
import { QueueService } from '../queue/queue.service.js';
import { metricsRegistry, outboxUnrelayed, queueJobs } from './metrics.js';
import { OUTBOX_BACKLOG, type OutboxBacklog } from './outbox-backlog.js';

/** Job states reported per queue. BullMQ 6 has no `paused` state (a paused queue's jobs wait). */
export const QUEUE_JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** How long a scrape waits for the queue backend or the database before leaving their gauges out. */
const SOURCE_TIMEOUT_MS = 2000;

export const scrapeSourceUp = new Gauge({
  name: 'convene_scrape_source_up',
  help: 'Whether this scrape could read a source (queue, database): 1 yes, 0 no, and the gauges read from it are NaN',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

let defaultMetricsOn = false;

/** Process metrics (CPU, memory, event loop, GC) under `convene_`; registered once per process. */
export function ensureDefaultMetrics(): void {
  if (defaultMetricsOn) return;
  defaultMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'convene_' });
}

type Source = 'queue' | 'database';

/**
 * Renders the registry for `GET /metrics` (API and standalone worker). The queue and outbox gauges
 * are read at scrape time, each source with a timeout: a scrape while Redis or PostgreSQL is away
 * still answers with everything else (NaN for what it could not read), and the outage is logged once, not on every scrape.
 */
@Injectable()
export class MetricsCollector {
  private readonly logger = new Logger('metrics');
  private readonly down = new Set<Source>();

  constructor(
    private readonly queues: QueueService,
    @Inject(OUTBOX_BACKLOG) private readonly outboxBacklog: OutboxBacklog,
  ) {
    ensureDefaultMetrics();
  }

  get contentType(): string {
    return metricsRegistry.contentType;
  }

  async render(): Promise<string> {
    await Promise.all([this.read('queue', () => this.readQueues()), this.read('database', () => this.readOutbox())]);
    // prom-client 15 writes NaN as "Nan"; the text format (and strict parsers) want "NaN". A sample
    // line ends with its value, so the fix cannot touch a label.
    return (await metricsRegistry.metrics()).replace(/ Nan$/gm, ' NaN');
  }

  private async readQueues(): Promise<void> {
    const counts = await Promise.all(ALL_QUEUES.map((name) => this.queues.queue(name).getJobCounts(...QUEUE_JOB_STATES)));
    ALL_QUEUES.forEach((queue, i) => {
      for (const state of QUEUE_JOB_STATES) queueJobs.set({ queue, state }, counts[i]?.[state] ?? 0);
    });
  }

  private async readOutbox(): Promise<void> {
    outboxUnrelayed.set(await this.outboxBacklog());
  }

  private async read(source: Source, fn: () => Promise<void>): Promise<void> {
    try {
      await withTimeout(fn(), SOURCE_TIMEOUT_MS);
      scrapeSourceUp.set({ source }, 1);
      if (this.down.delete(source)) this.logger.log({ source }, 'metrics: source readable again');
    } catch (error) {
      scrapeSourceUp.set({ source }, 0);
      // NaN ("unknown") rather than stale: a dashboard must not show the last good value as current.
      if (source === 'queue') for (const queue of ALL_QUEUES) for (const state of QUEUE_JOB_STATES) queueJobs.set({ queue, state }, NaN);
      else outboxUnrelayed.set(NaN);
      if (!this.down.has(source)) {
        this.down.add(source);
        this.logger.warn({ source, err: { type: (error as Error).name, message: (error as Error).message } }, 'metrics: could not read source; its gauges are NaN until it answers');
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  promise.catch(() => undefined); // a late rejection after the timeout must not go unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
