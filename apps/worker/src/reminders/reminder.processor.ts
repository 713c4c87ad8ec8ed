import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type JobPayloads, QUEUE } from '#core';
import { ReminderDispatcher, type DispatchOutcome } from '#domain';
import type { QueueProcessor, QueueRegistration } from '../jobs/job-handlers.js';

/**
 * Sends due reminders. The job names a reminder and its generation; the dispatcher re-reads the
 * row under a lock and does nothing when the reminder moved, was cancelled or was already sent.
 * A failure (database unavailable) is retried by BullMQ; the notification's dedupe key makes
 * a retry that races a committed attempt harmless. The worker host runs the queue.
 */
@Injectable()
export class ReminderProcessor implements QueueProcessor<typeof QUEUE.reminders> {
  readonly queue = QUEUE.reminders;

  constructor(
    private readonly dispatcher: ReminderDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registration(): QueueRegistration<typeof QUEUE.reminders> {
    return {
      concurrency: this.config.workerConcurrency,
      handlers: { 'reminder.send': (payload) => this.send(payload) },
    };
  }

  async send({ reminderId, generation }: JobPayloads['reminder.send']): Promise<DispatchOutcome> {
    return this.dispatcher.dispatch(reminderId, generation);
  }
}
