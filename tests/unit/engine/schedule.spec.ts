import { describe, expect, it } from '@jest/globals';
import { firstOf } from '../../support/defined.js';
import { computeDueAt, reminderSchedule } from '../../../libs/engine/src/schedule.js';
import type { TaskSpec } from '../../../libs/engine/src/types.js';
import { normalizeTask, taskTitleIn } from '../../../libs/engine/src/titles.js';

const entered = new Date('2027-04-20T10:00:00Z'); // Tuesday

function task(extra: Partial<TaskSpec>): TaskSpec {
  return { key: 'risk-report', title: 'Submit risk assessment', assignee: { role: 'probation' }, ...extra };
}

describe('computeDueAt', () => {
  it('counts a duration from entering the state', () => {
    expect(computeDueAt(task({ due: 'P14D' }), entered, {})?.toISOString()).toBe('2027-05-04T10:00:00.000Z');
  });

  it('has no due date when the task declares none', () => {
    expect(computeDueAt(task({}), entered, {})).toBeNull();
  });

  it('counts back before a key date and forward after it', () => {
    const keyDates = { releaseDate: '2027-09-01' };
    expect(computeDueAt(task({ due: { before: 'releaseDate', offset: 'P6M' } }), entered, keyDates)?.toISOString()).toBe(
      '2027-03-01T00:00:00.000Z',
    );
    expect(computeDueAt(task({ due: { after: 'releaseDate', offset: 'P1D' } }), entered, keyDates)?.toISOString()).toBe(
      '2027-09-02T00:00:00.000Z',
    );
  });

  it('is null while the key date is missing or empty', () => {
    const due = { before: 'releaseDate', offset: 'P8W' };
    expect(computeDueAt(task({ due }), entered, {})).toBeNull();
    expect(computeDueAt(task({ due }), entered, { releaseDate: null })).toBeNull();
    expect(computeDueAt(task({ due }), entered, { releaseDate: '' })).toBeNull();
    expect(computeDueAt(task({ due: { workingDays: 2, after: 'releaseDate' } }), entered, {})).toBeNull();
  });

  it('counts working days from entering the state or from a key date', () => {
    // Tuesday 20 April + 5 working days in NL skips the weekend and King's Day (27 April).
    expect(computeDueAt(task({ due: { workingDays: 5 } }), entered, {}, { country: 'NL' })?.toISOString()).toBe(
      '2027-04-28T10:00:00.000Z',
    );
    expect(
      computeDueAt(task({ due: { workingDays: 1, after: 'releaseDate' } }), entered, { releaseDate: '2027-04-23' }, { country: 'NL' })?.toISOString(),
    ).toBe('2027-04-26T00:00:00.000Z');
  });
});

describe('reminderSchedule', () => {
  const due = new Date('2027-05-05T10:00:00Z'); // Wednesday
  const spec = task({
    reminders: ['-P3D', 'P0D', 'P1D'],
    escalation: { after: 'P2D', to: { role: 'coordinator' } },
  });

  it('sends reminders before and on the due date, overdue after it, then escalates', () => {
    expect(reminderSchedule(spec, due)).toEqual([
      { kind: 'reminder', offset: '-P3D', at: new Date('2027-05-02T10:00:00Z'), toRole: 'probation' },
      { kind: 'reminder', offset: 'P0D', at: due, toRole: 'probation' },
      { kind: 'overdue', offset: 'P1D', at: new Date('2027-05-06T10:00:00Z'), toRole: 'probation' },
      { kind: 'escalation', offset: 'P2D', at: new Date('2027-05-07T10:00:00Z'), toRole: 'coordinator' },
    ]);
  });

  it('holds messages back to the next working morning in the partnership country', () => {
    const schedule = reminderSchedule(spec, due, { country: 'NL', timezone: 'Europe/Amsterdam' });
    // The -P3D reminder falls on Sunday 2 May: it waits for Monday 09:00 in Amsterdam.
    expect(schedule[0]).toMatchObject({ kind: 'reminder', at: new Date('2027-05-03T07:00:00Z') });
    // On the due date at 12:00 in Amsterdam: office hours, unchanged.
    expect(schedule[1]).toMatchObject({ kind: 'reminder', at: due });
    // Thursday 6 May 2027 is Ascension Day: the overdue notice waits for Friday 09:00.
    expect(schedule[2]).toMatchObject({ kind: 'overdue', at: new Date('2027-05-07T07:00:00Z') });
    expect(schedule[3]).toMatchObject({ kind: 'escalation', at: new Date('2027-05-07T10:00:00Z') });
  });

  it('does not hold back the messages of an urgent task', () => {
    const schedule = reminderSchedule({ ...spec, urgent: true }, due, { country: 'NL', timezone: 'Europe/Amsterdam' });
    expect(firstOf(schedule, 'schedule').at).toEqual(new Date('2027-05-02T10:00:00Z'));
  });

  it('is empty for a task without reminders or escalation', () => {
    expect(reminderSchedule(task({}), due)).toEqual([]);
  });
});

describe('escalation ladders', () => {
  it('plans one message per rung, in order, each to its role', () => {
    const due = new Date('2027-05-04T10:00:00Z');
    const messages = reminderSchedule(
      task({ due: 'P14D', reminders: ['P0D'], escalation: [{ after: 'P2D', to: { role: 'probation' } }, { after: 'P5D', to: { role: 'coordinator' } }] }),
      due,
    );
    expect(messages.map((m) => [m.kind, m.offset, m.toRole, m.at.toISOString()])).toEqual([
      ['reminder', 'P0D', 'probation', '2027-05-04T10:00:00.000Z'],
      ['escalation', 'P2D', 'probation', '2027-05-06T10:00:00.000Z'],
      ['escalation', 'P5D', 'coordinator', '2027-05-09T10:00:00.000Z'],
    ]);
  });
});

describe('task titles per language', () => {
  it('compiles to a default title (English, else the first given) and the titles by language', () => {
    const both = normalizeTask({ ...task({}), title: { sv: 'Lämna rapport', en: 'Submit report' } });
    expect(both.title).toBe('Submit report');
    expect(taskTitleIn(both, 'sv')).toBe('Lämna rapport');
    expect(taskTitleIn(both, 'de')).toBe('Submit report');
    const swedishOnly = normalizeTask({ ...task({}), title: { sv: 'Lämna rapport' } });
    expect(swedishOnly.title).toBe('Lämna rapport');
    expect(normalizeTask(task({})).title).toBe('Submit risk assessment');
  });
});
