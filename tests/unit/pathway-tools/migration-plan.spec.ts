import { describe, expect, it } from '@jest/globals';
import { addDuration } from '../../../libs/engine/src/duration.js';
import type { PathwayDefinition } from '../../../libs/engine/src/types.js';
import { planMigration, type MigrationInstance, type MigrationPlan } from '../../../libs/pathway-tools/src/index.js';
import { contributions, referralV1, referralV2 } from './fixtures.js';

const ENTERED = '2027-01-01T09:00:00.000Z';
const NOW = new Date('2027-01-05T09:00:00.000Z');
const plus = (iso: string, d: string | Date) => addDuration(typeof d === 'string' ? new Date(d) : d, iso).toISOString();

/** What the durable layer would hold after carrying out a plan. */
function applyPlan(plan: MigrationPlan, before: MigrationInstance): MigrationInstance {
  expect(plan.ok).toBe(true);
  return {
    stateValue: plan.targetStateValue,
    enteredAt: before.enteredAt,
    openTasks: [
      ...plan.tasksKept.map((t) => ({ id: t.taskId, stateId: t.stateId, key: t.key, dueAt: t.newDueAt })),
      ...plan.tasksToOpen.map((t) => ({ id: `new:${t.stateId}:${t.key}`, stateId: t.stateId, key: t.key, dueAt: t.dueAt })),
    ],
    pendingTimers: [
      ...plan.timersKept.map(({ timerId, event, fireAt }) => ({ timerId, event, fireAt })),
      ...plan.timersToSet.map(({ timerId, event, fireAt }) => ({ timerId, event, fireAt })),
    ],
  };
}

function inIntake(): MigrationInstance {
  return {
    stateValue: { screening: 'intake' },
    enteredAt: ENTERED,
    openTasks: [
      { id: 't-risk', stateId: 'referral.screening', key: 'risk-report', dueAt: plus('P14D', ENTERED) },
      { id: 't-consent', stateId: 'referral.screening.intake', key: 'consent', dueAt: plus('P5D', ENTERED) },
    ],
    pendingTimers: [
      { timerId: 'xstate.after.P30D.referral.screening', event: 'xstate.after.P30D.referral.screening', fireAt: plus('P30D', ENTERED) },
      { timerId: 'xstate.after.P2D.referral.screening.intake', event: 'xstate.after.P2D.referral.screening.intake', fireAt: plus('P2D', ENTERED) },
    ],
  };
}

function inLegacy(): MigrationInstance {
  return {
    stateValue: { screening: 'legacy' },
    enteredAt: ENTERED,
    openTasks: [{ id: 't-risk', stateId: 'referral.screening', key: 'risk-report', dueAt: plus('P14D', ENTERED) }],
    pendingTimers: [
      { timerId: 'xstate.after.P30D.referral.screening', event: 'xstate.after.P30D.referral.screening', fireAt: plus('P30D', ENTERED) },
      { timerId: 'xstate.after.P3D.referral.screening.legacy', event: 'xstate.after.P3D.referral.screening.legacy', fireAt: plus('P3D', ENTERED) },
    ],
  };
}

const plan = (from: PathwayDefinition, to: PathwayDefinition, instance: MigrationInstance, mapping?: Record<string, string>) =>
  planMigration({ from, to, instance, ...(mapping ? { mapping } : {}), now: NOW, keyDates: {}, versions: { from: 1, to: 2 } });

describe('planMigration: states', () => {
  it('keeps a state that still exists under the same id', () => {
    const p = plan(referralV1(), referralV2(), inIntake());
    expect(p.ok).toBe(true);
    expect(p.errors).toEqual([]);
    expect(p.stateMapping).toEqual([{ from: 'screening.intake', to: 'screening.intake', how: 'same-id' }]);
    expect(p.fromStates).toEqual(['screening.intake']);
    expect(p.toStates).toEqual(['screening.intake']);
    expect(p.targetStateValue).toEqual({ screening: 'intake' });
  });

  it('follows an explicit mapping, given by path or by XState id', () => {
    const mappings: Array<Record<string, string>> = [
      { 'screening.legacy': 'screening.triage' },
      { 'referral.screening.legacy': 'referral.screening.triage' },
    ];
    for (const mapping of mappings) {
      const p = plan(referralV1(), referralV2(), inLegacy(), mapping);
      expect(p.ok).toBe(true);
      expect(p.stateMapping).toEqual([{ from: 'screening.legacy', to: 'screening.triage', how: 'explicit' }]);
      expect(p.targetStateValue).toEqual({ screening: 'triage' });
    }
  });

  it('refuses to strand an instance whose state is gone and unmapped', () => {
    const p = plan(referralV1(), referralV2(), inLegacy());
    expect(p.ok).toBe(false);
    expect(p.stateMapping).toEqual([{ from: 'screening.legacy', to: null, how: 'missing' }]);
    expect(p.errors).toEqual(["state 'screening.legacy' no longer exists in v2: map it to a state of v2"]);
    expect(p.targetStateValue).toBeNull();
  });

  it('refuses a mapping to a state the target version does not have', () => {
    const p = plan(referralV1(), referralV2(), inLegacy(), { 'screening.legacy': 'screening.nowhere' });
    expect(p.ok).toBe(false);
    expect(p.errors.join('\n')).toContain("'screening.nowhere', which is not a state of v2");
  });

  it('enters the initial sub-state when a state became compound', () => {
    const instance: MigrationInstance = {
      stateValue: 'planning',
      enteredAt: ENTERED,
      openTasks: [{ id: 't-plan', stateId: 'referral.planning', key: 'plan', dueAt: plus('P10D', ENTERED) }],
      pendingTimers: [],
    };
    const p = plan(referralV1(), referralV2(), instance);
    expect(p.ok).toBe(true);
    expect(p.toStates).toEqual(['planning.draft']);
    expect(p.targetStateValue).toEqual({ planning: 'draft' });
    expect(p.tasksKept.map((t) => t.key)).toEqual(['plan']);
    expect(p.tasksToOpen).toEqual([]);
  });

  it('refuses two states that would be active at once in one parent', () => {
    const instance: MigrationInstance = {
      stateValue: { collecting: { police: 'pending', probation: 'late' } },
      openTasks: [],
      pendingTimers: [],
    };
    const p = plan(contributions(false), contributions(false), instance, { 'collecting.probation.late': 'collecting.police.late' });
    expect(p.ok).toBe(false);
    expect(p.errors[0]).toMatch(/'collecting.police.pending' and 'collecting.police.late' of v2 cannot be active at once/);
  });
});

describe('planMigration: tasks', () => {
  it('keeps tasks of kept states, recomputing the due date only when its spec changed, and opens new task keys', () => {
    const p = plan(referralV1(), referralV2(), inIntake());
    const risk = p.tasksKept.find((t) => t.key === 'risk-report')!;
    expect(risk).toMatchObject({
      taskId: 't-risk',
      stateId: 'referral.screening',
      oldDueAt: plus('P14D', ENTERED),
      newDueAt: plus('P10D', ENTERED),
      dueChanged: true,
      remindersChanged: true,
      assigneeChanged: null,
    });
    const consent = p.tasksKept.find((t) => t.key === 'consent')!;
    expect(consent).toMatchObject({ dueChanged: false, remindersChanged: false, newDueAt: plus('P5D', ENTERED) });
    expect(p.tasksToOpen).toEqual([
      expect.objectContaining({ stateId: 'referral.screening.intake', key: 'id-check', why: 'new-task', dueAt: plus('P3D', NOW) }),
    ]);
    expect(p.tasksToClose).toEqual([]);
  });

  it('closes tasks whose state is left or whose key is gone, and opens the tasks of newly entered states', () => {
    const v2 = referralV2();
    const intake = (v2.machine.states as Record<string, { states: Record<string, { meta: { tasks: unknown[] } }> }>).screening!.states.intake!;
    intake.meta.tasks = intake.meta.tasks.slice(1); // consent removed
    const removed = plan(referralV1(), v2, inIntake());
    expect(removed.tasksToClose).toEqual([{ taskId: 't-consent', stateId: 'referral.screening.intake', key: 'consent', reason: 'task-removed' }]);

    const instance = inIntake();
    const mapped = plan(referralV1(), referralV2(), instance, { 'screening.intake': 'screening.triage' });
    expect(mapped.tasksToClose).toEqual([expect.objectContaining({ taskId: 't-consent', reason: 'state-left' })]);
    expect(mapped.tasksToOpen).toEqual([
      expect.objectContaining({ stateId: 'referral.screening.triage', key: 'triage-notes', why: 'entered', dueAt: plus('P2D', NOW) }),
    ]);

    const toPlanning = plan(referralV1(), referralV2(), instance, { 'screening.intake': 'planning.signoff' });
    expect(toPlanning.tasksToClose.map((t) => [t.key, t.reason])).toEqual([
      ['risk-report', 'state-left'],
      ['consent', 'state-left'],
    ]);
    expect(toPlanning.tasksToOpen.map((t) => [t.stateId, t.key, t.why])).toEqual([
      ['referral.planning', 'plan', 'entered'],
      ['referral.planning.signoff', 'sign', 'entered'],
    ]);
  });

  it('does not reopen a task that was already done in a state that continues', () => {
    const instance = inIntake();
    instance.openTasks = instance.openTasks.filter((t) => t.key !== 'consent'); // consent done
    const p = plan(referralV1(), referralV2(), instance);
    expect(p.tasksToOpen.map((t) => t.key)).toEqual(['id-check']);
  });

  it('reports a reassigned task', () => {
    const v2 = referralV2();
    const screening = (v2.machine.states as Record<string, { meta: { tasks: Array<Record<string, unknown>> } }>).screening!;
    screening.meta.tasks[0]!.assignee = { role: 'police' };
    const risk = plan(referralV1(), v2, inIntake()).tasksKept.find((t) => t.key === 'risk-report')!;
    expect(risk.assigneeChanged).toEqual({ from: 'probation', to: 'police' });
  });
});

describe('planMigration: timers', () => {
  it('cancels the timers of a state the instance leaves', () => {
    const p = plan(referralV1(), referralV2(), inLegacy(), { 'screening.legacy': 'planning.draft' });
    expect(p.timersToCancel.map((t) => [t.event, t.reason])).toEqual([
      ['xstate.after.P30D.referral.screening', 'state-left'],
      ['xstate.after.P3D.referral.screening.legacy', 'state-left'],
    ]);
    expect(p.timersToSet).toEqual([]);
  });

  it('keeps timers whose delay stays, cancels removed ones and sets new ones from now', () => {
    const p = plan(referralV1(), referralV2(), inIntake());
    expect(p.timersKept).toEqual([
      expect.objectContaining({ event: 'xstate.after.P2D.referral.screening.intake', fireAt: plus('P2D', ENTERED) }),
    ]);
    expect(p.timersToCancel).toEqual([
      { timerId: 'xstate.after.P30D.referral.screening', event: 'xstate.after.P30D.referral.screening', reason: 'delay-removed' },
    ]);
    expect(p.timersToSet).toEqual([
      expect.objectContaining({ event: 'xstate.after.P21D.referral.screening', fireAt: plus('P21D', NOW), carriedOver: false }),
    ]);
  });

  it("cancels the timers of a state mapped away and sets the mapped state's own", () => {
    const p = plan(referralV1(), referralV2(), inLegacy(), { 'screening.legacy': 'screening.triage' });
    expect(p.timersToCancel.map((t) => [t.event, t.reason])).toEqual([
      ['xstate.after.P30D.referral.screening', 'delay-removed'],
      ['xstate.after.P3D.referral.screening.legacy', 'state-left'],
    ]);
    expect(p.timersToSet.map((t) => [t.event, t.fireAt])).toEqual([
      ['xstate.after.P21D.referral.screening', plus('P21D', NOW)],
      ['xstate.after.P1D.referral.screening.triage', plus('P1D', NOW)],
    ]);
  });

  it('moves a pending timer to a renamed state without changing when it fires', () => {
    const v2 = referralV2();
    const triage = (v2.machine.states as Record<string, { states: Record<string, Record<string, unknown>> }>).screening!.states.triage!;
    triage.after = { P3D: 'intake' };
    const p = plan(referralV1(), v2, inLegacy(), { 'screening.legacy': 'screening.triage' });
    expect(p.timersToCancel).toContainEqual(expect.objectContaining({ event: 'xstate.after.P3D.referral.screening.legacy', reason: 'renamed' }));
    expect(p.timersToSet).toContainEqual(
      expect.objectContaining({ event: 'xstate.after.P3D.referral.screening.triage', fireAt: plus('P3D', ENTERED), carriedOver: true }),
    );
  });
});

describe('planMigration: parallel states', () => {
  const collecting: MigrationInstance = {
    stateValue: { collecting: { police: 'pending', probation: 'submitted' } },
    openTasks: [{ id: 't-police', stateId: 'contributions.collecting.police.pending', key: 'police-report', dueAt: null }],
    pendingTimers: [
      {
        timerId: 'xstate.after.P7D.contributions.collecting.police.pending',
        event: 'xstate.after.P7D.contributions.collecting.police.pending',
        fireAt: plus('P7D', ENTERED),
      },
    ],
  };

  it('enters a region added in the new version, with its tasks and timers', () => {
    const p = plan(contributions(false), contributions(true), collecting);
    expect(p.ok).toBe(true);
    expect(p.targetStateValue).toEqual({ collecting: { police: 'pending', probation: 'submitted', housing: 'pending' } });
    expect(p.tasksToOpen.map((t) => [t.stateId, t.key, t.why])).toEqual([['contributions.collecting.housing.pending', 'housing-report', 'entered']]);
    expect(p.timersKept.map((t) => t.event)).toEqual(['xstate.after.P7D.contributions.collecting.police.pending']);
    expect(p.timersToSet.map((t) => t.event)).toEqual(['xstate.after.P7D.contributions.collecting.housing.pending']);
  });

  it('drops a removed region when its state is mapped to the parallel state', () => {
    const forward = applyPlan(plan(contributions(false), contributions(true), collecting), collecting);
    const stranded = plan(contributions(true), contributions(false), forward);
    expect(stranded.ok).toBe(false);
    expect(stranded.errors).toEqual(["state 'collecting.housing.pending' no longer exists in v2: map it to a state of v2"]);
    const back = plan(contributions(true), contributions(false), forward, { 'collecting.housing.pending': 'collecting' });
    expect(back.ok).toBe(true);
    expect(back.targetStateValue).toEqual(collecting.stateValue);
    expect(back.tasksToClose.map((t) => t.key)).toEqual(['housing-report']);
    expect(back.timersToCancel.map((t) => t.event)).toEqual(['xstate.after.P7D.contributions.collecting.housing.pending']);
  });
});

describe('planMigration: there and back again', () => {
  it('planning the reverse migration restores the state, the open tasks with their due dates, and the timers', () => {
    const original = inLegacy();
    const forward = plan(referralV1(), referralV2(), original, { 'screening.legacy': 'screening.triage' });
    const migrated = applyPlan(forward, original);
    expect(migrated.stateValue).toEqual({ screening: 'triage' });

    const backward = planMigration({
      from: referralV2(),
      to: referralV1(),
      instance: migrated,
      mapping: { 'screening.triage': 'screening.legacy' },
      now: NOW,
      keyDates: {},
    });
    const restored = applyPlan(backward, migrated);
    expect(restored.stateValue).toEqual(original.stateValue);
    const tasks = (i: MigrationInstance) => i.openTasks.map((t) => `${t.stateId}/${t.key}@${t.dueAt}`).sort();
    expect(tasks(restored)).toEqual(tasks(original));
    const timers = (i: MigrationInstance) => i.pendingTimers.map((t) => t.event).sort();
    expect(timers(restored)).toEqual(timers(original));
  });
});
