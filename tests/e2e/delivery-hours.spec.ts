import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../integration/notifications/support/receivers.js';
import { publishPathway } from '../integration/notifications/support/scenario.js';

const SECRET = 'delivery-hours-secret';
const ZONE = 'Europe/Amsterdam';
const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** One non-urgent task each for probation and police, due 2 s after start, reminded on the due time. */
const hoursPathway = (key: string) => ({
  key,
  title: 'Delivery hours test',
  machine: {
    id: key,
    initial: 'waiting',
    states: {
      waiting: {
        meta: {
          title: 'Waiting',
          tasks: [
            { key: 'probation-report', title: 'Probation report', assignee: { role: 'probation' }, due: 'PT2S', reminders: ['P0D'] },
            { key: 'police-report', title: 'Police report', assignee: { role: 'police' }, due: 'PT2S', reminders: ['P0D'] },
          ],
        },
        on: { DONE: 'done' },
      },
      done: { type: 'final' },
    },
  },
});

/** Opening hours that exclude the present moment, and when they next open (computed here, independently). */
function closedNow(): { hours: { days: string[]; from: string; to: string }; opensAt: Date } {
  const now = DateTime.now().setZone(ZONE);
  if (now.hour < 20) {
    const from = now.hour + 2;
    return {
      hours: { days: ALL_DAYS, from: `${String(from).padStart(2, '0')}:00`, to: `${String(from + 1).padStart(2, '0')}:00` },
      opensAt: now.startOf('day').set({ hour: from }).toJSDate(),
    };
  }
  return { hours: { days: ALL_DAYS, from: '03:00', to: '04:00' }, opensAt: now.startOf('day').plus({ days: 1 }).set({ hour: 3 }).toJSDate() };
}

describe("an agency's delivery hours", () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;
  let key: string;
  const closed = closedNow();

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    t = await startTestApp();
    const hook = { webhookUrl: receiver.url, webhookSecret: SECRET, timezone: ZONE };
    // Country SE: no Dutch holiday moves the police's opening in this test.
    p = await seedPartnership(t, {
      probation: { ...hook, deliveryHours: 'always' },
      police: { ...hook, deliveryHours: closed.hours, country: 'SE' },
    });
    key = await publishPathway(t, p.adminToken, hoursPathway);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('reminds an agency that is always open at once, at any hour, and holds one that is closed to its next opening', async () => {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Hours Person' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [
          { agencyId: p.agencies.probation.id, role: 'probation' },
          { agencyId: p.agencies.police.id, role: 'police' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const t0 = Date.now();
    expect((await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } })).status).toBe(201);

    const reminder = await eventually(
      () => receiver.received.find((r) => r.body.kind === 'reminder' && r.body.agencyId === p.agencies.probation.id),
      15_000,
      "probation's reminder",
    );
    expect(reminder.at - t0).toBeLessThan(8_000);

    const [held] = await t.db.query(
      `SELECT r.due_at, r.status FROM reminders r JOIN tasks k ON k.id = r.task_id WHERE r.case_id = $1 AND r.agency_id = $2 AND k.task_key = 'police-report'`,
      [created.body.id, p.agencies.police.id],
    );
    expect(held.status).toBe('pending');
    expect(new Date(held.due_at).toISOString()).toBe(closed.opensAt.toISOString());
    expect(receiver.received.filter((r) => r.body.kind === 'reminder' && r.body.agencyId === p.agencies.police.id)).toEqual([]);
  });

  it('shows and validates delivery hours on agencies', async () => {
    const list = await t.request('GET', '/api/agencies', { token: p.adminToken });
    const police = list.body.items.find((a: { id: string }) => a.id === p.agencies.police.id);
    expect(police.deliveryHours).toEqual(closed.hours);
    const bad = await t.request('POST', '/api/agencies', {
      token: p.adminToken,
      body: { name: `Bad hours ${Date.now()}`, kind: 'police', deliveryHours: { days: ['mon'], from: '18:00', to: '08:00' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: '$.deliveryHours.to' })]);
  });
});
