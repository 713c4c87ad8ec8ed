import { describe, expect, it } from '@jest/globals';
import { addWorkingDays, nextDeliveryTime, nextWorkingMorning, type Weekday } from '../../../libs/engine/src/working-days.js';

const AMS = 'Europe/Amsterdam';

describe('addWorkingDays', () => {
  it('skips the weekend', () => {
    // Friday 23 April 2027 → Monday 26 April.
    expect(addWorkingDays(new Date('2027-04-23T10:00:00Z'), 1, 'NL').toISOString()).toBe('2027-04-26T10:00:00.000Z');
  });

  it("skips King's Day in the Netherlands but not in a country without it", () => {
    // Tuesday 27 April 2027 is King's Day.
    expect(addWorkingDays(new Date('2027-04-23T10:00:00Z'), 2, 'NL').toISOString()).toBe('2027-04-28T10:00:00.000Z');
    expect(addWorkingDays(new Date('2027-04-23T10:00:00Z'), 2, 'BE').toISOString()).toBe('2027-04-27T10:00:00.000Z');
  });

  it('skips Christmas and Boxing Day together with a weekend', () => {
    // Thursday 24 December 2026; 25 and 26 are holidays, 27 is a Sunday.
    expect(addWorkingDays(new Date('2026-12-24T09:00:00Z'), 1, 'NL').toISOString()).toBe('2026-12-28T09:00:00.000Z');
  });

  it('counts weekends only without a country, and counts back with a negative number', () => {
    expect(addWorkingDays(new Date('2027-04-23T10:00:00Z'), 2, '').toISOString()).toBe('2027-04-27T10:00:00.000Z');
    expect(addWorkingDays(new Date('2027-04-26T10:00:00Z'), -1, 'NL').toISOString()).toBe('2027-04-23T10:00:00.000Z');
    expect(addWorkingDays(new Date('2027-04-26T10:00:00Z'), 0, 'NL').toISOString()).toBe('2027-04-26T10:00:00.000Z');
  });
});

describe('nextWorkingMorning', () => {
  it('keeps a time within office hours on a working day', () => {
    const at = new Date('2027-04-21T09:30:00Z'); // Wednesday 11:30 in Amsterdam
    expect(nextWorkingMorning(at, 'NL', AMS)).toBe(at);
  });

  it('moves an early morning to 09:00 the same day', () => {
    // Wednesday 06:00 local (CEST, UTC+2) → 09:00 local.
    expect(nextWorkingMorning(new Date('2027-04-21T04:00:00Z'), 'NL', AMS).toISOString()).toBe('2027-04-21T07:00:00.000Z');
  });

  it('moves an evening to the next working morning, over a weekend', () => {
    // Friday 20:00 local → Monday 09:00 local.
    expect(nextWorkingMorning(new Date('2027-04-23T18:00:00Z'), 'NL', AMS).toISOString()).toBe('2027-04-26T07:00:00.000Z');
  });

  it('moves a Saturday noon to Monday, and a public holiday to the day after', () => {
    expect(nextWorkingMorning(new Date('2027-04-24T10:00:00Z'), 'NL', AMS).toISOString()).toBe('2027-04-26T07:00:00.000Z');
    // King's Day at 10:00 local → Wednesday 28 April 09:00 local.
    expect(nextWorkingMorning(new Date('2027-04-27T08:00:00Z'), 'NL', AMS).toISOString()).toBe('2027-04-28T07:00:00.000Z');
  });

  it('honours the requested hour and the timezone in winter', () => {
    // Saturday 9 January 2027, 12:00 local (CET, UTC+1) → Monday 11 January 08:00 local.
    expect(nextWorkingMorning(new Date('2027-01-09T11:00:00Z'), 'NL', AMS, 8).toISOString()).toBe('2027-01-11T07:00:00.000Z');
  });
});

describe('nextDeliveryTime', () => {
  const AMSTERDAM = 'Europe/Amsterdam';
  it('never holds a message for an agency that is always open', () => {
    const sundayNight = new Date('2027-04-25T01:30:00Z');
    expect(nextDeliveryTime(sundayNight, 'always', 'NL', AMSTERDAM)).toBe(sundayNight);
  });

  it('keeps the default office hours when an agency has none', () => {
    expect(nextDeliveryTime(new Date('2027-04-24T10:00:00Z'), null, 'NL', AMSTERDAM).toISOString()).toBe('2027-04-26T07:00:00.000Z');
  });

  it("holds a message to the agency's next opening, skipping closed days and its public holidays", () => {
    const hours = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as Weekday[], from: '07:30', to: '20:00' };
    // Saturday 12:00 local: open.
    expect(nextDeliveryTime(new Date('2027-04-24T10:00:00Z'), hours, 'NL', AMSTERDAM).toISOString()).toBe('2027-04-24T10:00:00.000Z');
    // Saturday 21:00 local → Monday 07:30 (Sunday closed).
    expect(nextDeliveryTime(new Date('2027-04-24T19:00:00Z'), hours, 'NL', AMSTERDAM).toISOString()).toBe('2027-04-26T05:30:00.000Z');
    // Monday 26 April 21:00 → Wednesday 28 April 07:30: Tuesday 27 April is King's Day.
    expect(nextDeliveryTime(new Date('2027-04-26T19:00:00Z'), hours, 'NL', AMSTERDAM).toISOString()).toBe('2027-04-28T05:30:00.000Z');
    // Early on an open day → that day's opening.
    expect(nextDeliveryTime(new Date('2027-04-28T03:00:00Z'), hours, 'NL', AMSTERDAM).toISOString()).toBe('2027-04-28T05:30:00.000Z');
  });
});
