import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

describe('completing a task', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  });
  afterAll(() => t.close());

  /** A referral case; returns one of its open tasks, which the coordinator (a case manager) may complete. */
  async function openTask() {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Task Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.police.id, role: 'referrer' }] },
    });
    expect(created.status).toBe(201);
    expect((await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key: 'referral' } })).status).toBe(201);
    const tasks = await t.request('GET', `/api/tasks?caseId=${created.body.id}&status=open`, { token: p.tokens.coordinator });
    expect(tasks.body.items.length).toBeGreaterThan(0);
    return { caseId: created.body.id as string, taskId: tasks.body.items[0].id as string };
  }

  const completions = async (caseId: string, taskId: string) =>
    (await t.db.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'task.completed' AND data->>'taskId' = $2`, [caseId, taskId]))[0].n;

  it('refuses to complete a task that is already done with 409, keeping the first outcome and note', async () => {
    const { caseId, taskId } = await openTask();
    const first = await t.request('POST', `/api/tasks/${taskId}/complete`, { token: p.tokens.coordinator, body: { outcome: 'done', note: 'first' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'done', outcome: 'done', note: 'first' });

    const again = await t.request('POST', `/api/tasks/${taskId}/complete`, { token: p.tokens.coordinator, body: { outcome: 'partly', note: 'second' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, title: 'Conflict', detail: 'The task is already done' });

    const task = await t.request('GET', `/api/tasks/${taskId}`, { token: p.tokens.coordinator });
    expect(task.body).toMatchObject({ status: 'done', outcome: 'done', note: 'first', completedAt: first.body.completedAt });
    expect(await completions(caseId, taskId)).toBe(1);
  });

  it('lets exactly one of two simultaneous completions through; the other gets 409', async () => {
    const { caseId, taskId } = await openTask();
    const results = await Promise.all(
      ['one', 'two'].map((note) => t.request('POST', `/api/tasks/${taskId}/complete`, { token: p.tokens.coordinator, body: { outcome: 'done', note } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const task = await t.request('GET', `/api/tasks/${taskId}`, { token: p.tokens.coordinator });
    expect(task.body.note).toBe(winner.body.note);
    expect(await completions(caseId, taskId)).toBe(1);
  });
});
