import { DateTime, Duration } from 'luxon';

/**
 * ISO 8601 durations as pathway definitions write them: `P5D`, `PT30S`, `P6M`, `P1Y2M`, `P2W`,
 * `P0D`, and with a leading minus for offsets before a date (`-P3D`). Only seconds may carry a
 * fraction; luxon alone would also accept forms (`P-3D`, commas) that we do not want in definitions.
 */
const ISO_DURATION =
  /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

export interface ParsedDuration {
  sign: 1 | -1;
  duration: Duration;
}

const cache = new Map<string, ParsedDuration>();

/**
 * Parses an ISO 8601 duration, keeping its sign apart because luxon durations have no sign of
 * their own. Throws on anything else.
 *
 * @example parseDuration('-P3D') // { sign: -1, duration: Duration { days: 3 } }
 */
export function parseDuration(iso: string): ParsedDuration {
  const cached = cache.get(iso);
  if (cached) return cached;
  if (typeof iso !== 'string' || !ISO_DURATION.test(iso)) {
    throw new Error(`Not an ISO 8601 duration: ${JSON.stringify(iso)} (expected e.g. "P5D", "PT30S", "-P3D")`);
  }
  const negative = iso.startsWith('-');
  const duration = Duration.fromISO(negative ? iso.slice(1) : iso);
  if (!duration.isValid) throw new Error(`Not an ISO 8601 duration: ${JSON.stringify(iso)}`);
  const parsed: ParsedDuration = { sign: negative ? -1 : 1, duration };
  // Definitions reuse a handful of durations; the cache stays small.
  if (cache.size < 10_000) cache.set(iso, parsed);
  return parsed;
}

/** True when `iso` is a string `parseDuration` accepts. */
export function isValidDuration(iso: unknown): boolean {
  return typeof iso === 'string' && ISO_DURATION.test(iso) && Duration.fromISO(iso.replace(/^-/, '')).isValid;
}

/** True for `P0D`, `PT0S` and the like. */
export function isZeroDuration(iso: string): boolean {
  return parseDuration(iso).duration.toMillis() === 0;
}

/**
 * Adds a (possibly negative) ISO duration to a date, calendar-aware in UTC: `P6M` adds six calendar
 * months, not 180 days.
 *
 * @example addDuration(new Date('2027-01-31T10:00:00Z'), 'P1M') // 2027-02-28T10:00:00Z
 */
export function addDuration(from: Date, iso: string): Date {
  const { sign, duration } = parseDuration(iso);
  const start = DateTime.fromJSDate(from, { zone: 'utc' });
  return (sign === 1 ? start.plus(duration) : start.minus(duration)).toJSDate();
}

/**
 * Approximate length in milliseconds (a month as 30 days). Only for XState's own delay bookkeeping;
 * real fire times come from `addDuration`.
 */
export function approximateMillis(iso: string): number {
  const { sign, duration } = parseDuration(iso);
  return sign * duration.toMillis();
}
