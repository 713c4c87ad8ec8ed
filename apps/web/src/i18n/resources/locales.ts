// The languages the app speaks (no strings here: the app loads each language's strings on demand).
export const LOCALES = [
  { code: 'en', name: 'English', region: 'en-GB' },
  { code: 'nl', name: 'Nederlands', region: 'nl-NL' },
  { code: 'fr', name: 'Français', region: 'fr-FR' },
  { code: 'es', name: 'Español', region: 'es-ES' },
  { code: 'de', name: 'Deutsch', region: 'de-DE' },
  { code: 'sv', name: 'Svenska', region: 'sv-SE' },
] as const;

export type Locale = (typeof LOCALES)[number]['code'];

export const isLocale = (value: unknown): value is Locale => LOCALES.some((l) => l.code === value);
