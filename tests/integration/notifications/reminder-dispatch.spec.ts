import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationWriter } from '../../../libs/domain/src/notifications/notification-writer.js';
import { ReminderDispatcher } from '../../../libs/domain/src/reminders/reminder-dispatcher.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../../support/app.js';
import { firstOf } from '../../support/defined.js';
import { openCase, insertPendingReminder } from './support/scenario.js';

/**
 * The reminder handler against the real database: a job delivered twice (or twice at once), a job
 * of an older generation, and a reminder whose task was done meanwhile never produce a second or a
 * stray notification.
 */
describe('reminder dispatch', () => {
  let t: TestApp;
  let p: Partnership;
  let dispatcher: ReminderDispatcher;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    dispatcher = t.app.get(ReminderDispatcher);
  }, 30_000);
  afterAll(() => t?.close());

  const pendingReminder = (caseId: string, taskStatus = 'open') => insertPendingReminder(t, p, caseId, taskStatus);

  const notificationsOf = async (reminderId: string) =>
    await t.db.query<Array<{ id: string; kind: string; rule: Record<string, unknown> }>>(`SELECT id, kind, rule FROM notifications WHERE reminder_id = $1`, [reminderId]);

  it('sends once, even when the job is delivered twice at the same time', async () => {
    const c = await openCase(t, p);
    const r = await pendingReminder(c.id);
    const outcomes = await Promise.all([dispatcher.dispatch(r.id, 1), dispatcher.dispatch(r.id, 1)]);
    expect(outcomes.sort()).toEqual(['sent', 'stale']);
    expect(await dispatcher.dispatch(r.id, 1)).toBe('stale');
    const sent = await notificationsOf(r.id);
    expect(sent).toHaveLength(1);
    // Provenance travels with the message.
    expect(sent[0]!.rule).toMatchObject({ pathway: 'referral', version: 1, state: 'screening', task: 'risk', offset: '-P3D', generation: 1 });
  });

  it('ignores a job of an older generation', async () => {
    const c = await openCase(t, p);
    const r = await pendingReminder(c.id);
    await t.db.query(`UPDATE reminders SET generation = 2 WHERE id = $1`, [r.id]);
    expect(await dispatcher.dispatch(r.id, 1)).toBe('stale');
    expect(await notificationsOf(r.id)).toEqual([]);
  });

  it('skips a reminder whose task is no longer open', async () => {
    const c = await openCase(t, p);
    const r = await pendingReminder(c.id, 'done');
    expect(await dispatcher.dispatch(r.id, 1)).toBe('skipped');
    expect(await notificationsOf(r.id)).toEqual([]);
    const row = firstOf(await t.db.query<Array<{ status: string }>>(`SELECT status FROM reminders WHERE id = $1`, [r.id]), 'reminders');
    expect(row.status).toBe('skipped');
  });

  it('lets a task be completed while its reminder is being sent (no deadlock, no 500)', async () => {
    const c = await openCase(t, p);
    const r = await pendingReminder(c.id);
    // The dispatcher's transaction, held open half-way: it has locked the reminder row.
    const held = t.db.createQueryRunner();
    await held.connect();
    try {
      await held.startTransaction();
      await held.query(`SELECT id FROM reminders WHERE id = $1 FOR NO KEY UPDATE`, [r.id]);
      // The agency completes the task meanwhile: its transaction waits for the reminder row.
      const completing = t.request<{ status: string }>('POST', `/api/tasks/${r.taskId}/complete`, { token: p.tokens.probation, body: { outcome: 'done' } });
      await eventually(
        async () =>
          (await t.db.query<unknown[]>(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE reminders%'`,
          )).length > 0,
        10_000,
        'the completion to wait for the reminder row',
      );
      // The dispatcher goes on: its message references the task, whose row the completion holds.
      const created = await t.app.get(NotificationWriter).create(held.manager, {
        caseId: c.id,
        agencyId: p.agencies.probation.id,
        kind: 'reminder',
        title: 'Submit risk assessment',
        taskId: r.taskId,
        conferenceId: null,
        reminderId: r.id,
        dueAt: null,
        rule: { reminderId: r.id, generation: 1 },
        dedupeKey: `reminder:${r.id}:1`,
      });
      await held.commitTransaction();
      expect(created).toEqual(expect.any(String));
      const done = await completing;
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('done');
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
  });
});
