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

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** When an agency takes messages: `"always"` (a police control room), or days and local hours. */
export type DeliveryHours = 'always' | { days: Weekday[]; from: string; to: string };

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * When a non-urgent message to an agency may go: `at` itself when the agency is open then,
 * otherwise its next opening. No hours given: the default office hours (Monday to Friday,
 * 08:00–18:00, public holidays closed; held messages go at 09:00, see `nextWorkingMorning`).
 * Custom hours open on their days at `from` until `to` (local, in the agency's zone), public
 * holidays of its country closed; `"always"` never holds anything.
 *
 * @example nextDeliveryTime(new Date('2027-04-24T12:00:00Z'), { days: ['mon'], from: '07:00', to: '19:00' }, 'NL', 'Europe/Amsterdam') // Mon 26 April 07:00 local
 */
export function nextDeliveryTime(at: Date, hours: DeliveryHours | null | undefined, country: string, timezone: string): Date {
  if (hours === 'always') return at;
  if (!hours) return nextWorkingMorning(at, country, timezone);
  const open = new Set(hours.days);
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  const isOpenDay = (day: DateTime) => open.has(WEEKDAYS[day.weekday - 1]!) && !(country && publicHolidays(country, day.year).has(day.toISODate() ?? ''));
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  if (isOpenDay(local) && minute >= from && minute < to) return at;
  let day = local.startOf('day');
  if (!isOpenDay(day) || minute >= from) day = day.plus({ days: 1 });
  // At most two weeks ahead: a week of days and a run of holidays (an empty `days` is refused by validation).
  for (let i = 0; i < 14 && !isOpenDay(day); i++) day = day.plus({ days: 1 });
  return day.set({ hour: Math.floor(from / 60), minute: from % 60, second: 0, millisecond: 0 }).toJSDate();
}
