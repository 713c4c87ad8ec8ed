import type pg from 'pg';
import { scheduleReminderWave, waitOutboxDrained } from '../reminders/reminder-fixture.js';
import { log, sleep } from '../support/log.js';
import { summarise, type LatencySummary } from '../support/stats.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

export interface WaveResult {
  scheduled: number;
  delivered: number;
  duplicates: number;
  /** Outbox → queue: rows per second from commit until the outbox was empty. */
  relay: { perSecond: number | null; drainedMsBeforeFirstDue: number | null };
  /** Delivered per second, from the first reminder's due time to the last webhook received. */
  deliveredPerSecond: number;
  /** Webhook received − reminder due. */
  latenessMs: LatencySummary;
}

/**
 * Schedules `count` reminders due from `now + leadMs`, spread evenly over `spreadMs` (0: all due at
 * once), and waits for the webhook receiver to get them (or for progress to stop for `stallMs`).
 */
export async function runReminderWave(
  pool: pg.Pool,
  receiver: WebhookReceiver,
  opts: { tag: string; cityId: string; webhookAgencyId: string; count: number; leadMs: number; spreadMs: number; stallMs: number },
): Promise<WaveResult> {
  receiver.reset();
  const start = Date.now() + opts.leadMs;
  const dueTimes = Array.from({ length: opts.count }, (_, i) => start + (opts.count > 1 ? Math.round((i * opts.spreadMs) / (opts.count - 1)) : 0));
  const writeStarted = Date.now();
  const wave = await scheduleReminderWave(pool, { tag: opts.tag, cityId: opts.cityId, webhookAgencyId: opts.webhookAgencyId, dueTimes });
  log(`  ${opts.count} reminders written in ${wave.committedAt - writeStarted} ms; first due in ${wave.firstDue - Date.now()} ms`);
  const drained = await waitOutboxDrained(pool, opts.leadMs + opts.spreadMs + 120_000);
  const relayPerSecond = drained ? Math.round((opts.count / Math.max(1, drained - writeStarted)) * 1000) : null;
  log(`  outbox relayed ${drained ? `${drained - wave.firstDue} ms relative to first due` : 'NOT drained'}`);

  let lastCount = -1;
  let lastProgress = Date.now();
  for (;;) {
    const unique = new Set(receiver.received.map((r) => r.taskId)).size;
    if (unique >= opts.count) break;
    if (unique !== lastCount) {
      lastCount = unique;
      lastProgress = Date.now();
    }
    // Stalled: nothing new for stallMs, counted from the last due time at the earliest.
    if (Date.now() - Math.max(lastProgress, wave.lastDue) > opts.stallMs) break;
    await sleep(100);
  }

  const firstArrival = new Map<string, number>();
  let duplicates = 0;
  for (const r of receiver.received) {
    if (!r.taskId || !wave.dueByTask.has(r.taskId)) continue;
    if (firstArrival.has(r.taskId)) duplicates++;
    else firstArrival.set(r.taskId, r.at);
  }
  const lateness = [...firstArrival].map(([task, at]) => at - wave.dueByTask.get(task)!);
  const lastArrival = Math.max(...firstArrival.values());
  const delivered = firstArrival.size;
  return {
    scheduled: opts.count,
    delivered,
    duplicates,
    relay: { perSecond: relayPerSecond, drainedMsBeforeFirstDue: drained ? wave.firstDue - drained : null },
    deliveredPerSecond: delivered ? Math.round((delivered / Math.max(1, lastArrival - wave.firstDue)) * 1000 * 10) / 10 : 0,
    latenessMs: summarise(lateness),
  };
}
