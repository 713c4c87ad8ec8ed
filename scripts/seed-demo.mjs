#!/usr/bin/env node
// `npm run seed:demo`: builds what is not built yet (as `npm start` does), then runs the demo seed
// (scripts/seed-demo.ts, compiled to dist/scripts/seed-demo.js).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'web') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.js')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'scripts', 'seed-demo.js');
const sources = Math.max(...['apps', 'libs', 'scripts'].map((d) => newestMtime(path.join(root, d))));
if (!existsSync(stamp) || !existsSync(entry) || statSync(stamp).mtimeMs < sources) {
  console.error('convene: building (tsc)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const now = new Date();
  utimesSync(stamp, now, now);
}

await import(pathToFileURL(entry).href);
