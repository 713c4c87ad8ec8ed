import { Global, Module, type DynamicModule } from '@nestjs/common';
import { openQueueConnection } from './queue-backend.js';
import { QUEUE_CONNECTION, QueueService } from './queue.service.js';
import type { AppConfig } from '../config/config.schema.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        {
          provide: QUEUE_CONNECTION,
          useFactory: () =>
            openQueueConnection({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl!, prefix: config.queuePrefix }),
        },
        QueueService,
      ],
      exports: [QueueService, QUEUE_CONNECTION],
    };
  }
}
