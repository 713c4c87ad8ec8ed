import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

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

const PARAM_VALUES = ['not-a-uuid', randomUUID(), '..%2F..%2Fetc%2Fpasswd', '99999999999999999999', '%00', 'referral'];

describe('hostile input never causes a 500', () => {
  let t: TestApp;
  let p: Partnership;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const doc = (await t.request('GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
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
});
