#!/usr/bin/env node
// `npm test`: every tier. Unit tests in parallel; medium (domain services, no HTTP), integration and
// end-to-end tests in band against a real PostgreSQL — DATABASE_URL's server, or an embedded one under .data/test-postgres — in a fresh
// database of this run's own (`convene_test_<run>`, dropped at the end), and the real queue backend
// (BullMQ on PostgreSQL; Redis too with REDIS_URL). Two runs on one server never touch each other.
//   node scripts/test.mjs [all|unit|medium|integration|e2e|queue|browser] [extra jest args]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildWeb } from './lib/build.mjs';
import { startEmbeddedPostgres } from '../libs/core/src/database/embedded-postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [tier = 'all', ...extra] = process.argv.slice(2);
const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const TEST_DB = `convene_test_${RUN_ID}`;

// Integration tiers boot the app and seed a partnership over HTTP (scrypt-hashed users): a few
// seconds per file, more on a loaded machine — so their hooks and tests get a minute.
const slow = ['--runInBand', '--testTimeout', '60000'];
const runs = {
  unit: [['--selectProjects', 'unit']],
  // Domain services on the real database, the clock moved by the test: seconds, not minutes.
  medium: [['--selectProjects', 'medium', '--runInBand', '--testTimeout', '30000']],
  integration: [['--selectProjects', 'integration', ...slow]],
  e2e: [['--selectProjects', 'e2e', ...slow]],
  queue: [['--selectProjects', 'integration', ...slow, '--testPathPatterns', 'tests/integration/queue']],
  browser: [['--selectProjects', 'browser', '--runInBand', '--testTimeout', '180000']],
  all: [['--selectProjects', 'unit'], ['--selectProjects', 'medium', '--runInBand', '--testTimeout', '30000'], ['--selectProjects', 'integration', 'e2e', ...slow], ['--selectProjects', 'browser', '--runInBand', '--testTimeout', '180000']],
}[tier];
if (!runs) {
  console.error(`unknown tier "${tier}": all, unit, medium, integration, e2e, queue or browser`);
  process.exit(2);
}

// Browser tests drive a real Chromium (Debian's package; .ci/run installs it). Without one they
// cannot run: `npm test` says so loudly, and fails when CONVENE_REQUIRE_BROWSER=1 (CI).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const message = `browser tests need Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CONVENE_REQUIRE_BROWSER === '1' || tier === 'browser') {
    console.error(`error: ${message}`);
    process.exit(1);
  }
  console.error(`\nnote: ${message}; the browser tier is not run.\n`);
  const index = runs.findIndex((args) => args.includes('browser'));
  if (index >= 0) runs.splice(index, 1);
} else if (runs.some((args) => args.includes('browser')) && !buildWeb()) {
  console.error('error: the web app did not build');
  process.exit(1);
}

const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings`.trim(),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? `t${RUN_ID}`,
  JWT_SECRET: process.env.JWT_SECRET ?? 'test-secret-not-for-production-0123456789',
  DATA_DIR: process.env.DATA_DIR ?? path.join(root, '.data', `test-${RUN_ID}`),
};

let embedded;
let serverUrl;
let status = 0;
try {
  if (tier !== 'unit') env.DATABASE_URL = await freshTestDatabase();
  for (const args of runs) {
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const result = spawnSync(process.execPath, [jest, ...args, ...extra], { cwd: root, env, stdio: 'inherit' });
    status = result.status ?? 1;
    if (status !== 0) break;
  }
} finally {
  if (serverUrl) await dropTestDatabase().catch((error) => console.error(`note: could not drop ${TEST_DB}: ${error.message}`));
  await embedded?.stop();
  rmSync(env.DATA_DIR, { recursive: true, force: true });
}
process.exit(status);

/** Creates this run's database on the server and returns its URL. */
async function freshTestDatabase() {
  serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, '.data', 'test-postgres'),
      // A free port unless one is given: two test runs (two checkouts) never collide.
      port: Number(process.env.EMBEDDED_PG_PORT ?? (await freePort())),
      database: 'postgres',
    });
    serverUrl = embedded.url;
  }
  await onServer(`CREATE DATABASE ${TEST_DB}`);
  const url = new URL(serverUrl);
  url.pathname = `/${TEST_DB}`;
  return url.toString();
}

async function dropTestDatabase() {
  await onServer(`DROP DATABASE IF EXISTS ${TEST_DB} WITH (FORCE)`);
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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
