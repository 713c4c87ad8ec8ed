import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InstanceService } from '../../../libs/domain/src/instances/instance.service.js';
import { TaskService } from '../../../libs/domain/src/tasks/task.service.js';
import { makePartnership, makePartnershipCase, makePathway, type Partnership } from '../support/factories.js';
import { startMedium, T0, type Medium } from '../support/medium.js';
import { reportPathway } from '../support/pathways.js';
import { DAY, HOUR, domainError, eventTypesOf, notificationsOf, plus, remindersOf, tasksOf } from '../support/reads.js';

describe('TaskService (medium)', () => {
  let m: Medium;
  let tasks: TaskService;
  let p: Partnership;
  let key: string;

  beforeAll(async () => {
    m = await startMedium();
    tasks = m.get(TaskService);
    p = await makePartnership(m.db);
    key = await makePathway(m, reportPathway);
  });
  afterAll(() => m?.close());
  beforeEach(() => {
    m.clock.set(T0);
  });

  /** A case whose report task is open at probation; returns the case, instance and task ids. */
  async function openReport() {
    const c = await makePartnershipCase(m.db, p);
    const instance = await m.tx((tx) => m.get(InstanceService).start(tx, c.id, key, { actor: p.manager }));
    const [task] = await tasksOf(m.db, c.id);
    return { caseId: c.id, instanceId: instance.id, taskId: task!.id };
  }
  const stateOf = async (instanceId: string) =>
    (await m.db.query<Array<{ state_value: unknown }>>(`SELECT state_value FROM pathway_instances WHERE id = $1`, [instanceId]))[0]!.state_value;

  it('completing a task closes it, stops its reminders and lets the pathway move on', async () => {
    const { caseId, instanceId, taskId } = await openReport();
    m.clock.advance('P1D');
    const done = await tasks.complete(p.probationStaff, taskId, { outcome: 'submitted', note: 'attached' }, m.once);
    expect(done).toMatchObject({ id: taskId, status: 'done', outcome: 'submitted', note: 'attached' });
    expect((await remindersOf(m.db, { taskId })).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await stateOf(instanceId)).toBe('assessed');
    expect(await eventTypesOf(m.db, caseId)).toEqual(['pathway.started', 'task.completed', 'convene.reevaluate']);
    const audit = await m.db.query<Array<{ action: string; userId: string }>>(`SELECT action, user_id AS "userId" FROM audit_log WHERE case_id = $1 ORDER BY id`, [caseId]);
    expect(audit).toEqual([{ action: 'task.complete', userId: p.probationStaff.userId }]);
  });

  it('a task is completed once; another agency cannot even see it; the case manager may complete it', async () => {
    const first = await openReport();
    await tasks.complete(p.probationStaff, first.taskId, {}, m.once);
    expect((await domainError(tasks.complete(p.probationStaff, first.taskId, { outcome: 'again' }, m.once))).code).toBe('conflict');

    const second = await openReport();
    expect((await domainError(tasks.complete(p.policeStaff, second.taskId, {}, m.once))).code).toBe('not_found');
    expect((await tasksOf(m.db, second.caseId))[0]!.status).toBe('open');
    const byManager = await tasks.complete(p.manager, second.taskId, {}, m.once);
    expect(byManager.status).toBe('done');
  });

  it('extending a task moves its due date and every pending reminder with it', async () => {
    const { taskId } = await openReport();
    const before = await remindersOf(m.db, { taskId });
    m.clock.advance('PT2H');
    const extended = await tasks.extend(p.manager, taskId, { dueAt: new Date(plus(T0, 10 * DAY)), reason: 'awaiting records' });
    expect(new Date(extended.dueAt!).toISOString()).toBe(plus(T0, 10 * DAY));
    const after = await remindersOf(m.db, { taskId }, 'pending');
    expect(after.map((r) => [r.kind, r.dueAt])).toEqual([
      ['reminder', plus(T0, 9 * DAY)],
      ['reminder', plus(T0, 10 * DAY)],
      ['escalation', plus(T0, 12 * DAY)],
    ]);
    // The same reminders moved (a new generation each), not new ones.
    expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    expect(after.every((r) => r.generation === 2)).toBe(true);
    // Staff may not extend.
    expect((await domainError(tasks.extend(p.probationStaff, taskId, { dueAt: new Date(plus(T0, 20 * DAY)), reason: 'x' }))).code).toBe('forbidden');
  });

  it('a reassigned task tells the new agency and reminds it only of what is still to come by the clock', async () => {
    const { caseId, taskId } = await openReport();
    // Two and a half days in: the day-before reminder's moment has passed.
    m.clock.advance(2 * DAY + 12 * HOUR);
    const moved = await tasks.reassign(p.manager, taskId, { agencyId: p.police.id, reason: 'probation on leave' }, m.once);
    expect(moved.assigneeAgencyId).toBe(p.police.id);
    expect((await remindersOf(m.db, { taskId }, 'pending')).map((r) => [r.kind, r.agencyId, r.dueAt])).toEqual([
      ['reminder', p.police.id, plus(T0, 3 * DAY)],
      ['escalation', p.city.id, plus(T0, 5 * DAY)],
    ]);
    const told = (await notificationsOf(m.db, caseId)).filter((n) => n.kind === 'task_assigned');
    expect(told.map((n) => n.agencyId)).toEqual([p.probation.id, p.police.id]);
    // Probation no longer sees the task; police does.
    expect((await domainError(tasks.get(p.probationStaff, taskId))).code).toBe('not_found');
    expect((await tasks.get(p.policeStaff, taskId)).id).toBe(taskId);
  });
});
