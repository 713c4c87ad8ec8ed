import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';

const root = path.resolve(import.meta.dirname, '..', '..');

/** `npm start` with no configuration at all: embedded PostgreSQL, BullMQ on PostgreSQL. */
let stderr = '';

function start(dataDir: string, port: number): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(port + 1), LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'QUEUE_PREFIX', 'NODE_OPTIONS']) delete env[name];
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return child;
}

async function waitForHealth(port: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no healthy server on ${port} within ${timeoutMs} ms; stderr:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const postgresFor = (dataDir: string) =>
  spawnSync('pgrep', ['-f', `postgres -D ${path.join(dataDir, 'postgres', 'cluster')}`], { encoding: 'utf8' }).stdout.trim();

describe('zero-configuration start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'convene-start-'));
  const port = 39000 + Math.floor(Math.random() * 500) * 2;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health with embedded PostgreSQL, keeps data across restarts, and leaves no PostgreSQL behind on SIGTERM', async () => {
    child = start(dataDir, port);
    const health = await waitForHealth(port, 90_000);
    expect(health).toMatchObject({ status: 'ok', database: 'up', queue: { backend: 'postgres', status: 'up' } });

    const login = async () =>
      fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@convene.local', password: 'convene-admin' }),
      }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const { accessToken } = await login();
    const name = `Kept Agency ${Date.now()}`;
    const created = await fetch(`http://127.0.0.1:${port}/api/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name, kind: 'housing' }),
    });
    expect(created.status).toBe(201);

    expect(await stop(child)).toBe(0);
    expect(postgresFor(dataDir)).toBe('');

    child = start(dataDir, port);
    await waitForHealth(port, 60_000);
    const again = await login();
    const agencies = await fetch(`http://127.0.0.1:${port}/api/agencies`, { headers: { authorization: `Bearer ${again.accessToken}` } }).then(
      (r) => r.json() as Promise<{ items: Array<{ name: string }> }>,
    );
    expect(agencies.items.map((a) => a.name)).toContain(name);
    expect(await stop(child)).toBe(0);
    expect(postgresFor(dataDir)).toBe('');
  }, 180_000);
});
