import type { Db } from '../db.js';
import { JOB_QUEUE, jobId as makeJobId, type JobName, type JobPayloads, type QueueName } from '../../../core/src/queue/queue-registry.js';
import { withRequestId } from '../../../core/src/queue/job-catalog.js';
import { DELIVERY_JOB_OPTIONS } from '../notifications/delivery-policy.js';

/** NOTIFY channel of the outbox trigger (migration 1764000003000 names it too). */
export const OUTBOX_CHANNEL = 'convene_outbox';

/** A row the relay turns into a BullMQ job (or a job removal) after the transaction commits. */
export type OutboxMessage =
  | { [J in JobName]: { kind: 'add'; job: J; jobId: string; payload: JobPayloads[J]; runAt?: Date } }[JobName]
  | { kind: 'remove'; queue: QueueName; jobId: string };

/**
 * Writes outbox rows inside the caller's transaction; a trigger on the table NOTIFYs the relay at
 * commit so it wakes at once. Nothing reaches the queue unless the transaction commits. Each job's
 * payload carries the current request id (see `withRequestId`).
 */
export async function enqueue(tx: Db, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const topics: string[] = [];
  const ids: string[] = [];
  const payloads: string[] = [];
  const runAts: Array<string | null> = [];
  for (const m of messages) {
    if (m.kind === 'add') {
      topics.push(`add:${m.job}`);
      ids.push(m.jobId);
      payloads.push(JSON.stringify(withRequestId(m.payload)));
      runAts.push(m.runAt ? m.runAt.toISOString() : null);
    } else {
      topics.push(`remove:${m.queue}`);
      ids.push(m.jobId);
      payloads.push('{}');
      runAts.push(null);
    }
  }
  await tx.query(
    `INSERT INTO outbox (topic, job_id, payload, run_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])`,
    [topics, ids, payloads, runAts],
  );
}

/**
 * Queue options the relay and the reconciler add to every job of a name (retry policy); job ids
 * stay as given. Timers and reminders retry a passing failure (database unreachable) a few times
 * at once; should BullMQ give up, the row stays pending and the reconciler arms it again.
 */
export const JOB_OPTIONS: Record<JobName, { attempts: number; backoff: { type: string; delay?: number } }> = {
  'timer.fire': { attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  'reminder.send': { attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  'delivery.send': DELIVERY_JOB_OPTIONS,
};

export const timerJobId = (timerRowId: string) => makeJobId('timer', timerRowId);
export const reminderJobId = (reminderId: string, generation: number) => makeJobId('reminder', reminderId, generation);
export const deliveryJobId = (deliveryId: string) => makeJobId('delivery', deliveryId);
export { JOB_QUEUE };
