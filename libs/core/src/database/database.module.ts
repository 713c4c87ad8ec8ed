import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source.js';
import { PoolGuard } from './connection-loss.js';

/** TypeORM on PostgreSQL. Migrations are applied before the app boots (see `prepareDatabase`). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string, poolSize = 20): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(databaseUrl),
          extra: { max: poolSize, application_name: 'convene' },
          migrationsRun: false,
        }),
      ],
      providers: [PoolGuard],
      exports: [TypeOrmModule],
    };
  }
}
