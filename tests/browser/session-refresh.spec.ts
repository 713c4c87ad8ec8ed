import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { openBrowser, seriousA11yViolations, signIn, signOut, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

const PASSWORD = 'correct horse battery staple';

/** With 5-second access tokens, the web app refreshes silently and stays signed in across several expiries. */
describe('journey: a session outlives its short-lived access tokens', () => {
  let app: TestApp;
  let web: WebServer;
  let b: BrowserSession;
  let p: Partnership;

  beforeAll(async () => {
    app = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '5' });
    p = await seedPartnership(app);
    web = await serveWeb(app.url);
    b = await openBrowser(web.url);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await web?.close();
    await app?.close();
  });

  it('stays signed in across access-token expiry, then signs out cleanly', async () => {
    const { page } = b;
    await signIn(page, p.users.probation.email, PASSWORD);
    const first = await page.evaluate('sessionStorage.getItem("convene.token")');
    // Three lifetimes pass; the page keeps working without a new sign-in.
    await page.waitForTimeout(16_000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await page.waitForURL('**/notifications');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/notifications');
    const now = await page.evaluate<string>('sessionStorage.getItem("convene.token")');
    expect(now).not.toBe(first);
    expect((await app.request('GET', '/api/auth/me', { token: now })).status).toBe(200);

    // A refresh answered 401 (here: the session ended elsewhere) signs the tab out cleanly.
    const { sid } = JSON.parse(Buffer.from(now.split('.')[1]!, 'base64url').toString()) as { sid: string };
    await app.db.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1`, [sid]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Task inbox' }).click();
    await page.waitForURL('**/login**');
    await page.getByText('Your session has expired. Please sign in again.').waitFor();

    // The change-password form, accessible; then a clean sign-out ends the session on the server.
    await signIn(page, p.users.probation.email, PASSWORD);
    await page.goto('/account/password');
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    const token = await page.evaluate<string>('sessionStorage.getItem("convene.token")');
    await signOut(page);
    await page.getByText('You have signed out.').waitFor();
    expect((await app.request('GET', '/api/auth/me', { token })).status).toBe(401);
  }, 60_000);
});
