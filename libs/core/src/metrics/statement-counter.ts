import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics.js';

/**
 * Statements sent to PostgreSQL, counted at the driver (`pg.Client#query`): each is one round
 * trip (BEGIN and COMMIT included). `origin` says whether it was issued inside an HTTP request
 * (guards, interceptors and the handler) or in the background (worker jobs, the outbox relay,
 * the reconciler); `pool` whether it came from the app's data source (`app`) or another client
 * (the queue's PostgreSQL backend, the relay's LISTEN connection: `other`). The bench divides it
 * by events and reminders to report round trips per unit of work.
 */
export const dbStatements = new Counter({
  name: 'convene_db_statements_total',
  help: 'SQL statements sent to PostgreSQL (round trips at the driver) by origin (http, background) and pool (app, other)',
  labelNames: ['origin', 'pool'] as const,
  registers: [metricsRegistry],
});

const origin = new AsyncLocalStorage<'http'>();

/** Marks the work `fn` starts as an HTTP request's (its statements count as `origin="http"`). */
export function inHttpRequest<T>(fn: () => T): T {
  return origin.run('http', fn);
}

let installed = false;

/** Counts every statement of every pg client of this process in `convene_db_statements_total` (once). */
export function countStatements(appName = 'convene'): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    dbStatements.inc({ origin: origin.getStore() ?? 'background', pool: this.connectionParameters?.application_name === appName ? 'app' : 'other' });
    return query.apply(this, args);
  };
}
