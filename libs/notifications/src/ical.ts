import { createEvent, type Attendee, type EventAttributes } from 'ics';

export interface ConferenceInviteOptions {
  /** Stable per conference (e.g. `conference-<id>@<host>`): calendars match updates by it. */
  uid: string;
  /** Raise on every change (reschedule, cancel) so calendars replace the earlier version. */
  sequence: number;
  start: Date;
  durationMinutes: number;
  title: string;
  location?: string;
  description?: string;
  url?: string;
  organizer?: { name: string; email: string };
  /** Attendees without an email are left out: RFC 5545 needs a calendar address for each. */
  attendees?: Array<{ name: string; email?: string }>;
  method?: 'REQUEST' | 'CANCEL';
}

/**
 * Builds an RFC 5545 calendar invitation for a case conference, times in UTC.
 * A reschedule keeps `uid` and raises `sequence`; `method: 'CANCEL'` withdraws the entry.
 *
 * @example
 * conferenceInvite({ uid: 'conference-7@convene.example', sequence: 0, start, durationMinutes: 90,
 *   title: 'Pre-release case conference CV-2026-0042' }) // → "BEGIN:VCALENDAR…"
 */
export function conferenceInvite(opts: ConferenceInviteOptions): string {
  if (Number.isNaN(opts.start.getTime())) throw new Error('conferenceInvite: start is not a valid date');
  if (!(opts.durationMinutes > 0)) {
    throw new Error(`conferenceInvite: durationMinutes must be positive, got ${opts.durationMinutes}`);
  }
  if (!Number.isInteger(opts.sequence) || opts.sequence < 0) {
    throw new Error(`conferenceInvite: sequence must be a non-negative integer, got ${opts.sequence}`);
  }
  const method = opts.method ?? 'REQUEST';
  const start = opts.start.getTime();
  const attendees: Attendee[] = (opts.attendees ?? [])
    .filter((a): a is { name: string; email: string } => Boolean(a.email))
    .map((a) => ({
      name: paramSafe(a.name),
      email: a.email,
      rsvp: method === 'REQUEST',
      partstat: 'NEEDS-ACTION',
      role: 'REQ-PARTICIPANT',
    }));

  const event: EventAttributes = {
    uid: opts.uid,
    sequence: opts.sequence,
    method,
    productId: '-//Convene//Case conferences//EN',
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: start + opts.durationMinutes * 60_000,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: opts.title,
    status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    ...(opts.location ? { location: opts.location } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.url ? { url: opts.url } : {}),
    ...(opts.organizer
      ? { organizer: { name: paramSafe(opts.organizer.name), email: opts.organizer.email } }
      : {}),
    ...(attendees.length > 0 ? { attendees } : {}),
  };

  const { error, value } = createEvent(event);
  if (error || !value) {
    throw new Error(`conferenceInvite: could not build the calendar entry: ${error?.message ?? 'no output'}`, {
      cause: error,
    });
  }
  return value;
}

// CN is written as a quoted parameter value, which may not contain DQUOTE or control characters.
function paramSafe(name: string): string {
  return name.replace(/["\u0000-\u001f\u007f]/g, '');
}
