import { Module, type DynamicModule } from '@nestjs/common';
import { type AppConfig, CoreModule } from '#core';
import { DomainModule } from '#domain';
import { Housekeeping } from './housekeeping/housekeeping.service.js';
import { OutboxRelay } from './outbox/outbox-relay.service.js';
import { Reconciler } from './reconciler/reconciler.service.js';
import { TimerProcessor } from './timers/timer.processor.js';
import { ReminderProcessor } from './reminders/reminder.processor.js';
import { DeliveryProcessor } from './deliveries/delivery.processor.js';
import { DeliverySender } from './deliveries/delivery-sender.service.js';
import { DeliveryStore } from './deliveries/delivery-store.js';
import { workerHostProvider } from './jobs/worker-host.provider.js';

/** The worker's services; the processors register their queues' handlers with the worker host (`workerHostProvider`). */
export const WORKER_PROVIDERS = [OutboxRelay, TimerProcessor, Reconciler, ReminderProcessor, DeliveryStore, DeliverySender, DeliveryProcessor, Housekeeping];

@Module({})
export class WorkerModule {
  /** The background processors, to import into an app that already has the core and domain modules. */
  static forFeature(): DynamicModule {
    return { module: WorkerModule, providers: [...WORKER_PROVIDERS, workerHostProvider], exports: WORKER_PROVIDERS };
  }

  /** A standalone worker process. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), DomainModule.forRoot(config)],
      providers: [...WORKER_PROVIDERS, workerHostProvider],
    };
  }
}
