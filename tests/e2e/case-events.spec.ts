import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { firstOf } from '../support/defined.js';

describe('advancing a case: tasks, guards, idempotency and concurrency', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  });
  afterAll(() => t.close());

  async function openReferral() {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Test Person', dateOfBirth: '1990-02-03' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.police.id, role: 'police' },
          { agencyId: p.agencies.police.id, role: 'referrer' },
          { agencyId: p.agencies.probation.id, role: 'probation' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } });
    expect(started.status).toBe(201);
    return { caseId: created.body.id as string, instanceId: started.body.instanceId as string, reference: created.body.reference as string };
  }

  const tasksOf = async (token: string, caseId: string) =>
    (await t.request('GET', `/api/tasks?caseId=${caseId}&status=open`, { token })).body.items as Array<{ id: string; title: string; assigneeAgencyId: string }>;

  it('opens a case with a readable reference and the lead agency as coordinator', async () => {
    const { caseId, reference } = await openReferral();
    expect(reference).toMatch(/^CNV-\d{4}-\d{4,}$/);
    const detail = await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator });
    expect(detail.status).toBe(200);
    expect(detail.body.status).toBe('open');
    expect(detail.body.participants).toEqual(
      expect.arrayContaining([expect.objectContaining({ agencyId: p.agencies.coordinator.id, role: 'coordinator' })]),
    );
    const [referral] = detail.body.pathways;
    expect(referral).toMatchObject({ key: 'referral', version: 1, state: 'screening', status: 'active', revision: 1 });
    expect(referral.allowedEvents.map((e: { type: string }) => e.type)).not.toContain('ACCEPT');
    const accept = referral.availableEvents.find((e: { type: string }) => e.type === 'ACCEPT');
    expect(accept).toMatchObject({ enabled: false });
    expect(accept.reason).toMatch(/task/i);
  });

  it('points at an earlier case of the same person opened within 12 months', async () => {
    const subject = { name: `Repeat Person ${randomUUID().slice(0, 6)}`, dateOfBirth: '1988-05-06' };
    const open = (name: string, dateOfBirth?: string) =>
      t.request('POST', '/api/cases', {
        token: p.tokens.coordinator,
        body: { subject: { name, ...(dateOfBirth ? { dateOfBirth } : {}) }, leadAgencyId: p.agencies.coordinator.id, participants: [] },
      });
    const first = await open(subject.name, subject.dateOfBirth);
    expect(first.body.possibleRepeatOf).toEqual([]);
    const second = await open(subject.name.toUpperCase(), subject.dateOfBirth);
    expect(second.body.possibleRepeatOf).toEqual([expect.objectContaining({ id: first.body.id, reference: first.body.reference })]);
    const otherPerson = await open(subject.name, '1999-01-01');
    expect(otherPerson.body.possibleRepeatOf).toEqual([]);
  });

  it('refuses a guarded event with 422 and the reason, then allows it once the tasks are done', async () => {
    const { caseId, instanceId } = await openReferral();
    const refused = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.coordinator,
      body: { instanceId, type: 'ACCEPT' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/not every task of 'Screening' is done \(2 open\)/);

    // The referrer (police) sees only its own task; the city completes its own.
    const policeTasks = await tasksOf(p.tokens.police, caseId);
    expect(policeTasks.map((x) => x.title)).toHaveLength(1);
    const policeTask = firstOf(policeTasks, 'police tasks');
    expect(policeTask.assigneeAgencyId).toBe(p.agencies.police.id);
    const cityTasks = await tasksOf(p.tokens.coordinator, caseId);
    expect(cityTasks).toHaveLength(2);
    for (const [token, task] of [
      [p.tokens.police, policeTask],
      [p.tokens.coordinator, cityTasks.find((x) => x.assigneeAgencyId === p.agencies.coordinator.id)!],
    ] as const) {
      const done = await t.request('POST', `/api/tasks/${task.id}/complete`, { token, body: { outcome: 'done', note: 'ok' } });
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('done');
    }
    const detail = await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator });
    expect(detail.body.pathways[0].allowedEvents.find((e: { type: string }) => e.type === 'ACCEPT')).toMatchObject({ enabled: true });

    const accepted = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.coordinator,
      body: { instanceId, type: 'ACCEPT', data: { acceptanceReason: 'meets criteria' } },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ instanceId, state: 'lawfulBasis', status: 'active', revision: 2 });
    // Leaving screening opened the next state's task for the coordinator.
    const next = await tasksOf(p.tokens.coordinator, caseId);
    expect(next.map((x) => x.title)).toEqual([expect.stringMatching(/lawful basis|consent/i)]);
  });

  it('refuses an event the state does not handle, and one the role may not send', async () => {
    const { caseId, instanceId } = await openReferral();
    const unknown = await t.request('POST', `/api/cases/${caseId}/events`, { token: p.tokens.coordinator, body: { instanceId, type: 'RELEASED' } });
    expect(unknown.status).toBe(422);
    const staff = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.police,
      body: { instanceId, type: 'REQUEST_INFORMATION', data: { question: 'x' } },
    });
    expect(staff.status).toBe(422);
    expect(staff.body.detail).toMatch(/role/i);
  });

  it('replays a repeated Idempotency-Key without changing anything', async () => {
    const { caseId, instanceId } = await openReferral();
    const key = randomUUID();
    const send = () =>
      t.request('POST', `/api/cases/${caseId}/events`, {
        token: p.tokens.coordinator,
        headers: { 'Idempotency-Key': key },
        body: { instanceId, type: 'REQUEST_INFORMATION', data: { question: 'Which prison?' } },
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'awaitingInformation', revision: 2 });
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const events = await t.db.query(`SELECT count(*)::int AS n FROM case_events WHERE instance_id = $1 AND type = 'REQUEST_INFORMATION'`, [instanceId]);
    expect(events[0].n).toBe(1);
    const reused = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.coordinator,
      headers: { 'Idempotency-Key': key },
      body: { instanceId, type: 'INFORMATION_RECEIVED' },
    });
    expect(reused.status).toBe(422);
  });

  it('answers concurrent repeats of one Idempotency-Key, through two API processes, with the first response', async () => {
    const { caseId, instanceId } = await openReferral();
    const other = await startTestApp();
    try {
      const key = randomUUID();
      const send = (app: TestApp) =>
        app.request('POST', `/api/cases/${caseId}/events`, {
          token: p.tokens.coordinator,
          headers: { 'Idempotency-Key': key },
          body: { instanceId, type: 'REQUEST_INFORMATION', data: { question: 'Which prison?' } },
        });
      const results = await Promise.all([t, other, t, other, t, other].map(send));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      for (const r of results) expect(r.body).toEqual(results[0]!.body);
      expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
      const events = await t.db.query(`SELECT count(*)::int AS n FROM case_events WHERE instance_id = $1 AND type = 'REQUEST_INFORMATION'`, [instanceId]);
      expect(events[0].n).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('does not replay a stored response to an agency removed from the case', async () => {
    const { caseId, instanceId } = await openReferral();
    const key = randomUUID();
    await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.coordinator,
      body: { instanceId, type: 'REQUEST_INFORMATION', data: { question: 'q' } },
    });
    const sendAsPolice = () =>
      t.request('POST', `/api/cases/${caseId}/events`, {
        token: p.tokens.police,
        headers: { 'Idempotency-Key': key },
        body: { instanceId, type: 'INFORMATION_RECEIVED' },
      });
    expect((await sendAsPolice()).status).toBe(200);
    expect((await t.request('DELETE', `/api/cases/${caseId}/participants/${p.agencies.police.id}`, { token: p.tokens.coordinator })).status).toBe(200);
    expect((await sendAsPolice()).status).toBe(404);
  });

  it('answers 409 to a stale If-Match and lets exactly one of two concurrent writers win', async () => {
    const { caseId, instanceId } = await openReferral();
    const stale = await t.request('POST', `/api/cases/${caseId}/events`, {
      token: p.tokens.coordinator,
      headers: { 'If-Match': '7' },
      body: { instanceId, type: 'REQUEST_INFORMATION', data: { question: 'q' } },
    });
    expect(stale.status).toBe(409);

    const results = await Promise.all(
      ['REQUEST_INFORMATION', 'MARK_REPEAT'].map((type) =>
        t.request('POST', `/api/cases/${caseId}/events`, {
          token: p.tokens.coordinator,
          headers: { 'If-Match': '1' },
          body: { instanceId, type, data: { question: 'q', previousCaseReference: 'CNV-2025-0001' } },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const detail = await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator });
    const winner = results.find((r) => r.status === 200)!;
    expect(detail.body.pathways[0]).toMatchObject({ revision: 2, state: winner.body.state });
    const log = await t.db.query(`SELECT type FROM case_events WHERE instance_id = $1 AND type NOT LIKE 'pathway.%'`, [instanceId]);
    expect(log).toHaveLength(1);
  });

  it('hides a case from agencies that do not take part (404, as for an unknown case)', async () => {
    const { caseId, instanceId } = await openReferral();
    for (const role of ['housing', 'health', 'exit_programme'] as const) {
      expect((await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens[role] })).status).toBe(404);
      expect((await t.request('POST', `/api/cases/${caseId}/events`, { token: p.tokens[role], body: { instanceId, type: 'ACCEPT' } })).status).toBe(404);
      const list = await t.request('GET', '/api/cases', { token: p.tokens[role] });
      expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(caseId);
    }
    expect((await t.request('GET', `/api/cases/${randomUUID()}`, { token: p.tokens.coordinator })).status).toBe(404);
    expect((await t.request('GET', `/api/cases/${caseId}`, { token: p.adminToken })).status).toBe(404);
  });
});
