import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Queue, Worker, createPostgresBackend, type Processor } from 'bullmq';
import { Redis } from 'ioredis';

export type QueueBackendKind = 'redis' | 'postgres';

// Queues and workers of either backend; the backend type parameters differ but the API we use is shared.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyQueue = Queue<any, any, string, any, any, string, any, any>;
export type AnyWorker = Worker<any, any, string, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface QueueConnection {
  kind: QueueBackendKind;
  /** Whether the backend answers, and who wants to know when it answers again after an outage. */
  readonly link: QueueLink;
  makeQueue(name: string): AnyQueue;
  makeWorker(name: string, processor: Processor, opts: { concurrency: number; autorun?: boolean }): AnyWorker;
  /**
   * The backend's data epoch: a marker written when the backend is first seen, so that a Redis that
   * lost its data (failover, restart without persistence) can be told from one that kept it.
   * `undefined` when the marker is gone. The PostgreSQL backend lives in Convene's own database and
   * loses nothing apart from it, so its epoch never changes.
   */
  epoch(): Promise<string | undefined>;
  /** Writes a new epoch marker (after everything the old data held has been re-armed). */
  markEpoch(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The state of the link to the queue backend, shared by every queue, worker and client of one
 * connection. Errors during an outage are many (every reconnect attempt of every client); the log
 * gets one structured line when the link goes down and one when it comes back, and listeners of
 * `onRestored` (the reconciler) run on every recovery.
 */
export class QueueLink {
  private readonly logger = new Logger('queue');
  private downSince: number | undefined;
  private readonly restored = new Set<() => void>();

  get up(): boolean {
    return this.downSince === undefined;
  }

  failed(error: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    const e = error as { code?: unknown; name?: unknown; message?: unknown };
    this.logger.warn(
      { err: { type: typeof e?.name === 'string' ? e.name : undefined, code: typeof e?.code === 'string' ? e.code : undefined, message: typeof e?.message === 'string' ? e.message : String(error) } },
      'queue backend unreachable; retrying quietly until it answers',
    );
  }

  answered(): void {
    if (this.downSince === undefined) return;
    const downForMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.logger.log({ downForMs }, 'queue backend answers again');
    for (const listener of this.restored) listener();
  }

  onRestored(listener: () => void): () => void {
    this.restored.add(listener);
    return () => this.restored.delete(listener);
  }
}

/**
 * Opens the queue backend: Redis through ioredis when `redisUrl` is set, otherwise BullMQ's
 * PostgreSQL backend in the same database (its tables live in schema `<prefix>_bullmq`).
 */
export function openQueueConnection(opts: { redisUrl?: string; databaseUrl: string; prefix: string }): QueueConnection {
  return opts.redisUrl ? redisConnection(opts.redisUrl, opts.prefix) : postgresConnection(opts.databaseUrl, opts.prefix);
}

/**
 * How soon a job whose worker died (kill -9, a lost machine) runs again: its lock lapses after
 * `lockDuration` (renewed every half of it while the job runs) and every live worker looks for such
 * stalled jobs every `stalledInterval`. BullMQ's 30 s defaults left a reminder cut off by a crash
 * up to a minute late; these bring it to about 15 s. A webhook or SMTP send in flight keeps its
 * lock renewed however long it takes.
 */
const STALL_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

/** Routes the errors of a queue or worker into the link (BullMQ prints unhandled ones to stderr). */
function watched<T extends AnyQueue | AnyWorker>(link: QueueLink, emitter: T): T {
  (emitter as unknown as NodeJS.EventEmitter).on('error', (error: Error) => link.failed(error));
  return emitter;
}

function redisConnection(url: string, prefix: string): QueueConnection {
  const link = new QueueLink();
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    c.on('error', (error) => link.failed(error));
    c.on('ready', () => link.answered());
    clients.push(c);
    return c;
  };
  const shared = client();
  const epochKey = `${prefix}:convene:epoch`;
  return {
    kind: 'redis',
    link,
    makeQueue: (name) => watched(link, new Queue(name, { connection: shared, prefix })),
    makeWorker: (name, processor, { concurrency, autorun = true }) =>
      watched(link, new Worker(name, processor, { connection: client(), prefix, concurrency, autorun, ...STALL_OPTIONS })),
    epoch: async () => (await shared.get(epochKey)) ?? undefined,
    markEpoch: async () => {
      const epoch = randomUUID();
      await shared.set(epochKey, epoch);
      return epoch;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

function postgresConnection(databaseUrl: string, prefix: string): QueueConnection {
  const link = new QueueLink();
  const connection = { connectionString: databaseUrl, schema: `${prefix}_bullmq`, migrate: true, max: 8 };
  return {
    kind: 'postgres',
    link,
    makeQueue: (name) => watched(link, new Queue(name, { connection }, createPostgresBackend)),
    makeWorker: (name, processor, { concurrency, autorun = true }) =>
      watched(link, new Worker(name, processor, { connection, concurrency, autorun, ...STALL_OPTIONS }, createPostgresBackend)),
    epoch: () => Promise.resolve('postgres'),
    markEpoch: () => Promise.resolve('postgres'),
    close: () => Promise.resolve(),
  };
}
