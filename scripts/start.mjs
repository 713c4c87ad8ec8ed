#!/usr/bin/env node
// `npm start`: builds what is not built yet (incremental tsc), then runs Convene.
//   node scripts/start.mjs          API + worker in one process (default)
//   node scripts/start.mjs api      API only
//   node scripts/start.mjs worker   worker only
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const role = process.argv[2] ?? 'all';
if (!['all', 'api', 'worker'].includes(role)) {
  console.error(`usage: node scripts/start.mjs [all|api|worker] (got "${role}")`);
  process.exit(2);
}

function newestMtime(dir, extensions = ['.ts', '.js']) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'web') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, extensions));
    else if (extensions.some((e) => entry.name.endsWith(e))) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const stamp = path.join(root, 'dist', '.tsbuildinfo');
const sources = Math.max(...['apps', 'libs', 'scripts'].map((d) => newestMtime(path.join(root, d))));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  console.error('convene: building (tsc)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const now = new Date();
  utimesSync(stamp, now, now);
}

// The browser app (apps/web) is built by Vite into apps/web/dist, served by the API.
const web = path.join(root, 'apps', 'web');
const webIndex = path.join(web, 'dist', 'index.html');
if (role !== 'worker' && existsSync(path.join(web, 'src'))) {
  const newest = newestMtime(path.join(web, 'src'), ['.ts', '.tsx', '.css']);
  if (!existsSync(webIndex) || statSync(webIndex).mtimeMs < newest) {
    console.error('convene: building the web app (vite)…');
    const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
      stdio: 'inherit',
      cwd: root,
    });
    if (result.status !== 0) console.error('convene: the web app did not build; the API runs without it');
  }
}

const entry = role === 'worker' ? 'dist/apps/worker/src/main.js' : 'dist/apps/api/src/main.js';
process.argv[2] = role;
await import(pathToFileURL(path.join(root, entry)).href);
