import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Housekeeping } from '../../apps/worker/src/housekeeping/housekeeping.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('purges old relayed outbox rows, idempotent responses, login attempts and login counters, and keeps recent and pending ones', async () => {
    const mark = randomUUID();
    await t.db.query(
      `INSERT INTO outbox (topic, job_id, payload, relayed_at) VALUES
         ('remove:timers', $1 || '-old', '{}', now() - interval '2 days'),
         ('remove:timers', $1 || '-recent', '{}', now() - interval '1 hour'),
         ('remove:timers', $1 || '-pending', '{}', NULL)`,
      [mark],
    );
    const user = randomUUID();
    await t.db.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response, created_at) VALUES
         ($1, 'old', 'h', 200, '{}', now() - interval '2 days'), ($1, 'recent', 'h', 200, '{}', now())`,
      [user],
    );
    await t.db.query(
      `INSERT INTO login_attempts (email, succeeded, at) VALUES ($1, false, now() - interval '3 days'), ($1, false, now())`,
      [`${mark}@example.org`],
    );

    await t.db.query(
      `INSERT INTO auth_throttle (key, hits, window_start, updated_at) VALUES ($1 || '-old', 3, now() - interval '2 days', now() - interval '2 days'),
         ($1 || '-recent', 3, now(), now())`,
      [mark],
    );

    const purged = await t.app.get(Housekeeping).run();
    expect(purged.outbox).toBeGreaterThanOrEqual(1);

    const outbox = await t.db.query(`SELECT job_id FROM outbox WHERE job_id LIKE $1 || '%' ORDER BY job_id`, [mark]);
    expect(outbox.map((r: { job_id: string }) => r.job_id)).toEqual([`${mark}-pending`, `${mark}-recent`]);
    const keys = await t.db.query(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [user]);
    expect(keys).toEqual([{ key: 'recent' }]);
    const attempts = await t.db.query(`SELECT count(*)::int AS n FROM login_attempts WHERE email = $1`, [`${mark}@example.org`]);
    expect(attempts[0].n).toBe(1);
    const counters = await t.db.query(`SELECT key FROM auth_throttle WHERE key LIKE $1 || '%'`, [mark]);
    expect(counters).toEqual([{ key: `${mark}-recent` }]);
  });
});
