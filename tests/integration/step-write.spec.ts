import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessService } from '../../libs/domain/src/access/access.service.js';
import { InstanceService } from '../../libs/domain/src/instances/instance.service.js';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';

/**
 * Leaving `asked` cancels its task (with its pending reminders) and its timer, and notifies the
 * coordinator; entering `answered` opens a task per probation agency with reminders and an
 * escalation, and sets a timer. Everything the one-statement write has to get right.
 */
const pathway = (key: string) => ({
  key,
  title: 'Step write test pathway',
  machine: {
    id: key,
    initial: 'asked',
    states: {
      asked: {
        meta: { title: 'Asked', tasks: [{ key: 'reply', title: 'Reply', assignee: { role: 'probation' }, due: 'P2D', reminders: ['-P1D', 'P0D'] }] },
        after: { P3D: 'answered' },
        on: { ANSWERED: { target: 'answered', actions: [{ type: 'notify', params: { kind: 'answer_in', role: 'coordinator', title: 'An answer came in' } }], meta: { title: 'Answered' } } },
      },
      answered: {
        meta: {
          title: 'Answered',
          tasks: [{ key: 'check', title: 'Check the answer', assignee: { role: 'probation' }, due: 'P5D', reminders: ['-P2D', 'P0D', 'P1D'], escalation: [{ after: 'P2D', to: { role: 'coordinator' } }] }],
        },
        after: { P10D: 'closed' },
        on: { DONE: { target: 'closed', meta: { title: 'Done' } } },
      },
      closed: { type: 'final', meta: { title: 'Closed' } },
    },
  },
});

/**
 * The step's one-statement write (StepRepository.flush, used by `POST /api/cases/:id/events`)
 * writes exactly what the statement-by-statement path (InstanceService.sendEvent in a
 * transaction, kept for the effects the plan leaves to it) writes for the same event: the same
 * rows in every table the step touches, ids apart.
 */
describe('a step written in one statement', () => {
  let t: TestApp;
  let p: Partnership;
  const key = `stepwrite-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t, { probation: { email: 'probation-desk@example.org', webhookUrl: 'http://127.0.0.1:9/unreachable' } });
    const draft = await t.request('POST', `/api/pathways/${key}/versions`, { token: p.adminToken, body: { definition: pathway(key) } });
    expect(draft.status).toBe(201);
    expect((await t.request('POST', `/api/pathways/${key}/versions/1/publish`, { token: p.adminToken })).status).toBe(200);
  }, 30_000);
  afterAll(() => t?.close());

  async function startCase(): Promise<{ caseId: string; instanceId: string }> {
    const created = await t.request<{ id: string }>('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: { subject: { name: 'Step Person' }, leadAgencyId: p.agencies.coordinator.id, participants: [{ agencyId: p.agencies.probation.id, role: 'probation' }] },
    });
    expect(created.status).toBe(201);
    const started = await t.request<{ instanceId: string }>('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    return { caseId: created.body.id, instanceId: started.body.instanceId };
  }

  /** What the case holds, ids replaced by stable names and times by offsets from the case's creation. */
  async function written(caseId: string, instanceId: string) {
    const q = <T>(sql: string) => t.db.query<T[]>(sql, [caseId]);
    const created = new Date((await q<{ at: Date }>(`SELECT created_at AS at FROM cases WHERE id = $1`))[0]!.at).getTime();
    const rel = (d: Date | string | null) => (d === null ? null : Math.round((new Date(d).getTime() - created) / 60_000));
    const tasks = await q<{ id: string; state_id: string; task_key: string; title: string; status: string; agency: string | null; due_at: Date | null }>(
      `SELECT id, state_id, task_key, title, status, assignee_agency_id AS agency, due_at FROM tasks WHERE case_id = $1 ORDER BY task_key`,
    );
    const taskName = new Map(tasks.map((x) => [x.id, x.task_key]));
    const timers = await t.db.query<Array<{ id: string; timer_id: string; event: string; status: string; revision: number; fire_at: Date }>>(
      `SELECT id, timer_id, event, status, revision, fire_at FROM timers WHERE instance_id = $1 ORDER BY revision, timer_id`,
      [instanceId],
    );
    const reminders = await q<{ id: string; generation: number; task_id: string; kind: string; agency_id: string; status: string; due_at: Date; rule: Record<string, unknown> }>(
      `SELECT id, generation, task_id, kind, agency_id, status, due_at, rule FROM reminders WHERE case_id = $1`,
    );
    const notifications = await q<{ id: string; kind: string; agency_id: string; title: string; link: string; task_id: string | null; rule: Record<string, unknown>; dedupe_key: string }>(
      `SELECT id, kind, agency_id, title, link, task_id, rule, dedupe_key FROM notifications WHERE case_id = $1`,
    );
    const deliveries = await q<{ id: string; notification_id: string; channel: string }>(
      `SELECT d.id, d.notification_id, d.channel FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.case_id = $1`,
    );
    const events = await q<{ type: string; from_state: unknown; to_state: unknown; revision: number | null; data: unknown }>(
      `SELECT type, from_state, to_state, revision, data FROM case_events WHERE case_id = $1 AND instance_id IS NOT NULL ORDER BY id`,
    );
    const jobIds = [
      ...timers.map((x) => `timer.${x.id}`),
      ...reminders.map((x) => `reminder.${x.id}.${x.generation}`),
      ...deliveries.map((x) => `delivery.${x.id}`),
    ];
    const outbox = await t.db.query<Array<{ topic: string; job_id: string; payload: Record<string, unknown>; run_at: Date | null }>>(
      `SELECT topic, job_id, payload, run_at FROM outbox WHERE job_id = ANY($1::text[]) ORDER BY topic, run_at, job_id`,
      [jobIds],
    );
    const nameOf = new Map<string, string>([
      ...tasks.map((x) => [x.id, `task:${x.task_key}`] as const),
      ...timers.map((x) => [x.id, `timer:${x.timer_id}:${x.revision}`] as const),
      ...reminders.map((x) => [x.id, `reminder:${taskName.get(x.task_id)}:${x.kind}:${String(x.rule.offset)}:${x.agency_id === p.agencies.probation.id ? 'probation' : 'other'}`] as const),
      ...notifications.map((x) => [x.id, `notification:${x.kind}`] as const),
      [instanceId, 'instance'],
      [caseId, 'case'],
    ]);
    const anonymise = (s: string) => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => nameOf.get(id) ?? 'id');
    const sorted = <T>(rows: T[]) => rows.map((r) => anonymise(JSON.stringify(r))).sort();
    return {
      tasks: sorted(tasks.map(({ id: _id, due_at, ...x }) => ({ ...x, due: rel(due_at) }))),
      timers: sorted(timers.map(({ id: _id, fire_at, ...x }) => ({ ...x, fires: rel(fire_at) }))),
      reminders: sorted(reminders.map(({ id: _id, due_at, ...x }) => ({ ...x, due: rel(due_at) }))),
      notifications: sorted(notifications.map(({ id: _id, ...x }) => x)),
      deliveries: sorted(deliveries.map(({ id: _id, ...x }) => x)),
      events: sorted(events),
      outbox: sorted(outbox.map(({ payload, run_at, ...x }) => ({ ...x, payload: { ...payload, requestId: undefined }, runs: rel(run_at) }))),
    };
  }

  it('writes what the statement-by-statement path writes, and answers alike', async () => {
    const direct = await startCase();
    const sequential = await startCase();

    const res = await t.request('POST', `/api/cases/${direct.caseId}/events`, { token: p.tokens.coordinator, body: { instanceId: direct.instanceId, type: 'ANSWERED' } });
    expect(res.status).toBe(200);
    const actor = { userId: p.users.coordinator.id, agencyId: p.agencies.coordinator.id, roles: ['case_manager'] } as Parameters<InstanceService['sendEvent']>[4];
    const view = await t.db.transaction((tx) =>
      t.app.get(InstanceService).sendEvent(tx, sequential.caseId, sequential.instanceId, { type: 'ANSWERED' }, actor, undefined, t.app.get(AccessService).caseFilter(actor, 'c', 3)),
    );
    expect(res.body).toMatchObject({ state: view.state, status: view.status, revision: view.revision, allowedEvents: view.allowedEvents });

    const a = await written(direct.caseId, direct.instanceId);
    const b = await written(sequential.caseId, sequential.instanceId);
    // The step did something in each table: the comparison below is not of empty lists.
    expect(a.tasks.filter((x) => x.includes('"status":"cancelled"'))).toHaveLength(1);
    expect(a.reminders.filter((x) => x.includes('"status":"cancelled"')).length).toBeGreaterThan(0);
    expect(a.timers.filter((x) => x.includes('"status":"cancelled"'))).toHaveLength(1);
    expect(a.notifications.some((x) => x.includes('answer_in'))).toBe(true);
    expect(a.deliveries.length).toBeGreaterThanOrEqual(2);
    expect(a.outbox.some((x) => x.includes('remove:reminders'))).toBe(true);
    expect(a).toEqual(b);

    // The audit entry is written by the same statement.
    const audit = await t.db.query<unknown[]>(`SELECT 1 FROM audit_log WHERE action = 'pathway.event' AND case_id = $1 AND resource_id = $2`, [direct.caseId, direct.instanceId]);
    expect(audit).toHaveLength(1);
  });

  it('writes nothing when another writer moves the instance between its read and its write, and answers 409', async () => {
    const c = await startCase();
    const before = await written(c.caseId, c.instanceId);
    // Another writer holds the instance (as a timer firing does): the event reads revision 1, then its write waits.
    const held = t.db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    try {
      await held.query(`SELECT id FROM pathway_instances WHERE id = $1 FOR NO KEY UPDATE`, [c.instanceId]);
      const sending = t.request('POST', `/api/cases/${c.caseId}/events`, { token: p.tokens.coordinator, body: { instanceId: c.instanceId, type: 'ANSWERED' } });
      await eventually(
        async () => (await t.db.query<unknown[]>(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).length > 0,
        10_000,
        'the event to wait for the instance',
      );
      await held.query(`UPDATE pathway_instances SET revision = revision + 1, updated_at = now() WHERE id = $1`, [c.instanceId]);
      await held.commitTransaction();
      const res = await sending;
      expect(res.status).toBe(409);
      expect(await written(c.caseId, c.instanceId)).toEqual(before);
      const audit = await t.db.query<unknown[]>(`SELECT 1 FROM audit_log WHERE action = 'pathway.event' AND case_id = $1`, [c.caseId]);
      expect(audit).toHaveLength(0);
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
  });
});
