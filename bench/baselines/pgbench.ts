import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarise } from '../support/stats.js';
import type { ThroughputResult } from './tpcb-node.js';

/** `pgbench --version`, or undefined when pgbench is not installed. */
export function pgbenchVersion(): string | undefined {
  const r = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The built-in TPC-B-like script by pgbench itself, on tables made by `createTpcbTables` (`-n`: no
 * vacuum, no init). Per-transaction logs (`-l`) give the latency percentiles.
 */
export function runPgbench(url: string, opts: { clients: number; seconds: number }): ThroughputResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'convene-pgbench-'));
  try {
    const threads = Math.min(opts.clients, 2);
    const r = spawnSync(
      'pgbench',
      ['-n', '-c', String(opts.clients), '-j', String(threads), '-T', String(opts.seconds), '-l', `--log-prefix=${path.join(dir, 'tx')}`, url],
      { encoding: 'utf8', timeout: (opts.seconds + 60) * 1000 },
    );
    if (r.status !== 0) throw new Error(`pgbench failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1] ?? /tps = ([\d.]+)/.exec(r.stdout)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
    const latencies: number[] = [];
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        // client_id transaction_no time(µs) script_no time_epoch time_us
        const us = Number(line.split(' ')[2]);
        if (Number.isFinite(us) && line) latencies.push(us / 1000);
      }
    }
    return { clients: opts.clients, perSecond: Math.round(tps * 10) / 10, latencyMs: summarise(latencies), errors: failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
