import { describe, expect, it } from '@jest/globals';
import { compilePathway } from '../../../libs/engine/src/compile.js';
import { applyEvent, startInstance, stateIds, tasksForState } from '../../../libs/engine/src/engine.js';
import type { Effect, EngineFacts, PathwayDefinition } from '../../../libs/engine/src/types.js';

const now = new Date('2027-04-20T10:00:00Z');
const later = new Date('2027-04-22T15:30:00Z');

const screeningTasks = [
  {
    key: 'preliminary-assessment',
    title: 'Preliminary assessment',
    assignee: { role: 'coordinator' },
    due: 'P5D',
    reminders: ['-P1D', 'P0D'],
  },
  { key: 'consent', title: 'Record consent or lawful basis', assignee: { role: 'coordinator' } },
];

const referral: PathwayDefinition = {
  key: 'referral',
  title: 'Referral',
  machine: {
    id: 'referral',
    initial: 'screening',
    context: {},
    states: {
      screening: {
        meta: { title: 'Screening', tasks: screeningTasks },
        after: { P1M: 'stale' },
        on: {
          ACCEPT: { target: 'contributions', guard: 'allTasksDone' },
          REJECT: { target: 'rejected', actions: [{ type: 'recordData', params: { fields: ['reason'] } }] },
          RESTART: { target: 'screening', reenter: true },
        },
      },
      stale: {
        entry: [{ type: 'notify', params: { kind: 'escalation', role: 'coordinator' } }],
        on: { ACCEPT: 'contributions' },
      },
      contributions: {
        meta: {
          title: 'Agency contributions',
          tasks: [
            {
              key: 'risk-report',
              title: 'Submit risk assessment',
              assignee: { role: 'probation' },
              due: { before: 'releaseDate', offset: 'P8W' },
            },
            { key: 'housing-check', title: 'Check housing', assignee: { role: 'housing' }, due: { workingDays: 5 } },
          ],
        },
        on: {
          PLAN: { target: 'done', actions: [{ type: 'startPathway', params: { key: 'release-planning' } }] },
        },
      },
      rejected: { type: 'final' },
      done: { type: 'final' },
    },
  },
};

const pathway = compilePathway(referral);

function facts(extra: Partial<EngineFacts> = {}): EngineFacts {
  return { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [], ...extra };
}

const allScreeningDone = facts({
  keyDates: { releaseDate: '2027-09-01' },
  tasks: [
    { stateId: 'referral.screening', key: 'preliminary-assessment', status: 'done' },
    { stateId: 'referral.screening', key: 'consent', status: 'cancelled' },
  ],
});

function types(effects: Effect[]): string[] {
  return effects.map((e) => (e.type === 'task.open' ? `open ${e.task.key}` : e.type === 'task.cancel' ? `cancel ${e.taskKey}` : e.type));
}

describe('startInstance', () => {
  it('opens the first state’s tasks with due dates and sets its timer at a calendar month', () => {
    const start = startInstance(pathway, { now, facts: facts() });
    expect(start.value).toBe('screening');
    expect(start.status).toBe('active');
    expect(start.changed).toBe(true);
    expect(start.effects).toEqual([
      { type: 'task.open', stateId: 'referral.screening', task: screeningTasks[0], dueAt: '2027-04-25T10:00:00.000Z' },
      { type: 'task.open', stateId: 'referral.screening', task: screeningTasks[1], dueAt: null },
      {
        type: 'timer.set',
        timerId: 'xstate.after.P1M.referral.screening',
        event: 'xstate.after.P1M.referral.screening',
        fireAt: '2027-05-20T10:00:00.000Z',
      },
    ]);
  });

  it('keeps facts out of the snapshot, which survives a JSON round trip', () => {
    const secret = facts({ keyDates: { releaseDate: '2031-01-01' } });
    const { snapshot } = startInstance(pathway, { now, facts: secret });
    expect(JSON.stringify(snapshot)).not.toContain('2031');
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    const next = applyEvent(pathway, JSON.parse(JSON.stringify(snapshot)) as typeof snapshot, { type: 'ACCEPT' }, { now: later, facts: allScreeningDone });
    expect(next.value).toBe('contributions');
    expect(JSON.parse(JSON.stringify(next.snapshot))).toEqual(next.snapshot);
  });
});

describe('applyEvent', () => {
  const start = startInstance(pathway, { now, facts: facts() });

  it('moves on, cancelling the old state’s tasks and timer before opening the new tasks', () => {
    const next = applyEvent(pathway, start.snapshot, { type: 'ACCEPT' }, { now: later, facts: allScreeningDone, country: 'NL' });
    expect(next.value).toBe('contributions');
    expect(next.changed).toBe(true);
    expect(types(next.effects)).toEqual([
      'cancel preliminary-assessment',
      'cancel consent',
      'timer.cancel',
      'open risk-report',
      'open housing-check',
    ]);
    expect(next.effects[2]).toEqual({ type: 'timer.cancel', timerId: 'xstate.after.P1M.referral.screening' });
    // Eight weeks before the release date.
    expect(next.effects[3]).toMatchObject({ dueAt: '2027-07-07T00:00:00.000Z' });
    // Thursday 22 April + 5 working days in NL: skips the weekend and King's Day (Tuesday 27 April).
    expect(next.effects[4]).toMatchObject({ dueAt: '2027-04-30T15:30:00.000Z' });
  });

  it('gives a task whose key date is unknown no due date', () => {
    const next = applyEvent(pathway, start.snapshot, { type: 'ACCEPT' }, { now: later, facts: { ...allScreeningDone, keyDates: {} } });
    expect(next.effects.find((e) => e.type === 'task.open' && e.task.key === 'risk-report')).toMatchObject({ dueAt: null });
  });

  it('changes nothing when a guard refuses or the state does not handle the event', () => {
    for (const event of [{ type: 'ACCEPT' }, { type: 'PLAN' }, { type: 'NO_SUCH_EVENT' }]) {
      const next = applyEvent(pathway, start.snapshot, event, { now: later, facts: facts() });
      expect(next).toEqual({ snapshot: start.snapshot, value: 'screening', status: 'active', changed: false, effects: [] });
    }
  });

  it('fires a timer: the state moves on and its entry notification goes out', () => {
    const fired = applyEvent(pathway, start.snapshot, { type: 'xstate.after.P1M.referral.screening' }, { now: later, facts: facts() });
    expect(fired.value).toBe('stale');
    expect(fired.effects).toEqual([
      { type: 'task.cancel', stateId: 'referral.screening', taskKey: 'preliminary-assessment' },
      { type: 'task.cancel', stateId: 'referral.screening', taskKey: 'consent' },
      // Cancelling the timer that just fired is harmless, and keeps the rule "leaving a state cancels its timers".
      { type: 'timer.cancel', timerId: 'xstate.after.P1M.referral.screening' },
      { type: 'notify', kind: 'escalation', role: 'coordinator' },
    ]);
  });

  it('ignores a timer that fires after its state was left', () => {
    const moved = applyEvent(pathway, start.snapshot, { type: 'ACCEPT' }, { now: later, facts: allScreeningDone });
    const stale = applyEvent(pathway, moved.snapshot, { type: 'xstate.after.P1M.referral.screening' }, { now: later, facts: facts() });
    expect(stale.changed).toBe(false);
    expect(stale.effects).toEqual([]);
    expect(stale.value).toBe('contributions');
  });

  it('re-entering a state cancels its tasks and timer, then opens and sets them anew', () => {
    const again = applyEvent(pathway, start.snapshot, { type: 'RESTART' }, { now: later, facts: facts() });
    expect(types(again.effects)).toEqual([
      'cancel preliminary-assessment',
      'cancel consent',
      'timer.cancel',
      'open preliminary-assessment',
      'open consent',
      'timer.set',
    ]);
    expect(again.effects[5]).toMatchObject({ fireAt: '2027-05-22T15:30:00.000Z' });
  });

  it('finishes at a final state, records data and starts the follow-up pathway', () => {
    const rejected = applyEvent(pathway, start.snapshot, { type: 'REJECT', data: { reason: 'out of scope', name: 'x' } }, { now: later, facts: facts() });
    expect(rejected.status).toBe('done');
    expect(rejected.effects.at(-1)).toEqual({ type: 'instance.done' });
    expect(rejected.snapshot.context).toEqual({ reason: 'out of scope' });

    const contributions = applyEvent(pathway, start.snapshot, { type: 'ACCEPT' }, { now: later, facts: allScreeningDone });
    const planned = applyEvent(pathway, contributions.snapshot, { type: 'PLAN' }, { now: later, facts: facts() });
    expect(planned.effects).toEqual([
      { type: 'task.cancel', stateId: 'referral.contributions', taskKey: 'risk-report' },
      { type: 'task.cancel', stateId: 'referral.contributions', taskKey: 'housing-check' },
      { type: 'pathway.start', key: 'release-planning' },
      { type: 'instance.done' },
    ]);
    const after = applyEvent(pathway, planned.snapshot, { type: 'PLAN' }, { now: later, facts: facts() });
    expect(after).toMatchObject({ changed: false, status: 'done', effects: [] });
  });
});

describe('nested states', () => {
  const conference: PathwayDefinition = {
    key: 'review',
    title: 'Review',
    machine: {
      id: 'review',
      initial: 'cycle',
      states: {
        cycle: {
          initial: 'updates',
          meta: { title: 'Review cycle', tasks: [{ key: 'chair', title: 'Chair the review', assignee: { role: 'coordinator' } }] },
          on: { CLOSE: 'closed' },
          states: {
            updates: {
              meta: { title: 'Agency updates', tasks: [{ key: 'update', title: 'Send update', assignee: { role: 'police' } }] },
              on: { MEET: 'meeting' },
            },
            meeting: {
              meta: { title: 'Meeting', tasks: [{ key: 'minutes', title: 'Circulate minutes', assignee: { role: 'coordinator' }, due: 'P2D' }] },
            },
          },
        },
        closed: { type: 'final' },
      },
    },
  };
  const review = compilePathway(conference);

  it('lists parent and child as active and opens both their tasks', () => {
    const start = startInstance(review, { now, facts: facts() });
    expect(stateIds(review, start.snapshot)).toEqual(['review.cycle', 'review.cycle.updates']);
    expect(types(start.effects)).toEqual(['open chair', 'open update']);
    expect(tasksForState(review, 'review.cycle.meeting').map((t) => t.key)).toEqual(['minutes']);
    expect(tasksForState(review, 'review.nowhere')).toEqual([]);
  });

  it('moving between children leaves the parent’s tasks alone; leaving the parent cancels them', () => {
    const start = startInstance(review, { now, facts: facts() });
    const meeting = applyEvent(review, start.snapshot, { type: 'MEET' }, { now, facts: facts() });
    expect(meeting.value).toEqual({ cycle: 'meeting' });
    expect(types(meeting.effects)).toEqual(['cancel update', 'open minutes']);
    const closed = applyEvent(review, meeting.snapshot, { type: 'CLOSE' }, { now, facts: facts() });
    expect(types(closed.effects)).toEqual(['cancel minutes', 'cancel chair', 'instance.done']);
  });
});
