import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReminderProcessor } from '../../../apps/worker/src/reminders/reminder.processor.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../../support/app.js';
import { firstOf } from '../../support/defined.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/receivers.js';
import { openCase } from './support/scenario.js';

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

  /** A pending reminder far in the future (its own job will not fire during the test). */
  async function pendingReminder(caseId: string): Promise<string> {
    const task = firstOf(await t.db.query<Array<{ id: string }>>(
      `INSERT INTO tasks (case_id, title, assignee_role, assignee_agency_id, due_at, status)
       VALUES ($1, 'Submit risk assessment', 'probation', $2, now() + interval '30 days', 'open') RETURNING id`,
      [caseId, p.agencies.probation.id],
    ), 'INSERT INTO tasks … RETURNING');
    const reminder = firstOf(await t.db.query<Array<{ id: string }>>(
      `INSERT INTO reminders (case_id, task_id, agency_id, kind, due_at, rule)
       VALUES ($1, $2, $3, 'reminder', now() + interval '27 days', $4) RETURNING id`,
      [caseId, task.id, p.agencies.probation.id, JSON.stringify({ source: 'task', pathway: 'referral', version: 1, state: 'screening', task: 'risk', kind: 'reminder', offset: '-P3D' })],
    ), 'INSERT INTO reminders … RETURNING');
    return reminder.id;
  }

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
