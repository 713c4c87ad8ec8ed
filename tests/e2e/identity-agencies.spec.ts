import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { signatureMatches, startSignatureReceiver } from '../support/signature-receiver.js';
import { openCase, publishPathway, quickReminderPathway, sleep, startPathway } from '../integration/notifications/support/scenario.js';

const OLD = 'identity-old-secret-0123456789';
const NEW = 'identity-new-secret-9876543210';

/**
 * Agencies over HTTP with the real worker and a real webhook receiver: secret rotation (both
 * signatures for 24 hours), deactivation (no deliveries, no new cases), secrets never returned,
 * and per-person read state of the agency's inbox.
 */
describe('identity: agencies, webhook secret rotation and read state', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: Awaited<ReturnType<typeof startSignatureReceiver>>;
  let key: string;

  beforeAll(async () => {
    receiver = await startSignatureReceiver();
    t = await startTestApp();
    p = await seedPartnership(t, { probation: { webhookUrl: receiver.url, webhookSecret: OLD } });
    key = await publishPathway(t, p.adminToken, quickReminderPathway);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** The task_assigned webhook of a new case's pathway, as the receiver got it. */
  async function assignmentOfNewCase() {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    return eventually(() => receiver.received.find((r) => r.body.caseId === c.id && r.body.kind === 'task_assigned'), 15_000, 'the assignment webhook');
  }

  it('signs with the new secret and, for 24 hours, the old one too', async () => {
    const before = await assignmentOfNewCase();
    expect(before.signature.split(',')).toHaveLength(1);
    expect(signatureMatches(before.signature, before.raw, OLD)).toBe(true);

    const rotated = await t.request('PATCH', `/api/agencies/${p.agencies.probation.id}`, { token: p.adminToken, body: { webhookSecret: NEW } });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: p.agencies.probation.id, hasWebhookSecret: true, active: true });
    expect(rotated.body.webhookSecretChangedAt).toBeTruthy();
    expect(JSON.stringify(rotated.body)).not.toContain(NEW);
    expect(JSON.stringify(rotated.body)).not.toContain(OLD);
    const listed = await t.request('GET', '/api/agencies', { token: p.adminToken });
    expect(JSON.stringify(listed.body)).not.toMatch(/identity-(old|new)-secret/);

    const during = await assignmentOfNewCase();
    const values = during.signature.split(',');
    expect(values).toHaveLength(2);
    expect(signatureMatches(values[0]!, during.raw, NEW)).toBe(true);
    expect(signatureMatches(values[1]!, during.raw, OLD)).toBe(true);

    // The window passes (moved in the database): only the new secret signs.
    await t.db.query(`UPDATE agencies SET webhook_secret_changed_at = now() - interval '25 hours' WHERE id = $1`, [p.agencies.probation.id]);
    const after = await assignmentOfNewCase();
    expect(after.signature.split(',')).toHaveLength(1);
    expect(signatureMatches(after.signature, after.raw, NEW)).toBe(true);
    expect(signatureMatches(after.signature, after.raw, OLD)).toBe(false);

    const audit = await t.request('GET', '/api/audit?action=agency.update', { token: p.adminToken });
    const entry = audit.body.items.find((e: { resourceId: string }) => e.resourceId === p.agencies.probation.id);
    expect(entry).toBeDefined();
    const raw = await t.db.query(`SELECT detail FROM audit_log WHERE action = 'agency.update' AND resource_id = $1`, [p.agencies.probation.id]);
    expect(raw[0].detail.fields).toEqual(['webhookSecret']);
    expect(JSON.stringify(raw)).not.toMatch(/identity-(old|new)-secret/);
  }, 60_000);

  it('edits every field and validates them', async () => {
    const id = p.agencies.health.id;
    const res = await t.request('PATCH', `/api/agencies/${id}`, {
      token: p.adminToken,
      body: {
        name: `Health renamed ${randomUUID().slice(0, 6)}`,
        kind: 'mental_health',
        email: 'health@agency.example',
        webhookUrl: 'http://10.0.0.5/hooks',
        locale: 'nl',
        timezone: 'Europe/Brussels',
        country: 'BE',
        deliveryHours: { days: ['mon', 'tue'], from: '09:00', to: '17:00' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'mental_health',
      email: 'health@agency.example',
      webhookUrl: 'http://10.0.0.5/hooks',
      locale: 'nl',
      timezone: 'Europe/Brussels',
      country: 'BE',
      deliveryHours: { days: ['mon', 'tue'], from: '09:00', to: '17:00' },
    });
    const cleared = await t.request('PATCH', `/api/agencies/${id}`, { token: p.adminToken, body: { email: null, webhookUrl: null, deliveryHours: 'always' } });
    expect(cleared.body).toMatchObject({ email: null, webhookUrl: null, deliveryHours: 'always' });
    for (const body of [{ timezone: 'Mars/Base' }, { country: 'Belgium' }, { kind: 'spaceship' }, { deliveryHours: { days: [], from: '9', to: '5' } }, { secret: 'x' }]) {
      expect((await t.request('PATCH', `/api/agencies/${id}`, { token: p.adminToken, body })).status).toBe(400);
    }
    expect((await t.request('PATCH', `/api/agencies/${id}`, { token: p.tokens.health, body: { name: 'Mine' } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/agencies/${randomUUID()}`, { token: p.adminToken, body: { name: 'Nobody' } })).status).toBe(404);
    expect((await t.request('PATCH', `/api/agencies/${id}`, { token: p.adminToken, body: { name: p.agencies.police.name } })).status).toBe(409);
  });

  it('gives an inactive agency no deliveries and keeps it out of new cases', async () => {
    const c = await openCase(t, p);
    const off = await t.request('PATCH', `/api/agencies/${p.agencies.probation.id}`, { token: p.adminToken, body: { active: false } });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    await startPathway(t, p, c.id, key);
    const skipped = await eventually(async () => {
      const rows = await t.db.query(
        `SELECT d.status, d.last_error FROM deliveries d JOIN notifications n ON n.id = d.notification_id
          WHERE n.case_id = $1 AND n.agency_id = $2 AND n.kind = 'task_assigned'`,
        [c.id, p.agencies.probation.id],
      );
      return rows.length > 0 && rows.every((r: { status: string }) => r.status === 'skipped') ? rows : undefined;
    }, 15_000, 'the skipped delivery');
    expect(skipped[0].last_error).toContain('inactive');
    expect(receiver.received.some((r) => r.body.caseId === c.id)).toBe(false);

    const refused = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Inactive Test' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    expect(refused.status).toBe(422);
    const other = await openCase(t, p, ['police']);
    const join = await t.request('POST', `/api/cases/${other.id}/participants`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.probation.id, role: 'probation' } });
    expect(join.status).toBe(422);
    expect((await t.request('PATCH', `/api/agencies/${p.agencies.probation.id}`, { token: p.adminToken, body: { active: true } })).status).toBe(200);
    const rejoin = await t.request('POST', `/api/cases/${other.id}/participants`, { token: p.tokens.coordinator, body: { agencyId: p.agencies.probation.id, role: 'probation' } });
    expect(rejoin.status).toBe(201);
  }, 60_000);

  it('keeps read state per person: two officers of one agency', async () => {
    const email = `second.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.request('POST', '/api/users', {
      token: p.adminToken,
      body: { email, name: 'Second Officer', password: 'correct horse battery staple', agencyId: p.agencies.probation.id, roles: ['agency_staff'] },
    });
    expect(created.status).toBe(201);
    const second = await t.login(email, 'correct horse battery staple');
    const first = p.tokens.probation;
    // The earlier cases' reminders and escalations (due within seconds) have all gone out: counts hold still.
    await sleep(6000);

    const a = await t.request('GET', '/api/notifications?limit=200', { token: first });
    const b = await t.request('GET', '/api/notifications?limit=200', { token: second });
    expect(a.body.unread).toBeGreaterThan(1);
    expect(b.body.unread).toBe(a.body.unread);
    const target = a.body.items[0];
    const read = await t.request('POST', `/api/notifications/${target.id}/read`, { token: first });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeTruthy();
    const again = await t.request('POST', `/api/notifications/${target.id}/read`, { token: first });
    expect(again.body.readAt).toBe(read.body.readAt);

    const a2 = await t.request('GET', '/api/notifications?limit=200', { token: first });
    const b2 = await t.request('GET', '/api/notifications?limit=200', { token: second });
    expect(a2.body.unread).toBe(a.body.unread - 1);
    expect(b2.body.unread).toBe(b.body.unread);
    expect(a2.body.items.find((n: { id: string }) => n.id === target.id).readAt).toBeTruthy();
    expect(b2.body.items.find((n: { id: string }) => n.id === target.id).readAt).toBeNull();
    const unreadOnly = await t.request('GET', '/api/notifications?unread=true&limit=200', { token: first });
    expect(unreadOnly.body.items.some((n: { id: string }) => n.id === target.id)).toBe(false);

    const all = await t.request('POST', '/api/notifications/read-all', { token: second });
    expect(all.body.updated).toBe(b.body.unread);
    expect((await t.request('GET', '/api/notifications', { token: second })).body.unread).toBe(0);
    expect((await t.request('GET', '/api/notifications', { token: first })).body.unread).toBe(a.body.unread - 1);
    // Another agency's notification stays invisible.
    expect((await t.request('POST', `/api/notifications/${target.id}/read`, { token: p.tokens.housing })).status).toBe(404);
  }, 30_000);
});
