import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port.js';
import { log, sleep } from './log.js';

export const BENCH_ADMIN = { email: 'admin@bench.local', password: 'bench-admin-password' };
/** The app's METRICS_TOKEN: the bench reads `convene_db_statements_total` from /metrics with it. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-not-for-production';

export interface AppProcess {
  url: string;
  pid: number;
  backend: 'redis' | 'postgres';
  stop(): Promise<void>;
}

/**
 * Runs Convene as `npm start` does (API and worker in one process, the compiled code), against the
 * bench database and the chosen queue backend. Logs go to `.data/bench-app.log`.
 */
export async function startApp(root: string, opts: { databaseUrl: string; redisUrl?: string; queuePrefix: string }): Promise<AppProcess> {
  const port = await freePort();
  const logFile = path.join(root, '.data', 'bench-app.log');
  mkdirSync(path.dirname(logFile), { recursive: true }); // a fresh clone has no .data yet
  const fd = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl ?? '',
    JWT_SECRET: 'bench-jwt-secret-not-for-production',
    BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
    LOG_LEVEL: process.env.BENCH_APP_LOG_LEVEL ?? 'info',
    QUEUE_PREFIX: opts.queuePrefix,
    DATA_DIR: path.join(root, '.data', 'bench'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
  };
  // For diagnosis only, e.g. BENCH_APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the app under load.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/apps/api/src/main.js'), 'all'], {
    cwd: root,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the app exited during start; see ${logFile}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the app did not become healthy within 60 s; see ${logFile}`);
    }
    await sleep(200);
  }
  const backend = opts.redisUrl ? 'redis' : 'postgres';
  log(`app started (pid ${child.pid}, ${url}, queue backend ${backend})`);
  return {
    url,
    pid: child.pid!,
    backend,
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timeout = sleep(30_000).then(() => 'timeout');
      if ((await Promise.race([done, timeout])) === 'timeout') child.kill('SIGKILL');
    },
  };
}
