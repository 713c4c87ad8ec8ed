import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { defined } from '../support/defined.js';
import { CookieBrowser, OIDC_CLIENT, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';

/**
 * Single sign-on end to end against a real OpenID provider (`oidc-provider`, its own JWKS) in
 * this process: the authorization code flow with PKCE from `/api/auth/oidc/start` to a Convene
 * session, refusals of unknown and unverified emails, and logout.
 */
describe('single sign-on through an OpenID Connect provider', () => {
  let op: TestOidcProvider;
  let t: TestApp;
  let p: Partnership;
  let email: string;

  beforeAll(async () => {
    op = await startOidcProvider();
    t = await startTestApp({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: OIDC_CLIENT.id, OIDC_CLIENT_SECRET: OIDC_CLIENT.secret });
    op.register(t.url);
    p = await seedPartnership(t);
    email = (await t.request('GET', `/api/users/${p.users.probation.id}`, { token: p.adminToken })).body.email;
    op.accounts.set(email, { email, emailVerified: true });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  /** Signs in at the provider as `who`; returns where Convene finally sends the browser (not followed into the web app). */
  async function signIn(who: string): Promise<URL> {
    const browser = new CookieBrowser();
    const atProvider = await browser.go(`${t.url}/api/auth/oidc/start`);
    expect(atProvider.url.origin).toBe(op.issuer);
    expect(atProvider.text).toContain('Sign in at the test provider');
    const action = defined(/action="([^"]+)"/.exec(atProvider.text)?.[1], 'the provider form’s action');
    const back = await browser.go(new URL(action, op.issuer).href, { method: 'POST', form: { email: who } }, (u) => u.origin === t.url && !u.pathname.startsWith('/api/'));
    return back.url;
  }

  it('tells the login page that single sign-on is configured', async () => {
    const res = await t.request('GET', '/api/auth/config');
    expect(res.status).toBe(200);
    expect(res.body.sso).toBe(true);
  });

  it('starts with PKCE, state and nonce, keeping them in a short-lived HttpOnly cookie', async () => {
    const res = await fetch(`${t.url}/api/auth/oidc/start`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(op.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toBeTruthy();
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('redirect_uri')).toBe(`${t.url}/api/auth/oidc/callback`);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/convene_oidc=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth\/oidc/);
  });

  it('signs a known user with a verified email in, and logout ends that session', async () => {
    const landed = await signIn(email);
    expect(landed.pathname).toBe('/login/complete');
    expect(landed.search).toBe('');
    const code = new URLSearchParams(landed.hash.slice(1)).get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await t.request('POST', '/api/auth/oidc/exchange', { body: { code } });
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ id: p.users.probation.id, email, roles: ['agency_staff'] });
    expect(session.body.expiresIn).toBeLessThanOrEqual(900);
    expect((await t.request('GET', '/api/auth/me', { token: session.body.accessToken })).status).toBe(200);
    // The code works once.
    expect((await t.request('POST', '/api/auth/oidc/exchange', { body: { code } })).status).toBe(401);
    const sid = JSON.parse(Buffer.from(session.body.accessToken.split('.')[1], 'base64url').toString()).sid;
    expect((await t.db.query(`SELECT via FROM sessions WHERE id = $1`, [sid]))[0].via).toBe('oidc');

    // Refresh works like any session's; logout ends it.
    const refreshed = await t.request('POST', '/api/auth/refresh', { body: { refreshToken: session.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await t.request('POST', '/api/auth/logout', { token: refreshed.body.accessToken })).status).toBe(204);
    expect((await t.request('GET', '/api/auth/me', { token: refreshed.body.accessToken })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(401);

    // Then the provider's end-session endpoint, coming back to the login page.
    const out = await fetch(`${t.url}/api/auth/oidc/logout`, { redirect: 'manual' });
    expect(out.status).toBe(302);
    const end = new URL(out.headers.get('location')!);
    expect(end.origin).toBe(op.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${t.url}/login`);
    expect(end.searchParams.get('client_id')).toBe(OIDC_CLIENT.id);
  });

  it('refuses an email no Convene user has, creating nobody', async () => {
    const stranger = `stranger.${randomUUID().slice(0, 8)}@example.org`;
    op.accounts.set(stranger, { email: stranger, emailVerified: true });
    const landed = await signIn(stranger);
    expect(landed.pathname).toBe('/login');
    expect(landed.searchParams.get('sso_error')).toBe('unknown_user');
    expect(await t.db.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [stranger])).toHaveLength(0);
  });

  it('refuses an email the provider has not verified', async () => {
    const u = `unverified.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email: u, name: 'Una Verified', password: 'correct horse battery staple', agencyId: p.agencies.police.id, roles: ['agency_staff'] },
    });
    expect(created.status).toBe(201);
    op.accounts.set(u, { email: u, emailVerified: false });
    const landed = await signIn(u);
    expect(landed.pathname).toBe('/login');
    expect(landed.searchParams.get('sso_error')).toBe('unverified_email');
  });

  it('refuses a deactivated user, a callback without its cookie, and a forged code', async () => {
    const u = `leaver.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email: u, name: 'Lea Ver', password: 'correct horse battery staple', agencyId: p.agencies.police.id, roles: ['agency_staff'] },
    });
    await t.request('PATCH', `/api/users/${created.body.id}`, { token: p.adminToken, body: { active: false } });
    op.accounts.set(u, { email: u, emailVerified: true });
    expect((await signIn(u)).searchParams.get('sso_error')).toBe('unknown_user');

    const bare = await fetch(`${t.url}/api/auth/oidc/callback?code=abc&state=def`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/login?sso_error=failed');
    expect((await t.request('POST', '/api/auth/oidc/exchange', { body: { code: 'x'.repeat(43) } })).status).toBe(401);
  });
});
