import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../../libs/core/src/config/config.schema.js';
import { CoreModule } from '../../../libs/core/src/core.module.js';
import { HealthController } from '../../../libs/core/src/health/health.controller.js';
import { WorkerModule } from '../../worker/src/worker.module.js';

@Module({})
export class AppModule {
  /** The HTTP API; with `worker: true` the background workers run in the same process. */
  static forRoot(config: AppConfig, opts: { worker: boolean }): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), ...(opts.worker ? [WorkerModule.forFeature()] : [])],
      controllers: [HealthController],
    };
  }
}
