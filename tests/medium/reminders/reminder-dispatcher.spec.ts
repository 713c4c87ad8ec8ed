import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CaseService } from '../../../libs/domain/src/cases/case.service.js';
import { ConferenceService } from '../../../libs/domain/src/conferences/conference.service.js';
import { InstanceService } from '../../../libs/domain/src/instances/instance.service.js';
import { ReminderDispatcher } from '../../../libs/domain/src/reminders/reminder-dispatcher.js';
import { TaskService } from '../../../libs/domain/src/tasks/task.service.js';
import { makePartnership, makePartnershipCase, makePathway, type Partnership } from '../support/factories.js';
import { startMedium, T0, type Medium } from '../support/medium.js';
import { reportPathway } from '../support/pathways.js';
import { DAY, HOUR, notificationsOf, plus, remindersOf, tasksOf, type ReminderRead } from '../support/reads.js';

/**
 * A reminder's job names the reminder and its generation and is due at the reminder's time; here
 * the test plays the queue: it moves the clock to that time and hands the job to the dispatcher.
 */
describe('ReminderDispatcher (medium)', () => {
  let m: Medium;
  let dispatcher: ReminderDispatcher;
  let p: Partnership;
  let key: string;

  beforeAll(async () => {
    m = await startMedium();
    dispatcher = m.get(ReminderDispatcher);
    p = await makePartnership(m.db);
    key = await makePathway(m, reportPathway);
  });
  afterAll(() => m?.close());
  beforeEach(() => {
    m.clock.set(T0);
  });

  async function openReport() {
    const c = await makePartnershipCase(m.db, p);
    await m.tx((tx) => m.get(InstanceService).start(tx, c.id, key, { actor: p.manager }));
    const [task] = await tasksOf(m.db, c.id);
    return { caseId: c.id, taskId: task!.id, reminders: await remindersOf(m.db, { taskId: task!.id }) };
  }
  /** The queue's part: when the clock reaches the reminder's time, its job runs. */
  const comesDue = (r: ReminderRead) => {
    m.clock.set(r.dueAt);
    return dispatcher.dispatch(r.id, r.generation);
  };

  it('a reminder that comes due tells its agency once, however often its job is delivered', async () => {
    const { caseId, taskId, reminders } = await openReport();
    const dayBefore = reminders[0]!;
    expect(await comesDue(dayBefore)).toBe('sent');
    expect(await dispatcher.dispatch(dayBefore.id, dayBefore.generation)).toBe('stale');
    const sent = (await notificationsOf(m.db, caseId)).filter((n) => n.reminderId === dayBefore.id);
    expect(sent).toEqual([expect.objectContaining({ kind: 'reminder', agencyId: p.probation.id, title: 'Submit risk assessment' })]);
    expect((await remindersOf(m.db, { taskId })).map((r) => r.status)).toEqual(['sent', 'pending', 'pending']);
  });

  it('the job of a reminder that moved since is ignored; the moved one goes at its new time', async () => {
    const { caseId, taskId, reminders } = await openReport();
    await m.get(TaskService).extend(p.manager, taskId, { dueAt: new Date(plus(T0, 6 * DAY)), reason: 'later' });
    m.clock.set(reminders[0]!.dueAt);
    expect(await dispatcher.dispatch(reminders[0]!.id, reminders[0]!.generation)).toBe('stale');
    const [moved] = await remindersOf(m.db, { taskId }, 'pending');
    expect(moved!.dueAt).toBe(plus(T0, 5 * DAY));
    expect(await comesDue(moved!)).toBe('sent');
    expect((await notificationsOf(m.db, caseId)).filter((n) => n.kind === 'reminder')).toHaveLength(1);
  });

  it('a completed task is not reminded; an agency removed from the case is told nothing more', async () => {
    const done = await openReport();
    await m.get(TaskService).complete(p.probationStaff, done.taskId, {}, m.once);
    expect(await comesDue(done.reminders[1]!)).toBe('stale');

    const removed = await openReport();
    m.clock.set(T0);
    await m.get(CaseService).removeParticipant(p.manager, removed.caseId, p.probation.id);
    expect(await comesDue(removed.reminders[0]!)).toBe('stale');
    expect((await notificationsOf(m.db, removed.caseId)).filter((n) => n.kind !== 'task_assigned')).toEqual([]);
  });

  it("a conference reminder goes before the meeting, and one whose job runs after the meeting started is skipped", async () => {
    const c = await makePartnershipCase(m.db, p);
    const scheduledAt = plus(T0, 3 * DAY);
    const conference = await m
      .get(ConferenceService)
      .schedule(p.manager, c.id, { scheduledAt: new Date(scheduledAt), reminders: ['-P1D', '-PT2H'] }, m.once);
    const reminders = await remindersOf(m.db, { conferenceId: conference.id });
    // Every invitee (city, probation, police) is reminded a day and two hours before.
    expect(new Set(reminders.map((r) => r.dueAt))).toEqual(new Set([plus(scheduledAt, -DAY), plus(scheduledAt, -2 * HOUR)]));
    expect(reminders).toHaveLength(6);

    const dayBefore = reminders.find((r) => r.dueAt === plus(scheduledAt, -DAY) && r.agencyId === p.police.id)!;
    expect(await comesDue(dayBefore)).toBe('sent');
    // The two-hour reminder's job was held up (a queue outage) until the meeting had begun.
    const late = reminders.find((r) => r.dueAt === plus(scheduledAt, -2 * HOUR) && r.agencyId === p.police.id)!;
    m.clock.set(plus(scheduledAt, 5 * 60_000));
    expect(await dispatcher.dispatch(late.id, late.generation)).toBe('skipped');
    expect((await notificationsOf(m.db, c.id)).filter((n) => n.kind === 'reminder').map((n) => n.agencyId)).toEqual([p.police.id]);
  });

  it('a batch of jobs due together gets what each job would get alone: sent once, stale, skipped, missing', async () => {
    const a = await openReport();
    const b = await openReport();
    const done = await openReport();
    await m.get(TaskService).complete(p.probationStaff, done.taskId, {}, m.once);
    const c = await makePartnershipCase(m.db, p);
    const scheduledAt = plus(T0, 3 * DAY);
    const conference = await m.get(ConferenceService).schedule(p.manager, c.id, { scheduledAt: new Date(scheduledAt), reminders: ['-PT2H'] }, m.once);
    const late = (await remindersOf(m.db, { conferenceId: conference.id })).find((r) => r.agencyId === p.police.id)!;
    m.clock.set(plus(scheduledAt, 60_000)); // every job below runs now, after the meeting began
    const [ra, rb] = [a.reminders[0]!, b.reminders[0]!];
    const results = await dispatcher.dispatchManyForSending([
      { reminderId: ra.id, generation: ra.generation },
      { reminderId: ra.id, generation: ra.generation }, // the same job delivered twice in one batch
      { reminderId: rb.id, generation: rb.generation + 1 }, // a generation the row does not have
      { reminderId: done.reminders[0]!.id, generation: done.reminders[0]!.generation },
      { reminderId: late.id, generation: late.generation },
      { reminderId: '00000000-0000-4000-8000-000000000000', generation: 1 },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'stale', 'stale', 'stale', 'skipped', 'missing']);
    expect((await notificationsOf(m.db, a.caseId)).filter((n) => n.reminderId === ra.id)).toEqual([
      expect.objectContaining({ kind: 'reminder', agencyId: p.probation.id, title: 'Submit risk assessment' }),
    ]);
    expect((await notificationsOf(m.db, b.caseId)).filter((n) => n.kind === 'reminder')).toEqual([]);
    expect((await remindersOf(m.db, { taskId: a.taskId })).map((r) => r.status)).toEqual(['sent', 'pending', 'pending']);
    expect((await remindersOf(m.db, { conferenceId: conference.id })).find((r) => r.id === late.id)!.status).toBe('skipped');
    // Redelivered after the batch: nothing more.
    expect((await dispatcher.dispatchManyForSending([{ reminderId: ra.id, generation: ra.generation }]))[0]!.outcome).toBe('stale');
  });
});
