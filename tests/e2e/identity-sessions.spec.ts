import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, seedPartnership, startTestApp, unique, type Partnership, type PartnershipRole, type TestApp } from '../support/app.js';
import { at } from '../support/defined.js';

const PASSWORD = 'correct horse battery staple';

/**
 * Sessions, users and passwords over HTTP on real PostgreSQL (docs/identity.md): rotating
 * single-use refresh tokens with reuse detection, logout, revocation on deactivation and role
 * change with no cache window, password change and emailed reset links.
 */
describe('identity: sessions, users and passwords', () => {
  let t: TestApp;
  let p: Partnership;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  }, 60_000);
  afterAll(async () => t?.close());

  /** A fresh agency_staff user at probation; returns its id, email and a login (tokens). */
  async function newUser(roles: string[] = ['agency_staff'], agency: PartnershipRole = 'probation') {
    const email = `identity.${randomUUID().slice(0, 8)}@example.org`;
    const res = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email, name: 'Ida Tester', password: PASSWORD, agencyId: p.agencies[agency].id, roles },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email, login: () => login(email, PASSWORD) };
  }

  async function login(email: string, password: string) {
    const res = await t.request('POST', '/api/auth/login', { body: { email, password } });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; refreshToken: string; expiresIn: number };
  }

  const me = (token: string) => t.request('GET', '/api/auth/me', { token }).then((r) => r.status);
  const refresh = (refreshToken: string) => t.request('POST', '/api/auth/refresh', { body: { refreshToken } });

  it('logs in with a short-lived access token and a refresh token; refresh rotates the pair', async () => {
    const u = await newUser();
    const first = await u.login();
    expect(first.expiresIn).toBeGreaterThan(0);
    expect(first.expiresIn).toBeLessThanOrEqual(900);
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = JSON.parse(Buffer.from(at(first.accessToken.split('.'), 1, 'JWT parts'), 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(first.expiresIn);
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);

    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(await me(second.body.accessToken)).toBe(200);
    // Only hashes are stored.
    const stored = await t.db.query(`SELECT token_hash FROM refresh_tokens WHERE session_id = $1`, [claims.sid]);
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(first.refreshToken);
    // An access token is not a refresh token any more.
    expect((await t.request('POST', '/api/auth/refresh', { token: first.accessToken, body: {} })).status).toBe(400);
  });

  it('revokes the whole session when a spent refresh token is presented again', async () => {
    const u = await newUser();
    const first = await u.login();
    const second = (await refresh(first.refreshToken)).body;
    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    // Every generation is dead: the newest refresh token and the access tokens too.
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect(await me(second.accessToken)).toBe(401);
    expect(await me(first.accessToken)).toBe(401);
    // Other sessions of the same user live on.
    const other = await u.login();
    expect(await me(other.accessToken)).toBe(200);
    const audit = await t.request('GET', `/api/audit?userId=${u.id}&action=session.revoke`, { token: p.adminToken });
    expect(audit.body.items).toHaveLength(1);
  });

  it('logout ends the access and refresh token at once', async () => {
    const u = await newUser();
    const s = await u.login();
    expect((await t.request('POST', '/api/auth/logout', { token: s.accessToken })).status).toBe(204);
    expect(await me(s.accessToken)).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(401);
  });

  it("refuses a deactivated user's existing token on the very next request, and their refresh", async () => {
    const u = await newUser();
    const s = await u.login();
    expect(await me(s.accessToken)).toBe(200);
    const off = await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { active: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: u.id, active: false });
    expect(off.body).not.toHaveProperty('password_hash');
    expect(await me(s.accessToken)).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { email: u.email, password: PASSWORD } })).status).toBe(401);
    // Back on: a new login works; the old session stays ended.
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { active: true } })).status).toBe(200);
    expect(await me((await u.login()).accessToken)).toBe(200);
    expect(await me(s.accessToken)).toBe(401);
    const audit = await t.request('GET', `/api/audit?action=user.update&userId=${(await adminId())}`, { token: p.adminToken });
    const entry = audit.body.items.find((e: { resourceId: string }) => e.resourceId === u.id);
    expect(entry).toBeDefined();
  });

  it('applies a role or agency change at once', async () => {
    const u = await newUser(['case_manager'], 'coordinator');
    const s = await u.login();
    const body = { subject: { name: 'Role Test' }, leadAgencyId: p.agencies.coordinator.id, participants: [] };
    expect((await t.request('POST', '/api/cases', { token: s.accessToken, body })).status).toBe(201);
    const changed = await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { roles: ['agency_staff'] } });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['agency_staff']);
    expect(await me(s.accessToken)).toBe(401);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    const again = await u.login();
    expect((await t.request('POST', '/api/cases', { token: again.accessToken, body })).status).toBe(403);
    // A rename alone ends nothing.
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { name: 'Ida Renamed' } })).status).toBe(200);
    expect(await me(again.accessToken)).toBe(200);
    // Staff need an agency; an unknown one is refused.
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { agencyId: null } })).status).toBe(422);
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: p.adminToken, body: { agencyId: randomUUID() } })).status).toBe(422);
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: s.accessToken, body: { active: false } })).status).toBe(401);
    expect((await t.request('PATCH', `/api/users/${u.id}`, { token: again.accessToken, body: { active: false } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/users/${randomUUID()}`, { token: p.adminToken, body: { active: false } })).status).toBe(404);
  });

  it('changes a password: 204, other sessions end, the policy holds', async () => {
    const u = await newUser();
    const a = await u.login();
    const b = await u.login();
    const weak = await t.request('POST', '/api/auth/password', { token: a.accessToken, body: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect(weak.status).toBe(422);
    const local = u.email.split('@')[0];
    const mine = await t.request('POST', '/api/auth/password', { token: a.accessToken, body: { currentPassword: PASSWORD, newPassword: `xx${local}xx-long` } });
    expect(mine.status).toBe(422);
    const named = await t.request('POST', '/api/auth/password', { token: a.accessToken, body: { currentPassword: PASSWORD, newPassword: 'tester of many things' } });
    expect(named.status).toBe(422);
    const wrong = await t.request('POST', '/api/auth/password', { token: a.accessToken, body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } });
    expect(wrong.status).toBe(422);
    const ok = await t.request('POST', '/api/auth/password', { token: a.accessToken, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(ok.status).toBe(204);
    expect(await me(a.accessToken)).toBe(200);
    expect(await me(b.accessToken)).toBe(401);
    expect((await refresh(b.refreshToken)).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { email: u.email, password: PASSWORD } })).status).toBe(401);
    await login(u.email, 'a brand new passphrase');
  });

  it('emails a single-use reset link that works once and expires', async () => {
    const u = await newUser();
    const s = await u.login();
    const asked = await t.request('POST', `/api/users/${u.id}/password-reset`, { token: p.adminToken });
    expect(asked.status).toBe(202);
    const token = await resetTokenFor(u.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.query(`SELECT token_hash FROM password_resets WHERE user_id = $1`, [u.id]);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await t.request('POST', '/api/auth/reset', { body: { token, newPassword: 'short' } })).status).toBe(422);
    expect((await t.request('POST', '/api/auth/reset', { body: { token, newPassword: 'reset passphrase one' } })).status).toBe(204);
    expect((await t.request('POST', '/api/auth/reset', { body: { token, newPassword: 'reset passphrase two' } })).status).toBe(400);
    expect((await t.request('POST', '/api/auth/reset', { body: { token: 'x'.repeat(43), newPassword: 'reset passphrase two' } })).status).toBe(400);
    expect(await me(s.accessToken)).toBe(401);
    await login(u.email, 'reset passphrase one');

    // A link past its 24 hours is refused.
    expect((await t.request('POST', `/api/users/${u.id}/password-reset`, { token: p.adminToken })).status).toBe(202);
    const late = await resetTokenFor(u.email, token);
    await t.db.query(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND used_at IS NULL`, [u.id]);
    expect((await t.request('POST', '/api/auth/reset', { body: { token: late, newPassword: 'reset passphrase three' } })).status).toBe(400);
    const audit = await t.request('GET', `/api/audit?action=user.password.reset&userId=${u.id}`, { token: p.adminToken });
    expect(audit.body.items).toHaveLength(1);
  });

  it('keeps the bootstrap administrator working and refuses weak new users', async () => {
    expect(await me(p.adminToken)).toBe(200);
    const weak = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email: `weak.${randomUUID().slice(0, 6)}@example.org`, name: 'Weak', password: 'elevenchars', agencyId: p.agencies.police.id, roles: ['agency_staff'] },
    });
    expect(weak.status).toBe(400);
  });

  it('refuses to deactivate the last active administrator', async () => {
    // Other test files share this database and create administrators of their own: for this test
    // the bootstrap administrator is made the only active one, and the others are restored after.
    const bootstrap = await adminId();
    const others = await t.db.query<[Array<{ id: string }>, number]>(
      `UPDATE users SET active = false WHERE active AND 'admin' = ANY(roles) AND id <> $1 RETURNING id`,
      [bootstrap],
    );
    try {
      expect((await t.request('PATCH', `/api/users/${bootstrap}`, { token: p.adminToken, body: { active: false } })).status).toBe(422);
      expect(await me(p.adminToken)).toBe(200);
    } finally {
      await t.db.query(`UPDATE users SET active = true WHERE id = ANY($1::uuid[])`, [others[0].map((o) => o.id)]);
    }
    expect(unique('x')).toBeTruthy();
  });

  async function adminId(): Promise<string> {
    const users = await t.request('GET', '/api/users', { token: p.adminToken });
    return users.body.items.find((x: { email: string }) => x.email === ADMIN.email).id;
  }

  /** The token of the newest reset email to `email` (other than `not`), from the .eml files. */
  async function resetTokenFor(email: string, not?: string): Promise<string> {
    const dir = join(t.config.dataDir, 'mail');
    for (const name of (await readdir(dir)).filter((n) => n.startsWith('password-reset-'))) {
      const raw = (await readFile(join(dir, name), 'utf8')).replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      if (!raw.includes(email)) continue;
      const token = /reset-password#token=([A-Za-z0-9_-]{43})/.exec(raw)?.[1];
      if (token && token !== not) return token;
    }
    throw new Error(`no reset email to ${email}`);
  }
});
