// Build steps shared by `npm start`, `npm test` and the other launchers: each runs only when its
// output is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir, extensions) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full === path.join(root, 'apps', 'web')) continue;
      newest = Math.max(newest, newestMtime(full, extensions));
    } else if (extensions.some((e) => entry.name.endsWith(e))) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Compiles the server (tsc, incremental) into dist/ when a source is newer than the last build. */
export function buildServer() {
  const stamp = path.join(root, 'dist', '.tsbuildinfo');
  const sources = Math.max(...['apps', 'libs', 'scripts', 'bench'].filter((d) => existsSync(path.join(root, d))).map((d) => newestMtime(path.join(root, d), ['.ts', '.js'])));
  const entries = ['apps/api/src/main.js', 'apps/worker/src/main.js', 'scripts/seed-demo.js', 'bench/main.js'].map((e) => path.join(root, 'dist', e));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources && entries.every((e) => existsSync(e))) return;
  console.error('convene: building (tsc)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const now = new Date();
  utimesSync(stamp, now, now);
}

/** Builds the browser app (Vite) into apps/web/dist when a source is newer. Returns false on failure. */
export function buildWeb() {
  const web = path.join(root, 'apps', 'web');
  if (!existsSync(path.join(web, 'src'))) return false;
  const index = path.join(web, 'dist', 'index.html');
  const newest = Math.max(newestMtime(path.join(web, 'src'), ['.ts', '.tsx', '.css']), statSync(path.join(web, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return true;
  console.error('convene: building the web app (vite)…');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
  return result.status === 0;
}
