import pg from 'pg';
import { summarise, type LatencySummary } from '../support/stats.js';

export interface ThroughputResult {
  clients: number;
  perSecond: number;
  latencyMs: LatencySummary;
  errors: number;
  /** Units of work done (successful requests or transactions). */
  events?: number;
}

const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/**
 * pgbench's built-in TPC-B-like transaction (the same five statements in one transaction) issued
 * through `pg` from Node by `clients` concurrent connections for `ms` milliseconds.
 */
export async function runTpcbFromNode(url: string, opts: { clients: number; ms: number; scale: number }): Promise<ThroughputResult> {
  const clients = await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + opts.ms;
  try {
    await Promise.all(
      clients.map(async (c) => {
        while (performance.now() < deadline) {
          const aid = rand(1, 100_000 * opts.scale);
          const bid = rand(1, opts.scale);
          const tid = rand(1, 10 * opts.scale);
          const delta = rand(-5000, 5000);
          const t = performance.now();
          try {
            await c.query('BEGIN');
            await c.query('UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2', [delta, aid]);
            await c.query('SELECT abalance FROM pgbench_accounts WHERE aid = $1', [aid]);
            await c.query('UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2', [delta, tid]);
            await c.query('UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2', [delta, bid]);
            await c.query('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)', [tid, bid, aid, delta]);
            await c.query('END');
            latencies.push(performance.now() - t);
          } catch {
            errors++;
            await c.query('ROLLBACK').catch(() => undefined);
          }
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  const elapsed = performance.now() - started;
  return { clients: opts.clients, perSecond: Math.round((latencies.length / elapsed) * 1000 * 10) / 10, latencyMs: summarise(latencies), errors };
}
