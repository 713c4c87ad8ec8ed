import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../../libs/core/src/config/config.schema.js';
import { CoreModule } from '../../../libs/core/src/core.module.js';

@Module({})
export class WorkerModule {
  /** The background processors, to import into an app that already has the core module. */
  static forFeature(): DynamicModule {
    return { module: WorkerModule, providers: [] };
  }

  /** A standalone worker process. */
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), WorkerModule.forFeature()] };
  }
}
