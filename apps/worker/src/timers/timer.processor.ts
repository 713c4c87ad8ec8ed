import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG } from '../../../../libs/core/src/config/config.module.js';
import type { AppConfig } from '../../../../libs/core/src/config/config.schema.js';
import { QueueService } from '../../../../libs/core/src/queue/queue.service.js';
import { QUEUE, type JobPayloads } from '../../../../libs/core/src/queue/queue-registry.js';
import type { AnyWorker } from '../../../../libs/core/src/queue/queue-backend.js';
import { DomainError } from '../../../../libs/core/src/http/domain-error.js';
import { InstanceService } from '../../../../libs/domain/src/instances/instance.service.js';

/**
 * Fires pathway timers. The job only names the timer row; the handler re-loads it and does
 * nothing when the instance has moved on. A lost race with a user event is retried.
 */
@Injectable()
export class TimerProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: AnyWorker;

  constructor(
    private readonly queues: QueueService,
    private readonly instances: InstanceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.connection.makeWorker(QUEUE.timers, (job: Job) => this.process(job), {
      concurrency: this.config.workerConcurrency,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job): Promise<string> {
    const payload = job.data as JobPayloads['timer.fire'];
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
