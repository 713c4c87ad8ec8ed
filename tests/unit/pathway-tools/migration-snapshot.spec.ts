import { describe, expect, it } from '@jest/globals';
import { applyEvent, compilePathway, startInstance, stateIds, type EngineFacts } from '../../../libs/engine/src/index.js';
import { buildSnapshotFor, planMigration } from '../../../libs/pathway-tools/src/index.js';
import { contributions, referralV1, referralV2 } from './fixtures.js';

const facts: EngineFacts = { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [] };
const now = new Date('2027-01-05T09:00:00.000Z');

describe('buildSnapshotFor', () => {
  it('gives a snapshot the engine continues from, in the requested state', () => {
    const v2 = compilePathway(referralV2());
    const snapshot = buildSnapshotFor(v2, { screening: 'triage' });
    expect(stateIds(v2, snapshot)).toEqual(['referral.screening', 'referral.screening.triage']);

    const step = applyEvent(v2, snapshot, { type: 'CHECKED' }, { now, facts });
    expect(step.changed).toBe(true);
    expect(step.value).toEqual({ screening: 'intake' });
    expect(step.effects).toEqual(
      expect.arrayContaining([
        { type: 'task.cancel', stateId: 'referral.screening.triage', taskKey: 'triage-notes' },
        expect.objectContaining({ type: 'task.open', stateId: 'referral.screening.intake', task: expect.objectContaining({ key: 'id-check' }) }),
        expect.objectContaining({ type: 'timer.set', event: 'xstate.after.P2D.referral.screening.intake' }),
      ]),
    );
  });

  it('keeps the context it is given, and handles parallel state values', () => {
    const p = compilePathway(contributions(true));
    const value = { collecting: { police: 'submitted', probation: 'late', housing: 'pending' } };
    const snapshot = buildSnapshotFor(p, value, { note: 'migrated' });
    expect(snapshot.context).toEqual({ note: 'migrated' });
    const step = applyEvent(p, snapshot, { type: 'PROBATION_SUBMITTED' }, { now, facts });
    expect(step.value).toEqual({ collecting: { police: 'submitted', probation: 'submitted', housing: 'pending' } });
  });

  it('refuses a state value the pathway does not have', () => {
    expect(() => buildSnapshotFor(compilePathway(referralV2()), { screening: 'legacy' })).toThrow();
    expect(() => buildSnapshotFor(compilePathway(referralV2()), null)).toThrow(/no state value/);
  });
});

describe('migrating a live instance', () => {
  it('plans from what the engine reported and lands on a snapshot that runs on the new version', () => {
    const v1 = compilePathway(referralV1());
    const started = startInstance(v1, { now: new Date('2027-01-01T09:00:00.000Z'), facts });
    const moved = applyEvent(v1, started.snapshot, { type: 'CHECK' }, { now: new Date('2027-01-02T09:00:00.000Z'), facts });
    expect(moved.value).toEqual({ screening: 'legacy' });

    // What the durable layer would hold: tasks opened and not cancelled, timers set and not cancelled.
    const effects = [...started.effects, ...moved.effects];
    const openTasks = effects.flatMap((e, i) =>
      e.type === 'task.open' && !effects.some((c) => c.type === 'task.cancel' && c.stateId === e.stateId && c.taskKey === e.task.key)
        ? [{ id: `t${i}`, stateId: e.stateId, key: e.task.key, dueAt: e.dueAt }]
        : [],
    );
    const pendingTimers = effects.flatMap((e) =>
      e.type === 'timer.set' && !moved.effects.some((c) => c.type === 'timer.cancel' && c.timerId === e.timerId)
        ? [{ timerId: e.timerId, event: e.event, fireAt: e.fireAt }]
        : [],
    );
    expect(openTasks.map((t) => t.key)).toEqual(['risk-report']);
    expect(pendingTimers.map((t) => t.event).sort()).toEqual([
      'xstate.after.P30D.referral.screening',
      'xstate.after.P3D.referral.screening.legacy',
    ]);

    const plan = planMigration({
      from: referralV1(),
      to: referralV2(),
      instance: { stateValue: moved.value, openTasks, pendingTimers },
      mapping: { 'screening.legacy': 'screening.triage' },
      now,
      keyDates: {},
    });
    expect(plan.ok).toBe(true);
    expect(plan.timersToCancel.map((t) => t.timerId).sort()).toEqual(pendingTimers.map((t) => t.timerId).sort());

    const v2 = compilePathway(referralV2());
    const snapshot = buildSnapshotFor(v2, plan.targetStateValue, moved.snapshot.context as Record<string, unknown>);
    // A timer the plan sets is one the new version's engine recognises and acts on.
    const fired = applyEvent(v2, snapshot, { type: plan.timersToSet.find((t) => t.delay === 'P1D')!.event }, { now, facts });
    expect(fired.value).toEqual({ screening: 'intake' });
  });
});
