import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigError, parseConfig } from '../../libs/core/src/config/config.schema.js';
import { WorkerMetricsModule, WorkerMetricsServer } from '../../libs/core/src/metrics/worker-metrics.module.js';
import { ALL_QUEUES } from '../../libs/core/src/queue/queue-registry.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { defined, firstOf } from '../support/defined.js';
import { parsePrometheusText, samplesOf, type MetricFamily } from '../support/prometheus.js';

const METRICS_TOKEN = `metrics-${randomUUID()}`;
const STATES = ['waiting', 'delayed', 'active', 'failed'];

async function scrape(t: TestApp, token?: string): Promise<{ status: number; contentType: string | null; text: string }> {
  const res = await fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** Everything a well-formed Convene scrape holds, whichever process serves it. */
function expectConveneMetrics(families: Map<string, MetricFamily>) {
  for (const f of families.values()) expect({ name: f.name, help: typeof f.help === 'string' && f.help.length > 0 }).toEqual({ name: f.name, help: true });
  for (const name of [
    'convene_http_request_duration_seconds',
    'convene_queue_jobs',
    'convene_outbox_unrelayed',
    'convene_deliveries_total',
    'convene_timer_lateness_seconds',
    'convene_reminder_lateness_seconds',
    'convene_reconciler_repairs_total',
    'convene_scrape_source_up',
    'convene_process_cpu_user_seconds_total',
    'convene_nodejs_eventloop_lag_seconds',
  ]) {
    expect({ name, present: families.has(name) }).toEqual({ name, present: true });
  }
  expect(families.get('convene_http_request_duration_seconds')!.type).toBe('histogram');
  expect(families.get('convene_timer_lateness_seconds')!.type).toBe('histogram');
  expect(families.get('convene_queue_jobs')!.type).toBe('gauge');
  for (const queue of ALL_QUEUES) {
    for (const state of STATES) {
      const [sample] = samplesOf(families, 'convene_queue_jobs', { queue, state });
      expect({ queue, state, value: sample !== undefined && Number.isInteger(sample.value) && sample.value >= 0 }).toEqual({ queue, state, value: true });
    }
  }
  const outbox = firstOf(samplesOf(families, 'convene_outbox_unrelayed'), 'convene_outbox_unrelayed');
  expect(Number.isInteger(outbox.value) && outbox.value >= 0).toBe(true);
  expect(samplesOf(families, 'convene_scrape_source_up').map((s) => [s.labels.source, s.value]).sort()).toEqual([
    ['database', 1],
    ['queue', 1],
  ]);
}

describe('operations: GET /metrics and the queue dashboard', () => {
  let t: TestApp;
  let p: Partnership;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  });
  afterAll(() => t.close());

  describe('GET /metrics', () => {
    it('serves a well-formed exposition with route templates, queue gauges and the outbox gauge', async () => {
      const caseId = randomUUID();
      expect((await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator })).status).toBe(404);
      expect((await t.request('GET', '/api/agencies', { token: p.tokens.probation })).status).toBe(200);
      expect((await t.request('GET', '/api/agencies')).status).toBe(401);
      expect((await t.request('GET', `/api/no-such-thing/${caseId}`, { token: p.adminToken })).status).toBe(404);
      expect((await t.request('POST', '/api/cases', { token: p.tokens.coordinator, body: '{"not json' })).status).toBe(400);

      const res = await scrape(t, p.adminToken);
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      const families = parsePrometheusText(res.text);
      expectConveneMetrics(families);

      const count = (labels: Record<string, string>) => samplesOf(families, 'convene_http_request_duration_seconds_count', labels)[0]?.value ?? 0;
      expect(count({ method: 'GET', route: '/api/cases/:id', status: '404' })).toBeGreaterThanOrEqual(1);
      expect(count({ method: 'GET', route: '/api/agencies', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(count({ method: 'GET', route: '/api/agencies', status: '401' })).toBeGreaterThanOrEqual(1);
      expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
      // Malformed JSON is refused by the body parser, before any route matched.
      expect(count({ method: 'POST', route: 'unmatched', status: '400' })).toBeGreaterThanOrEqual(1);
      // Route labels are templates: no id anyone sent ever becomes a label.
      const routes = new Set(families.get('convene_http_request_duration_seconds')!.samples.map((s) => s.labels.route));
      for (const route of routes) expect(route).toMatch(/^(\/[A-Za-z0-9_:.-]*)+$|^unmatched$|^static$/);
      expect([...routes].some((r) => r !== undefined && /[0-9a-f]{8}-[0-9a-f]{4}/.test(r))).toBe(false);
    });

    it('counts the outbox rows not yet relayed, as the database says', async () => {
      const unrelayed = async () => firstOf(await t.db.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL'), 'outbox count').n;
      // The relay runs meanwhile: compare at a moment the count stands still around the scrape.
      await eventually(async () => {
        const before = await unrelayed();
        const sample = firstOf(samplesOf(parsePrometheusText((await scrape(t, p.adminToken)).text), 'convene_outbox_unrelayed'), 'convene_outbox_unrelayed');
        return before === (await unrelayed()) && sample.value === before;
      }, 10_000, 'the gauge to equal the database count');
    });

    it('answers administrators, refuses case managers and staff (403), and needs a token (401)', async () => {
      expect((await scrape(t, p.adminToken)).status).toBe(200);
      for (const token of [p.tokens.coordinator, p.tokens.probation, p.tokens.police]) {
        const res = await t.request('GET', '/metrics', { token });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 403, detail: expect.any(String) });
      }
      const anonymous = await t.request('GET', '/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      // No METRICS_TOKEN configured: no other token gets in.
      expect((await t.request('GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(401);
    });

    it('is documented in OpenAPI under operations, with its text response', async () => {
      const doc = (await t.request('GET', '/docs-json', { headers: { accept: 'application/json' } })).body;
      const op = doc.paths['/metrics'].get;
      expect(op.tags).toEqual(['operations']);
      expect(Object.keys(op.responses['200'].content)[0]).toMatch(/^text\/plain/);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
      expect(doc.paths['/api/admin/queue-dashboard/session'].post.tags).toEqual(['operations']);
    });
  });

  describe('queue dashboard at /admin/queues', () => {
    const page = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers, redirect: 'manual' });

    it('shows administrators (bearer) the dashboard and every queue through its API', async () => {
      const html = await page('/admin/queues', { authorization: `Bearer ${p.adminToken}`, accept: 'text/html' });
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await html.text();
      expect(text).toContain('<base href="/admin/queues/"');
      expect(text).toContain('Convene queues');

      const api = await t.request('GET', '/admin/queues/api/queues', { token: p.adminToken });
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
      for (const q of api.body.queues) expect(q.counts).toMatchObject({ waiting: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number) });
    });

    it('opens for a browser through the session cookie: HttpOnly, SameSite=Strict, scoped to /admin/queues', async () => {
      const session = await fetch(`${t.url}/api/admin/queue-dashboard/session`, { method: 'POST', headers: { authorization: `Bearer ${p.adminToken}` } });
      expect(session.status).toBe(204);
      const setCookie = session.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^convene_queue_dashboard=[^;]+;/);
      expect(setCookie).toMatch(/; Path=\/admin\/queues(;|$)/);
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; SameSite=Strict/);
      const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(900);
      const cookie = firstOf(setCookie.split(';'), 'set-cookie');

      const html = await page('/admin/queues/', { cookie, accept: 'text/html' });
      expect(html.status).toBe(200);
      expect(await html.text()).toContain('<base href="/admin/queues/"');
      const api = await page('/admin/queues/api/queues', { cookie, accept: 'application/json' });
      expect(api.status).toBe(200);
      expect(((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
      // The dashboard's own static files come through the same gate.
      const favicon = defined(/href="(static\/[^"]+)"/.exec(await (await page('/admin/queues/', { cookie })).text())?.[1], 'the dashboard’s static link');
      expect((await page(`/admin/queues/${favicon}`, { cookie })).status).toBe(200);
      expect((await page(`/admin/queues/${favicon}`)).status).toBe(401);
      // The cookie is only good for the dashboard: the API does not read cookies.
      expect((await page('/api/agencies', { cookie })).status).toBe(401);
    });

    it('refuses case managers and staff (403), anyone else (401), and forged cookies', async () => {
      for (const token of [p.tokens.coordinator, p.tokens.probation]) {
        const bearer = await t.request('GET', '/admin/queues/api/queues', { token });
        expect(bearer.status).toBe(403);
        expect(bearer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        // A non-admin's token in the cookie is refused too: the cookie's holder is checked, not its presence.
        expect((await page('/admin/queues/api/queues', { cookie: `convene_queue_dashboard=${token}` })).status).toBe(403);
        expect((await t.request('POST', '/api/admin/queue-dashboard/session', { token })).status).toBe(403);
      }
      const anonymous = await t.request('GET', '/admin/queues/api/queues');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ status: 401, type: expect.stringContaining('unauthorized') });
      expect((await t.request('POST', '/api/admin/queue-dashboard/session')).status).toBe(401);
      expect((await page('/admin/queues/api/queues', { cookie: 'convene_queue_dashboard=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged' })).status).toBe(401);
      // A POST action of bull-board (retry all failed) is gated the same way.
      const retry = await fetch(`${t.url}/admin/queues/api/queues/timers/retry/failed`, { method: 'PUT', headers: { authorization: `Bearer ${p.tokens.coordinator}` } });
      expect(retry.status).toBe(403);
    });

    it('answers a browser without a session with a sign-in page (401), never the web app', async () => {
      const res = await page('/admin/queues', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await res.text();
      expect(text).toContain('/api/admin/queue-dashboard/session');
      expect(text).toContain('<form id="sign-in">');
      const metrics = await page('/metrics', { accept: 'text/html' });
      expect(metrics.status).toBe(401);
    });

    it('works through the sign-in page’s own calls (login, session, dashboard) and ends with the session', async () => {
      const login = await t.request('POST', '/api/auth/login', { body: { email: 'admin@convene.local', password: 'convene-admin' } });
      const session = await fetch(`${t.url}/api/admin/queue-dashboard/session`, { method: 'POST', headers: { authorization: `Bearer ${login.body.accessToken}` } });
      const cookie = firstOf(session.headers.get('set-cookie')!.split(';'), 'set-cookie');
      expect((await page('/admin/queues', { cookie, accept: 'text/html' })).status).toBe(200);
      // The cookie is that session's access token: logging out shuts the dashboard at once.
      expect((await t.request('POST', '/api/auth/logout', { token: login.body.accessToken })).status).toBe(204);
      expect((await page('/admin/queues/api/queues', { cookie })).status).toBe(401);
    });
  });
});

describe('operations: METRICS_TOKEN', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN });
    admin = (await seedPartnership(t)).adminToken;
  });
  afterAll(() => t.close());

  it('lets a scraper in with METRICS_TOKEN, administrators still, wrong tokens not', async () => {
    const res = await scrape(t, METRICS_TOKEN);
    expect(res.status).toBe(200);
    expectConveneMetrics(parsePrometheusText(res.text));
    expect((await scrape(t, admin)).status).toBe(200);
    expect((await scrape(t, `${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(t)).status).toBe(401);
    // METRICS_TOKEN opens /metrics only: not the API, not the dashboard.
    expect((await t.request('GET', '/api/agencies', { token: METRICS_TOKEN })).status).toBe(401);
    expect((await t.request('GET', '/admin/queues/api/queues', { token: METRICS_TOKEN })).status).toBe(401);
  });
});

describe('operations: a standalone worker’s /metrics (WORKER_METRICS_PORT)', () => {
  it('refuses WORKER_METRICS_PORT without METRICS_TOKEN at start', () => {
    let error: unknown;
    try {
      parseConfig({ ...process.env, METRICS_TOKEN: '', WORKER_METRICS_PORT: '9464' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([{ variable: 'WORKER_METRICS_PORT', message: expect.stringContaining('METRICS_TOKEN') }]);
  });

  it('serves the same metrics on its own port with METRICS_TOKEN, and nothing without it', async () => {
    // Built as apps/worker/src/main.ts builds the standalone worker.
    const config = parseConfig({ ...process.env, METRICS_TOKEN, WORKER_METRICS_PORT: '0', LOG_LEVEL: 'silent' });
    @Module({})
    class WorkerProcess {}
    const app: INestApplicationContext = await NestFactory.createApplicationContext(
      { module: WorkerProcess, imports: [WorkerModule.forRoot(config), WorkerMetricsModule.forRoot(config)] },
      { logger: false },
    );
    await app.init();
    try {
      const url = `http://127.0.0.1:${app.get(WorkerMetricsServer).port}/metrics`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expectConveneMetrics(parsePrometheusText(await res.text()));
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
      expect((await fetch(url.replace('/metrics', '/health'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
