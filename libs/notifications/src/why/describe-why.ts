import { Duration } from 'luxon';
import { isValidDuration, parseDuration } from '#engine';
import { PHRASEBOOKS, resolveLocale, type SupportedLocale } from '../templates.js';
import { WHY } from './why-phrases.js';

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

/** `-P3D` → "3 days" (or "3 dygn" in Swedish), `P1DT2H` → "1 day 2 hours"; the sign is the caller's to word. */
export function humanDuration(iso: string, locale: string = 'en'): string {
  const d: Duration = parseDuration(iso).duration;
  const language = resolveLocale(locale);
  if (language !== 'en') {
    const parts = Object.fromEntries(UNITS.flatMap((unit) => (d.get(unit) ? [[unit, Math.abs(d.get(unit))]] : [])));
    return Object.keys(parts).length ? Duration.fromObject(parts).reconfigure({ locale: language }).toHuman() : Duration.fromObject({ days: 0 }).reconfigure({ locale: language }).toHuman();
  }
  const parts = UNITS.flatMap((unit) => {
    const n = d.get(unit);
    if (!n) return [];
    const singular = unit.slice(0, -1);
    return [`${n} ${n === 1 ? singular : unit}`];
  });
  return parts.length ? parts.join(' ') : '0 days';
}

/** A conference's title in the reader's language: its case reference only, never a person's name. */
export function conferenceTitleIn(locale: string | undefined, reference: string): string {
  return WHY[resolveLocale(locale)].conferenceTitle(reference);
}

function origin(rule: RuleLike, language: SupportedLocale): string {
  const why = WHY[language];
  if (rule.source === 'conference') return why.agreedAtConference;
  const parts: string[] = [];
  if (rule.pathway) parts.push(rule.version !== undefined ? `${rule.pathway} v${rule.version}` : rule.pathway);
  if (rule.state) parts.push(`${why.state} ${String(rule.state).replace(/^[^.]+\./, '')}`);
  return parts.join(', ');
}

/**
 * Why a notification was sent, as one sentence in the reader's language, e.g.
 * "Reminder 3 days before the due date of 'Submit risk assessment' (referral v1, state screening)".
 */
export function describeWhy(kind: string, title: string, rule: RuleLike | null | undefined, locale: string = 'en'): string {
  const language = resolveLocale(locale);
  const why = WHY[language];
  const r = rule ?? {};
  // English keeps plain quotes (the API's `why`); other languages their own quotation marks.
  const quoted = language === 'en' ? `'${title}'` : PHRASEBOOKS[language].quote(title);
  const offset = typeof r.offset === 'string' && isValidDuration(r.offset) ? r.offset : undefined;
  const words = offset ? humanDuration(offset, language) : undefined;
  const withOrigin = (sentence: string) => {
    const o = origin(r, language);
    return o ? `${sentence} (${o})` : sentence;
  };
  const isConference = r.source === 'conference' && !r.task;
  switch (kind) {
    case 'reminder': {
      if (isConference) return why.conferenceReminder(words);
      if (!offset || !words) return withOrigin(why.reminderOf(quoted));
      const { sign, duration } = parseDuration(offset);
      if (duration.toMillis() === 0) return withOrigin(why.reminderOn(quoted));
      return withOrigin(sign === -1 ? why.reminderBefore(words, quoted) : why.reminderAfter(words, quoted));
    }
    case 'overdue':
      return withOrigin(why.overdue(words, quoted));
    case 'escalation':
      return withOrigin(why.escalation(words, quoted));
    case 'task_assigned':
      return withOrigin(why.taskAssigned(quoted));
    case 'conference_invitation':
      return why.conferenceInvitation;
    case 'conference_changed':
      return why.conferenceChanged;
    default:
      return withOrigin(why.other(kind));
  }
}
