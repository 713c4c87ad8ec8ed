import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationWriter } from '../../../libs/domain/src/notifications/notification-writer.js';
import { ReminderDispatcher } from '../../../libs/domain/src/reminders/reminder-dispatcher.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../../support/app.js';
import { firstOf } from '../../support/defined.js';
import { openCase } from './support/scenario.js';

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

  /** A pending reminder far in the future (its own job will not fire during the test). */
  async function pendingReminder(caseId: string, taskStatus = 'open'): Promise<{ id: string; taskId: string }> {
    const task = firstOf(await t.db.query<Array<{ id: string }>>(
      `INSERT INTO tasks (case_id, title, assignee_role, assignee_agency_id, due_at, status)
       VALUES ($1, 'Submit risk assessment', 'probation', $2, now() + interval '30 days', $3) RETURNING id`,
      [caseId, p.agencies.probation.id, taskStatus],
    ), 'INSERT INTO tasks … RETURNING');
    const reminder = firstOf(await t.db.query<Array<{ id: string }>>(
      `INSERT INTO reminders (case_id, task_id, agency_id, kind, due_at, rule)
       VALUES ($1, $2, $3, 'reminder', now() + interval '27 days', $4) RETURNING id`,
      [caseId, task.id, p.agencies.probation.id, JSON.stringify({ source: 'task', pathway: 'referral', version: 1, state: 'screening', task: 'risk', kind: 'reminder', offset: '-P3D' })],
    ), 'INSERT INTO reminders … RETURNING');
    return { id: reminder.id, taskId: task.id };
  }

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
