import { DateTime } from 'luxon';
import { addDuration, isZeroDuration, parseDuration } from './duration.js';
import type { DueSpec, EngineFacts, EscalationRung, TaskSpec } from './types.js';
import { addWorkingDays, nextWorkingMorning } from './working-days.js';

export interface ScheduleOptions {
  /** ISO 3166 country of the partnership, for public holidays (e.g. `NL`). */
  country?: string;
  /** IANA zone in which office hours and calendar days are read; UTC unless given. */
  timezone?: string;
}

export interface ScheduledMessage {
  kind: 'reminder' | 'overdue' | 'escalation';
  /** The offset from the due date it was computed from (`-P3D`, `P0D`, or the escalation's `after`). */
  offset: string;
  at: Date;
  /** The role whose agency receives it. */
  toRole: string;
}

/** Reads a key date (`2027-03-01` or a full ISO timestamp); date-only values are midnight UTC. */
export function parseKeyDate(value: string | null | undefined): Date | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
  return parsed.isValid ? parsed.toJSDate() : null;
}

function isWorkingDaysDue(due: DueSpec): due is Extract<DueSpec, { workingDays: number }> {
  return typeof due === 'object' && 'workingDays' in due;
}

/**
 * When a task is due, or null when it has no due date or its key date is not (yet) known.
 *
 * @example computeDueAt({ ..., due: { before: 'releaseDate', offset: 'P2W' } }, now, { releaseDate: '2027-03-01' })
 * // 2027-02-15T00:00:00Z
 */
export function computeDueAt(
  task: TaskSpec,
  enteredAt: Date,
  keyDates: EngineFacts['keyDates'],
  opts: ScheduleOptions = {},
): Date | null {
  const due = task.due;
  if (due === undefined || due === null) return null;
  if (typeof due === 'string') return addDuration(enteredAt, due);
  if (isWorkingDaysDue(due)) {
    const base = due.after === undefined ? enteredAt : parseKeyDate(keyDates[due.after]);
    return base ? addWorkingDays(base, due.workingDays, opts.country ?? '', opts.timezone) : null;
  }
  if ('before' in due) {
    const keyDate = parseKeyDate(keyDates[due.before]);
    if (!keyDate) return null;
    const { sign } = parseDuration(due.offset);
    // "before" with a negative offset would be after: flip the sign rather than refuse.
    return addDuration(keyDate, sign === 1 ? `-${due.offset}` : due.offset.slice(1));
  }
  const keyDate = parseKeyDate(keyDates[due.after]);
  return keyDate ? addDuration(keyDate, due.offset) : null;
}

/** A task's escalation as a ladder (one rung or several, in the order given). */
export function escalationLadder(task: Pick<TaskSpec, 'escalation'>): EscalationRung[] {
  if (!task.escalation) return [];
  return Array.isArray(task.escalation) ? task.escalation : [task.escalation];
}

/**
 * The messages a task's due date implies: each reminder offset (`<= 0` is a `reminder`, `> 0` is
 * `overdue`) to the assignee's role, and the escalation to its role. With a `country`, messages that
 * would land at night, on a weekend or on a public holiday move to the next working morning, unless
 * the task is urgent. Sorted by time.
 */
export function reminderSchedule(task: TaskSpec, dueAt: Date, opts: ScheduleOptions = {}): ScheduledMessage[] {
  const messages: ScheduledMessage[] = [];
  for (const offset of task.reminders ?? []) {
    const { sign } = parseDuration(offset);
    const kind = sign === -1 || isZeroDuration(offset) ? 'reminder' : 'overdue';
    messages.push({ kind, offset, at: addDuration(dueAt, offset), toRole: task.assignee.role });
  }
  for (const { after, to } of escalationLadder(task)) {
    messages.push({ kind: 'escalation', offset: after, at: addDuration(dueAt, after), toRole: to.role });
  }
  if (opts.country && !task.urgent) {
    const { country } = opts;
    const zone = opts.timezone ?? 'UTC';
    for (const message of messages) message.at = nextWorkingMorning(message.at, country, zone);
  }
  return messages.sort((a, b) => a.at.getTime() - b.at.getTime());
}
