import type { DataSource, EntityManager } from 'typeorm';
import { SQL_STATE, sqlStateOf } from '../../core/src/database/sql-state.js';

/** A connection or a transaction: repositories take either, so callers decide the unit of work. */
export type Db = EntityManager;

/** Runs `fn` in a READ COMMITTED transaction and returns its result. */
export function transaction<T>(ds: DataSource, fn: (tx: Db) => Promise<T>): Promise<T> {
  return ds.transaction(fn);
}

/**
 * Rows of a query. TypeORM's PostgreSQL driver answers UPDATE/DELETE (even with RETURNING) as
 * `[rows, affectedCount]`; this unwraps that so every statement yields its rows.
 */
export async function many<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = (await db.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** First row or undefined. */
export async function one<T>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await many<T>(db, sql, params))[0];
}

export const isUniqueViolation = (error: unknown) => sqlStateOf(error) === SQL_STATE.uniqueViolation;
