import 'reflect-metadata';
import { Logger, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../../../libs/core/src/clock/clock.js';
import { ClockModule } from '../../../libs/core/src/clock/clock.module.js';
import { ConfigModule } from '../../../libs/core/src/config/config.module.js';
import { parseConfig, type AppConfig } from '../../../libs/core/src/config/config.schema.js';
import { DatabaseModule } from '../../../libs/core/src/database/database.module.js';
import { runMigrations } from '../../../libs/core/src/database/data-source.js';
import type { Db } from '../../../libs/domain/src/db.js';
import { DomainModule } from '../../../libs/domain/src/domain.module.js';
import type { RunOnce } from '../../../libs/domain/src/idempotency/idempotency.service.js';
import { TestClock } from '../../support/test-clock.js';

/** Monday 3 March 2031, 08:00 UTC: every medium test starts the clock here unless it says otherwise. */
export const T0 = '2031-03-03T08:00:00.000Z';

export interface Medium {
  /** The Nest application context: the domain's services, resolved as in the app (`m.get(TaskService)`). */
  module: TestingModule;
  db: DataSource;
  config: AppConfig;
  /** The domain's clock: move it instead of sleeping. */
  clock: TestClock;
  get<T>(type: Type<T>): T;
  /** Runs `fn` in a transaction, as a use case's unit of work. */
  tx<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** A use case's `RunOnce` without an Idempotency-Key: the work in one transaction. */
  once: RunOnce;
  close(): Promise<void>;
}

/**
 * The domain and the core it needs (config, PostgreSQL, the clock) in a Nest application context:
 * no HTTP server, no port, no queue — the domain only writes outbox rows, which a test reads. The
 * run's own database (scripts/test.mjs creates `convene_test_<run>`) gets the migrations once: the
 * first file applies them under the migration advisory lock, later files find none pending.
 * `Clock` is overridden with a TestClock standing at {@link T0}.
 */
export async function startMedium(opts: { clock?: TestClock; env?: Record<string, string> } = {}): Promise<Medium> {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: run the medium tests through `npm run test:medium` (scripts/test.mjs)');
  }
  const config = parseConfig({ ...process.env, ...opts.env });
  const clock = opts.clock ?? new TestClock(T0);
  Logger.overrideLogger(false);
  const module = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config.databaseUrl!, 4), ClockModule.forRoot(), DomainModule.forRoot(config)],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const db = module.get<DataSource>(getDataSourceToken());
  await runMigrations(db);
  // Lifecycle hooks after the schema exists: the workflow loader publishes workflows/*.json.
  await module.init();
  return {
    module,
    db,
    config,
    clock,
    get: (type) => module.get(type),
    tx: (fn) => db.transaction(fn),
    once: (work) => db.transaction(work),
    close: () => module.close(),
  };
}
