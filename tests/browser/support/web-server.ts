// The same staleness check and Vite build as `npm start` and `npm test` use.
import { buildWeb } from '../../../scripts/lib/build.mjs';

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The origin the browser talks to: the API itself, which serves the built app at `/` with the
 * client-side routes falling back to index.html — the same single origin as production.
 */
export async function serveWeb(apiUrl: string): Promise<WebServer> {
  if (!buildWeb()) throw new Error('the web app did not build (vite)');
  const probe = await fetch(`${apiUrl}/cases`, { headers: { accept: 'text/html' } });
  if (!probe.ok || !(await probe.text()).includes('id="root"')) {
    throw new Error(`the API at ${apiUrl} does not serve the web app (apps/web/dist)`);
  }
  return { url: apiUrl, close: () => Promise.resolve() };
}
