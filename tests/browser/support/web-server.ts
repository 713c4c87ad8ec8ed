import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = process.cwd();
const DIST = path.join(ROOT, 'apps', 'web', 'dist');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web app (`npx vite build --config apps/web/vite.config.ts`) when `apps/web/dist` is
 * missing or older than its sources, so the journeys never test a stale bundle.
 */
export function ensureWebBuilt(): void {
  const index = path.join(DIST, 'index.html');
  const web = path.join(ROOT, 'apps', 'web');
  const sources = Math.max(newestSource(path.join(web, 'src')), statSync(path.join(web, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/web/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The origin the browser talks to: the API itself, which serves the built app at `/` with the
 * client-side routes falling back to index.html — the same single origin as production.
 */
export async function serveWeb(apiUrl: string): Promise<WebServer> {
  ensureWebBuilt();
  const probe = await fetch(`${apiUrl}/cases`, { headers: { accept: 'text/html' } });
  if (!probe.ok || !(await probe.text()).includes('id="root"')) {
    throw new Error(`the API at ${apiUrl} does not serve the web app (apps/web/dist)`);
  }
  return { url: apiUrl, close: async () => undefined };
}
