import type { DataSource, EntityManager } from 'typeorm';

/** A connection or a transaction: repositories take either, so callers decide the unit of work. */
export type Db = EntityManager;

/** Runs `fn` in a READ COMMITTED transaction and returns its result. */
export function transaction<T>(ds: DataSource, fn: (tx: Db) => Promise<T>): Promise<T> {
  return ds.transaction(fn);
}

/** First row or undefined. */
export async function one<T>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const rows = (await db.query(sql, params)) as T[];
  return rows[0];
}

export async function many<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

export const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
