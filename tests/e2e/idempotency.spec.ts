import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/**
 * Every creating or changing POST of the contract accepts `Idempotency-Key` through one mechanism:
 * a repeat from the same user returns the first response and changes nothing; the same key with a
 * different request is 422; another user's key is their own.
 */
describe('Idempotency-Key on every creating POST', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
  });
  afterAll(() => t?.close());

  const post = (path: string, body: unknown, key: string, token = p.tokens.coordinator) =>
    t.request('POST', path, { token, body, headers: { 'Idempotency-Key': key } });

  async function openCase(key = randomUUID()) {
    const res = await post(
      '/api/cases',
      { subject: { name: 'Idempotent Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
      key,
    );
    expect(res.status).toBe(201);
    return res;
  }

  it('opens one case for a repeated POST /api/cases', async () => {
    const key = randomUUID();
    const first = await openCase(key);
    const again = await openCase(key);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [count] = await t.db.query(`SELECT count(*)::int AS n FROM cases WHERE id = $1`, [first.body.id]);
    expect(count.n).toBe(1);
    const [made] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.create' AND resource_id = $1`, [first.body.id]);
    expect(made.n).toBe(1);
  });

  it('creates one set of action tasks when the same minutes are posted twice with one key, and refuses other minutes under it', async () => {
    const c = (await openCase()).body;
    const conference = await post(`/api/cases/${c.id}/conferences`, { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }, randomUUID());
    expect(conference.status).toBe(201);
    const key = randomUUID();
    const minutes = {
      text: 'Agreed the release plan.',
      decisions: ['Continue'],
      actions: [{ title: 'Book housing viewing', agencyId: p.agencies.probation.id, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }],
    };
    const [first, second] = await Promise.all([post(`/api/conferences/${conference.body.id}/minutes`, minutes, key), post(`/api/conferences/${conference.body.id}/minutes`, minutes, key)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    const again = await post(`/api/conferences/${conference.body.id}/minutes`, minutes, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const tasks = await t.db.query(`SELECT title FROM tasks WHERE case_id = $1 AND conference_id = $2`, [c.id, conference.body.id]);
    expect(tasks).toEqual([{ title: 'Book housing viewing' }]);

    const different = await post(`/api/conferences/${conference.body.id}/minutes`, { ...minutes, text: 'Something else' }, key);
    expect(different.status).toBe(422);
    expect(different.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('adds a participant, starts a pathway and completes a task once per key', async () => {
    const c = (await openCase()).body;
    const participantKey = randomUUID();
    const added = await post(`/api/cases/${c.id}/participants`, { agencyId: p.agencies.police.id, role: 'police' }, participantKey);
    expect(added.status).toBe(201);
    // Without the key the repeat would be 409 (already takes part); with it, the first answer.
    const addedAgain = await post(`/api/cases/${c.id}/participants`, { agencyId: p.agencies.police.id, role: 'police' }, participantKey);
    expect(addedAgain.status).toBe(201);
    expect(addedAgain.body).toEqual(added.body);

    const startKey = randomUUID();
    const started = await post(`/api/cases/${c.id}/pathways`, { key: 'referral' }, startKey);
    expect(started.status).toBe(201);
    expect((await post(`/api/cases/${c.id}/pathways`, { key: 'referral' }, startKey)).body).toEqual(started.body);
    const [instances] = await t.db.query(`SELECT count(*)::int AS n FROM pathway_instances WHERE case_id = $1`, [c.id]);
    expect(instances.n).toBe(1);

    const [task] = await t.db.query(`SELECT id FROM tasks WHERE case_id = $1 AND status = 'open' ORDER BY created_at LIMIT 1`, [c.id]);
    const completeKey = randomUUID();
    const done = await post(`/api/tasks/${task.id}/complete`, { outcome: 'done' }, completeKey);
    expect(done.status).toBe(200);
    const doneAgain = await post(`/api/tasks/${task.id}/complete`, { outcome: 'done' }, completeKey);
    // Without the key a second completion is 409 (already done); with it, the first answer.
    expect(doneAgain.status).toBe(200);
    expect(doneAgain.body).toEqual(done.body);
  });

  it("keeps each user's keys apart, and refuses a different request under a used key", async () => {
    const email = `second.manager.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email, name: 'Second manager', password: 'correct horse battery staple', agencyId: p.agencies.coordinator.id, roles: ['case_manager'] },
    });
    expect(created.status).toBe(201);
    const colleague = await t.login(email, 'correct horse battery staple');
    const key = randomUUID();
    const mine = await openCase(key);
    const body = { subject: { name: 'Idempotent Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] };
    // The colleague's identical request under the same key is their own: a second case.
    const theirs = await post('/api/cases', body, key, colleague);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    // The same user, another request, the same key: refused.
    const other = await post('/api/cases', { ...body, subject: { name: 'Other Person' } }, key);
    expect(other.status).toBe(422);
  });
});
