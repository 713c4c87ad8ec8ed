import { DataSource, type DataSourceOptions } from 'typeorm';
import { CatalogRepository } from './catalog.repository.js';
import { MIGRATIONS } from './migrations/index.js';

export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: 20, application_name: 'convene' },
    ...extra,
  } as DataSourceOptions;
}

/**
 * Applies pending migrations under a PostgreSQL advisory lock. Several instances may call this at
 * once: the first migrates, the others wait and then find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await CatalogRepository.lockMigrations(runner);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await CatalogRepository.unlockMigrations(runner).catch(() => undefined);
    await runner.release();
  }
}
