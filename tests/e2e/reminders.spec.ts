import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { leaves, readMime } from '../unit/notifications/support/mime-reader.js';
import { startSmtpSink, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../integration/notifications/support/receivers.js';
import { openCase, publishPathway, quickReminderPathway, sleep, startPathway } from '../integration/notifications/support/scenario.js';
import { at, firstOf } from '../support/defined.js';

const SECRET = 'reminder-test-secret-0123456789';

/**
 * Second-scale reminders through the real stack: outbox, queue (Redis with REDIS_URL, else BullMQ on
 * PostgreSQL), worker, a webhook receiver and an SMTP server on 127.0.0.1. Retry delays and the
 * receiver timeout are shortened through the environment so eight attempts fit in a test.
 */
describe('reminders end to end: real queue, webhook receiver and SMTP server', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let key: string;
  const probationEmail = `probation.${Date.now()}@agency.example`;
  const saved = { base: process.env.DELIVERY_BACKOFF_BASE_MS, timeout: process.env.DELIVERY_TIMEOUT_MS };
  /** Per case: how the receiver answers its requests (default 204). */
  const behaviour = new Map<string, (r: ReceivedWebhook, nth: number) => number | 'hold'>();

  beforeAll(async () => {
    process.env.DELIVERY_BACKOFF_BASE_MS = '40';
    process.env.DELIVERY_TIMEOUT_MS = '1000';
    receiver = await startWebhookReceiver(SECRET);
    receiver.answer = (r) => {
      const decide = behaviour.get(r.body.caseId);
      if (!decide) return 204;
      const nth = receiver.received.filter((x) => x.deliveryId === r.deliveryId).length;
      return decide(r, nth);
    };
    smtp = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: smtp.url });
    p = await seedPartnership(t, {
      probation: { webhookUrl: receiver.url, webhookSecret: SECRET, email: probationEmail },
      coordinator: { webhookUrl: receiver.url, webhookSecret: SECRET },
    });
    key = await publishPathway(t, p.adminToken, quickReminderPathway);
  }, 30_000);

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await smtp?.close();
    for (const [name, value] of [['DELIVERY_BACKOFF_BASE_MS', saved.base], ['DELIVERY_TIMEOUT_MS', saved.timeout]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const forCase = (caseId: string, kind?: string) =>
    receiver.received.filter((r: ReceivedWebhook) => r.body.caseId === caseId && (kind === undefined || r.body.kind === kind));

  it('sends each reminder at its offset from the due time, signed, by webhook and by email', async () => {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    await eventually(() => forCase(c.id, 'escalation').length === 1, 15_000, 'the escalation');

    const assigned = forCase(c.id, 'task_assigned');
    const reminders = forCase(c.id, 'reminder');
    const escalation = firstOf(forCase(c.id, 'escalation'), 'escalation webhooks');
    expect(assigned).toHaveLength(1);
    expect(reminders).toHaveLength(2);
    const dueAt = new Date(firstOf(assigned, 'task_assigned webhooks').body.dueAt).getTime();
    // Never early; late only by the queue's and relay's latency.
    const expectedAt = [dueAt - 2000, dueAt, dueAt + 2000];
    [...reminders, escalation].forEach((r, i) => {
      const expected = at(expectedAt, i, 'expectedAt');
      expect(r.at).toBeGreaterThanOrEqual(expected - 250);
      expect(r.at).toBeLessThan(expected + 2500);
    });

    for (const r of forCase(c.id)) {
      expect(r.signatureValid).toBe(true);
      expect(r.deliveryId).toBe(r.body.id);
      expect(r.body).toMatchObject({ caseId: c.id, caseReference: c.reference, title: 'Submit risk assessment' });
      expect(r.body.link).toContain(`/cases/${c.id}`);
      expect(JSON.stringify(r.body)).not.toContain('Test Subject');
    }
    expect(reminders.every((r) => r.body.agencyId === p.agencies.probation.id)).toBe(true);
    expect(escalation.body.agencyId).toBe(p.agencies.coordinator.id);

    // The same messages by email to probation (the coordinator has no address): assignment and two reminders.
    const mails = await eventually(() => {
      const mine = smtp.inbox.filter((m) => m.to.includes(probationEmail) && m.raw.includes(c.reference));
      return mine.length >= 3 ? mine : undefined;
    }, 5000, 'three emails');
    const subjects = mails.map((m) => readMime(m.raw).headers.get('subject') ?? '');
    expect(subjects.filter((s) => s.startsWith('Reminder:'))).toHaveLength(2);
    const text = leaves(readMime(firstOf(mails, 'emails').raw)).find((part) => (part.headers.get('content-type') ?? '').startsWith('text/plain'))!.body;
    expect(text).toContain(`/cases/${c.id}`);
    expect(text).not.toContain('Test Subject');

    const list = await t.request('GET', `/api/cases/${c.id}/reminders`, { token: p.tokens.coordinator });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['reminder', 'sent'],
      ['reminder', 'sent'],
      ['escalation', 'sent'],
    ]);
    const first = list.body.items[0];
    expect(first.rule).toMatchObject({ source: 'task', pathway: key, version: 1, task: 'risk-report', offset: '-PT2S' });
    expect(first.why).toBe(`Reminder 2 seconds before the due date of 'Submit risk assessment' (${key} v1, state contributions)`);
    await eventually(async () => {
      const again = await t.request('GET', `/api/cases/${c.id}/reminders`, { token: p.tokens.coordinator });
      const channels = again.body.items[0].delivery.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`);
      return channels.join() === 'email:delivered,webhook:delivered';
    }, 5000, 'both deliveries of the first reminder');
  }, 30_000);

  it('stops everything still pending when the task is completed', async () => {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    await eventually(() => forCase(c.id, 'reminder').length === 1, 8000, 'the first reminder');
    const tasks = await t.request('GET', `/api/tasks?caseId=${c.id}`, { token: p.tokens.probation });
    const task = tasks.body.items[0];
    const done = await t.request('POST', `/api/tasks/${task.id}/complete`, { token: p.tokens.probation, body: { outcome: 'submitted' } });
    expect(done.status).toBe(200);

    const all = await t.request('GET', `/api/cases/${c.id}/reminders?status=all`, { token: p.tokens.coordinator });
    expect(all.body.items.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['reminder', 'sent'],
      ['reminder', 'cancelled'],
      ['escalation', 'cancelled'],
    ]);
    // Past the escalation's moment, nothing more arrived for this case.
    await sleep(Math.max(0, new Date(task.dueAt).getTime() + 3000 - Date.now()));
    expect(forCase(c.id).map((r) => r.body.kind)).toEqual(['task_assigned', 'reminder']);
    const detail = await t.request('GET', `/api/cases/${c.id}`, { token: p.tokens.coordinator });
    expect(detail.body.pathways[0].status).toBe('done');
  }, 30_000);

  it("keeps each agency's inbox with why each message was sent, and marks messages read", async () => {
    const inbox = await t.request('GET', '/api/notifications?unread=true&limit=100', { token: p.tokens.probation });
    expect(inbox.status).toBe(200);
    expect(inbox.body.unread).toBeGreaterThanOrEqual(4);
    const reminder = inbox.body.items.find((n: { kind: string }) => n.kind === 'reminder');
    expect(reminder).toMatchObject({ title: 'Submit risk assessment', readAt: null });
    expect(reminder.caseReference).toMatch(/^CNV-/);
    expect(reminder.why).toMatch(/^Reminder .* of 'Submit risk assessment' \(t-[a-z0-9]+ v1, state contributions\)$/);

    const foreign = await t.request('POST', `/api/notifications/${reminder.id}/read`, { token: p.tokens.police });
    expect(foreign.status).toBe(404);
    const read = await t.request('POST', `/api/notifications/${reminder.id}/read`, { token: p.tokens.probation });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeTruthy();
    const after = await t.request('GET', '/api/notifications?unread=true', { token: p.tokens.probation });
    expect(after.body.unread).toBe(inbox.body.unread - 1);
    expect(after.body.items.some((n: { id: string }) => n.id === reminder.id)).toBe(false);

    const all = await t.request('POST', '/api/notifications/read-all', { token: p.tokens.probation });
    expect(all.body.updated).toBe(inbox.body.unread - 1);
    expect((await t.request('GET', '/api/notifications', { token: p.tokens.probation })).body.unread).toBe(0);
  });

  it('shows the case timeline newest first, with only their own agency\'s tasks and messages to staff', async () => {
    const c = await openCase(t, p);
    await startPathway(t, p, c.id, key);
    await eventually(() => forCase(c.id, 'reminder').length === 1, 8000, 'the first reminder');
    const manager = await t.request('GET', `/api/cases/${c.id}/timeline`, { token: p.tokens.coordinator });
    expect(manager.status).toBe(200);
    const kinds = manager.body.items.map((i: { kind: string }) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['case_created', 'pathway_started', 'task_opened', 'notification_sent']));
    const times = manager.body.items.map((i: { at: string }) => new Date(i.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const sent = manager.body.items.find((i: { kind: string; notificationKind?: string }) => i.kind === 'notification_sent' && i.notificationKind === 'reminder');
    expect(sent).toMatchObject({ agencyId: p.agencies.probation.id, title: 'Submit risk assessment' });

    const police = await t.request('GET', `/api/cases/${c.id}/timeline`, { token: p.tokens.police });
    expect(police.status).toBe(200);
    expect(police.body.items.filter((i: { kind: string }) => i.kind === 'notification_sent' || i.kind.startsWith('task_'))).toEqual([]);
    expect(police.body.items.some((i: { kind: string }) => i.kind === 'pathway_started')).toBe(true);

    const outsider = await t.request('GET', `/api/cases/${c.id}/timeline`, { token: p.tokens.housing });
    expect(outsider.status).toBe(404);
    const outsiderReminders = await t.request('GET', `/api/cases/${c.id}/reminders`, { token: p.tokens.housing });
    expect(outsiderReminders.status).toBe(404);
  }, 20_000);

  it('retries a failing receiver with the same delivery id and body until it answers 2xx', async () => {
    const c = await openCase(t, p);
    behaviour.set(c.id, (r, nth) => (r.body.kind === 'task_assigned' && nth <= 3 ? 500 : 204));
    await startPathway(t, p, c.id, key);
    const attempts = await eventually(() => {
      const mine = forCase(c.id).filter((r) => r.body.kind === 'task_assigned');
      return mine.length >= 4 ? mine : undefined;
    }, 10_000, 'four attempts');
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    const firstAttempt = firstOf(attempts, 'attempts');
    expect(attempts.every((a) => a.deliveryId === firstAttempt.body.id && a.signatureValid)).toBe(true);
    expect(new Set(attempts.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const row = await eventually(async () => {
      const rows = await t.db.query<Array<{ status: string; attempts: number; last_status: number; last_error: string | null }>>(
        `SELECT d.status, d.attempts, d.last_status, d.last_error FROM deliveries d WHERE d.notification_id = $1 AND d.channel = 'webhook'`,
        [firstAttempt.body.id],
      );
      return rows[0]?.status === 'delivered' ? rows[0] : undefined;
    }, 5000, 'the delivery row');
    expect(row).toEqual({ status: 'delivered', attempts: 4, last_status: 204, last_error: null });
  }, 20_000);

  it('gives up after the last attempt and shows the dead delivery on the case', async () => {
    const c = await openCase(t, p);
    behaviour.set(c.id, (r) => (r.body.kind === 'reminder' ? 503 : 204));
    await startPathway(t, p, c.id, key);
    const dead = await eventually(async () => {
      const res = await t.request('GET', `/api/cases/${c.id}/reminders`, { token: p.tokens.coordinator });
      const first = res.body.items?.[0];
      const dead = first?.delivery?.some((d: { channel: string; status: string }) => d.channel === 'webhook' && d.status === 'dead');
      return dead ? first : undefined;
    }, 20_000, 'a dead delivery');
    expect(dead).toMatchObject({ kind: 'reminder', status: 'sent', agencyId: p.agencies.probation.id });
    expect(dead.delivery).toEqual([
      expect.objectContaining({ channel: 'email', status: 'delivered', attempts: 1 }),
      expect.objectContaining({ channel: 'webhook', status: 'dead', attempts: 8, lastStatus: 503, lastError: 'HTTP 503' }),
    ]);
    const tries = forCase(c.id).filter((r) => r.deliveryId === forCase(c.id).find((x) => x.body.kind === 'reminder')!.deliveryId);
    expect(tries).toHaveLength(8);

    const timeline = await t.request('GET', `/api/cases/${c.id}/timeline`, { token: p.tokens.coordinator });
    const failed = timeline.body.items.filter((i: { kind: string; deliveryFailed?: boolean }) => i.kind === 'notification_sent' && i.deliveryFailed);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0].delivery).toContainEqual(expect.objectContaining({ channel: 'webhook', status: 'dead', lastError: 'HTTP 503' }));
  }, 30_000);

  it('still delivers a reminder, under one delivery id, when the worker stops while sending it', async () => {
    const c = await openCase(t, p);
    let held = false;
    behaviour.set(c.id, (r, nth) => {
      if (r.body.kind === 'reminder' && nth === 1 && !held) {
        held = true;
        return 'hold';
      }
      return 204;
    });
    await startPathway(t, p, c.id, key);
    const first = await eventually(() => forCase(c.id).find((r) => r.body.kind === 'reminder'), 8000, 'the held reminder');
    // Stop the app with the request in flight: the attempt times out, is recorded and left to retry.
    await t.close();
    t = await startTestApp({ SMTP_URL: smtp.url });
    const repeated = await eventually(() => {
      const same = forCase(c.id).filter((r) => r.deliveryId === first.deliveryId);
      return same.length >= 2 ? same : undefined;
    }, 10_000, 'the retried reminder');
    expect(new Set(repeated.map((r) => JSON.stringify(r.body))).size).toBe(1);
    await eventually(async () => {
      const rows = await t.db.query<Array<{ status: string }>>(`SELECT status FROM deliveries WHERE notification_id = $1 AND channel = 'webhook'`, [first.body.id]);
      return rows[0]?.status === 'delivered';
    }, 5000, 'the delivery to be delivered');

    // Every reminder of the case was delivered under exactly one id, whatever worker sent it.
    await eventually(() => forCase(c.id).some((r) => r.body.kind === 'escalation'), 10_000, 'the escalation');
    const notifications = await t.db.query<Array<{ id: string; reminder_id: string }>>(
      `SELECT n.id, n.reminder_id FROM notifications n WHERE n.case_id = $1 AND n.reminder_id IS NOT NULL`,
      [c.id],
    );
    expect(notifications).toHaveLength(3);
    expect(new Set(notifications.map((n) => n.reminder_id)).size).toBe(3);
    const idsSeen = new Set(forCase(c.id).filter((r) => r.body.kind !== 'task_assigned').map((r) => r.deliveryId));
    expect([...idsSeen].sort()).toEqual(notifications.map((n) => n.id).sort());
  }, 40_000);
});
