import { DateTime, type DateTimeFormatOptions } from 'luxon';
import { escapeHtml } from './html-escape.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { nl } from './locales/nl.js';
import type { Phrasebook } from './locales/phrasebook.js';
import { sv } from './locales/sv.js';
import type { NotificationKind } from './notification-kinds.js';

export const SUPPORTED_LOCALES = ['en', 'nl', 'fr', 'es', 'de', 'sv'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_TIMEZONE = 'Europe/Amsterdam';

/**
 * What a message may say. Deliberately no subject name or case content: notifications leave the
 * system (mail, webhooks), so they carry a reference and a link, never personal data.
 */
export interface MessageVars {
  caseReference: string;
  /** Task or conference title from the pathway definition. */
  title: string;
  dueAt?: Date;
  conferenceAt?: Date;
  /** Absolute link into Convene (built from PUBLIC_URL). */
  link: string;
  /** IANA zone of the receiving agency; default Europe/Amsterdam. */
  timezone?: string;
  /** Provenance, e.g. "Reminder 3 days before due of task 'Submit risk assessment' (…)". */
  reason?: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export const PHRASEBOOKS: Record<SupportedLocale, Phrasebook> = { en, nl, fr, es, de, sv };

const DATE_FORMAT: DateTimeFormatOptions = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/**
 * Picks the language of a message from an agency's locale tag: `nl-BE` → `nl`, anything
 * unsupported or absent → `en`.
 */
export function resolveLocale(locale: string | undefined): SupportedLocale {
  const [language = ''] = (locale ?? '').trim().toLowerCase().split(/[-_]/);
  return (SUPPORTED_LOCALES as readonly string[]).includes(language)
    ? (language as SupportedLocale)
    : 'en';
}

/**
 * Formats a date in the agency's zone. Regional variants of a supported language keep their own
 * conventions (`nl-BE`, `en-US`); plain or unsupported English uses British conventions, which
 * suit a European partnership better than the US defaults (24-hour clock, day before month).
 */
export function formatDateTime(at: Date, locale: string | undefined, timezone?: string): string {
  let local = DateTime.fromJSDate(at, { zone: timezone ?? DEFAULT_TIMEZONE });
  // A misconfigured zone must not put "Invalid DateTime" into a message.
  if (!local.isValid) local = DateTime.fromJSDate(at, { zone: DEFAULT_TIMEZONE });
  return local.setLocale(dateLocale(locale)).toLocaleString(DATE_FORMAT);
}

function dateLocale(locale: string | undefined): string {
  const language = resolveLocale(locale);
  const tag = (locale ?? '').trim().replace(/_/g, '-');
  const isRegionalVariant = tag.includes('-') && tag.toLowerCase().startsWith(`${language}-`);
  if (isRegionalVariant) {
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0) return tag;
    } catch {
      // malformed tag (RangeError): fall through to the plain language
    }
  }
  return language === 'en' ? 'en-GB' : language;
}

/**
 * Renders a notification in the agency's language, as plain text and HTML.
 *
 * @example
 * renderMessage('reminder', 'nl-BE', { caseReference: 'CV-2026-0042', title: 'Submit risk assessment',
 *   dueAt: new Date('2026-03-12T09:00:00Z'), link: 'https://convene.example/cases/…' })
 * // → { subject: 'Herinnering: ‘Submit risk assessment’ (casus CV-2026-0042)', text, html }
 */
export function renderMessage(
  kind: NotificationKind,
  locale: string | undefined,
  vars: MessageVars,
): RenderedMessage {
  const book = PHRASEBOOKS[resolveLocale(locale)];
  const format = (at: Date | undefined): string | undefined =>
    at && !Number.isNaN(at.getTime()) ? formatDateTime(at, locale, vars.timezone) : undefined;
  const phrase = book.kinds[kind]({
    caseReference: vars.caseReference,
    title: book.quote(vars.title),
    due: format(vars.dueAt),
    when: format(vars.conferenceAt ?? vars.dueAt),
  });

  const textParts = [...phrase.body, `${book.openLink}${book.colon}${vars.link}`];
  if (vars.reason) textParts.push(`${book.reason}${book.colon}${vars.reason}`);
  textParts.push(book.footer);

  const htmlParts = phrase.body.map((p) => `<p>${escapeHtml(p)}</p>`);
  htmlParts.push(`<p><a href="${escapeHtml(vars.link)}">${escapeHtml(book.openLink)}</a></p>`);
  if (vars.reason) {
    htmlParts.push(`<p><small>${escapeHtml(book.reason + book.colon + vars.reason)}</small></p>`);
  }
  htmlParts.push(`<p><small>${escapeHtml(book.footer)}</small></p>`);

  return {
    subject: phrase.subject,
    text: textParts.join('\n\n') + '\n',
    html: `<!doctype html>\n<html><body>\n${htmlParts.join('\n')}\n</body></html>\n`,
  };
}

/** The label in front of a link into Convene, in a language (`locale` unset: the calendar file's own English wording). */
export function openLinkLabel(locale: string | undefined): string {
  return locale === undefined ? 'Open the case in Convene' : PHRASEBOOKS[resolveLocale(locale)].openLink;
}
