import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReminderProcessor } from '../../../apps/worker/src/reminders/reminder.processor.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../../support/app.js';
import { firstOf } from '../../support/defined.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/receivers.js';
import { openCase, insertPendingReminder } from './support/scenario.js';

const SECRET = 'one-hop-secret-0123456789';

/**
 * Reminders in one hop, against the real database, queue and an HTTP receiver: the reminder job
 * sends the delivery it committed, with no delivery job; a failed first attempt is recorded and the
 * delivery job takes over under the same delivery id.
 */
describe('reminder sent in one hop', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    t = await startTestApp({ DELIVERY_BACKOFF_BASE_MS: '50' });
    p = await seedPartnership(t, { probation: { webhookUrl: receiver.url, webhookSecret: SECRET, deliveryHours: 'always' } });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const pendingReminder = async (caseId: string) => (await insertPendingReminder(t, p, caseId)).id;

  const deliveryOf = async (reminderId: string) =>
    firstOf(await t.db.query<Array<{ id: string; status: string; attempts: number; nextAttemptAt: Date | null }>>(
      `SELECT d.id, d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt" FROM deliveries d
         JOIN notifications n ON n.id = d.notification_id WHERE n.reminder_id = $1`,
      [reminderId],
    ), 'deliveries');
  const deliveryJobs = async (deliveryId: string) =>
    (await t.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM outbox WHERE job_id = $1`, [`delivery.${deliveryId}`]))[0]!.n;

  it('sends the webhook from the reminder job, with no delivery job', async () => {
    receiver.answer = () => 204;
    const c = await openCase(t, p);
    const id = await pendingReminder(c.id);
    const before = receiver.received.length;
    expect(await t.app.get(ReminderProcessor).send({ reminderId: id, generation: 1 })).toBe('sent');
    const d = await deliveryOf(id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ deliveryId: expect.any(String), signatureValid: true });
    expect(await deliveryJobs(d.id)).toBe(0);
    // A redelivered reminder job sends nothing more.
    expect(await t.app.get(ReminderProcessor).send({ reminderId: id, generation: 1 })).toBe('stale');
    expect(receiver.received.length).toBe(before + 1);
  });

  it('hands a failed first attempt to the delivery job, which retries under the same delivery id', async () => {
    const c = await openCase(t, p);
    const id = await pendingReminder(c.id);
    const before = receiver.received.length;
    receiver.answer = (_r, i) => (i === before ? 503 : 204);
    expect(await t.app.get(ReminderProcessor).send({ reminderId: id, generation: 1 })).toBe('sent');
    const d = await deliveryOf(id);
    expect(await deliveryJobs(d.id)).toBe(1);
    await eventually(async () => (await deliveryOf(id)).status === 'delivered', 15_000, 'the retry to deliver');
    expect(await deliveryOf(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(2);
    expect(got[1]!.deliveryId).toBe(got[0]!.deliveryId);
  }, 30_000);
});
