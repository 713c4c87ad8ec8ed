import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/** Local working hours: a reminder outside them waits for the next working morning. */
const DAY_STARTS_AT_HOUR = 8;
const DAY_ENDS_AT_HOUR = 18;

/** Country code → year → public holidays as `YYYY-MM-DD` (local dates). */
const holidayCache = new Map<string, Map<number, Set<string>>>();
const countryCache = new Map<string, Holidays | null>();

function holidaysOf(country: string): Holidays | null {
  let hd = countryCache.get(country);
  if (hd === undefined) {
    // An unknown country has no holidays: we then count weekends only.
    const candidate = new Holidays(country);
    hd = candidate.getCountries()[country.toUpperCase()] ? candidate : null;
    countryCache.set(country, hd);
  }
  return hd;
}

/** Public holidays only: bank and school holidays are ordinary working days for agencies. */
function publicHolidays(country: string, year: number): Set<string> {
  let byYear = holidayCache.get(country);
  if (!byYear) {
    byYear = new Map();
    holidayCache.set(country, byYear);
  }
  let days = byYear.get(year);
  if (!days) {
    const hd = holidaysOf(country);
    days = new Set(
      hd ? hd.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)) : [],
    );
    byYear.set(year, days);
  }
  return days;
}

/** True when the local calendar day of `local` is neither a weekend nor a public holiday. */
export function isWorkingDay(local: DateTime, country: string | undefined): boolean {
  if (local.weekday >= 6) return false;
  if (!country) return true;
  return !publicHolidays(country, local.year).has(local.toISODate() ?? '');
}

/**
 * Adds `days` working days (weekends and the country's public holidays skipped), keeping the time
 * of day. Calendar days are read in `timezone` (UTC unless given). A negative `days` counts back.
 * An empty `country` counts weekends only.
 *
 * @example addWorkingDays(new Date('2027-04-23T10:00:00Z'), 2, 'NL') // Fri → Wed 28 April (King's Day 27th)
 */
export function addWorkingDays(from: Date, days: number, country: string, timezone = 'UTC'): Date {
  const step = days < 0 ? -1 : 1;
  let remaining = Math.abs(Math.trunc(days));
  let local = DateTime.fromJSDate(from, { zone: timezone });
  while (remaining > 0) {
    local = local.plus({ days: step });
    if (isWorkingDay(local, country)) remaining -= 1;
  }
  return local.toJSDate();
}

/**
 * Holds a message back to office hours: when `at` falls at night (before 08:00 or from 18:00 local),
 * on a weekend or on a public holiday, returns the next working day at `hour` local; otherwise `at`.
 * Before 08:00 on a working day that is the same day.
 *
 * @example nextWorkingMorning(new Date('2027-04-24T12:00:00Z'), 'NL', 'Europe/Amsterdam') // Wed 28 April 09:00 local
 */
export function nextWorkingMorning(at: Date, country: string, timezone: string, hour = 9): Date {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const working = isWorkingDay(local, country);
  if (working && local.hour >= DAY_STARTS_AT_HOUR && local.hour < DAY_ENDS_AT_HOUR) return at;
  let day = local.startOf('day');
  if (!working || local.hour >= DAY_ENDS_AT_HOUR) {
    do day = day.plus({ days: 1 });
    while (!isWorkingDay(day, country));
  }
  return day.set({ hour, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}
