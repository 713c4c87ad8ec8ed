import pg from 'pg';
import { WORKER_PROVIDERS } from '../../apps/worker/src/worker.module.js';
import { openQueueConnection } from '../../libs/core/src/queue/queue-backend.js';
import { runBareBullmq, type BareQueueResult } from '../baselines/bare-bullmq.js';
import { startStandInReminderWorker } from '../reminders/stand-in-processor.js';
import { log } from '../support/log.js';
import { statementsPer, type StatementCounts } from '../support/statements.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';
import { runReminderWave, type WaveResult } from './reminder-wave.js';

/** True when the worker has its own reminder and delivery processors (built by another issue). */
export function appDeliversReminders(): boolean {
  const names = WORKER_PROVIDERS.map((p) => p.name);
  return names.some((n) => /remind/i.test(n)) && names.some((n) => /deliver/i.test(n));
}

export interface PipelineResult {
  backend: 'redis' | 'postgres';
  /** `app`: the worker's own reminder + delivery processors; `stand-in`: the bench's one-hop stand-in. */
  deliveredBy: 'app' | 'stand-in';
  burst: WaveResult;
  bare: BareQueueResult;
  precision?: WaveResult;
  /** Round trips at the driver per reminder of the burst (write, relay, jobs), from the app's counter. */
  statementsPerReminder?: ReturnType<typeof statementsPer>;
}

/**
 * Scenario 2 (a burst of reminders all due at once → webhook; bare BullMQ baseline) and scenario 3
 * (reminders spread over a window: lateness) on one backend, against a running app.
 */
export async function runReminderPipeline(opts: {
  backend: 'redis' | 'postgres';
  redisUrl?: string;
  databaseUrl: string;
  queuePrefix: string;
  receiver: WebhookReceiver;
  cityId: string;
  webhookAgencyId: string;
  burst: number;
  precision?: { count: number; spreadMs: number };
  stallMs: number;
  concurrency: number;
  statements?: () => Promise<StatementCounts>;
}): Promise<PipelineResult> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
  const deliveredBy = appDeliversReminders() ? 'app' : 'stand-in';
  const conn = openQueueConnection({ redisUrl: opts.backend === 'redis' ? opts.redisUrl : undefined, databaseUrl: opts.databaseUrl, prefix: opts.queuePrefix });
  const standIn = deliveredBy === 'stand-in' ? startStandInReminderWorker(conn, pool, opts.concurrency) : undefined;
  try {
    log(`scenario 2 on ${opts.backend}: ${opts.burst} reminders due at once (delivered by ${deliveredBy})`);
    const guessPerJobMs = opts.backend === 'redis' ? 1.5 : 6;
    const before = await opts.statements?.();
    const burst = await runReminderWave(pool, opts.receiver, {
      tag: `${opts.backend}-burst`,
      cityId: opts.cityId,
      webhookAgencyId: opts.webhookAgencyId,
      count: opts.burst,
      leadMs: 3000 + opts.burst * guessPerJobMs,
      spreadMs: 0,
      stallMs: opts.stallMs,
    });
    const after = await opts.statements?.();
    const statementsPerReminder = before && after ? statementsPer(before, after, burst.delivered) : undefined;
    log(`  delivered ${burst.delivered}/${burst.scheduled} at ${burst.deliveredPerSecond}/s; round trips per reminder ${JSON.stringify(statementsPerReminder)}`);
    const bare = await runBareBullmq({
      redisUrl: opts.backend === 'redis' ? opts.redisUrl : undefined,
      databaseUrl: opts.databaseUrl,
      prefix: opts.queuePrefix,
      jobs: opts.burst,
      concurrency: opts.concurrency,
    });
    log(`  bare BullMQ: ${bare.perSecond} jobs/s`);
    let precision: WaveResult | undefined;
    if (opts.precision) {
      // Lead time from the burst's write+relay rate, so every job is queued before it is due.
      const rate = burst.relay.perSecond ?? 200;
      const leadMs = Math.max(5000, Math.round((opts.precision.count / rate) * 1000 * 1.5) + 3000);
      log(`scenario 3 on ${opts.backend}: ${opts.precision.count} reminders due over ${opts.precision.spreadMs / 1000} s, starting in ${leadMs} ms`);
      precision = await runReminderWave(pool, opts.receiver, {
        tag: `${opts.backend}-precision`,
        cityId: opts.cityId,
        webhookAgencyId: opts.webhookAgencyId,
        count: opts.precision.count,
        leadMs,
        spreadMs: opts.precision.spreadMs,
        stallMs: opts.stallMs,
      });
      log(`  lateness p50 ${precision.latenessMs.p50} ms, p99 ${precision.latenessMs.p99} ms, max ${precision.latenessMs.max} ms`);
    }
    return { backend: opts.backend, deliveredBy, burst, bare, precision, statementsPerReminder };
  } finally {
    await standIn?.close();
    await conn.close();
    await pool.end();
  }
}
