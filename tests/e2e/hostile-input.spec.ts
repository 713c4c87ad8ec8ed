import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, unique, type ApiResponse, type Partnership, type TestApp } from '../support/app.js';

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** Bodies no client should send; every one must get a 4xx problem, never a 500. */
const BODIES: Array<[string, string]> = [
  ['empty object', '{}'],
  ['array', '[1,2,3]'],
  ['string', '"hello"'],
  ['null', 'null'],
  ['number', '12345678901234567890'],
  ['wrong types', JSON.stringify({ name: 42, kind: [], subject: 'x', participants: {}, definition: 7, scheduledAt: true, agencyId: {}, type: null, instanceId: 5, data: 'x', roles: 'admin', key: ['a'] })],
  ['prototype keys', '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'],
  ['deep nesting', JSON.stringify({ definition: JSON.parse(deep(500)), data: JSON.parse(deep(500)) })],
  ['long strings', JSON.stringify({ name: 'x'.repeat(100_000), email: `${'a'.repeat(5000)}@x.org`, text: 'y'.repeat(100_000) })],
];

/** Sends bytes fetch would refuse to send (a NUL in a header) and reads the answer until the server closes. */
function rawRequest(url: string, request: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...body] = text.split('\r\n\r\n'); // split always yields at least one part
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body: body.join('\r\n\r\n') });
    });
  });
}

/** A 4xx problem JSON answer with the given status, as every refusal must be. */
function expectProblem(res: ApiResponse, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

const PARAM_VALUES = ['not-a-uuid', randomUUID(), '..%2F..%2Fetc%2Fpasswd', '99999999999999999999', '%00', 'referral'];

describe('hostile input never causes a 500', () => {
  let t: TestApp;
  let p: Partnership;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const doc = (await t.request('GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })))
      // Logging out ends the very sessions this walk sends its requests with (it takes no input; the fuzz test covers it).
      .filter((r) => r.path !== '/api/auth/logout');
  });
  afterAll(() => t.close());

  it('answers every documented route with malformed parameters, bodies and queries without a 500 or a stack trace', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const tokens = [p.adminToken, p.tokens.coordinator, p.tokens.probation];
    for (const route of routes) {
      for (const [i, value] of PARAM_VALUES.entries()) {
        const junkQuery = i % 2 === 1 ? '?status=%FF&limit=-1&offset=abc&overdue=maybe&from=yesterday&highlight=' + 'x'.repeat(600) : '';
        const path = route.path.replace(/\{[^}]+\}/g, value) + junkQuery;
        const bodies = route.method === 'GET' || route.method === 'DELETE' ? [['none', undefined] as const] : BODIES;
        for (const [label, body] of bodies) {
          const res = await t.request(route.method, path, { token: tokens[i % tokens.length], body });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
          if (res.status >= 500 || /\bat .+\.(ts|js):\d+/.test(text)) failures.push(`${route.method} ${route.path} [${value}] ${label} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The requests reached handlers (404s for unknown ids, 403s for roles, 200s), not only validation.
    for (const status of [200, 400, 403, 404]) expect(statuses.get(status)).toBeGreaterThan(0);
  });

  describe('strings PostgreSQL cannot store are refused at the edge with the path of the field', () => {
    it('refuses a NUL in the login email before anything is looked up, without a token', async () => {
      const res = await t.request('POST', '/api/auth/login', { body: { email: 'x\u0000@y.example', password: 'p' } });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ path: '$.email', message: expect.stringMatching(/NUL/) }]);
    });

    it('refuses NUL in agency and user names, and stores neither', async () => {
      const name = `${unique('agency')}\u0000`;
      const agency = await t.request('POST', '/api/agencies', { token: p.adminToken, body: { name, kind: 'police' } });
      expectProblem(agency, 400);
      expect(agency.body.errors).toEqual([{ path: '$.name', message: expect.stringMatching(/NUL/) }]);
      const user = await t.request('POST', '/api/users', {
        token: p.adminToken,
        body: { email: `nul.${randomUUID().slice(0, 8)}@example.org`, name: 'Nul\u0000Name', password: 'correct horse battery staple', agencyId: p.agencies.police.id, roles: ['agency_staff'] },
      });
      expectProblem(user, 400);
      expect(user.body.errors).toEqual([{ path: '$.name', message: expect.stringMatching(/NUL/) }]);
      const agencies = await t.request('GET', '/api/agencies', { token: p.adminToken });
      expect(agencies.body.items.map((a: { name: string }) => a.name)).not.toContain(name);
    });

    it('refuses a lone surrogate in a case subject name, naming $.subject.name', async () => {
      const res = await t.request('POST', '/api/cases', {
        token: p.tokens.coordinator,
        body: { subject: { name: '\ud800' }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
      });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ path: '$.subject.name', message: expect.stringMatching(/surrogate/) }]);
    });

    it('refuses a NUL in a query parameter, naming it and saying it is the query', async () => {
      const res = await t.request('GET', '/api/cases?q=a%00b', { token: p.tokens.coordinator });
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/^Query/);
      expect(res.body.errors).toEqual([{ path: '$.q', message: expect.stringMatching(/NUL/) }]);
    });

    it('refuses event data nested 10,000 levels deep', async () => {
      const created = await t.request('POST', '/api/cases', {
        token: p.tokens.coordinator,
        body: { subject: { name: 'Deep Data' }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
      });
      const body = `{"instanceId":"${randomUUID()}","type":"ACCEPT","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
      const res = await t.request('POST', `/api/cases/${created.body.id}/events`, { token: p.tokens.coordinator, body });
      expectProblem(res, 400);
      expect(res.body.errors[0].message).toMatch(/nested too deeply/);
    });

    it('answers a NUL in a header (here Idempotency-Key) with a 400 problem, before any route', async () => {
      const res = await rawRequest(t.url, `POST /api/cases/${randomUUID()}/events HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\u0000b\r\nContent-Length: 2\r\n\r\n{}`);
      expect(res.status).toBe(400);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(res.body)).toMatchObject({ status: 400, title: 'Bad request' });
    });
  });

  describe('requests too large for the server answer problem JSON', () => {
    it('answers a URL over 16 KB with a 431 problem', async () => {
      const res = await t.request('GET', `/api/cases?q=${'x'.repeat(17 * 1024)}`, { token: p.tokens.coordinator });
      expectProblem(res, 431);
    });

    it('answers headers over 16 KB with a 431 problem', async () => {
      const res = await t.request('GET', '/api/cases', { token: p.tokens.coordinator, headers: { 'x-padding': 'x'.repeat(17 * 1024) } });
      expectProblem(res, 431);
    });

    it('answers a body over 256 KB with a 413 problem', async () => {
      const res = await t.request('POST', '/api/cases', { token: p.tokens.coordinator, body: { subject: { name: 'x'.repeat(300 * 1024) } } });
      expectProblem(res, 413);
    });
  });
});
