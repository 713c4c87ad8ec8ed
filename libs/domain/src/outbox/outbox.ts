import type { Db } from '../db.js';
import { JOB_QUEUE, jobId as makeJobId, type JobName, type JobPayloads, type QueueName, withRequestId } from '#core';
import { OutboxRepository } from './outbox.repository.js';
import { DELIVERY_JOB_OPTIONS } from '../notifications/delivery-policy.js';

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
  await OutboxRepository.insertMany(
    tx,
    messages.map((m) =>
      m.kind === 'add'
        ? { topic: `add:${m.job}`, jobId: m.jobId, payload: withRequestId(m.payload), runAt: m.runAt ?? null }
        : { topic: `remove:${m.queue}`, jobId: m.jobId, payload: {}, runAt: null },
    ),
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

