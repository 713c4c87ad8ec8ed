import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config/config.schema.js';
import type { Clock } from './clock/clock.js';
import { ClockModule } from './clock/clock.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { loggingModule } from './logging/logging.module.js';
import { QueueModule } from './queue/queue.module.js';

/** Config, logging, database, queues and the clock: what every Convene process needs. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, opts: { clock?: Clock } = {}): DynamicModule {
    if (!config.databaseUrl) throw new Error('CoreModule needs a resolved databaseUrl (see prepareRuntime)');
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        DatabaseModule.forRoot(config.databaseUrl),
        QueueModule.forRoot(config),
        ClockModule.forRoot(opts.clock),
      ],
    };
  }
}
