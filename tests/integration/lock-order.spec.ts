import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { InstanceService } from '../../libs/domain/src/instances/instance.service.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { firstOf } from '../support/defined.js';

/** One state with a probation task and a day-long timer, left by a case manager's event. */
const waitingPathway = (key: string) => ({
  key,
  title: 'Lock order test pathway',
  machine: {
    id: key,
    initial: 'waiting',
    states: {
      waiting: {
        meta: { title: 'Waiting', tasks: [{ key: 'reply', title: 'Reply', assignee: { role: 'probation' }, due: 'P2D' }] },
        after: { P1D: 'timedOut' },
        on: { ANSWERED: { target: 'answered', meta: { title: 'Answered' } } },
      },
      timedOut: { type: 'final', meta: { title: 'Timed out' } },
      answered: { type: 'final', meta: { title: 'Answered' } },
    },
  },
});

/**
 * Everything that changes a pathway instance locks the instance row before the rows that hang off
 * it (tasks, timers, reminders). These tests hold an event's transaction open half-way — instance
 * locked — and check that a task completion or a timer firing meanwhile queues up behind it and
 * then sees what the event did, instead of deadlocking.
 */
describe('lock order between events, task completions and timers', () => {
  let t: TestApp;
  let p: Partnership;
  const key = `locks-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const draft = await t.request('POST', `/api/pathways/${key}/versions`, { token: p.adminToken, body: { definition: waitingPathway(key) } });
    expect(draft.status).toBe(201);
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: p.adminToken })).status).toBe(200);
  }, 30_000);
  afterAll(() => t?.close());

  async function startCase() {
    const created = await t.request<{ id: string }>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Lock Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    const started = await t.request<{ instanceId: string }>('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    const instanceId = started.body.instanceId;
    const task = firstOf(await t.db.query<Array<{ id: string }>>(`SELECT id FROM tasks WHERE instance_id = $1`, [instanceId]), 'tasks');
    const timer = firstOf(await t.db.query<Array<{ id: string }>>(`SELECT id FROM timers WHERE instance_id = $1`, [instanceId]), 'timers');
    return { instanceId, taskId: task.id, timerId: timer.id };
  }

  /** Opens a transaction that has locked the instance, as a pathway event does first. */
  async function eventInProgress(instanceId: string): Promise<QueryRunner> {
    const held = t.db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    await held.query(`SELECT id FROM pathway_instances WHERE id = $1 FOR NO KEY UPDATE`, [instanceId]);
    return held;
  }

  const waitingOnALock = (what: string) =>
    eventually(
      async () => (await t.db.query<unknown[]>(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).length > 0,
      10_000,
      what,
    );

  it('a task completed while an event leaves its state waits, then is told the task was cancelled', async () => {
    const { instanceId, taskId } = await startCase();
    const held = await eventInProgress(instanceId);
    try {
      const completing = t.request<{ detail: string }>('POST', `/api/tasks/${taskId}/complete`, { token: p.tokens.probation, body: { outcome: 'done' } });
      await waitingOnALock('the completion to wait for the instance');
      // The event leaves the state: its task is cancelled.
      await held.query(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = $1`, [taskId]);
      await held.commitTransaction();
      const res = await completing;
      expect(res.status).toBe(409);
      expect(res.body.detail).toBe('The task was cancelled');
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
  });

  it('a timer firing while an event cancels it waits, then stands down', async () => {
    const { instanceId, timerId } = await startCase();
    const held = await eventInProgress(instanceId);
    try {
      const firing = t.app.get(InstanceService).fireTimer(timerId);
      await waitingOnALock('the timer to wait for the instance');
      await held.query(`UPDATE timers SET status = 'cancelled', settled_at = now() WHERE id = $1`, [timerId]);
      await held.commitTransaction();
      expect(await firing).toBe('skipped');
      const [row] = await t.db.query<Array<{ state_value: unknown; revision: number }>>(`SELECT state_value, revision FROM pathway_instances WHERE id = $1`, [instanceId]);
      expect(row).toEqual({ state_value: 'waiting', revision: 1 });
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
  });
});
