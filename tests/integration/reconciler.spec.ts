import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { reconcilerRepairs } from '../../libs/core/src/metrics/metrics.js';
import { QueueService } from '../../libs/core/src/queue/queue.service.js';
import { QUEUE } from '../../libs/core/src/queue/queue-registry.js';
import { NotificationWriter } from '../../libs/domain/src/notifications/notification-writer.js';
import { reminderJobId, timerJobId } from '../../libs/domain/src/outbox/outbox.js';
import { OUTBOX_LISTENER_NAME } from '../../apps/worker/src/outbox/outbox-relay.service.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from './notifications/support/receivers.js';
import { openCase, publishPathway, startPathway } from './notifications/support/scenario.js';

const SECRET = 'reconciler-test-secret';

/**
 * An urgent task due 3 s after start with reminders at 1 s and 3 s, and a pathway timer at 8 s
 * (late enough that the task is still open when its reminders are re-armed).
 */
const clockedPathway = (key: string) => ({
  key,
  title: 'Reconciler test',
  machine: {
    id: key,
    initial: 'contributions',
    states: {
      contributions: {
        meta: {
          title: 'Contributions',
          tasks: [{ key: 'report', title: 'Report', assignee: { role: 'probation' }, due: 'PT3S', reminders: ['-PT2S', 'P0D'], urgent: true }],
        },
        after: { PT8S: 'lapsed' },
      },
      lapsed: { type: 'final', meta: { title: 'Lapsed' } },
    },
  },
});

/**
 * PostgreSQL is the source of truth: whatever the queue loses, fails or strands while the worker
 * runs — no restart — the reconciler arms again within an interval or two (500 ms here).
 */
describe('reconciler', () => {
  let t: TestApp;
  let p: Partnership;
  let receiver: WebhookReceiver;
  let key: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    t = await startTestApp({ RECONCILE_INTERVAL_MS: '500' });
    p = await seedPartnership(t, { probation: { webhookUrl: receiver.url, webhookSecret: SECRET } });
    key = await publishPathway(t, p.adminToken, clockedPathway);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const repairs = async () => (await reconcilerRepairs.get()).values.reduce((sum, v) => sum + v.value, 0);
  const relayed = () =>
    eventually(async () => (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`))[0].n === 0, 10_000, 'outbox relayed');

  async function startClockedCase() {
    const c = await openCase(t, p, ['probation']);
    const instanceId = await startPathway(t, p, c.id, key);
    await relayed();
    const reminders = await t.db.query<Array<{ id: string; generation: number }>>(`SELECT id, generation FROM reminders WHERE case_id = $1`, [c.id]);
    const timers = await t.db.query<Array<{ id: string }>>(`SELECT id FROM timers WHERE instance_id = $1`, [instanceId]);
    expect(reminders).toHaveLength(2);
    expect(timers).toHaveLength(1);
    return { caseId: c.id, instanceId, reminders, timer: timers[0]! };
  }

  it('re-arms reminders and a timer whose jobs vanished from the queue while the worker runs', async () => {
    const { caseId, instanceId, reminders, timer } = await startClockedCase();
    const before = await repairs();
    const queues = t.app.get(QueueService);
    for (const r of reminders) await queues.queue(QUEUE.reminders).remove(reminderJobId(r.id, r.generation));
    await queues.queue(QUEUE.timers).remove(timerJobId(timer.id));

    await eventually(
      async () => {
        const rows = await t.db.query<Array<{ status: string }>>(`SELECT status FROM reminders WHERE case_id = $1`, [caseId]);
        return rows.every((r) => r.status === 'sent');
      },
      20_000,
      'both reminders sent',
    );
    await eventually(
      async () => (await t.db.query(`SELECT status FROM timers WHERE id = $1`, [timer.id]))[0].status === 'fired',
      20_000,
      'the timer fired',
    );
    const [instance] = await t.db.query(`SELECT state_value, status FROM pathway_instances WHERE id = $1`, [instanceId]);
    expect(instance).toMatchObject({ state_value: 'lapsed', status: 'done' });
    expect(await repairs()).toBeGreaterThanOrEqual(before + 3);
  });

  /** A notification to probation whose delivery row exists but whose job never reached the queue. */
  async function strandedDelivery(caseId: string, setRow?: string): Promise<string> {
    return t.db.transaction(async (tx) => {
      const id = await t.app.get(NotificationWriter).create(tx, {
        caseId,
        agencyId: p.agencies.probation.id,
        kind: 'reminder',
        title: 'Stranded reminder',
        rule: { source: 'test' },
        dedupeKey: `test:${caseId}:${Date.now()}`,
      });
      const [delivery] = await tx.query(`SELECT id FROM deliveries WHERE notification_id = $1 AND channel = 'webhook'`, [id]);
      // As if the job had been relayed and then lost (Redis data loss, or BullMQ failing a job that stalled twice).
      await tx.query(`UPDATE outbox SET relayed_at = now() WHERE job_id = $1`, [`delivery.${delivery.id}`]);
      if (setRow) await tx.query(`UPDATE deliveries SET ${setRow} WHERE id = $1`, [delivery.id]);
      return delivery.id as string;
    });
  }

  const deliveryOf = async (id: string) =>
    (await t.db.query(`SELECT status, attempts FROM deliveries WHERE id = $1`, [id]))[0] as { status: string; attempts: number };

  it('delivers a delivery left pending with no job and no attempt', async () => {
    const c = await openCase(t, p, ['probation']);
    const id = await strandedDelivery(c.id);
    await eventually(async () => (await deliveryOf(id)).status === 'delivered', 15_000, 'stranded delivery delivered');
    expect(await deliveryOf(id)).toEqual({ status: 'delivered', attempts: 1 });
  });

  it('retries a delivery left retrying past its next attempt with no job, counting on from its attempts', async () => {
    const c = await openCase(t, p, ['probation']);
    const id = await strandedDelivery(c.id, `status = 'retrying', attempts = 3, next_attempt_at = now() - interval '1 minute'`);
    await eventually(async () => (await deliveryOf(id)).status === 'delivered', 15_000, 'retrying delivery delivered');
    expect(await deliveryOf(id)).toEqual({ status: 'delivered', attempts: 4 });
    const notificationId = (await t.db.query(`SELECT notification_id FROM deliveries WHERE id = $1`, [id]))[0].notification_id;
    // The receiver sees the notification's own delivery id, as on every retry.
    expect(receiver.received.filter((r) => r.deliveryId === notificationId)).toHaveLength(1);
  });

  it('opens the outbox LISTEN connection again after PostgreSQL drops it', async () => {
    const listener = async () =>
      await t.db.query<Array<{ pid: number }>>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [OUTBOX_LISTENER_NAME]);
    const [first] = await eventually(async () => ((await listener()).length === 1 ? listener() : undefined), 5000, 'listener connected');
    await t.db.query(`SELECT pg_terminate_backend($1)`, [first!.pid]);
    const [second] = await eventually(async () => {
      const rows = await listener();
      return rows.length === 1 && rows[0]!.pid !== first!.pid ? rows : undefined;
    }, 10_000, 'listener reconnected');
    expect(second!.pid).not.toBe(first!.pid);
  });

  // Only Redis can lose the queue's data apart from PostgreSQL (BullMQ's PostgreSQL backend lives in the same database).
  if (process.env.REDIS_URL) {
    it('re-arms everything pending, before it is due, after Redis lost all its data', async () => {
      const { caseId, timer } = await startClockedCase();
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        // What `redis-cli shutdown nosave` and a restart do to this app's keys (other test runs share the server).
        const keys = await redis.keys(`${t.config.queuePrefix}:*`);
        expect(keys.length).toBeGreaterThan(0);
        await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await eventually(
        async () => {
          const rows = await t.db.query<Array<{ status: string }>>(`SELECT status FROM reminders WHERE case_id = $1`, [caseId]);
          return rows.every((r) => r.status === 'sent');
        },
        20_000,
        'both reminders sent after the data loss',
      );
      const late = await t.db.query<Array<{ s: number }>>(`SELECT extract(epoch FROM sent_at - due_at)::float AS s FROM reminders WHERE case_id = $1`, [caseId]);
      // Re-armed by the data-loss pass (not found overdue by a sweep one interval after their time).
      for (const r of late) expect(r.s).toBeLessThan(2);
      await eventually(async () => (await t.db.query(`SELECT status FROM timers WHERE id = $1`, [timer.id]))[0].status === 'fired', 20_000, 'timer fired');
    });
  }
});
