import { describe, expect, it } from '@jest/globals';
import { addDuration, isValidDuration, parseDuration } from '../../../libs/engine/src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['P5D', 1, { days: 5 }],
    ['-P3D', -1, { days: 3 }],
    ['P0D', 1, { days: 0 }],
    ['PT30S', 1, { seconds: 30 }],
    ['P6M', 1, { months: 6 }],
    ['P1Y2M', 1, { years: 1, months: 2 }],
    ['P2W', 1, { weeks: 2 }],
    ['PT1H30M', 1, { hours: 1, minutes: 30 }],
  ])('reads %s', (iso, sign, parts) => {
    const parsed = parseDuration(iso);
    expect(parsed.sign).toBe(sign);
    expect(parsed.duration.toObject()).toEqual(parts);
  });

  it.each(['', 'P', 'PT', '5D', 'P-3D', 'P1.5D', '--P1D', 'P1DT', 'soon', ' P5D'])('refuses %j', (iso) => {
    expect(() => parseDuration(iso)).toThrow(/ISO 8601 duration/);
    expect(isValidDuration(iso)).toBe(false);
  });

  it('says which values are durations', () => {
    expect(isValidDuration('P14D')).toBe(true);
    expect(isValidDuration('-P3D')).toBe(true);
    expect(isValidDuration(14)).toBe(false);
    expect(isValidDuration(null)).toBe(false);
  });
});

describe('addDuration', () => {
  it('adds calendar months, clamping to the end of a shorter month', () => {
    expect(addDuration(new Date('2027-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), 'P6M').toISOString()).toBe('2027-09-01T00:00:00.000Z');
  });

  it('subtracts negative durations and handles seconds and weeks', () => {
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), '-P3D').toISOString()).toBe('2027-02-26T00:00:00.000Z');
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), '-P6M').toISOString()).toBe('2026-09-01T00:00:00.000Z');
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), 'PT30S').toISOString()).toBe('2027-03-01T00:00:30.000Z');
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), 'P2W').toISOString()).toBe('2027-03-15T00:00:00.000Z');
    expect(addDuration(new Date('2027-03-01T00:00:00Z'), 'P0D').toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });
});
