import 'reflect-metadata';
import path from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { pino } from 'pino';
import { ConfigError, parseConfig, type AppConfig } from '../config/config.schema.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres.js';
import { prepareDatabase } from '../database/prepare-database.js';
import { keptSecret } from './secrets.js';
import { countStatements } from '../metrics/statement-counter.js';

export type Role = 'all' | 'api' | 'worker';

export interface Runtime {
  config: AppConfig;
  embedded?: EmbeddedPostgresHandle;
}

/**
 * Resolves what the config leaves open — embedded PostgreSQL when no DATABASE_URL, a kept JWT
 * secret when none is given — and applies migrations. Used by `main` and by the test harness.
 */
export async function prepareRuntime(config: AppConfig, log: pino.Logger): Promise<Runtime> {
  let embedded: EmbeddedPostgresHandle | undefined;
  if (!config.databaseUrl) {
    log.info({ dataDir: config.dataDir, port: config.embeddedPgPort }, 'DATABASE_URL unset: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'postgres'),
      port: config.embeddedPgPort,
      log: (m) => log.debug({ postgres: m }, 'embedded postgres'),
    });
    config = { ...config, databaseUrl: embedded.url };
  }
  if (!config.jwtSecret) {
    const secret = await keptSecret(config.dataDir, 'jwt-secret');
    log.warn({ file: path.join(config.dataDir, 'jwt-secret') }, 'JWT_SECRET unset: using a generated secret kept under the data folder');
    config = { ...config, jwtSecret: secret.value };
  }
  try {
    const applied = await prepareDatabase(config.databaseUrl!);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { config, embedded };
}

/**
 * Boots Convene: parses config (exit 1 naming the bad variable), prepares the database, creates the
 * Nest app, and shuts down in order on SIGTERM/SIGINT — HTTP and workers first, the embedded
 * PostgreSQL last.
 */
export async function bootstrap(
  role: Role,
  create: (runtime: Runtime) => Promise<INestApplication | INestApplicationContext>,
): Promise<void> {
  let config: AppConfig;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`convene: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { service: `convene-${role}` } });
  let runtime: Runtime | undefined;
  let app: INestApplication | INestApplicationContext | undefined;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 25 s, exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await app?.close();
    } catch (error) {
      log.error({ err: { message: (error as Error).message } }, 'error while closing the app');
    }
    await runtime?.embedded?.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  countStatements();
  try {
    runtime = await prepareRuntime(config, log);
    if (stopping) return;
    app = await create(runtime);
  } catch (error) {
    log.fatal({ err: { type: (error as Error).name, message: (error as Error).message } }, 'failed to start');
    await runtime?.embedded?.stop();
    process.exit(1);
  }
}
