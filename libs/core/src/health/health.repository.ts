import type { DataSource } from 'typeorm';

/** The database side of the health probe (libs/core: no domain repositories here). */
export const HealthRepository = {
  /** Resolves when PostgreSQL answers a trivial query. */
  async ping(db: DataSource): Promise<void> {
    await db.query('SELECT 1');
  },
};
