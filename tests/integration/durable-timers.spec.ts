import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InstanceService } from '../../libs/domain/src/instances/instance.service.js';
import { QueueService } from '../../libs/core/src/queue/queue.service.js';
import { QUEUE } from '../../libs/core/src/queue/queue-registry.js';
import { timerJobId } from '../../libs/domain/src/outbox/outbox.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/** A pathway whose first state times out after two seconds, unless a case manager moves it on. */
function timedPathway(key: string) {
  return {
    key,
    title: 'Timed test pathway',
    machine: {
      id: key,
      initial: 'waiting',
      states: {
        waiting: {
          meta: { title: 'Waiting', tasks: [{ key: 'reply', title: 'Reply', assignee: { role: 'probation' }, due: 'PT2S' }] },
          after: { PT2S: 'timedOut' },
          on: { ANSWERED: { target: 'answered', meta: { title: 'Answered' } } },
        },
        timedOut: { type: 'final', meta: { title: 'Timed out' } },
        answered: { type: 'final', meta: { title: 'Answered' } },
      },
    },
  };
}

describe('durable timers', () => {
  let t: TestApp;
  let p: Partnership;
  const key = `timed-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    const draft = await t.request('POST', `/api/pathways/${key}/versions`, { token: p.adminToken, body: { definition: timedPathway(key) } });
    expect(draft.status).toBe(201);
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: p.adminToken })).status).toBe(200);
  });
  afterAll(() => t?.close());

  async function startCase(app: TestApp) {
    const created = await app.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Timer Person' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }],
      },
    });
    const started = await app.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    return { caseId: created.body.id as string, instanceId: started.body.instanceId as string };
  }

  const stateOf = async (app: TestApp, instanceId: string) =>
    (await app.db.query(`SELECT state_value, status, revision FROM pathway_instances WHERE id = $1`, [instanceId]))[0];

  it('fires after the worker restarts, and the task of the left state is cancelled', async () => {
    const { instanceId } = await startCase(t);
    // Let the relay move the timer into the queue, then stop the whole process before it is due.
    await eventually(async () => (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`))[0].n === 0, 5000, 'outbox relayed');
    await t.close();
    t = await startTestApp();
    const final = await eventually(async () => {
      const row = await stateOf(t, instanceId);
      return row.state_value === 'timedOut' ? row : undefined;
    }, 15_000, 'timer to fire after restart');
    expect(final).toMatchObject({ status: 'done', revision: 2 });
    const timers = await t.db.query(`SELECT status FROM timers WHERE instance_id = $1`, [instanceId]);
    expect(timers).toEqual([{ status: 'fired' }]);
    const tasks = await t.db.query(`SELECT status FROM tasks WHERE instance_id = $1`, [instanceId]);
    expect(tasks).toEqual([{ status: 'cancelled' }]);
  });

  it('restores a timer whose queue job was lost, from PostgreSQL, at start', async () => {
    const { instanceId } = await startCase(t);
    const [timer] = await eventually(async () => {
      const rows = await t.db.query(`SELECT t.id FROM timers t WHERE t.instance_id = $1`, [instanceId]);
      const relayed = (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`))[0].n === 0;
      return relayed && rows.length ? rows : undefined;
    }, 5000, 'timer relayed');
    await t.close();
    // Another instance of the app (or a flushed Redis) lost the job.
    const other = await startTestApp({ LOG_LEVEL: 'silent' });
    await other.app.get(QueueService).queue(QUEUE.timers).remove(timerJobId(timer.id));
    await other.close();
    t = await startTestApp();
    await eventually(async () => (await stateOf(t, instanceId)).state_value === 'timedOut', 15_000, 'reconciled timer to fire');
  });

  it('ignores a timer that fires after the instance moved on', async () => {
    const { caseId, instanceId } = await startCase(t);
    const answered = await t.request('POST', `/api/cases/${caseId}/events`, { token: p.tokens.coordinator, body: { instanceId, type: 'ANSWERED' } });
    expect(answered.status).toBe(200);
    const [timer] = await t.db.query(`SELECT id, status FROM timers WHERE instance_id = $1`, [instanceId]);
    expect(timer.status).toBe('cancelled');
    // A stray delivery of the old job (e.g. removed too late) changes nothing.
    expect(await t.app.get(InstanceService).fireTimer(timer.id)).toBe('skipped');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await stateOf(t, instanceId)).toMatchObject({ state_value: 'answered', revision: 2 });
  });
});
