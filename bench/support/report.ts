import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { at } from './defined.js';

export type Row = [scenario: string, measure: string, value: string, baseline: string, verdict: string];

/** A plain-text table for the terminal, columns padded to their widest cell. */
export function formatTable(rows: Row[]): string {
  const header: Row = ['scenario', 'measure', 'value', 'baseline (same run)', 'ratio / target'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => at(r, i, 'row').length)));
  const line = (r: Row) => r.map((cell, i) => cell.padEnd(at(widths, i, 'widths'))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes the run's JSON under bench/results/ and returns the file path. */
export function writeResults(root: string, results: unknown, startedAt: Date): string {
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}
