import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from './data-source.js';

/** Connects once, applies pending migrations under the advisory lock, disconnects. */
export async function prepareDatabase(databaseUrl: string): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 2 } });
  await ds.initialize();
  try {
    return await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}
