import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, startTestApp, type TestApp } from '../support/app.js';

describe('API basics', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.email, ADMIN.password);
  });
  afterAll(() => t.close());

  it('reports health of database and queue', async () => {
    const res = await t.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up', queue: { status: 'up' } });
  });

  it('serves an OpenAPI document that documents every route', async () => {
    const res = await t.request('GET', '/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<Record<string, unknown>>(res.body.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, ':p')}`);
    }
    const router = t.app.getHttpAdapter().getInstance().router;
    const routes: string[] = [];
    for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
      if (!layer.route || layer.route.path.startsWith('/docs') || layer.route.path.includes('*')) continue;
      for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${layer.route.path.replace(/:[A-Za-z]+/g, ':p')}`);
    }
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    const swaggerUi = await t.request('GET', '/docs');
    expect(swaggerUi.status).toBe(200);
  });

  it('answers problem JSON for unknown routes, bad JSON, oversized bodies and missing tokens', async () => {
    const unknown = await t.request('GET', '/api/nothing-here', { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404, title: 'Not found' });

    const badJson = await t.request('POST', '/api/auth/login', { body: '{"email": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.detail).toBe('Request body is not valid JSON');

    const huge = await t.request('POST', '/api/auth/login', { body: { email: 'x'.repeat(400_000), password: 'y' } });
    expect(huge.status).toBe(413);

    const noToken = await t.request('GET', '/api/cases');
    expect(noToken.status).toBe(401);
    expect(JSON.stringify(noToken.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('validates request bodies with the path of each error', async () => {
    const res = await t.request('POST', '/api/agencies', { token: admin, body: { name: '', kind: 'spaceship', webhookUrl: 'ftp://x' } });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['$.kind', '$.name', '$.webhookUrl']);
  });

  it('refuses wrong passwords with 401 and rate-limits repeated failures', async () => {
    const email = `nobody.${Date.now()}@example.org`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await t.request('POST', '/api/auth/login', { body: { email, password: 'wrong-password' } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('lets only administrators create agencies and users', async () => {
    const agency = await t.request('POST', '/api/agencies', { token: admin, body: { name: `City ${Date.now()}`, kind: 'local_authority' } });
    expect(agency.status).toBe(201);
    const password = 'a long enough password';
    const email = `cm.${Date.now()}@example.org`;
    const user = await t.request('POST', '/api/users', {
      token: admin,
      body: { email, name: 'Case Manager', password, agencyId: agency.body.id, roles: ['case_manager'] },
    });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty('password_hash');
    const login = await t.request('POST', '/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email, agencyId: agency.body.id, roles: ['case_manager'] });
    const forbidden = await t.request('POST', '/api/agencies', { token: login.body.accessToken, body: { name: 'X', kind: 'other' } });
    expect(forbidden.status).toBe(403);
  });
});
