import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

const PASSWORD = 'correct horse battery staple';

/**
 * Login limiting under concurrency and against lock-out. The API trusts `X-Forwarded-For` from
 * loopback (a reverse proxy on the same host), which is how these tests speak from several sources.
 */
describe('login limits', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string, source: string) =>
    t.request('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': source } });

  /** A fresh user (so the limits of one test never reach into another). */
  async function newUser(): Promise<string> {
    const email = `limits.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email, name: 'Limits user', password: PASSWORD, agencyId: p.agencies.probation.id, roles: ['agency_staff'] },
    });
    expect(created.status).toBe(201);
    return email;
  }

  it('lets at most 5 of 100 parallel attempts at one account check a password, and tells the rest when to retry', async () => {
    const email = await newUser();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(email, i === 60 ? PASSWORD : `wrong-${i}`, '198.51.100.10')),
    );
    const counts = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    expect((counts[200] ?? 0) + (counts[401] ?? 0)).toBeLessThanOrEqual(5);
    expect(counts[429]).toBeGreaterThanOrEqual(95);
    for (const r of results.filter((x) => x.status === 429)) {
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('does not let a stranger lock the owner out: the limit is per source, with back-off', async () => {
    const email = await newUser();
    for (let i = 0; i < 5; i++) expect((await login(email, 'guess', '203.0.113.66')).status).toBe(401);
    const refused = await login(email, 'guess', '203.0.113.66');
    expect(refused.status).toBe(429);
    const firstWait = Number(refused.headers.get('retry-after'));
    expect(firstWait).toBeGreaterThan(30);
    expect(firstWait).toBeLessThanOrEqual(60);
    // Even the right password waits, from that source …
    expect((await login(email, PASSWORD, '203.0.113.66')).status).toBe(429);
    // … while the owner, elsewhere, signs in.
    expect((await login(email, PASSWORD, '192.0.2.15')).status).toBe(200);

    // Once the block has run out, the same source guessing again waits twice as long.
    await t.db.query(`UPDATE auth_throttle SET blocked_until = now() - interval '1 second' WHERE blocked_until > now() AND strikes = 1`);
    for (let i = 0; i < 5; i++) expect((await login(email, 'guess', '203.0.113.66')).status).toBe(401);
    const again = await login(email, 'guess', '203.0.113.66');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(120);
  });

  it('limits one source trying many accounts', async () => {
    const source = '198.51.100.77';
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await login(`nobody.${i}.${randomUUID().slice(0, 4)}@example.org`, 'guess', source)).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Other sources are not affected.
    expect((await login(await newUser(), PASSWORD, '198.51.100.78')).status).toBe(200);
  });

  it('stores no email or address in its counters', async () => {
    const rows = await t.db.query<Array<{ key: string }>>(`SELECT key FROM auth_throttle`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.key).toMatch(/^[0-9a-f]{64}$/);
  });
});
