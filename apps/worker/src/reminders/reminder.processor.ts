import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type JobPayloads, QUEUE } from '#core';
import { ReminderDispatcher, type DispatchOutcome } from '#domain';
import type { QueueProcessor, QueueRegistration } from '../jobs/job-handlers.js';
import { DeliveryProcessor } from '../deliveries/delivery.processor.js';

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

  constructor(
    private readonly dispatcher: ReminderDispatcher,
    private readonly deliveries: DeliveryProcessor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registration(): QueueRegistration<typeof QUEUE.reminders> {
    return {
      concurrency: this.config.workerConcurrency,
      handlers: { 'reminder.send': (payload) => this.send(payload) },
    };
  }

  async send({ reminderId, generation }: JobPayloads['reminder.send']): Promise<DispatchOutcome> {
    const { outcome, deliveryIds } = await this.dispatcher.dispatchForSending(reminderId, generation);
    // After the commit: the rows are the record; sendNow never throws (a retry would only find the reminder sent).
    await Promise.all(deliveryIds.map((id) => this.deliveries.sendNow(id)));
    return outcome;
  }
}
