import { describe, expect, it } from '@jest/globals';
import { compilePathway } from '../../../libs/engine/src/compile.js';
import { allowedEvents, applyEvent, checkEvent, startInstance } from '../../../libs/engine/src/engine.js';
import type { EngineFacts, PathwayDefinition } from '../../../libs/engine/src/types.js';

const now = new Date('2027-04-20T10:00:00Z');

function facts(extra: Partial<EngineFacts> = {}): EngineFacts {
  return { keyDates: {}, tasks: [], latestConferenceAttendedRoles: [], ...extra };
}

const definition: PathwayDefinition = {
  key: 'review',
  title: 'Review',
  machine: {
    id: 'review',
    initial: 'screening',
    states: {
      screening: {
        meta: {
          title: 'Screening',
          tasks: [
            { key: 'assess', title: 'Assess', assignee: { role: 'coordinator' } },
            { key: 'consent', title: 'Record consent', assignee: { role: 'coordinator' } },
          ],
        },
        on: {
          ACCEPT: { target: 'conference', guard: 'allTasksDone', meta: { title: 'Accept referral' } },
          DECIDE: [
            { target: 'rejected', guard: { type: 'dataEquals', params: { field: 'decision', value: 'reject' } } },
            { target: 'conference', guard: { type: 'dataEquals', params: { field: 'decision', value: 'accept' } } },
          ],
          NOTE: { actions: ['recordData'], meta: { title: 'Add a note', roles: ['case_manager', 'agency_staff'] } },
        },
      },
      conference: {
        meta: { title: 'Conference' },
        on: {
          CONCLUDE: {
            target: 'closing',
            guard: { type: 'quorumMet', params: { roles: ['probation', 'police', 'housing'] } },
            meta: { title: 'Conclude the conference' },
          },
          HOLD: { target: 'closing', guard: { type: 'not', params: { guard: { type: 'keyDateSet', params: { name: 'releaseDate' } } } } },
        },
      },
      // Passes straight through to closed once the exit date is known; otherwise waits.
      closing: {
        meta: { title: 'Closing', tasks: [{ key: 'archive', title: 'Archive', assignee: { role: 'coordinator' } }] },
        always: [{ target: 'closed', guard: { type: 'keyDateSet', params: { name: 'exitDate' } } }],
      },
      closed: { type: 'final' },
      rejected: { type: 'final' },
    },
  },
};

const pathway = compilePathway(definition);
const start = startInstance(pathway, { now, facts: facts() });
const atConference = applyEvent(pathway, start.snapshot, { type: 'DECIDE', data: { decision: 'accept' } }, { now, facts: facts() });

describe('allTasksDone', () => {
  it('refuses while tasks are open, naming the state and how many are open', () => {
    const open = facts({
      tasks: [
        { stateId: 'review.screening', key: 'assess', status: 'open' },
        { stateId: 'review.screening', key: 'consent', status: 'open' },
      ],
    });
    expect(checkEvent(pathway, start.snapshot, { type: 'ACCEPT' }, open)).toEqual({
      ok: false,
      code: 'guard_refused',
      guard: 'allTasksDone',
      message: "Refused: not every task of 'Screening' is done (2 open)",
    });
  });

  it('counts a task that was never opened as not done, and a cancelled one as no obstacle', () => {
    const partly = facts({ tasks: [{ stateId: 'review.screening', key: 'consent', status: 'cancelled' }] });
    expect(checkEvent(pathway, start.snapshot, { type: 'ACCEPT' }, partly)).toMatchObject({
      ok: false,
      message: "Refused: not every task of 'Screening' is done (1 open)",
    });
    const done = facts({
      tasks: [
        { stateId: 'review.screening', key: 'assess', status: 'done' },
        { stateId: 'review.screening', key: 'consent', status: 'cancelled' },
      ],
    });
    expect(checkEvent(pathway, start.snapshot, { type: 'ACCEPT' }, done)).toEqual({ ok: true, meta: { title: 'Accept referral' } });
    expect(applyEvent(pathway, start.snapshot, { type: 'ACCEPT' }, { now, facts: done }).value).toBe('conference');
  });
});

describe('checkEvent', () => {
  it('explains a missing quorum by the roles that did not attend', () => {
    const partial = facts({ latestConferenceAttendedRoles: ['probation'] });
    expect(checkEvent(pathway, atConference.snapshot, { type: 'CONCLUDE' }, partial)).toEqual({
      ok: false,
      code: 'guard_refused',
      guard: 'quorumMet',
      message: 'Refused: quorum not met — missing police, housing',
    });
    const full = facts({ latestConferenceAttendedRoles: ['housing', 'police', 'probation', 'health'] });
    expect(checkEvent(pathway, atConference.snapshot, { type: 'CONCLUDE' }, full)).toEqual({
      ok: true,
      meta: { title: 'Conclude the conference' },
    });
  });

  it('picks the branch whose data guard matches', () => {
    expect(checkEvent(pathway, start.snapshot, { type: 'DECIDE', data: { decision: 'reject' } }, facts()).ok).toBe(true);
    expect(checkEvent(pathway, start.snapshot, { type: 'DECIDE', data: { decision: 'maybe' } }, facts())).toEqual({
      ok: false,
      code: 'guard_refused',
      guard: 'dataEquals',
      message: "Refused: 'decision' must be 'reject'",
    });
    const rejected = applyEvent(pathway, start.snapshot, { type: 'DECIDE', data: { decision: 'reject' } }, { now, facts: facts() });
    expect(rejected.status).toBe('done');
  });

  it('applies a negated guard', () => {
    const released = facts({ keyDates: { releaseDate: '2027-05-01' } });
    expect(checkEvent(pathway, atConference.snapshot, { type: 'HOLD' }, released)).toMatchObject({
      ok: false,
      guard: 'not',
      message: expect.stringContaining("key date 'releaseDate' is set"),
    });
    expect(checkEvent(pathway, atConference.snapshot, { type: 'HOLD' }, facts()).ok).toBe(true);
  });

  it('tells unknown events from events the current state does not take', () => {
    expect(checkEvent(pathway, start.snapshot, { type: 'LAUNCH' }, facts())).toMatchObject({ ok: false, code: 'unknown_event' });
    expect(checkEvent(pathway, start.snapshot, { type: 'CONCLUDE' }, facts())).toEqual({
      ok: false,
      code: 'not_allowed',
      message: "'CONCLUDE' is not possible in 'Screening'",
    });
  });
});

describe('allowedEvents', () => {
  it('lists the current state’s events with titles, roles and why a guard refuses', () => {
    const events = allowedEvents(pathway, start.snapshot, facts());
    expect(events).toEqual([
      {
        type: 'ACCEPT',
        title: 'Accept referral',
        roles: ['case_manager'],
        enabled: false,
        reason: "Refused: not every task of 'Screening' is done (2 open)",
      },
      // The decision is data the user has yet to give: not a reason to grey the button out.
      { type: 'DECIDE', roles: ['case_manager'], enabled: true },
      { type: 'NOTE', title: 'Add a note', roles: ['case_manager', 'agency_staff'], enabled: true },
    ]);
  });

  it('offers nothing once the pathway has finished', () => {
    const rejected = applyEvent(pathway, start.snapshot, { type: 'DECIDE', data: { decision: 'reject' } }, { now, facts: facts() });
    expect(allowedEvents(pathway, rejected.snapshot, facts())).toEqual([]);
    expect(checkEvent(pathway, rejected.snapshot, { type: 'NOTE' }, facts())).toMatchObject({ ok: false, code: 'not_allowed' });
  });
});

describe('always-transitions', () => {
  const quorum = facts({ latestConferenceAttendedRoles: ['probation', 'police', 'housing'] });

  it('pass straight through when their guard holds, without opening the skipped state’s tasks', () => {
    const withExit = { ...quorum, keyDates: { exitDate: '2027-06-01' } };
    const closed = applyEvent(pathway, atConference.snapshot, { type: 'CONCLUDE' }, { now, facts: withExit });
    expect(closed.value).toBe('closed');
    expect(closed.effects).toEqual([{ type: 'instance.done' }]);
  });

  it('wait while their guard refuses, and move on at the next event once it holds', () => {
    const closing = applyEvent(pathway, atConference.snapshot, { type: 'CONCLUDE' }, { now, facts: quorum });
    expect(closing.value).toBe('closing');
    expect(closing.effects).toEqual([
      { type: 'task.open', stateId: 'review.closing', task: expect.objectContaining({ key: 'archive' }), dueAt: null },
    ]);
    const stillWaiting = applyEvent(pathway, closing.snapshot, { type: 'RECHECK' }, { now, facts: facts() });
    expect(stillWaiting.changed).toBe(false);
    const moved = applyEvent(pathway, closing.snapshot, { type: 'RECHECK' }, { now, facts: facts({ keyDates: { exitDate: '2027-06-01' } }) });
    expect(moved.value).toBe('closed');
    expect(moved.effects).toEqual([
      { type: 'task.cancel', stateId: 'review.closing', taskKey: 'archive' },
      { type: 'instance.done' },
    ]);
  });
});
