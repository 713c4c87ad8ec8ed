import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type JobPayloads, QUEUE } from '#core';
import { ReminderDispatcher, type DispatchOutcome } from '#domain';
import type { QueueProcessor, QueueRegistration } from '../jobs/job-handlers.js';
import { DeliveryProcessor } from '../deliveries/delivery.processor.js';
import { DeliveryStore, type DeliveryRow } from '../deliveries/delivery-store.js';
import { Batcher } from '../jobs/batcher.js';

/**
 * Sends due reminders, in one hop. The job names a reminder and its generation; the dispatcher
 * re-reads the row under a lock and does nothing when the reminder moved, was cancelled or was
 * already sent; otherwise it commits the notification and its delivery rows, and this job then
 * sends those deliveries itself (`DeliveryProcessor.sendNow`). The delivery job is queued only for
 * a retry; a worker that dies between the commit and the send leaves the rows `pending`, and the
 * reconciler arms their jobs — same delivery ids, so a receiver never sees two different deliveries.
 * A failure before the commit (database unavailable) is retried by BullMQ; the notification's dedupe
 * key makes a retry that races a committed attempt harmless. The worker host runs the queue.
 */
@Injectable()
export class ReminderProcessor implements QueueProcessor<typeof QUEUE.reminders> {
  readonly queue = QUEUE.reminders;
  /**
   * The reminder jobs running at the same moment are dispatched together (group commit): one
   * transaction of five statements for the batch, then one statement loads all their deliveries.
   */
  private readonly batch = new Batcher(async (items: Array<JobPayloads['reminder.send']>) => {
    const dispatched = await this.dispatcher.dispatchManyForSending(items);
    const ids = dispatched.flatMap((d) => d.deliveryIds);
    // Committed: a failure from here on must not fail the jobs (a retry would find the reminders sent);
    // the delivery job takes over the deliveries instead (or, with the database away, the reconciler).
    const loaded = await this.store.loadMany(ids).catch(async () => {
      await Promise.all(ids.map((id) => this.store.queue(id).catch(() => undefined)));
      return new Map<string, DeliveryRow>();
    });
    return dispatched.map((d) => ({ outcome: d.outcome, deliveries: d.deliveryIds.flatMap((id) => loaded.get(id) ?? []) }));
  });

  constructor(
    private readonly dispatcher: ReminderDispatcher,
    private readonly deliveries: DeliveryProcessor,
    private readonly store: DeliveryStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registration(): QueueRegistration<typeof QUEUE.reminders> {
    return {
      concurrency: this.config.workerConcurrency,
      handlers: { 'reminder.send': (payload) => this.send(payload) },
    };
  }

  async send({ reminderId, generation }: JobPayloads['reminder.send']): Promise<DispatchOutcome> {
    const { outcome, deliveries } = await this.batch.submit({ reminderId, generation });
    // After the commit: the rows are the record; sendLoaded never throws (a retry would only find the reminder sent).
    await Promise.all(deliveries.map((d: DeliveryRow) => this.deliveries.sendLoaded(d)));
    return outcome;
  }
}
