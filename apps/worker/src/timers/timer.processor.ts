import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainError, type JobPayloads, QUEUE } from '#core';
import { InstanceService } from '#domain';
import type { QueueProcessor, QueueRegistration } from '../jobs/job-handlers.js';

/**
 * Fires pathway timers. The job only names the timer row; the handler re-loads it and does
 * nothing when the instance has moved on. A lost race with a user event is retried. The worker
 * host runs the queue.
 */
@Injectable()
export class TimerProcessor implements QueueProcessor<typeof QUEUE.timers> {
  readonly queue = QUEUE.timers;

  constructor(
    private readonly instances: InstanceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  registration(): QueueRegistration<typeof QUEUE.timers> {
    return {
      concurrency: this.config.workerConcurrency,
      handlers: { 'timer.fire': (payload) => this.fire(payload) },
    };
  }

  async fire(payload: JobPayloads['timer.fire']): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.instances.fireTimer(payload.timerRowId);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'conflict' && attempt < 5) continue;
        throw error;
      }
    }
  }
}
