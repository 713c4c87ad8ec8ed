import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_QUEUES } from '../../libs/core/src/queue/queue-registry.js';
import { QueueService } from '../../libs/core/src/queue/queue.service.js';
import { ADMIN, eventually, startTestApp, type TestApp } from '../support/app.js';
import { firstOf } from '../support/defined.js';
import { hasRedisServer, OwnRedis, PgProxy } from '../support/outages.js';
import { parsePrometheusText, samplesOf } from '../support/prometheus.js';

/**
 * GET /health says 503 when the database or the queue backend does not answer, and 200 again once
 * they do — shown with real outages: a Redis server of the test's own that it kills and restarts,
 * and a TCP proxy in front of PostgreSQL that it cuts and restores.
 */

const health = (t: TestApp) => t.request<{ status: string; database: string; queue: { backend: string; status: string } }>('GET', '/health');

async function scrape(t: TestApp, token: string) {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, families: parsePrometheusText(await res.text()) };
}

const sourceUp = (families: ReturnType<typeof parsePrometheusText>, source: string) =>
  samplesOf(families, 'convene_scrape_source_up', { source })[0]?.value;

const QUEUE_DOWN = 'queue backend (Redis) down';
const describeRedis = hasRedisServer() ? describe : describe.skip;
if (!hasRedisServer()) console.warn(`note: redis-server is not on PATH; "${QUEUE_DOWN}" is skipped`);

describeRedis(`/health: ${QUEUE_DOWN}`, () => {
  let redis: OwnRedis;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    t = await startTestApp({ REDIS_URL: redis.url });
    admin = await t.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await redis.up(); // lets the queues close cleanly
    await t.close();
    await redis.down();
  });

  it('answers 503 naming the queue while Redis is gone, metrics still scrape, and 200 after it is back', async () => {
    expect(await health(t)).toMatchObject({ status: 200, body: { status: 'ok', database: 'up', queue: { backend: 'redis', status: 'up' } } });

    await redis.down();
    const down = await eventually(async () => {
      const res = await health(t);
      return res.status === 503 && res;
    }, 15_000, '503 from /health');
    expect(down.body).toEqual({ status: 'unavailable', database: 'up', queue: { backend: 'redis', status: 'down' } });

    // A scrape still answers: what the database says, and the queue gauges as unknown.
    const during = await scrape(t, admin);
    expect(during.status).toBe(200);
    expect(sourceUp(during.families, 'queue')).toBe(0);
    expect(sourceUp(during.families, 'database')).toBe(1);
    expect(firstOf(samplesOf(during.families, 'convene_queue_jobs', { queue: 'timers', state: 'waiting' }), 'convene_queue_jobs').value).toBeNaN();
    expect(Number.isInteger(firstOf(samplesOf(during.families, 'convene_outbox_unrelayed'), 'convene_outbox_unrelayed').value)).toBe(true);

    await redis.up();
    const back = await eventually(async () => {
      const res = await health(t);
      return res.status === 200 && res;
    }, 30_000, '200 from /health after Redis came back');
    expect(back.body).toMatchObject({ status: 'ok', queue: { status: 'up' } });
    // The workers reconnect too: every queue has its worker again. (Closing the app while they are
    // still reconnecting can hang BullMQ's worker shutdown, so the test waits for them here.)
    const queues = t.app.get(QueueService);
    await eventually(async () => (await Promise.all(ALL_QUEUES.map((q) => queues.queue(q).getWorkers()))).every((w) => w.length > 0), 30_000, 'workers back on every queue');
    const after = await scrape(t, admin);
    expect(sourceUp(after.families, 'queue')).toBe(1);
    expect(Number.isInteger(firstOf(samplesOf(after.families, 'convene_queue_jobs', { queue: 'timers', state: 'waiting' }), 'convene_queue_jobs').value)).toBe(true);
  });
});

describe('/health: database unreachable', () => {
  let proxy: PgProxy;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    proxy = await PgProxy.start(process.env.DATABASE_URL!);
    // Everything of this app reaches PostgreSQL through the proxy: the API, the worker, and the
    // queue too when BullMQ runs on PostgreSQL (no REDIS_URL).
    t = await startTestApp({ DATABASE_URL: proxy.urlFor(process.env.DATABASE_URL!) });
    admin = await t.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.cut();
  });

  it('answers 503 while PostgreSQL cannot be reached, and 200 once it can again', async () => {
    const queueBackend = process.env.REDIS_URL ? 'redis' : 'postgres';
    expect(await health(t)).toMatchObject({ status: 200, body: { status: 'ok', database: 'up', queue: { backend: queueBackend, status: 'up' } } });

    await proxy.cut();
    const down = await eventually(async () => {
      const res = await health(t);
      return res.status === 503 && res;
    }, 15_000, '503 from /health');
    expect(down.body).toMatchObject({ status: 'unavailable', database: 'down', queue: { backend: queueBackend } });
    // On Redis the queue still answers; on PostgreSQL it is the same unreachable server.
    expect(down.body.queue.status).toBe(queueBackend === 'redis' ? 'up' : 'down');

    await proxy.restore();
    const back = await eventually(async () => {
      const res = await health(t);
      return res.status === 200 && res;
    }, 30_000, '200 from /health after PostgreSQL came back');
    expect(back.body).toEqual({ status: 'ok', database: 'up', queue: { backend: queueBackend, status: 'up' } });
    // And the app serves again, token checks (a database read) included.
    const after = await scrape(t, admin);
    expect(after.status).toBe(200);
    expect(sourceUp(after.families, 'database')).toBe(1);
  });
});
