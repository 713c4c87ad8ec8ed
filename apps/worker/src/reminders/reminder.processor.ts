import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG } from '../../../../libs/core/src/config/config.module.js';
import type { AppConfig } from '../../../../libs/core/src/config/config.schema.js';
import { QueueService } from '../../../../libs/core/src/queue/queue.service.js';
import { QUEUE, type JobPayloads } from '../../../../libs/core/src/queue/queue-registry.js';
import type { AnyWorker } from '../../../../libs/core/src/queue/queue-backend.js';
import { ReminderDispatcher, type DispatchOutcome } from '../../../../libs/domain/src/reminders/reminder-dispatcher.js';

/**
 * Sends due reminders. The job names a reminder and its generation; the dispatcher re-reads the
 * row under a lock and does nothing when the reminder moved, was cancelled or was already sent.
 * A failure (database unavailable) is retried by BullMQ; the notification's dedupe key makes
 * a retry that races a committed attempt harmless.
 */
@Injectable()
export class ReminderProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: AnyWorker;

  constructor(
    private readonly queues: QueueService,
    private readonly dispatcher: ReminderDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.connection.makeWorker(QUEUE.reminders, (job: Job) => this.process(job), {
      concurrency: this.config.workerConcurrency,
    });
  }

  /** Before the database and queue connections close: lets running jobs finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job): Promise<DispatchOutcome> {
    const { reminderId, generation } = job.data as JobPayloads['reminder.send'];
    return this.dispatcher.dispatch(reminderId, generation);
  }
}
