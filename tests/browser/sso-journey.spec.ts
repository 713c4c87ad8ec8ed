import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { OIDC_CLIENT, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { openBrowser, seriousA11yViolations, type BrowserSession } from './support/browser.js';
import { serveWeb, type WebServer } from './support/web-server.js';

/** Single sign-on through the login page against a real OpenID provider (oidc-provider) in this process. */
describe('journey: signing in with the organisation’s provider', () => {
  let op: TestOidcProvider;
  let app: TestApp;
  let web: WebServer;
  let b: BrowserSession;
  let p: Partnership;

  beforeAll(async () => {
    op = await startOidcProvider();
    app = await startTestApp({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: OIDC_CLIENT.id, OIDC_CLIENT_SECRET: OIDC_CLIENT.secret });
    op.register(app.url);
    p = await seedPartnership(app);
    op.accounts.set(p.users.probation.email, { email: p.users.probation.email, emailVerified: true });
    web = await serveWeb(app.url);
    b = await openBrowser(web.url);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await web?.close();
    await app?.close();
    await op?.close();
  });

  async function viaProvider(email: string) {
    const { page } = b;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  it('signs a known user in, and signing out ends the session here and at the provider', async () => {
    const { page } = b;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Sign in with your organisation' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await viaProvider(p.users.probation.email);
    await page.waitForURL((url) => url.origin === app.url && url.pathname === '/inbox');
    await page.getByText('Signed in as probation user').waitFor();
    expect(page.url()).not.toContain('code=');
    const token = await page.evaluate<string>('sessionStorage.getItem("convene.token")');
    expect((await app.request('GET', '/api/auth/me', { token })).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === op.issuer);
    expect((await app.request('GET', '/api/auth/me', { token })).status).toBe(401);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === app.url && url.pathname === '/login');
  }, 60_000);

  it('refuses an email that no Convene user has, with a message', async () => {
    const stranger = `stranger.${randomUUID().slice(0, 8)}@example.org`;
    op.accounts.set(stranger, { email: stranger, emailVerified: true });
    await viaProvider(stranger);
    await b.page.waitForURL((url) => url.origin === app.url && url.pathname === '/login');
    await b.page.getByText('no active Convene account has that email address').waitFor();
    expect(await seriousA11yViolations(b.page)).toEqual([]);
  }, 60_000);
});
