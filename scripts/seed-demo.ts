// `npm run seed:demo` (through scripts/seed-demo.mjs, which builds first): seeds the demo partnership.
// A Convene already answering on http://localhost:$PORT/health is seeded over HTTP; otherwise the app
// is booted in this process (embedded PostgreSQL under .data/ when DATABASE_URL is unset), seeded on a
// random local port, and stopped again. Never two embedded PostgreSQLs on one data folder: a running
// server answers the health probe, so this script only boots its own when none does.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { pino } from 'pino';
import { AppModule } from '../apps/api/src/app.module.js';
import { configureHttpApp } from '../apps/api/src/http-app.js';
import { prepareRuntime } from '../libs/core/src/bootstrap/bootstrap.js';
import { ConfigError, parseConfig } from '../libs/core/src/config/config.schema.js';
import { seedDemo, type AdminCredentials, type DemoSeedResult } from '../libs/domain/src/demo/seed-demo.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** 'up' when a Convene answers 200 on /health, 'unhealthy' when something answers otherwise. */
async function probe(url: string): Promise<'up' | 'unhealthy' | 'down'> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status === 200 ? 'up' : 'unhealthy';
  } catch {
    return 'down';
  }
}

async function seedInProcess(admin: AdminCredentials): Promise<DemoSeedResult> {
  const config = parseConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const log = pino({ level: config.logLevel, base: { service: 'convene-seed-demo' } });
  const runtime = await prepareRuntime(config, log);
  let app: NestExpressApplication | undefined;
  try {
    // API only: the notifications the seed causes wait in the outbox for the worker of `npm start`.
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime.config, { worker: false }), {
      bodyParser: false,
      logger: ['error', 'warn'],
    });
    configureHttpApp(app);
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    say(`convene: no server on port ${config.port}; seeding an in-process instance (${runtime.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'})`);
    return await seedDemo(`http://127.0.0.1:${port}`, admin, { log: say });
  } finally {
    await app?.close();
    await runtime.embedded?.stop();
  }
}

function report(result: DemoSeedResult): void {
  const { created } = result;
  say('');
  say(
    created.agencies + created.users + created.cases === 0
      ? 'Demo data already present: nothing added.'
      : `Added ${created.agencies} agencies, ${created.users} users, ${created.cases} cases.`,
  );
  if (!result.conferences) say('(This server has no conference endpoints: cases skip the conferences and start their pathways directly.)');
  say('\nCases:');
  for (const c of result.cases) say(`  ${c.reference.padEnd(14)} ${c.subject.padEnd(16)} ${c.stage}`);
  say('\nLogins (demo passwords — never use them for real data):');
  const width = Math.max(...result.logins.map((l) => l.email.length));
  for (const l of result.logins) say(`  ${l.email.padEnd(width)}  ${l.password.padEnd(14)}  ${l.name} — ${l.label}, ${l.agency}`);
}

async function main(): Promise<number> {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`convene: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const admin = { email: config.bootstrapAdmin.email, password: config.bootstrapAdmin.password };
  const running = `http://localhost:${config.port}`;
  const state = await probe(running);
  if (state === 'unhealthy') {
    process.stderr.write(`convene: ${running}/health answers but not 200; fix that server (or stop it) and run again\n`);
    return 1;
  }
  let result: DemoSeedResult;
  if (state === 'up') {
    say(`convene: seeding the server at ${running}`);
    result = await seedDemo(running, admin, { log: say });
  } else {
    result = await seedInProcess(admin);
  }
  report(result);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`convene: demo seed failed: ${(error as Error).message}\n`);
}
// Exit explicitly: a client library may keep a timer alive after the app has closed.
process.exit(code);
