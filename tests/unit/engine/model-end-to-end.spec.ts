/**
 * One case from referral to the end of closure, through the engine alone: each pathway's hand-over
 * starts the next, and tasks, timers and due dates follow the shipped definitions.
 */
import { describe, expect, it } from '@jest/globals';
import { compilePathway } from '../../../libs/engine/src/compile.js';
import type { Effect } from '../../../libs/engine/src/types.js';
import { Instance, keyDatesAround, loadDefinition } from './model-world.js';

const NOW = new Date('2027-01-04T09:00:00Z');
const keyDates = keyDatesAround(NOW);
const pathways = {
  referral: compilePathway(loadDefinition('referral')),
  'release-planning': compilePathway(loadDefinition('release-planning')),
  review: compilePathway(loadDefinition('review')),
  closure: compilePathway(loadDefinition('closure')),
};

function opened(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'task.open' ? [e.task.key] : [])).sort();
}
function cancelled(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.type === 'task.cancel' ? [e.taskKey] : [])).sort();
}
function dueOf(effects: Effect[], key: string): string | null | undefined {
  const effect = effects.find((e) => e.type === 'task.open' && e.task.key === key);
  return effect?.type === 'task.open' ? effect.dueAt : undefined;
}
function timersSet(effects: Effect[]): Array<{ event: string; fireAt: string }> {
  return effects.flatMap((e) => (e.type === 'timer.set' ? [{ event: e.event, fireAt: e.fireAt }] : []));
}

describe('a case in custody, from referral to closure', () => {
  it('hands over from pathway to pathway and ends in closure\'s final state', () => {
    // Referral: screening opens the referrer's and the coordinator's tasks.
    const referral = new Instance(pathways.referral, { ...keyDates }, ['coordinator', 'police'], NOW);
    const start = referral.start();
    expect(referral.value).toBe('screening');
    expect(opened(start.effects)).toEqual(['preliminary-assessment', 'referral-details']);
    expect(dueOf(start.effects, 'preliminary-assessment')).toBe('2027-01-09T09:00:00.000Z');
    // Accepting before the assessment is done is refused.
    expect(referral.send({ type: 'ACCEPT' }).changed).toBe(false);
    referral.completeOpenTasks();
    expect(referral.send({ type: 'ACCEPT' }).changed).toBe(true);
    expect(referral.value).toBe('lawfulBasis');
    // Without a recognised basis for sharing, nothing moves.
    expect(referral.send({ type: 'RECORD_BASIS', data: { basis: 'because' } }).changed).toBe(false);
    const basis = referral.send({ type: 'RECORD_BASIS', data: { basis: 'public_task' } });
    expect(referral.value).toBe('initialConference');
    expect(cancelled(basis.effects)).toEqual(['record-basis']);
    // The event writes the case's lawful basis (one record of it, on the case): not the instance's context.
    expect(basis.effects).toContainEqual({ type: 'case.lawfulBasis', basis: 'public_task' });
    expect(opened(basis.effects)).toEqual(['hold-initial-conference', 'police-information', 'referrer-report', 'schedule-initial-conference']);
    // 15 working days from Monday 4 January 2027: Monday 25 January.
    expect(dueOf(basis.effects, 'hold-initial-conference')?.slice(0, 10)).toBe('2027-01-25');
    referral.completeOpenTasks();
    const held = referral.send({ type: 'CONFERENCE_HELD' });
    expect(held.status).toBe('done');
    expect(referral.value).toBe('releasePlanningStarted');
    expect(referral.started).toEqual(['release-planning']);

    // Release planning: due dates count back from the release date.
    const release = new Instance(pathways['release-planning'], { ...keyDates }, ['coordinator', 'probation', 'police', 'prison'], NOW);
    const opening = release.start();
    expect(dueOf(opening.effects, 'open-plan')?.slice(0, 10)).toBe(shiftDate(keyDates.releaseDate, { months: -6 }));
    release.completeOpenTasks();
    const contributions = release.send({ type: 'PLAN_OPENED' });
    expect(opened(contributions.effects)).toHaveLength(6);
    expect(dueOf(contributions.effects, 'housing-options')?.slice(0, 10)).toBe(shiftDate(keyDates.releaseDate, { days: -56 }));
    // A missing contribution blocks the conference.
    expect(release.send({ type: 'CONTRIBUTIONS_COMPLETE' }).changed).toBe(false);
    release.completeOpenTasks();
    release.send({ type: 'CONTRIBUTIONS_COMPLETE' });
    release.completeOpenTasks();
    release.send({ type: 'CONFERENCE_HELD' });
    expect(release.value).toBe('signOff');
    release.completeOpenTasks();
    release.send({ type: 'PLAN_SIGNED_OFF' });
    release.send({ type: 'RELEASED' });
    expect(release.value).toBe('postReleaseCheck');
    release.completeOpenTasks();
    expect(release.send({ type: 'CHECK_COMPLETE' }).status).toBe('done');
    expect(release.started).toEqual(['review']);

    // Review: the first review comes 12 weeks on, by timer.
    const review = new Instance(pathways.review, { ...keyDates }, ['coordinator', 'police'], NOW);
    const waiting = review.start();
    expect(timersSet(waiting.effects)).toEqual([{ event: 'xstate.after.P12W.review.interval', fireAt: '2027-03-29T09:00:00.000Z' }]);
    review.fire('xstate.after.P12W.review.interval');
    expect(review.value).toBe('updates');
    review.completeOpenTasks();
    review.send({ type: 'UPDATES_IN' });
    // Probation is missing: the conference is inquorate and must be re-held.
    expect(review.send({ type: 'CONFERENCE_HELD' }).changed).toBe(false);
    review.send({ type: 'INQUORATE' });
    expect(review.openTasks()).toEqual(['review.reconvene#rehold-review']);
    review.attended = ['coordinator', 'police', 'probation'];
    review.completeOpenTasks();
    review.send({ type: 'CONFERENCE_HELD' });
    review.completeOpenTasks();
    review.send({ type: 'MINUTES_CIRCULATED' });
    const next = review.send({ type: 'CONTINUE' });
    expect(review.value).toBe('interval');
    expect(timersSet(next.effects)).toHaveLength(1);
    // Closure proposed from any state: the pending review timer is cancelled.
    const proposed = review.send({ type: 'PROPOSE_CLOSURE' });
    expect(proposed.effects.filter((e) => e.type === 'timer.cancel')).toHaveLength(1);
    expect(review.timers.size).toBe(0);
    expect(review.value).toBe('closureProposed');
    expect(review.started).toEqual(['closure']);

    // Closure: agreed at a conference, two follow-ups, retention, deletion.
    const closure = new Instance(pathways.closure, { ...keyDates }, ['coordinator', 'police', 'probation'], NOW);
    closure.start();
    closure.completeOpenTasks();
    closure.send({ type: 'READY_FOR_CONFERENCE' });
    closure.completeOpenTasks();
    const agreed = closure.send({ type: 'CLOSURE_AGREED', data: { rationale: 'risk much reduced' } });
    expect(closure.value).toEqual({ followUps: 'sixMonths' });
    expect(dueOf(agreed.effects, 'six-month-review')?.slice(0, 10)).toBe('2027-07-04');
    closure.completeOpenTasks();
    closure.send({ type: 'FOLLOW_UP_DONE' });
    expect(closure.value).toEqual({ followUps: 'twelveMonths' });
    closure.completeOpenTasks();
    const followedUp = closure.send({ type: 'FOLLOW_UP_DONE' });
    expect(closure.value).toBe('retention');
    expect(timersSet(followedUp.effects).map((t) => t.fireAt)).toEqual(['2032-01-04T09:00:00.000Z']);
    // Retention over and no legal hold: the personal data is erased, in the same step.
    const erased = closure.fire('xstate.after.P5Y.closure.retention');
    expect(closure.value).toBe('erased');
    expect(closure.openTasks()).toEqual([]);
    expect(erased.status).toBe('done');
    expect(erased.effects).toContainEqual({ type: 'case.erase' });
    expect(erased.effects).toContainEqual({ type: 'instance.done' });
    expect(closure.started).toEqual([]);
  });

  it('holds erasure back while a legal hold is set, and erases once it is lifted', () => {
    const closure = new Instance(pathways.closure, { ...keyDates, legalHold: '2031-06-01' }, ['coordinator', 'police', 'probation'], NOW);
    closure.start();
    closure.completeOpenTasks();
    closure.send({ type: 'READY_FOR_CONFERENCE' });
    closure.completeOpenTasks();
    closure.send({ type: 'CLOSURE_AGREED', data: { rationale: 'risk much reduced' } });
    closure.completeOpenTasks();
    closure.send({ type: 'FOLLOW_UP_DONE' });
    closure.completeOpenTasks();
    closure.send({ type: 'FOLLOW_UP_DONE' });
    const held = closure.fire('xstate.after.P5Y.closure.retention');
    expect(closure.value).toBe('erasureDue');
    expect(held.effects).not.toContainEqual({ type: 'case.erase' });
    // Lifting the hold (PATCH keyDates {legalHold: null}) re-evaluates the instance.
    closure.keyDates = { ...closure.keyDates, legalHold: null };
    const lifted = closure.send({ type: 'convene.reevaluate' });
    expect(closure.value).toBe('erased');
    expect(lifted.effects).toContainEqual({ type: 'case.erase' });
  });

  it('sends a referral of a person in the community to review instead', () => {
    const referral = new Instance(pathways.referral, { ...keyDates, releaseDate: null }, ['coordinator', 'police'], NOW);
    referral.start();
    referral.completeOpenTasks();
    referral.send({ type: 'ACCEPT' });
    referral.send({ type: 'RECORD_BASIS', data: { basis: 'consent' } });
    referral.completeOpenTasks();
    referral.send({ type: 'CONFERENCE_HELD' });
    expect(referral.value).toBe('reviewStarted');
    expect(referral.started).toEqual(['review']);
  });
});

function shiftDate(isoDate: string, by: { months?: number; days?: number }): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (by.months) date.setUTCMonth(date.getUTCMonth() + by.months);
  if (by.days) date.setUTCDate(date.getUTCDate() + by.days);
  return date.toISOString().slice(0, 10);
}
