import { Duration } from 'luxon';
import { isValidDuration, parseDuration } from '../../../engine/src/index.js';

/** The provenance stored with a reminder or notification (`rule` column). */
export interface RuleLike {
  source?: string;
  pathway?: string;
  version?: number;
  state?: string;
  task?: string;
  kind?: string;
  offset?: string;
  [extra: string]: unknown;
}

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/** `-P3D` → "3 days", `PT30S` → "30 seconds", `P1DT2H` → "1 day 2 hours". */
export function humanDuration(iso: string): string {
  const d: Duration = parseDuration(iso).duration;
  const parts = UNITS.flatMap((unit) => {
    const n = d.get(unit);
    if (!n) return [];
    const singular = unit.slice(0, -1);
    return [`${n} ${n === 1 ? singular : unit}`];
  });
  return parts.length ? parts.join(' ') : '0 days';
}

function origin(rule: RuleLike): string {
  if (rule.source === 'conference') return 'agreed at a case conference';
  const parts: string[] = [];
  if (rule.pathway) parts.push(rule.version !== undefined ? `${rule.pathway} v${rule.version}` : rule.pathway);
  if (rule.state) parts.push(`state ${String(rule.state).replace(/^[^.]+\./, '')}`);
  return parts.join(', ');
}

const withOrigin = (sentence: string, rule: RuleLike) => {
  const o = origin(rule);
  return o ? `${sentence} (${o})` : sentence;
};

/**
 * Why a notification was sent, as one sentence for the recipient, e.g.
 * "Reminder 3 days before the due date of 'Submit risk assessment' (referral v1, state screening)".
 */
export function describeRule(kind: string, title: string, rule: RuleLike | null | undefined): string {
  const r = rule ?? {};
  const quoted = `'${title}'`;
  const offset = typeof r.offset === 'string' && isValidDuration(r.offset) ? r.offset : undefined;
  const isConference = r.source === 'conference' && !r.task;
  switch (kind) {
    case 'reminder': {
      if (isConference) {
        return offset ? `Reminder ${humanDuration(offset)} before the case conference` : 'Reminder of the case conference';
      }
      if (!offset) return withOrigin(`Reminder of the due date of ${quoted}`, r);
      const sign = parseDuration(offset).sign;
      const zero = parseDuration(offset).duration.toMillis() === 0;
      const when = zero ? 'on the due date' : `${humanDuration(offset)} ${sign === -1 ? 'before' : 'after'} the due date`;
      return withOrigin(`Reminder ${when} of ${quoted}`, r);
    }
    case 'overdue':
      return withOrigin(`Overdue notice ${offset ? `${humanDuration(offset)} after the due date` : 'after the due date'} of ${quoted}`, r);
    case 'escalation':
      return withOrigin(
        `Escalation: ${quoted} was still open ${offset ? `${humanDuration(offset)} after` : 'after'} its due date`,
        r,
      );
    case 'task_assigned':
      return withOrigin(`Task ${quoted} was assigned to your agency`, r);
    case 'conference_invitation':
      return 'Your agency was invited to this case conference';
    case 'conference_changed':
      return 'A case conference your agency was invited to has been moved';
    default:
      return withOrigin(`Notification: ${kind.replace(/_/g, ' ')}`, r);
  }
}
