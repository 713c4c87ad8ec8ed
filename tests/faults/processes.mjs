// The fault suite's children: Convene API and worker processes and a Redis server of its own, each
// started, killed (-9) and restarted at will, with their output appended to log files. Every child
// is tracked so that one call (`killAll`) leaves nothing behind, whatever happened.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every child process alive, so exit paths can kill them synchronously. */
const alive = new Set();

/** SIGKILLs every child still running (synchronous: safe in an `exit` handler). */
export function killAll() {
  for (const child of alive) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  alive.clear();
}

/** Polls `check` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function until(check, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when `command` can be run (it is on PATH). */
export function onPath(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

function spawnLogged(command, args, { cwd, env, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  alive.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      alive.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exited };
}

/**
 * Which of `pids` owns the TCP socket whose local port is `port` (Linux /proc): tells which worker
 * sent a request the receiver is holding, and which worker a Redis client belongs to.
 */
export function ownerOfLocalPort(port, pids) {
  return ownersOfLocalPorts([port], pids).get(port);
}

/** Map of local port → owning pid, for the given ports and candidate pids. */
export function ownersOfLocalPorts(ports, pids) {
  const wanted = new Set(ports);
  const inodeToPort = new Map();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(':').pop(), 16);
      if (wanted.has(localPort) && fields[9] !== '0') inodeToPort.set(fields[9], localPort);
    }
  }
  const owners = new Map();
  if (inodeToPort.size === 0) return owners;
  for (const pid of pids) {
    let fds;
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      const port = match && inodeToPort.get(match[1]);
      if (port) owners.set(port, pid);
    }
  }
  return owners;
}

/** The last error line in the tail of a log (what a process that died printed), if any. */
function lastError(logFile) {
  try {
    const tail = readFileSync(logFile, 'utf8').slice(-16_000).split('\n');
    let at = tail.findLastIndex((l) => /^(\w*Error|error)( \[\w+\])?: /.test(l));
    if (at < 0) at = tail.findLastIndex((l) => /"level":60/.test(l));
    if (at < 0) return undefined;
    const next = tail.slice(at + 1).find((l) => /^\s+at /.test(l));
    return `${tail[at].trim().slice(0, 200)}${next ? ` (${next.trim().slice(0, 160)})` : ''}`;
  } catch {
    return undefined;
  }
}

/**
 * One Convene process (`api` or `worker`) of the compiled code in `distDir`, restartable. An exit we
 * did not ask for is recorded in `unexpectedExits` (the suite reports it and restarts the process).
 */
export class ConveneProcess {
  constructor({ name, role, root, distDir, env, logDir, port }) {
    Object.assign(this, { name, role, root, distDir, env, port });
    this.logFile = path.join(logDir, `${name}.log`);
    this.starts = 0;
    this.unexpectedExits = [];
    this.child = undefined;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return this.child !== undefined;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  start() {
    const entry = path.join(this.distDir, 'apps', this.role, 'src', 'main.js');
    const env = { ...this.env, ...(this.port ? { PORT: String(this.port), PUBLIC_URL: `http://127.0.0.1:${this.port}` } : {}) };
    const { child, exited } = spawnLogged(process.execPath, [entry, this.role], { cwd: this.root, env, logFile: this.logFile });
    this.starts++;
    this.child = child;
    this.expectExit = false;
    this.exited = exited.then((result) => {
      if (this.child === child) this.child = undefined;
      if (!this.expectExit) {
        this.unexpectedExits.push({ at: Date.now(), ...result, reason: lastError(this.logFile) });
        this.crashed = true;
      }
      return result;
    });
  }

  /** kill -9: no shutdown hooks run, in-flight jobs are left to BullMQ's stalled-job check. */
  async kill9() {
    if (!this.child) return;
    this.expectExit = true;
    process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000) {
    if (!this.child) return;
    this.expectExit = true;
    const child = this.child;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/**
 * Restarts any of `processes` that exited on its own (each exit stays in `unexpectedExits`, which
 * the checks report): the scenario goes on, so the other figures still mean something.
 */
export function supervise(processes, log) {
  const timer = setInterval(() => {
    for (const p of processes) {
      if (p.crashed && !p.running) {
        p.crashed = false;
        log(`${p.name} exited on its own (${JSON.stringify(p.unexpectedExits.at(-1))}); restarting it`);
        p.start();
      }
    }
  }, 500);
  return () => clearInterval(timer);
}

/** A throwaway Redis on its own port, no persistence: shut down with `nosave`, it comes back empty. */
export class RedisServer {
  constructor({ port, dir, logDir }) {
    Object.assign(this, { port, dir });
    this.logFile = path.join(logDir, 'redis.log');
    this.child = undefined;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    // BullMQ needs noeviction; no protected-mode surprises on loopback.
    args.push('--maxmemory-policy', 'noeviction', '--protected-mode', 'no');
    const { child, exited } = spawnLogged('redis-server', args, { cwd: this.dir, env: process.env, logFile: this.logFile });
    this.child = child;
    this.exited = exited.then((result) => {
      if (this.child === child) this.child = undefined;
      return result;
    });
    await until(() => this.ping(), { timeoutMs: 10_000, what: `redis-server on port ${this.port}` });
  }

  ping() {
    return spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG';
  }

  /** `redis-cli shutdown nosave`: Redis stops and its data is gone. */
  async shutdownNosave() {
    if (!this.child) return;
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave'], { stdio: 'ignore' });
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut && this.child) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Named clients (`CLIENT LIST`): BullMQ names each worker's blocking connection `<prefix>:<base64 queue>`. */
  clients() {
    const out = spawnSync('redis-cli', ['-p', String(this.port), 'client', 'list'], { encoding: 'utf8' }).stdout ?? '';
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const fields = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        return { port: Number(String(fields.addr ?? '').split(':').pop()), name: fields.name ?? '' };
      });
  }
}

/**
 * Waits until a worker process consumes all `queues`: its BullMQ workers hold named connections to
 * Redis (workers log nothing at start that says so).
 */
export async function waitWorkerReady(worker, redis, { prefix, queues, timeoutMs = 60_000 }) {
  const names = new Set(queues.map((q) => `${prefix}:${Buffer.from(q).toString('base64')}`));
  await until(
    () => {
      if (!worker.running) throw new Error(`${worker.name} exited during start; see ${worker.logFile}`);
      const mine = redis.clients().filter((c) => names.has(c.name));
      const owners = ownersOfLocalPorts(mine.map((c) => c.port), [worker.pid]);
      return new Set(mine.filter((c) => owners.get(c.port) === worker.pid).map((c) => c.name)).size === names.size;
    },
    { timeoutMs, intervalMs: 200, what: `${worker.name} to consume ${queues.join(', ')}` },
  );
}

/** Waits until an API process answers `GET /health` with 200. */
export async function waitApiReady(api, { timeoutMs = 60_000 } = {}) {
  await until(
    async () => {
      if (!api.running) throw new Error(`${api.name} exited during start; see ${api.logFile}`);
      try {
        return (await fetch(`${api.url}/health`, { signal: AbortSignal.timeout(3000) })).status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs, intervalMs: 200, what: `${api.name} to answer /health` },
  );
}
