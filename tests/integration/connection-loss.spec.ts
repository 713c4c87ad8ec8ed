import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/**
 * PostgreSQL takes connections away (failover, restart, an operator terminating backends): reads
 * are answered anyway (run again on a fresh connection), writes answer 503 with `retryable: true`,
 * nothing answers 500, and the process lives on.
 */
describe('database connections lost under load', () => {
  let t: TestApp;
  let p: Partnership;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const created = await t.request<{ id: string }>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Loss Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    caseId = created.body.id;
    await t.request('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } });
  });
  afterAll(() => t?.close());

  it('answers reads and refuses writes cleanly while backends are terminated, and keeps running', async () => {
    const admin = t.db; // the killer uses the app's own pool: its own backend is spared by pg_backend_pid()
    let stop = false;
    let terminated = 0;
    const killer = (async () => {
      while (!stop) {
        const rows = await admin
          .query<Array<{ n: number }>>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
                   WHERE datname = current_database() AND application_name = 'convene' AND pid <> pg_backend_pid()`)
          .catch(() => [{ n: 0 }]);
        terminated += rows[0]?.n ?? 0;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const statuses: Record<string, number[]> = { reads: [], writes: [] };
    const bodies: unknown[] = [];
    const deadline = Date.now() + 4_000;
    while (Date.now() < deadline) {
      const batch = await Promise.all([
        t.request('GET', `/api/cases/${caseId}/reminders`, { token: p.tokens.coordinator }),
        t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator }),
        t.request('GET', '/api/cases', { token: p.tokens.coordinator }),
        t.request('POST', `/api/cases/${caseId}/conferences`, { token: p.tokens.coordinator, body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() } }),
      ]);
      batch.slice(0, 3).forEach((r) => statuses.reads!.push(r.status));
      statuses.writes!.push(batch[3].status);
      for (const r of batch) if (r.status >= 500) bodies.push(r.body);
    }
    stop = true;
    await killer;
    expect(terminated).toBeGreaterThan(5);
    expect(statuses.reads!.filter((s) => s === 500)).toEqual([]);
    expect(statuses.writes!.filter((s) => s === 500)).toEqual([]);
    // Most reads are answered (each is tried up to three times; one whose every attempt lost its
    // connection, or whose sign-in check did, answers 503 like a write); anything else is a 503 that says it may be retried.
    expect(statuses.reads!.filter((s) => s === 200).length / statuses.reads!.length).toBeGreaterThan(0.6);
    expect([...statuses.reads!, ...statuses.writes!].filter((s) => s !== 200 && s !== 201 && s !== 503)).toEqual([]);
    for (const body of bodies) expect(body).toMatchObject({ status: 503, retryable: true });
    expect((await t.request('GET', '/health')).status).toBe(200);
  });
});
