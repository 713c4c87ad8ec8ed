import { at } from './defined.js';

/** Percentile of already-sorted numbers (nearest rank); NaN for an empty list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return at(sorted, Math.min(sorted.length - 1, Math.max(0, rank - 1)), 'sorted');
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50/p95/p99/max/mean of a list of milliseconds, rounded to 0.01 ms. */
export function summarise(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

/** a / b rounded to two decimals, or null when b is missing or zero. */
export function ratio(a: number, b: number | undefined | null): number | null {
  if (!b || !Number.isFinite(b) || !Number.isFinite(a)) return null;
  return Math.round((a / b) * 100) / 100;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** Runs `fn` until `count` calls or `ms` elapsed, whichever comes first; returns each call's latency. */
export async function timedLoop(opts: { count: number; ms: number }, fn: (i: number) => Promise<void>): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < opts.count && performance.now() - start < opts.ms; i++) {
    const t = performance.now();
    await fn(i);
    latencies.push(performance.now() - t);
  }
  return { latencies, elapsedMs: performance.now() - start };
}
