import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/**
 * The lawful basis is one kept record per case (docs/governance.md): PATCH /api/cases/:id and the
 * referral's RECORD_BASIS write the same one, every change is kept with who and when, and `none`
 * (consent withdrawn) stops notifications to every agency but the lead, saying why on the case.
 */
describe('lawful basis', () => {
  let t: TestApp;
  let p: Partnership;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  }, 30_000);
  afterAll(() => t.close());

  async function openCase() {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Basis Person' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.police.id, role: 'referrer' },
          { agencyId: p.agencies.police.id, role: 'police' },
          { agencyId: p.agencies.probation.id, role: 'probation' },
        ],
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  const notified = async (caseId: string, conferenceId: string) =>
    ((await t.request('GET', `/api/cases/${caseId}/timeline?limit=200`, { token: p.tokens.coordinator })).body.items as Array<{ kind: string; conferenceId?: string; agencyId: string; notificationKind?: string }>)
      .filter((i) => i.kind === 'notification_sent' && i.conferenceId === conferenceId)
      .map((i) => `${i.notificationKind}:${i.agencyId}`)
      .sort();

  it('keeps every change, and while it is "none" notifies only the lead agency, saying why', async () => {
    const caseId = await openCase();
    const withdrawn = await t.request('PATCH', `/api/cases/${caseId}`, { token: p.tokens.coordinator, body: { lawfulBasis: { basis: 'none', note: 'consent withdrawn by letter' } } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.lawfulBasis).toMatchObject({ basis: 'none', note: 'consent withdrawn by letter', recordedBy: p.users.coordinator.id, source: 'api' });
    expect(withdrawn.body.notificationsWithheld).toMatchObject({ reason: expect.stringContaining('lead') });

    const conference = await t.request('POST', `/api/cases/${caseId}/conferences`, { token: p.tokens.coordinator, body: { scheduledAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    expect(conference.status).toBe(201);
    expect(await notified(caseId, conference.body.id)).toEqual([`conference_invitation:${p.agencies.coordinator.id}`]);

    const consent = await t.request('PATCH', `/api/cases/${caseId}`, { token: p.tokens.coordinator, body: { lawfulBasis: { basis: 'consent' } } });
    expect(consent.body.notificationsWithheld).toBeNull();
    expect(consent.body.lawfulBasisHistory.map((h: { basis: string }) => h.basis)).toEqual(['consent', 'none']);
    const moved = await t.request('PATCH', `/api/conferences/${conference.body.id}`, { token: p.tokens.coordinator, body: { scheduledAt: new Date(Date.now() + 8 * 86_400_000).toISOString() } });
    expect(moved.status).toBe(200);
    const after = await notified(caseId, conference.body.id);
    for (const agency of [p.agencies.police.id, p.agencies.probation.id]) expect(after).toContain(`conference_changed:${agency}`);

    // Staff may not change it; an unknown basis is refused.
    expect((await t.request('PATCH', `/api/cases/${caseId}`, { token: p.tokens.police, body: { lawfulBasis: { basis: 'consent' } } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/cases/${caseId}`, { token: p.tokens.coordinator, body: { lawfulBasis: { basis: 'because' } } })).status).toBe(400);
  });

  it("is what the referral's RECORD_BASIS writes: one record, on the case", async () => {
    const caseId = await openCase();
    const started = await t.request('POST', `/api/cases/${caseId}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } });
    const instanceId = started.body.instanceId as string;
    const tasks = (await t.request('GET', `/api/tasks?caseId=${caseId}&status=open`, { token: p.tokens.coordinator })).body.items as Array<{ id: string; assigneeAgencyId: string }>;
    for (const task of tasks) {
      const token = task.assigneeAgencyId === p.agencies.police.id ? p.tokens.police : p.tokens.coordinator;
      expect((await t.request('POST', `/api/tasks/${task.id}/complete`, { token, body: { outcome: 'done' } })).status).toBe(200);
    }
    const send = (type: string, data: Record<string, unknown>) => t.request('POST', `/api/cases/${caseId}/events`, { token: p.tokens.coordinator, body: { instanceId, type, data } });
    expect((await send('ACCEPT', { acceptanceReason: 'meets the criteria' })).status).toBe(200);
    const recorded = await send('RECORD_BASIS', { basis: 'public_task', rationale: 'statutory duty' });
    expect(recorded.status).toBe(200);
    const detail = (await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator })).body;
    expect(detail.lawfulBasis).toMatchObject({ basis: 'public_task', note: 'statutory duty', source: 'pathway' });
    expect(detail.lawfulBasisHistory).toEqual([expect.objectContaining({ basis: 'public_task', source: 'pathway', instanceId, recordedBy: p.users.coordinator.id })]);
    const [row] = await t.db.query(`SELECT snapshot->'context' AS context FROM pathway_instances WHERE id = $1`, [instanceId]);
    expect(row.context ?? {}).not.toHaveProperty('basis');
  });
});
