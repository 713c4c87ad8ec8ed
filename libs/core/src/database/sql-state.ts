/** SQLSTATEs the application reacts to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQL_STATE = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** The SQLSTATE of a PostgreSQL error, as the driver or TypeORM's wrapper carries it. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || !error) return undefined;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** PostgreSQL rolled the transaction back because of a concurrent one; running it again may succeed. */
export const isConcurrencyFailure = (error: unknown) => {
  const state = sqlStateOf(error);
  return state === SQL_STATE.deadlockDetected || state === SQL_STATE.serializationFailure;
};
