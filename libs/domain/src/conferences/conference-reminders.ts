import { DateTime } from 'luxon';
import { addDuration, isWorkingDay, parseDuration } from '#engine';
import type { PlannedReminder } from '../reminders/reminder-writer.js';

/** Reminders before a conference when the case manager names none: one day before, to each invitee. */
export const DEFAULT_CONFERENCE_REMINDERS = ['-P1D'] as const;

const ONE_DAY_MS = 86_400_000;
const PAST_SLACK_MS = 60_000;

export interface Invitee {
  agencyId: string;
  country: string;
  timezone: string;
}

/**
 * When a reminder `offset` (negative, e.g. `-P1D`) before a meeting reaches an agency. People set
 * the meeting inside office hours, so an offset of whole days keeps the time of day; when that day
 * is a weekend or public holiday where the agency works, the reminder goes on the previous working
 * day at the same time (a Monday meeting is announced on Friday, not on Sunday). Offsets under a
 * day (`-PT2H`) are taken literally.
 */
export function conferenceReminderAt(scheduledAt: Date, offset: string, invitee: Invitee): Date {
  const at = addDuration(scheduledAt, offset);
  if (parseDuration(offset).duration.toMillis() < ONE_DAY_MS) return at;
  let local = DateTime.fromJSDate(at, { zone: invitee.timezone });
  if (!local.isValid) return at;
  while (!isWorkingDay(local, invitee.country)) local = local.minus({ days: 1 });
  return local.toJSDate();
}

/**
 * One reminder per invitee and offset. A reminder whose moment has already passed is planned as
 * `skipped`, so the conference keeps the record of its offsets and a later move can bring it back.
 */
export function planConferenceReminders(
  conference: { id: string; scheduledAt: Date },
  invitees: Invitee[],
  offsets: readonly string[],
  now: Date,
): PlannedReminder[] {
  const planned: PlannedReminder[] = [];
  for (const offset of offsets) {
    for (const invitee of invitees) {
      const dueAt = conferenceReminderAt(conference.scheduledAt, offset, invitee);
      planned.push({
        agencyId: invitee.agencyId,
        kind: 'reminder',
        dueAt,
        rule: { source: 'conference', conference: conference.id, kind: 'reminder', offset },
        skipped: dueAt.getTime() < now.getTime() - PAST_SLACK_MS,
      });
    }
  }
  return planned;
}
