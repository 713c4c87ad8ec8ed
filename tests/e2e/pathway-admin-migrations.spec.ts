import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, seedPartnership, startTestApp, type Partnership, type TestApp } from '../support/app.js';
import { quick, testKey, v1, v2, v3 } from './pathway-admin-fixtures.js';

interface TaskRow {
  id: string;
  state_id: string;
  task_key: string;
  status: string;
  due_at: Date | null;
}

describe('pathway administration: versions and migrations of running instances', () => {
  let t: TestApp;
  let p: Partnership;
  let admin: string;
  const key = testKey('test-migrate');
  beforeAll(async () => {
    t = await startTestApp();
    p = await seedPartnership(t);
    admin = p.adminToken;
  }, 60_000);
  afterAll(() => t.close());

  async function saveVersion(definition: unknown, publish = true): Promise<number> {
    const saved = await t.request('POST', `/api/pathways/${key}/versions`, { token: admin, body: { definition } });
    expect(saved.status).toBe(201);
    if (publish) expect((await t.request('POST', `/api/pathways/${key}/versions/${saved.body.version}/publish`, { token: admin })).status).toBe(200);
    return saved.body.version;
  }

  async function openCase() {
    const created = await t.request('POST', '/api/cases', {
      token: p.tokens.coordinator,
      body: {
        subject: { name: 'Migration Subject' },
        leadAgencyId: p.agencies.coordinator.id,
        participants: [{ agencyId: p.agencies.police.id, role: 'police' }],
      },
    });
    expect(created.status).toBe(201);
    const started = await t.request('POST', `/api/cases/${created.body.id}/pathways`, { token: p.tokens.coordinator, body: { key } });
    expect(started.status).toBe(201);
    return { caseId: created.body.id as string, instanceId: started.body.instanceId as string };
  }

  const instanceView = async (caseId: string, instanceId: string) => {
    const detail = await t.request('GET', `/api/cases/${caseId}`, { token: p.tokens.coordinator });
    return detail.body.pathways.find((x: { instanceId: string }) => x.instanceId === instanceId);
  };
  const tasks = (instanceId: string) =>
    t.db.query<TaskRow[]>('SELECT id, state_id, task_key, status, due_at FROM tasks WHERE instance_id = $1 ORDER BY created_at, id', [instanceId]);
  const openTasks = async (instanceId: string) => (await tasks(instanceId)).filter((x) => x.status === 'open');
  const timers = (instanceId: string) =>
    t.db.query<Array<{ timer_id: string; event: string; fire_at: Date; status: string }>>(
      'SELECT timer_id, event, fire_at, status FROM timers WHERE instance_id = $1 ORDER BY created_at',
      [instanceId],
    );
  const reminders = (instanceId: string) =>
    t.db.query<Array<{ id: string; task_id: string; task_key: string; agency_id: string; kind: string; due_at: Date; status: string }>>(
      `SELECT r.id, r.task_id, k.task_key, r.agency_id, r.kind, r.due_at, r.status FROM reminders r JOIN tasks k ON k.id = r.task_id
        WHERE k.instance_id = $1 ORDER BY r.created_at, r.id`,
      [instanceId],
    );
  const close = (a: string | Date, b: string | Date, ms = 120_000) => Math.abs(new Date(a).getTime() - new Date(b).getTime()) <= ms;

  let first: { caseId: string; instanceId: string };
  let stranded: { caseId: string; instanceId: string };
  let before: { view: unknown; tasks: TaskRow[] };

  it('publishing a new version leaves running instances on theirs; new cases get the new version', async () => {
    await saveVersion(v1(key));
    first = await openCase();
    stranded = await openCase();
    before = { view: await instanceView(first.caseId, first.instanceId), tasks: await tasks(first.instanceId) };
    expect(before.view).toMatchObject({ version: 1, state: 'intake', status: 'active' });
    expect(before.tasks.map((x) => x.task_key).sort()).toEqual(['check', 'gather']);

    expect(await saveVersion(v2(key))).toBe(2);
    const pathway = await t.request('GET', `/api/pathways/${key}`, { token: admin });
    expect(pathway.body.publishedVersion).toBe(2);
    expect(pathway.body.versions.map((v: { status: string }) => v.status)).toEqual(['retired', 'published']);

    expect(await instanceView(first.caseId, first.instanceId)).toEqual(before.view);
    expect(await tasks(first.instanceId)).toEqual(before.tasks);
    const fresh = await openCase();
    expect(await instanceView(fresh.caseId, fresh.instanceId)).toMatchObject({ version: 2, state: 'intake' });
    expect((await openTasks(fresh.instanceId)).map((x) => x.task_key).sort()).toEqual(['consent', 'gather']);
  }, 30_000);

  it('a dry run lists what moves; apply does exactly that to tasks, reminders and timers', async () => {
    const { instanceId } = first;
    const revisionBefore = (await instanceView(first.caseId, instanceId)).revision;
    const dry = await t.request('POST', `/api/pathways/${key}/migrations/dry-run`, {
      token: admin,
      body: { fromVersion: 1, toVersion: 2, instanceIds: [instanceId] },
    });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toEqual({ instances: 1, ok: 1, blocked: 0 });
    const item = dry.body.items[0];
    expect(item).toMatchObject({ instanceId, caseId: first.caseId, fromVersion: 1, toVersion: 2, ok: true, errors: [] });
    expect(item.caseReference).toMatch(/^CNV-/);
    expect(item.stateMapping).toEqual([{ from: 'intake', to: 'intake', how: 'same-id' }]);
    expect(item.tasksToClose.map((x: { key: string; reason: string }) => [x.key, x.reason])).toEqual([['check', 'task-removed']]);
    expect(item.tasksToOpen.map((x: { key: string }) => x.key)).toEqual(['consent']);
    expect(item.tasksKept).toHaveLength(1);
    expect(item.tasksKept[0]).toMatchObject({ key: 'gather', dueChanged: true, remindersChanged: true });
    expect(item.timersToCancel.map((x: { event: string }) => x.event)).toEqual([`xstate.after.P30D.${key}.intake`]);
    expect(item.timersToSet.map((x: { event: string }) => x.event)).toEqual([`xstate.after.P20D.${key}.intake`]);
    expect(item.remindersToCancel.length).toBeGreaterThan(0);
    expect(item.remindersToAdd.length).toBeGreaterThan(0);

    // The dry run changed nothing.
    expect((await instanceView(first.caseId, instanceId)).revision).toBe(revisionBefore);
    expect(await tasks(instanceId)).toEqual(before.tasks);
    const remindersBefore = await reminders(instanceId);
    expect(remindersBefore.every((r) => r.status === 'pending')).toBe(true);

    const applied = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 1, toVersion: 2, instanceIds: [instanceId] },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.summary).toEqual({ instances: 1, applied: 1, refused: 0 });
    expect(applied.body.items[0]).toMatchObject({ instanceId, applied: true, revision: revisionBefore + 1, errors: [] });
    expect(await instanceView(first.caseId, instanceId)).toMatchObject({ version: 2, state: 'intake', revision: revisionBefore + 1 });

    // Tasks: as listed.
    const after = await tasks(instanceId);
    for (const closed of item.tasksToClose) expect(after.find((x) => x.id === closed.taskId)?.status).toBe('cancelled');
    for (const kept of item.tasksKept) {
      const row = after.find((x) => x.id === kept.taskId)!;
      expect(row).toMatchObject({ status: 'open', state_id: kept.stateId });
      expect(row.due_at!.toISOString()).toBe(kept.newDueAt);
    }
    const gather = before.tasks.find((x) => x.task_key === 'gather')!;
    // The kept task's due date counts from when it was opened: 7 days instead of 10.
    expect(item.tasksKept[0].oldDueAt).toBe(gather.due_at!.toISOString());
    expect(new Date(item.tasksKept[0].oldDueAt).getTime() - new Date(item.tasksKept[0].newDueAt).getTime()).toBe(3 * 86_400_000);
    for (const opened of item.tasksToOpen) {
      const row = after.find((x) => x.task_key === opened.key && x.state_id === opened.stateId && x.status === 'open')!;
      expect(row).toBeDefined();
      expect(close(row.due_at!, opened.dueAt)).toBe(true);
    }
    expect((await openTasks(instanceId)).map((x) => x.task_key).sort()).toEqual(['consent', 'gather']);

    // Reminders: the listed ones cancelled, the listed ones scheduled.
    const remindersAfter = await reminders(instanceId);
    for (const r of item.remindersToCancel) expect(remindersAfter.find((x) => x.id === r.reminderId)?.status).toBe('cancelled');
    const pendingAfter = remindersAfter.filter((r) => r.status === 'pending');
    expect(pendingAfter).toHaveLength(item.remindersToAdd.length);
    for (const r of item.remindersToAdd) {
      const match = pendingAfter.find((x) => x.task_key === r.taskKey && x.kind === r.kind && x.agency_id === r.agencyId && close(x.due_at, r.dueAt));
      expect(match).toBeDefined();
      if (r.taskId) expect(match!.task_id).toBe(r.taskId);
    }

    // Timers: the 30-day timer cancelled, a 20-day one pending.
    const timerRows = await timers(instanceId);
    for (const c of item.timersToCancel) expect(timerRows.find((x) => x.event === c.event)?.status).toBe('cancelled');
    for (const s of item.timersToSet) {
      const row = timerRows.find((x) => x.event === s.event && x.status === 'pending')!;
      expect(row).toBeDefined();
      expect(close(row.fire_at, s.fireAt)).toBe(true);
    }

    const events = await t.db.query(`SELECT type, data, revision FROM case_events WHERE instance_id = $1 AND type = 'pathway.migrated'`, [instanceId]);
    expect(events).toEqual([{ type: 'pathway.migrated', data: { fromVersion: 1, toVersion: 2, mapping: {} }, revision: revisionBefore + 1 }]);
  }, 30_000);

  it('migrating back restores the version, the state, the tasks and their due dates', async () => {
    const { instanceId } = first;
    const back = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 2, toVersion: 1, instanceIds: [instanceId] },
    });
    expect(back.status).toBe(200);
    expect(back.body.items[0]).toMatchObject({ applied: true, errors: [] });
    expect(await instanceView(first.caseId, instanceId)).toMatchObject({ version: 1, state: 'intake', status: 'active' });
    const open = await openTasks(instanceId);
    expect(open.map((x) => x.task_key).sort()).toEqual(['check', 'gather']);
    const gatherBefore = before.tasks.find((x) => x.task_key === 'gather')!;
    const gatherNow = open.find((x) => x.task_key === 'gather')!;
    expect(gatherNow.id).toBe(gatherBefore.id);
    expect(gatherNow.due_at).toEqual(gatherBefore.due_at);
    const pendingTimers = (await timers(instanceId)).filter((x) => x.status === 'pending');
    expect(pendingTimers.map((x) => x.event)).toEqual([`xstate.after.P30D.${key}.intake`]);

    // The instance still runs on the restored version.
    const next = await t.request('POST', `/api/cases/${first.caseId}/events`, { token: p.tokens.coordinator, body: { instanceId, type: 'NEXT' } });
    expect(next.status).toBe(200);
    expect(next.body.state).toBe('review');
    // Leaving `intake` cancels the timer the migration set: its id is the one XState cancels.
    expect((await timers(instanceId)).filter((x) => x.status === 'pending')).toEqual([]);
  }, 30_000);

  it('names a stranded state in the dry run and refuses to apply it until it is mapped', async () => {
    expect(await saveVersion(v3(key))).toBe(3);
    const { caseId, instanceId } = stranded;
    const viewBefore = await instanceView(caseId, instanceId);
    const tasksBefore = await tasks(instanceId);

    const dry = await t.request('POST', `/api/pathways/${key}/migrations/dry-run`, { token: admin, body: { fromVersion: 1, toVersion: 3 } });
    expect(dry.status).toBe(200);
    const item = dry.body.items.find((x: { instanceId: string }) => x.instanceId === instanceId);
    expect(item.ok).toBe(false);
    expect(item.stateMapping).toEqual([{ from: 'intake', to: null, how: 'missing' }]);
    expect(item.errors.join(' ')).toMatch(/'intake' no longer exists in v3/);
    expect(dry.body.summary.blocked).toBeGreaterThanOrEqual(1);

    const refused = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 1, toVersion: 3, instanceIds: [instanceId] },
    });
    expect(refused.status).toBe(200);
    expect(refused.body.items[0]).toMatchObject({ instanceId, applied: false, revision: null });
    expect(refused.body.items[0].errors.join(' ')).toMatch(/intake/);
    expect(await instanceView(caseId, instanceId)).toEqual(viewBefore);
    expect(await tasks(instanceId)).toEqual(tasksBefore);

    const mapping = { intake: 'assessment' };
    const mappedDry = await t.request('POST', `/api/pathways/${key}/migrations/dry-run`, {
      token: admin,
      body: { fromVersion: 1, toVersion: 3, instanceIds: [instanceId], mapping },
    });
    expect(mappedDry.body.items[0]).toMatchObject({ ok: true, stateMapping: [{ from: 'intake', to: 'assessment', how: 'explicit' }] });
    expect(mappedDry.body.items[0].tasksKept.map((x: { key: string; stateId: string }) => [x.key, x.stateId]).sort()).toEqual([
      ['check', `${key}.assessment`],
      ['gather', `${key}.assessment`],
    ]);

    const applied = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 1, toVersion: 3, instanceIds: [instanceId], mapping },
    });
    expect(applied.body.items[0]).toMatchObject({ applied: true, revision: viewBefore.revision + 1 });
    expect(await instanceView(caseId, instanceId)).toMatchObject({ version: 3, state: 'assessment' });
    const open = await openTasks(instanceId);
    expect(open.map((x) => x.id).sort()).toEqual(tasksBefore.map((x) => x.id).sort());
    expect(new Set(open.map((x) => x.state_id))).toEqual(new Set([`${key}.assessment`]));
    expect((await timers(instanceId)).filter((x) => x.status === 'pending').map((x) => x.event)).toEqual([`xstate.after.P30D.${key}.assessment`]);

    // Migrating back needs the inverse mapping, and restores the original state.
    const back = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 3, toVersion: 1, instanceIds: [instanceId], mapping: { assessment: 'intake' } },
    });
    expect(back.body.items[0]).toMatchObject({ applied: true });
    expect(await instanceView(caseId, instanceId)).toMatchObject({ version: 1, state: 'intake' });
    expect(new Set((await openTasks(instanceId)).map((x) => x.state_id))).toEqual(new Set([`${key}.intake`]));
  }, 30_000);

  it('refuses to apply to a draft, to all instances without saying so, and to instances on another version', async () => {
    const draft = await saveVersion(v2(key), false);
    const toDraft = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 1, toVersion: draft, all: true },
    });
    expect(toDraft.status).toBe(422);
    expect(toDraft.body.detail).toMatch(/draft/);
    const unnamed = await t.request('POST', `/api/pathways/${key}/migrations/apply`, { token: admin, body: { fromVersion: 1, toVersion: 3 } });
    expect(unnamed.status).toBe(400);
    const wrongVersion = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 2, toVersion: 3, instanceIds: [stranded.instanceId] },
    });
    expect(wrongVersion.body.items[0]).toMatchObject({ applied: false });
    expect(wrongVersion.body.items[0].errors[0]).toMatch(/on version 1, not 2/);
    const notAdmin = await t.request('POST', `/api/pathways/${key}/migrations/dry-run`, {
      token: p.tokens.coordinator,
      body: { fromVersion: 1, toVersion: 3 },
    });
    expect(notAdmin.status).toBe(403);
  }, 30_000);

  it('records every version change and migration in the pathway history, with who did it', async () => {
    const history = await t.request('GET', `/api/pathways/${key}/history?limit=200`, { token: admin });
    expect(history.status).toBe(200);
    const actions = history.body.items.map((e: { action: string; version: number | null }) => `${e.action}@${e.version ?? '-'}`);
    for (const expected of ['pathway.draft@1', 'pathway.publish@1', 'pathway.draft@2', 'pathway.publish@2', 'pathway.retire@1', 'pathway.draft@3', 'pathway.draft@4']) {
      expect(actions).toContain(expected);
    }
    expect(actions.filter((a: string) => a.startsWith('pathway.migrate@'))).toHaveLength(4);
    const publish2 = history.body.items.find((e: { action: string; version: number }) => e.action === 'pathway.publish' && e.version === 2);
    expect(publish2.user).toMatchObject({ email: 'admin@convene.local' });
    expect(publish2.detail).toMatchObject({ key, version: 2, replaces: 1, diff: { against: 1, identical: false } });
    expect(publish2.detail.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(publish2.detail.diff.tasks).toEqual({ added: 1, removed: 1, changed: 1 });
    const migrate = history.body.items.find((e: { action: string }) => e.action === 'pathway.migrate');
    expect(migrate.detail).toMatchObject({ key, fromVersion: expect.any(Number), toVersion: expect.any(Number) });
    // Newest first.
    const times = history.body.items.map((e: { at: string }) => new Date(e.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  }, 30_000);

  it('a timer set by a migration fires like any other: the instance moves on when it elapses', async () => {
    const version = await saveVersion(quick(key));
    const { caseId, instanceId } = stranded;
    const applied = await t.request('POST', `/api/pathways/${key}/migrations/apply`, {
      token: admin,
      body: { fromVersion: 1, toVersion: version, instanceIds: [instanceId] },
    });
    expect(applied.body.items[0]).toMatchObject({ applied: true });
    expect(applied.body.items[0].timersToSet.map((x: { event: string }) => x.event)).toEqual([`xstate.after.PT2S.${key}.intake`]);
    const moved = await eventually(async () => {
      const view = await instanceView(caseId, instanceId);
      return view.state === 'review' ? view : undefined;
    }, 20_000, 'the migrated timer to fire');
    expect(moved).toMatchObject({ version, state: 'review' });
    expect((await openTasks(instanceId)).map((x) => x.task_key)).toEqual(['decide']);
  }, 30_000);
});
