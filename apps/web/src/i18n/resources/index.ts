// The app's strings in every language it speaks: plain objects, one file per language, so the unit
// tests (tests/unit/web) can check them without a browser. i18next loads them (../i18n.tsx).
import { de } from './de.js';
import { en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { sv } from './sv.js';

export type { MessageKey } from './en.js';

export const LOCALES = [
  { code: 'en', name: 'English', region: 'en-GB' },
  { code: 'nl', name: 'Nederlands', region: 'nl-NL' },
  { code: 'fr', name: 'Français', region: 'fr-FR' },
  { code: 'es', name: 'Español', region: 'es-ES' },
  { code: 'de', name: 'Deutsch', region: 'de-DE' },
  { code: 'sv', name: 'Svenska', region: 'sv-SE' },
] as const;

export type Locale = (typeof LOCALES)[number]['code'];

export const messages: Record<Locale, Record<MessageKey, string>> = { en, nl, fr, es, de, sv };

export const isLocale = (value: unknown): value is Locale => LOCALES.some((l) => l.code === value);

/** `{name}` placeholders of a message, sorted: every translation must fill in the same ones. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
