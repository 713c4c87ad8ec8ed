import type { FactoryProvider } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { QueueService } from '#core';
import { DeliveryProcessor } from '../deliveries/delivery.processor.js';
import { ReminderProcessor } from '../reminders/reminder.processor.js';
import { TimerProcessor } from '../timers/timer.processor.js';
import type { JobHandlers } from './job-handlers.js';
import { WorkerHost } from './worker-host.js';

/**
 * The worker host, with the handlers the queue processors register. `JobHandlers` makes a queue or
 * job left out here a compile error; the host checks the same again when it starts.
 */
export const workerHostProvider: FactoryProvider<WorkerHost> = {
  provide: WorkerHost,
  inject: [QueueService, PinoLogger, TimerProcessor, ReminderProcessor, DeliveryProcessor],
  useFactory: (queues: QueueService, pino: PinoLogger, timers: TimerProcessor, reminders: ReminderProcessor, deliveries: DeliveryProcessor) => {
    const handlers: JobHandlers = {
      [timers.queue]: timers.registration(),
      [reminders.queue]: reminders.registration(),
      [deliveries.queue]: deliveries.registration(),
    };
    return new WorkerHost(queues.connection, handlers, pino);
  },
};
