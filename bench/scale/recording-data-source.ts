import type pg from 'pg';
import type { DataSource } from 'typeorm';

export interface RecordedQuery {
  sql: string;
  params: unknown[];
}

/**
 * A stand-in for TypeORM's DataSource that runs each query on a pg pool and records it, so the
 * bench can EXPLAIN exactly the SQL the services issue instead of a copy of it.
 */
export function recordingDataSource(pool: pg.Pool, sink: RecordedQuery[]): DataSource {
  const query = async (sql: string, params: unknown[] = []) => {
    sink.push({ sql, params });
    return (await pool.query<Record<string, unknown>>(sql, params)).rows;
  };
  const manager = { query };
  return { manager, query, transaction: (fn: (m: unknown) => Promise<unknown>) => fn(manager) } as unknown as DataSource;
}
