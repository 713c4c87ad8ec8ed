import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

// The dashboard's aggregates count only what the caller may see one by one, and the case list's
// `q` finds a person by part of their name.
describe('dashboard aggregates and search by name', () => {
  let t: TestApp;
  let p: Partnership;
  let caseId: string;
  let outsideManager: string;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Marit Van der Berg-Øster' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.coordinator.id, role: 'coordinator' },
          { agencyId: p.agencies.probation.id, role: 'referrer' },
        ],
      },
    });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    expect((await t.request('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } })).status).toBe(201);
    // A case manager of an agency that has nothing to do with the case.
    const email = `outside.${Date.now()}@example.org`;
    expect((await t.request('POST', '/api/users', { token: p.adminToken, body: { email, name: 'Outside manager', password: 'correct horse battery staple', agencyId: p.agencies.housing.id, roles: ['case_manager'] } })).status).toBe(201);
    outsideManager = await t.login(email, 'correct horse battery staple');
  });
  afterAll(() => t.close());

  it('finds the case by part of the name, any case, and not by a LIKE wildcard', async () => {
    for (const q of ['van der', 'BERG-Ø', 'marit']) {
      const res = await t.request('GET', `/api/cases?q=${encodeURIComponent(q)}`, { token: p.tokens.coordinator });
      expect(res.status).toBe(200);
      expect((res.body.items as Array<{ id: string }>).map((c) => c.id)).toContain(caseId);
    }
    const wildcard = await t.request('GET', `/api/cases?q=${encodeURIComponent('%')}`, { token: p.tokens.coordinator });
    expect(wildcard.body.items).toEqual([]);
    // Someone who may not see the case does not find it by name either.
    const outside = await t.request('GET', '/api/cases?q=marit', { token: outsideManager });
    expect(outside.body.items).toEqual([]);
  });

  it('counts the case, its step and its tasks for the lead, and nothing for an outsider', async () => {
    const mine = await t.request('GET', '/api/dashboard/summary', { token: p.tokens.coordinator });
    expect(mine.status).toBe(200);
    expect(mine.body.openCases).toEqual([expect.objectContaining({ pathway: 'referral', pathwayTitle: expect.any(String), stateId: 'screening', stateTitle: 'Screening', cases: 1 })]);
    const agencies = mine.body.agencies as Array<{ agencyId: string; open: number; overdue: number }>;
    expect(agencies.map((a) => a.agencyId).sort()).toEqual([p.agencies.coordinator.id, p.agencies.probation.id].sort());
    expect(agencies.every((a) => a.open >= 1 && a.overdue === 0)).toBe(true);

    const outside = await t.request('GET', '/api/dashboard/summary', { token: outsideManager });
    expect(outside.status).toBe(200);
    expect(outside.body).toMatchObject({ openCases: [], agencies: [], conferences: [] });
    const trend = await t.request('GET', '/api/dashboard/overdue-trend', { token: outsideManager });
    expect(trend.body.series).toEqual([]);
    expect(trend.body.weeks).toHaveLength(12);
  });

  it('shows an overdue task in this week and a conference ahead; audits each read once', async () => {
    const tasks = await t.request('GET', `/api/tasks?status=open&caseId=${caseId}`, { token: p.tokens.coordinator });
    const probation = (tasks.body.items as Array<{ id: string; assigneeAgencyId: string }>).find((x) => x.assigneeAgencyId === p.agencies.probation.id)!;
    const due = new Date(Date.now() - 3 * 86_400_000).toISOString();
    expect((await t.request('PATCH', `/api/tasks/${probation.id}`, { token: p.tokens.coordinator, body: { dueAt: due, reason: 'test' } })).status).toBe(200);
    const at = new Date(Date.now() + 5 * 86_400_000).toISOString();
    expect((await t.request('POST', `/api/cases/${caseId}/conferences`, { token: p.tokens.coordinator, body: { scheduledAt: at } })).status).toBe(201);

    const summary = await t.request('GET', '/api/dashboard/summary', { token: p.tokens.coordinator });
    expect(summary.body.agencies[0]).toMatchObject({ agencyId: p.agencies.probation.id, overdue: 1 });
    expect(summary.body.conferences).toEqual([expect.objectContaining({ caseId, scheduledAt: expect.any(String) })]);

    const trend = await t.request('GET', '/api/dashboard/overdue-trend?weeks=4', { token: p.tokens.coordinator });
    expect(trend.status).toBe(200);
    expect(trend.body.weeks).toHaveLength(4);
    const series = (trend.body.series as Array<{ agencyId: string; counts: number[] }>).find((s) => s.agencyId === p.agencies.probation.id);
    // Due three days ago: overdue at the end of this week only.
    expect(series?.counts).toEqual([0, 0, 0, 1]);

    const steps = await t.request('GET', '/api/dashboard/step-durations', { token: p.tokens.coordinator });
    expect(steps.status).toBe(200);
    // Screening was entered at the start and is still the current step: nothing left yet to count.
    expect(steps.body.items).toEqual([]);

    const me = await t.request('GET', '/api/auth/me', { token: p.tokens.coordinator });
    const audit = await t.request('GET', `/api/audit?action=dashboard.read&userId=${me.body.id}`, { token: p.adminToken });
    expect((audit.body.items as Array<{ resourceId: string }>).map((e) => e.resourceId).sort()).toEqual(
      ['overdue-trend', 'step-durations', 'summary', 'summary'].sort(),
    );
  });

  it('refuses a bad week count with problem JSON', async () => {
    const res = await t.request('GET', '/api/dashboard/overdue-trend?weeks=0', { token: p.tokens.coordinator });
    expect(res.status).toBe(400);
  });
});
