#!/usr/bin/env node
// `npm run test:faults`: nothing lost, nothing duplicated, whatever fails. Two API and two worker
// processes of the compiled code share a fresh database of this run (`convene_faults_<run>` on
// DATABASE_URL's server, else an embedded PostgreSQL) and a Redis the suite starts on its own port;
// a local webhook receiver stands in for the agencies. Cases run a second-scale pathway while
// workers are killed mid-delivery, PostgreSQL backends are terminated and Redis restarts empty; then
// the rows and what the receiver saw are checked (tests/faults/checks.mjs). See docs/faults.md.
// Exit status 1 on any failed check. Figures: stdout and .data/faults/last-run.json.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { buildServer, root } from './lib/build.mjs';
import { startEmbeddedPostgres } from '../libs/core/src/database/embedded-postgres.js';
import { ConveneProcess, RedisServer, freePort, killAll, onPath, supervise, waitApiReady, waitWorkerReady } from '../tests/faults/processes.mjs';
import { startReceiver } from '../tests/faults/receiver.mjs';
import { Api, QUEUES, SECRET, runScenario } from '../tests/faults/scenario.mjs';
import { check, logMessages, reconcilerRepairs, settle } from '../tests/faults/checks.mjs';
import { figuresTable } from '../tests/faults/report.mjs';

const started = Date.now();
const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const DB = `convene_faults_${RUN_ID}`;
const runDir = path.join(root, '.data', 'faults', `run-${RUN_ID}`);
const logDir = path.join(runDir, 'logs');
const log = (message) => console.log(`faults: ${message}`);
const num = (name, fallback) => Number(process.env[name] ?? fallback);

const options = {
  prefix: `f${RUN_ID}`.slice(0, 31),
  wave: num('FAULTS_WAVE', 24),
  waveConcurrency: 4,
  trickleMs: num('FAULTS_TRICKLE_MS', 3000),
  outageMs: num('FAULTS_OUTAGE_MS', 8000),
  afterOutageMs: 5000,
  killGapMs: 3500,
  // Seconds after the first wave: spread over the worker-kill phase.
  terminateAtS: [14, 30, 46],
  // BullMQ hands a killed worker's job out again after its lock expires and a stalled check runs (30 s each).
  samePostWaitMs: 75_000,
  settleSlackMs: num('FAULTS_SETTLE_SLACK_MS', 45_000),
};

// Redis is the suite's own so it can be killed: without redis-server there is no suite.
if (!onPath('redis-server') || !onPath('redis-cli')) {
  const message = 'the fault suite needs redis-server and redis-cli on PATH (apt-get install redis-server)';
  if (process.env.CI === 'true') {
    console.error(`error: ${message}`);
    process.exit(1);
  }
  console.error(`\nnote: ${message}; the fault suite is not run.\n`);
  process.exit(0);
}

let embedded;
let serverUrl;
let pool;
let receiver;
let redis;
let stopSupervising = () => undefined;
const processes = [];
let cleaning;
let interrupted = false;

/** Stops everything this run started and drops its database; safe to call twice. */
function cleanup() {
  return (cleaning ??= (async () => {
    stopSupervising();
    await Promise.all(processes.map((p) => p.stop(5000).catch(() => undefined)));
    await redis?.shutdownNosave().catch(() => undefined);
    killAll();
    await receiver?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    // FAULTS_KEEP_DB=1 keeps a failed run's database for a look (drop it by hand).
    if (status !== 0 && process.env.FAULTS_KEEP_DB === '1') console.error(`faults: database ${DB} kept`);
    else if (serverUrl) await onServer(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch((e) => console.error(`note: could not drop ${DB}: ${e.message}`));
    await embedded?.stop().catch(() => undefined);
  })());
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\nfaults: ${signal}: stopping every process of this run`);
    void cleanup().finally(() => process.exit(130));
  });
}
// A run that hangs is a failure too, and must not leave processes behind.
const hardLimitMs = num('FAULTS_HARD_LIMIT_MS', 10 * 60_000);
setTimeout(() => {
  console.error(`faults: FAILED: the run took longer than ${hardLimitMs / 1000} s; logs in ${logDir}`);
  void cleanup().finally(() => process.exit(1));
}, hardLimitMs).unref();

let status = 1;
try {
  mkdirSync(logDir, { recursive: true });
  // Build once, then run a copy: restarts are fast, and every process of the run runs the same
  // code even if someone rebuilds dist/ meanwhile (the copy sits under the root, so node_modules resolves).
  buildServer();
  cpSync(path.join(root, 'dist'), path.join(runDir, 'dist'), { recursive: true });

  const databaseUrl = await freshDatabase();
  pool = new pg.Pool({ connectionString: databaseUrl, application_name: 'convene-faults', max: 3 });
  pool.on('error', () => undefined);

  redis = new RedisServer({ port: await freePort(), dir: path.join(runDir, 'redis'), logDir });
  mkdirSync(redis.dir, { recursive: true });
  await redis.start();
  receiver = await startReceiver({ secret: SECRET, holdMs: [300, 800], transientEvery: 10 });

  const admin = { email: 'admin@faults.example', password: 'fault-suite-admin-password' };
  const env = { ...process.env };
  for (const name of ['SMTP_URL', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'WORKFLOWS_DIR', 'EMBEDDED_PG_PORT']) delete env[name];
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    JWT_SECRET: 'fault-suite-jwt-secret-not-for-production',
    QUEUE_PREFIX: options.prefix,
    DATA_DIR: path.join(runDir, 'data'),
    BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    METRICS_TOKEN: 'fault-suite-metrics-token-0123456789',
    DELIVERY_BACKOFF_BASE_MS: '200',
    DELIVERY_TIMEOUT_MS: '2000',
    RECONCILE_INTERVAL_MS: '2000',
    LOG_LEVEL: 'warn',
  });
  // Workers log at info: the reconciler's repairs and the queue link's recoveries are info lines.
  const workerEnv = { ...env, LOG_LEVEL: process.env.FAULTS_WORKER_LOG_LEVEL ?? 'info' };
  const common = { root, distDir: path.join(runDir, 'dist'), logDir };
  const apis = [];
  for (const name of ['api-1', 'api-2']) apis.push(new ConveneProcess({ ...common, name, role: 'api', env, port: await freePort() }));
  const workers = ['worker-1', 'worker-2'].map((name) => new ConveneProcess({ ...common, name, role: 'worker', env: workerEnv }));
  processes.push(...apis, ...workers);

  // The first process migrates and creates the administrator alone; the others then start together.
  apis[0].start();
  await waitApiReady(apis[0]);
  for (const p of [apis[1], ...workers]) p.start();
  await Promise.all([waitApiReady(apis[1]), ...workers.map((w) => waitWorkerReady(w, redis, { prefix: options.prefix, queues: QUEUES }))]);
  log(`2 API and 2 worker processes up after ${((Date.now() - started) / 1000).toFixed(1)} s (Redis on port ${redis.port}, database ${DB}, logs in ${logDir})`);
  stopSupervising = supervise(processes, log);

  const api = new Api();
  const events = await runScenario({ api, apis, workers, redis, receiver, pool, database: DB, options, admin, log });
  log('waiting for everything due to settle…');
  const settled = await settle({ pool, receiver, slackMs: options.settleSlackMs });
  const { failures, figures } = await check({ pool, receiver, events, api, processes, settled });
  figures.reconciler = { ...reconcilerRepairs(logDir), metrics: await scrapeRepairs(apis, env.METRICS_TOKEN) };
  figures.queueLink = logMessages(logDir, /queue backend/);
  const wallS = Math.round((Date.now() - started) / 1000);

  console.log(`\nfault suite figures (commit ${commit()}):\n${figuresTable(figures, wallS)}\n`);
  mkdirSync(path.join(root, '.data', 'faults'), { recursive: true });
  writeFileSync(
    path.join(root, '.data', 'faults', 'last-run.json'),
    JSON.stringify({ run: RUN_ID, commit: commit(), at: new Date(started).toISOString(), wallS, options, figures, failures }, null, 2),
  );
  if (failures.length) {
    console.log(`FAILED: ${failures.length} check(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\n\nlogs kept in ${logDir}`);
  } else {
    console.log('fault suite passed: nothing lost, nothing duplicated.');
    status = 0;
  }
} catch (error) {
  if (!interrupted) console.error(`faults: FAILED: ${error.stack ?? error}\nlogs kept in ${logDir}`);
} finally {
  await cleanup();
  // Keep the logs of a failed run; a passed one leaves nothing but last-run.json.
  if (status === 0) rmSync(runDir, { recursive: true, force: true });
  else rmSync(path.join(runDir, 'dist'), { recursive: true, force: true });
}
process.exit(status);

/** Creates this run's database on the server (embedded PostgreSQL when DATABASE_URL is unset). */
async function freshDatabase() {
  serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'faults-postgres'), port: await freePort(), database: 'postgres' });
    serverUrl = embedded.url;
  }
  await onServer(`CREATE DATABASE ${DB}`);
  const url = new URL(serverUrl);
  url.pathname = `/${DB}`;
  return url.toString();
}

async function onServer(sql) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** `convene_reconciler_repairs_total` from the APIs' /metrics, when some process there counts it. */
async function scrapeRepairs(apis, token) {
  const totals = {};
  for (const a of apis) {
    try {
      const text = await (await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) })).text();
      for (const m of text.matchAll(/^convene_reconciler_repairs_total\{kind="([^"]+)"\} (\S+)$/gm)) totals[m[1]] = (totals[m[1]] ?? 0) + Number(m[2]);
    } catch {
      // no /metrics: the report says so
    }
  }
  return Object.keys(totals).length ? totals : undefined;
}

function commit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes in apps/libs` : head;
  } catch {
    return 'unknown';
  }
}
