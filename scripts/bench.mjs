#!/usr/bin/env node
// `npm run bench`: builds what is not built yet (incremental tsc), then runs the benchmarks.
//   node scripts/bench.mjs [--quick] [--scale N] [--only 1,2,3,4]
// DATABASE_URL / REDIS_URL make it use those servers; otherwise it starts an embedded PostgreSQL
// (data in .data/bench-postgres, port BENCH_PG_PORT or 54349). Results: bench/results/<timestamp>.json
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'web', 'results'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.js')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'bench', 'main.js');
const sources = Math.max(...['apps', 'libs', 'scripts', 'bench'].map((d) => newestMtime(path.join(root, d))));
if (!existsSync(stamp) || !existsSync(entry) || statSync(stamp).mtimeMs < sources) {
  console.error('bench: building (tsc)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  // tsc still emits when another area has a type error; run if our entry point is there.
  if (result.status !== 0) {
    if (!existsSync(entry)) process.exit(result.status ?? 1);
    console.error('bench: tsc reported errors (see above); running the emitted code anyway');
  }
}

process.chdir(root);
await import(pathToFileURL(entry).href);
