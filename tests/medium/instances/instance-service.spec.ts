import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InstanceService } from '../../../libs/domain/src/instances/instance.service.js';
import { StepRepository } from '../../../libs/domain/src/instances/step.repository.js';
import { InstanceRepository } from '../../../libs/domain/src/instances/instance.repository.js';
import { loadFacts } from '../../../libs/domain/src/instances/facts.js';
import { loadCaseContext } from '../../../libs/domain/src/cases/case-context.js';
import { timerJobId, reminderJobId } from '../../../libs/domain/src/outbox/outbox.js';
import { makePartnership, makePartnershipCase, makePathway, type Partnership } from '../support/factories.js';
import { startMedium, T0, type Medium } from '../support/medium.js';
import { DAY, HOUR, domainError, eventTypesOf, notificationsOf, outboxRunAt, plus, remindersOf, tasksOf } from '../support/reads.js';

/** Probation's report (due three days after the state is entered), then an assessment that lapses after two days. */
const contributions = (key: string) => ({
  key,
  title: 'Contributions (medium)',
  machine: {
    id: key,
    initial: 'contributions',
    states: {
      contributions: {
        meta: {
          title: 'Contributions',
          tasks: [
            {
              key: 'risk-report',
              title: 'Submit risk assessment',
              assignee: { role: 'probation' },
              due: 'P3D',
              reminders: ['-P1D', 'P0D'],
              escalation: { after: 'P2D', to: { role: 'coordinator' } },
              urgent: true,
            },
          ],
        },
        on: { ASSESS: { target: 'assessment', meta: { title: 'Assess now' } } },
        always: { target: 'assessed', guard: 'allTasksDone' },
      },
      assessed: { meta: { title: 'Assessed' }, on: { ASSESS: 'assessment' } },
      assessment: { meta: { title: 'Assessment' }, after: { P2D: 'lapsed' }, on: { DECIDE: 'decided' } },
      lapsed: { type: 'final' },
      decided: { type: 'final' },
    },
  },
});

describe('InstanceService (medium: real PostgreSQL, moved clock)', () => {
  let m: Medium;
  let instances: InstanceService;
  let p: Partnership;
  let key: string;

  beforeAll(async () => {
    m = await startMedium();
    instances = m.get(InstanceService);
    p = await makePartnership(m.db);
    key = await makePathway(m, contributions);
  });
  afterAll(() => m?.close());
  beforeEach(() => {
    m.clock.set(T0);
  });

  const start = async () => {
    const c = await makePartnershipCase(m.db, p);
    const row = await m.tx((tx) => instances.start(tx, c.id, key, { actor: p.manager }));
    return { caseId: c.id, instanceId: row.id };
  };

  it('the one-statement read of a step brings the same instance, case, participants and facts as the separate reads', async () => {
    const { caseId, instanceId } = await start();
    const loaded = await StepRepository.load(m.db.manager, caseId, instanceId);
    const instance = await InstanceRepository.get(m.db.manager, instanceId);
    const ctx = await loadCaseContext(m.db.manager, caseId);
    expect(loaded).toEqual({ instance, ctx, facts: await loadFacts(m.db.manager, caseId, instanceId, ctx!.case.keyDates) });
    expect(loaded !== 'case_not_found' && loaded?.facts.tasks).toEqual([{ stateId: `${key}.contributions`, key: 'risk-report', status: 'open' }]);
    // Another case's id, or an unknown instance: nothing.
    const other = await makePartnershipCase(m.db, p);
    expect(await StepRepository.load(m.db.manager, other.id, instanceId)).toBeUndefined();
    expect(await StepRepository.load(m.db.manager, caseId, instanceId, { sql: 'false', params: [] })).toBe('case_not_found');
    expect(await StepRepository.load(m.db.manager, caseId, other.id)).toBeUndefined();
  });

  it("starting a pathway opens the first state's task for the role's agency, due by the clock, with its reminders and notice", async () => {
    const { caseId } = await start();
    const [task, ...others] = await tasksOf(m.db, caseId);
    expect(others).toEqual([]);
    expect(task).toMatchObject({ title: 'Submit risk assessment', status: 'open', assigneeAgencyId: p.probation.id });
    expect(task!.dueAt!.toISOString()).toBe(plus(T0, 3 * DAY));

    const reminders = await remindersOf(m.db, { taskId: task!.id });
    expect(reminders.map((r) => [r.kind, r.agencyId, r.dueAt, r.status])).toEqual([
      ['reminder', p.probation.id, plus(T0, 2 * DAY), 'pending'],
      ['reminder', p.probation.id, plus(T0, 3 * DAY), 'pending'],
      ['escalation', p.city.id, plus(T0, 5 * DAY), 'pending'],
    ]);
    // Each reminder's wake-up is queued for its own moment.
    for (const r of reminders) expect(await outboxRunAt(m.db, reminderJobId(r.id, r.generation))).toBe(r.dueAt);

    expect(await notificationsOf(m.db, caseId)).toEqual([
      expect.objectContaining({ kind: 'task_assigned', agencyId: p.probation.id, title: 'Submit risk assessment', taskId: task!.id }),
    ]);
    expect(await eventTypesOf(m.db, caseId)).toEqual(['pathway.started']);
  });

  it('an event moves the pathway on: the old task and its reminders are cancelled and the new state arms its timer', async () => {
    const { caseId, instanceId } = await start();
    const [task] = await tasksOf(m.db, caseId);
    m.clock.advance('PT1H');
    const view = await m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'ASSESS' }, p.manager, 1));
    expect(view).toMatchObject({ state: 'assessment', status: 'active', revision: 2 });
    expect(view.allowedEvents.map((e) => e.type)).toContain('DECIDE');

    expect((await tasksOf(m.db, caseId)).map((t) => t.status)).toEqual(['cancelled']);
    expect((await remindersOf(m.db, { taskId: task!.id })).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);

    const [timer] = await m.db.query<Array<{ id: string; event: string; fire_at: Date; status: string }>>(`SELECT id, event, fire_at, status FROM timers WHERE instance_id = $1`, [instanceId]);
    expect(timer!.status).toBe('pending');
    // Two days from the moment the state was entered — the clock's, an hour after the start.
    expect(new Date(timer!.fire_at).toISOString()).toBe(plus(T0, HOUR + 2 * DAY));
    expect(await outboxRunAt(m.db, timerJobId(timer!.id))).toBe(plus(T0, HOUR + 2 * DAY));
    expect(await eventTypesOf(m.db, caseId)).toEqual(['pathway.started', 'ASSESS']);
  });

  it('refuses a stale revision, a role the event does not allow, and a second start of the same pathway', async () => {
    const { caseId, instanceId } = await start();
    const stale = await domainError(m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'ASSESS' }, p.manager, 7)));
    expect(stale.code).toBe('conflict');
    expect(stale.extra).toMatchObject({ currentRevision: 1 });

    const staff = await domainError(m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'ASSESS' }, p.probationStaff)));
    expect(staff.code).toBe('unprocessable');
    expect(staff.extra).toMatchObject({ reason: 'role_not_allowed' });

    const unknown = await domainError(m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'DECIDE' }, p.manager)));
    expect(unknown.code).toBe('unprocessable');

    const again = await domainError(m.tx((tx) => instances.start(tx, caseId, key, { actor: p.manager })));
    expect(again.code).toBe('conflict');
    // Nothing of the refused calls was written.
    expect(await eventTypesOf(m.db, caseId)).toEqual(['pathway.started']);
  });

  it('a timer that comes due fires once: the pathway lapses, a second delivery is ignored', async () => {
    const { caseId, instanceId } = await start();
    await m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'ASSESS' }, p.manager));
    const [timer] = await m.db.query<Array<{ id: string }>>(`SELECT id FROM timers WHERE instance_id = $1`, [instanceId]);

    m.clock.advance('P2D');
    expect(await instances.fireTimer(timer!.id)).toBe('fired');
    const [instance] = await m.db.query<Array<{ status: string; state_value: unknown }>>(`SELECT status, state_value FROM pathway_instances WHERE id = $1`, [instanceId]);
    expect(instance).toEqual({ status: 'done', state_value: 'lapsed' });
    expect(await instances.fireTimer(timer!.id)).toBe('skipped');
    expect(await eventTypesOf(m.db, caseId)).toEqual(['pathway.started', 'ASSESS', `xstate.after.P2D.${key}.assessment`]);
  });

  it('a timer whose state was left before it came due is stale and changes nothing', async () => {
    const { caseId, instanceId } = await start();
    await m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'ASSESS' }, p.manager));
    const [timer] = await m.db.query<Array<{ id: string }>>(`SELECT id FROM timers WHERE instance_id = $1`, [instanceId]);
    m.clock.advance('P1D');
    const decided = await m.tx((tx) => instances.sendEvent(tx, caseId, instanceId, { type: 'DECIDE' }, p.manager));
    expect(decided).toMatchObject({ state: 'decided', status: 'done' });
    m.clock.advance('P1D');
    // Leaving the state cancelled the timer: its job, delivered anyway, does nothing.
    const [settled] = await m.db.query<Array<{ status: string }>>(`SELECT status FROM timers WHERE id = $1`, [timer!.id]);
    expect(settled!.status).toBe('cancelled');
    expect(await instances.fireTimer(timer!.id)).toBe('skipped');
    const [instance] = await m.db.query<Array<{ state_value: unknown }>>(`SELECT state_value FROM pathway_instances WHERE id = $1`, [instanceId]);
    expect(instance!.state_value).toBe('decided');
  });
});
