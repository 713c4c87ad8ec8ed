import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { SQL_STATE, sqlStateOf } from '#core';

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

/**
 * Rows of a statement run as a named prepared statement (its name is a hash of its text) when
 * `db` is the data source's own manager, outside any transaction: PostgreSQL parses and plans it
 * once per connection (a generic plan after a few runs) instead of on every call — for the large
 * statements of the hot path (a step's read and write). Inside a transaction, as {@link many}.
 */
export async function prepared<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = db.queryRunner ? undefined : (db.connection.driver as unknown as { master?: pg.Pool }).master;
  if (!pool) return many<T>(db, sql, params);
  const name = `convene_${createHash('sha1').update(sql).digest('base64url')}`;
  const result = await pool.query({ name, text: sql, values: params });
  return result.rows as T[];
}

/** First row or undefined. */
export async function one<T>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await many<T>(db, sql, params))[0];
}

/**
 * The one row a statement must yield (`INSERT … RETURNING`, an aggregate, a row locked a moment
 * ago): throws when there is none, so callers need no `!`.
 */
export async function single<T>(db: Db, sql: string, params: unknown[] = []): Promise<T> {
  const row = (await many<T>(db, sql, params))[0];
  if (row === undefined) throw new Error('expected exactly one row, the statement returned none');
  return row;
}

/**
 * Where a data-modifying CTE of a one-statement write (StepRepository.flush) reads its rows and
 * what gates it: `plan` is the SQL of the jsonb parameter holding every table's rows (each part an
 * array, read with `jsonb_to_recordset`), `gate` a condition that holds only when the write's
 * compare-and-set succeeded.
 */
export interface CteInput {
  plan: string;
  gate: string;
}

export const isUniqueViolation = (error: unknown) => sqlStateOf(error) === SQL_STATE.uniqueViolation;
