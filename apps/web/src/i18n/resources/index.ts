// The app's strings in every language it speaks: plain objects, one file per language, so the unit
// tests (tests/unit/web) can check them without a browser. The app imports English only and loads
// the others when chosen (../i18n.tsx), so they stay out of its first load.
import { de } from './de.js';
import { en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { sv } from './sv.js';
import type { Locale } from './locales.js';

export type { MessageKey } from './en.js';

export { LOCALES, isLocale, type Locale } from './locales.js';

export const messages: Record<Locale, Record<MessageKey, string>> = { en, nl, fr, es, de, sv };

/** `{name}` placeholders of a message, sorted: every translation must fill in the same ones. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
