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
  makeQueue(name: string): AnyQueue;
  makeWorker(name: string, processor: Processor, opts: { concurrency: number; autorun?: boolean }): AnyWorker;
  close(): Promise<void>;
}

/**
 * Opens the queue backend: Redis through ioredis when `redisUrl` is set, otherwise BullMQ's
 * PostgreSQL backend in the same database (its tables live in schema `<prefix>_bullmq`).
 */
export function openQueueConnection(opts: { redisUrl?: string; databaseUrl: string; prefix: string }): QueueConnection {
  return opts.redisUrl ? redisConnection(opts.redisUrl, opts.prefix) : postgresConnection(opts.databaseUrl, opts.prefix);
}

function redisConnection(url: string, prefix: string): QueueConnection {
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    clients.push(c);
    return c;
  };
  const shared = client();
  return {
    kind: 'redis',
    makeQueue: (name) => new Queue(name, { connection: shared, prefix }),
    makeWorker: (name, processor, { concurrency, autorun = true }) =>
      new Worker(name, processor, { connection: client(), prefix, concurrency, autorun }),
    close: async () => {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

function postgresConnection(databaseUrl: string, prefix: string): QueueConnection {
  const connection = { connectionString: databaseUrl, schema: `${prefix}_bullmq`, migrate: true, max: 8 };
  return {
    kind: 'postgres',
    makeQueue: (name) => new Queue(name, { connection }, createPostgresBackend),
    makeWorker: (name, processor, { concurrency, autorun = true }) =>
      new Worker(name, processor, { connection, concurrency, autorun }, createPostgresBackend),
    close: async () => undefined,
  };
}
