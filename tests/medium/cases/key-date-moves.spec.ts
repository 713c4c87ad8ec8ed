import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CaseService } from '../../../libs/domain/src/cases/case.service.js';
import { InstanceService } from '../../../libs/domain/src/instances/instance.service.js';
import { reminderJobId } from '../../../libs/domain/src/outbox/outbox.js';
import { TaskService } from '../../../libs/domain/src/tasks/task.service.js';
import { makePartnership, makePartnershipCase, makePathway, type Partnership } from '../support/factories.js';
import { startMedium, T0, type Medium } from '../support/medium.js';
import { releasePathway } from '../support/pathways.js';
import { DAY, HOUR, outboxRunAt, plus, remindersOf, tasksOf } from '../support/reads.js';

/** Time follows the case (libs/domain/src/cases/key-date-moves.ts), through CaseService.updateKeyDates. */
describe('key-date moves (medium)', () => {
  let m: Medium;
  let cases: CaseService;
  let p: Partnership;
  let key: string;

  beforeAll(async () => {
    m = await startMedium();
    cases = m.get(CaseService);
    p = await makePartnership(m.db);
    key = await makePathway(m, releasePathway);
  });
  afterAll(() => m?.close());
  beforeEach(() => {
    m.clock.set(T0);
  });

  async function openRelease(releaseDate?: string) {
    const c = await makePartnershipCase(m.db, p, { keyDates: releaseDate ? { releaseDate } : {} });
    await m.tx((tx) => m.get(InstanceService).start(tx, c.id, key, { actor: p.manager }));
    const [task] = await tasksOf(m.db, c.id);
    return { caseId: c.id, taskId: task!.id };
  }
  const setRelease = (caseId: string, releaseDate: string | null) => cases.changeKeyDates(p.manager, caseId, { releaseDate });
  const dueOf = async (caseId: string) => (await tasksOf(m.db, caseId))[0]!.dueAt?.toISOString() ?? null;

  it('a task counted from a release date the case does not have yet gets its due date and reminders when the date is set', async () => {
    const { caseId, taskId } = await openRelease();
    expect(await dueOf(caseId)).toBeNull();
    expect(await remindersOf(m.db, { taskId })).toEqual([]);

    const release = plus(T0, 20 * DAY);
    await setRelease(caseId, release);
    expect(await dueOf(caseId)).toBe(plus(release, -2 * DAY));
    expect((await remindersOf(m.db, { taskId }, 'pending')).map((r) => [r.kind, r.agencyId, r.dueAt])).toEqual([
      ['reminder', p.probation.id, plus(release, -3 * DAY)],
      ['reminder', p.probation.id, plus(release, -2 * DAY)],
      ['escalation', p.city.id, plus(release, -1 * DAY)],
    ]);
  });

  it('moving the release date moves the due date and the same pending reminders, with their queued wake-ups', async () => {
    const { caseId, taskId } = await openRelease(plus(T0, 20 * DAY));
    const before = await remindersOf(m.db, { taskId }, 'pending');
    const later = plus(T0, 30 * DAY);
    await setRelease(caseId, later);
    expect(await dueOf(caseId)).toBe(plus(later, -2 * DAY));
    const after = await remindersOf(m.db, { taskId }, 'pending');
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after.map((r) => [r.dueAt, r.generation])).toEqual([
      [plus(later, -3 * DAY), 2],
      [plus(later, -2 * DAY), 2],
      [plus(later, -1 * DAY), 2],
    ]);
    for (const r of after) expect(await outboxRunAt(m.db, reminderJobId(r.id, r.generation))).toBe(r.dueAt);

    const earlier = plus(T0, 10 * DAY);
    await setRelease(caseId, earlier);
    expect(await dueOf(caseId)).toBe(plus(earlier, -2 * DAY));
    expect((await remindersOf(m.db, { taskId }, 'pending')).map((r) => [r.dueAt, r.generation])).toEqual([
      [plus(earlier, -3 * DAY), 3],
      [plus(earlier, -2 * DAY), 3],
      [plus(earlier, -1 * DAY), 3],
    ]);
    const [event] = await m.db.query<Array<{ data: { tasksMoved: unknown[] } }>>(`SELECT data FROM case_events WHERE case_id = $1 AND type = 'case.key_dates_changed' ORDER BY id LIMIT 1`, [caseId]);
    expect(event!.data.tasksMoved).toEqual([expect.objectContaining({ taskId, keyDate: 'releaseDate' })]);
  });

  it('a before-due reminder whose new moment has already passed by the clock is dropped; the escalation still comes', async () => {
    const { caseId, taskId } = await openRelease(plus(T0, 20 * DAY));
    // A week later the release is brought forward to two and a half days from now.
    m.clock.advance('P7D');
    const release = plus(T0, 7 * DAY + 60 * HOUR);
    await setRelease(caseId, release);
    expect(await dueOf(caseId)).toBe(plus(release, -2 * DAY));
    // The day-before reminder would have been due 12 hours ago.
    expect((await remindersOf(m.db, { taskId }, 'pending')).map((r) => [r.kind, r.dueAt])).toEqual([
      ['reminder', plus(release, -2 * DAY)],
      ['escalation', plus(release, -1 * DAY)],
    ]);
    expect((await remindersOf(m.db, { taskId }, 'cancelled')).map((r) => [r.kind, r.dueAt])).toEqual([['reminder', plus(T0, 17 * DAY)]]);
  });

  it('clearing the release date leaves the task without a due date and without pending reminders', async () => {
    const { caseId, taskId } = await openRelease(plus(T0, 20 * DAY));
    await setRelease(caseId, null);
    expect(await dueOf(caseId)).toBeNull();
    expect(await remindersOf(m.db, { taskId }, 'pending')).toEqual([]);
    expect((await m.db.query<Array<{ key_dates: unknown }>>(`SELECT key_dates FROM cases WHERE id = $1`, [caseId]))[0]?.key_dates).toEqual({});
  });

  it('a due date a case manager set by hand stays when the release date moves', async () => {
    const { caseId, taskId } = await openRelease(plus(T0, 20 * DAY));
    const byHand = plus(T0, 25 * DAY);
    await m.get(TaskService).extend(p.manager, taskId, { dueAt: new Date(byHand), reason: 'agreed with probation' });
    await setRelease(caseId, plus(T0, 40 * DAY));
    expect(await dueOf(caseId)).toBe(byHand);
    expect((await remindersOf(m.db, { taskId }, 'pending')).map((r) => r.dueAt)).toEqual([plus(byHand, -DAY), byHand, plus(byHand, DAY)]);
  });
});
