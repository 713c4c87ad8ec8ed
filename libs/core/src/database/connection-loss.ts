import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { sqlStateOf } from './sql-state.js';

/** SQLSTATEs of a connection PostgreSQL took away: admin shutdown, crash shutdown, cannot connect now. */
const LOST = new Set(['57P01', '57P02', '57P03']);
const LOST_MESSAGES = /Connection terminated|connection provided by a query runner was already released|Query runner already released|ECONNRESET|ECONNREFUSED|Client has encountered a connection error/i;

/**
 * True when the database connection under a request went away (a terminated backend, a failover,
 * a restart) rather than the request being wrong: nothing it did in a transaction was committed, and
 * the same request may be sent again.
 */
export function isConnectionLoss(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state && (LOST.has(state) || state.startsWith('08'))) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && LOST_MESSAGES.test(message);
}

/**
 * Keeps a lost database connection from crashing the process. A pooled pg client that loses its
 * connection while no query owns it emits `'error'`; between TypeORM releasing the client and the
 * pool taking it back there is no listener, and an `'error'` event without one throws (typeorm#5387,
 * seen when PostgreSQL backends were terminated under load). Every client gets a listener of its
 * own for its whole life; the error still reaches any query that was running, and the pool drops
 * the broken client.
 */
@Injectable()
export class PoolGuard implements OnModuleInit {
  private readonly logger = new Logger('database');
  private readonly guarded = new WeakSet<object>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  onModuleInit(): void {
    const pool = (this.ds.driver as unknown as { master?: EventEmitter & { _clients?: EventEmitter[] } }).master;
    if (!pool) return;
    const guard = (client: EventEmitter) => {
      if (this.guarded.has(client)) return;
      this.guarded.add(client);
      client.on('error', (error: unknown) => this.logger.warn({ err: { sqlState: sqlStateOf(error) } }, 'a database connection was lost; the pool replaces it'));
    };
    pool.on('connect', guard);
    for (const client of pool._clients ?? []) guard(client);
  }
}
