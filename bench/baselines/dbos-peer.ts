import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarise, type LatencySummary } from '../support/stats.js';
import { log } from '../support/log.js';

/** The peer: DBOS Transact (durable workflows on PostgreSQL), as in ../shared/peers/dbos/. */
export const DBOS_VERSION = process.env.BENCH_DBOS_VERSION ?? '5.3.0';

export interface PeerRun {
  clients: number;
  perSecond: number;
  latencyMs: LatencySummary;
  events: number;
}

export type PeerResult = { version: string; folder: string; runs: PeerRun[] } | { version: string; unavailable: string };

// One durable "advance" = a DBOS workflow whose one step bumps a case row's revision and appends an
// event row in one transaction (the peer's own benchmark, ../shared/peers/dbos/bench.mjs).
const SCRIPT = `import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
const url = process.env.DATABASE_URL;
const pool = new pg.Pool({ connectionString: url, max: 40 });
await pool.query('create table if not exists cases(id int primary key, revision int not null)');
await pool.query('create table if not exists case_events(id bigserial primary key, case_id int, type text, at timestamptz default now())');
await pool.query('truncate cases, case_events');
const NCASES = 1000;
await pool.query(\`insert into cases select g, 0 from generate_series(1, \${NCASES}) g\`);
const step = async (caseId, type) => {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const r = await c.query('update cases set revision = revision + 1 where id = $1 returning revision', [caseId]);
    await c.query('insert into case_events(case_id, type) values ($1, $2)', [caseId, type]);
    await c.query('commit');
    return r.rows[0].revision;
  } catch (e) { await c.query('rollback'); throw e; } finally { c.release(); }
};
const advance = DBOS.registerWorkflow(async (caseId, type) => DBOS.runStep(() => step(caseId, type), { name: 'write' }), { name: 'advance' });
DBOS.setConfig({ name: 'convene-bench-peer', systemDatabaseUrl: url, logLevel: 'error' });
await DBOS.launch();
const ms = Number(process.env.MS || 5000);
for (const C of (process.env.CLIENTS || '1,8,32').split(',').map(Number)) {
  const lat = []; let n = 0;
  const warm = performance.now() + Math.min(1000, ms / 4);
  await Promise.all(Array.from({ length: C }, async (_, k) => { while (performance.now() < warm) await advance(1 + ((k * 7919 + n++) % NCASES), 'EVT'); }));
  n = 0; const t0 = performance.now(); const end = t0 + ms;
  await Promise.all(Array.from({ length: C }, async (_, k) => {
    while (performance.now() < end) { const s = performance.now(); await advance(1 + ((k * 7919 + n) % NCASES), 'EVT'); lat.push(performance.now() - s); n++; }
  }));
  console.log(JSON.stringify({ clients: C, ms: performance.now() - t0, latencies: lat }));
}
await DBOS.shutdown(); await pool.end();
`;

/**
 * Installs `@dbos-inc/dbos-sdk` into a scratch folder (`.data/bench-peers/dbos-<version>`, from the
 * npm registry, once) and runs the peer's one-step workflow against `url` at each client count for
 * `ms` each. Answers `unavailable` with the reason when it cannot install or run it.
 */
export async function runDbosPeer(root: string, url: string, opts: { clients: number[]; ms: number }): Promise<PeerResult> {
  const folder = path.join(root, '.data', 'bench-peers', `dbos-${DBOS_VERSION}`);
  try {
    mkdirSync(folder, { recursive: true });
    const installed = path.join(folder, 'node_modules', '@dbos-inc', 'dbos-sdk', 'package.json');
    if (!existsSync(installed) || (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version !== DBOS_VERSION) {
      log(`  installing @dbos-inc/dbos-sdk@${DBOS_VERSION} into ${path.relative(root, folder)} (npm registry)`);
      if (!existsSync(path.join(folder, 'package.json'))) writeFileSync(path.join(folder, 'package.json'), '{ "name": "bench-peer-dbos", "private": true, "type": "module" }\n');
      execFileSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--loglevel=error', `@dbos-inc/dbos-sdk@${DBOS_VERSION}`, 'pg@8'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 180_000,
      });
    }
    writeFileSync(path.join(folder, 'peer.mjs'), SCRIPT);
  } catch (error) {
    const why = `could not install @dbos-inc/dbos-sdk@${DBOS_VERSION}: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().slice(0, 300)}`;
    log(`  peer: ${why}`);
    return { version: DBOS_VERSION, unavailable: why };
  }
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(folder, 'peer.mjs')], {
      cwd: folder,
      env: { ...process.env, DATABASE_URL: url, CLIENTS: opts.clients.join(','), MS: String(opts.ms) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  if (out.code !== 0) {
    const why = `the DBOS peer exited with ${out.code}: ${out.stderr.trim().slice(-300)}`;
    log(`  peer: ${why}`);
    return { version: DBOS_VERSION, unavailable: why };
  }
  const runs = out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      const r = JSON.parse(l) as { clients: number; ms: number; latencies: number[] };
      return { clients: r.clients, perSecond: Math.round((r.latencies.length / r.ms) * 1000 * 10) / 10, latencyMs: summarise(r.latencies), events: r.latencies.length };
    });
  return { version: DBOS_VERSION, folder: path.relative(root, folder), runs };
}
