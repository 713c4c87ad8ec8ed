import i18next, { type i18n as I18nInstance } from 'i18next';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nextProvider, initReactI18next, useTranslation } from 'react-i18next';
import { en, type MessageKey } from './resources/en';
import { isLocale, LOCALES, type Locale } from './resources/locales';

export { LOCALES, type Locale } from './resources/locales';

// English is in the first load (and the fallback); every other language is its own chunk, loaded when chosen.
const LOADERS: Record<Exclude<Locale, 'en'>, () => Promise<Record<MessageKey, string>>> = {
  nl: () => import('./resources/nl').then((m) => m.nl),
  fr: () => import('./resources/fr').then((m) => m.fr),
  es: () => import('./resources/es').then((m) => m.es),
  de: () => import('./resources/de').then((m) => m.de),
  sv: () => import('./resources/sv').then((m) => m.sv),
};

/** Loads a language's strings into the instance (once), then switches to it. */
export async function switchLocale(instance: I18nInstance, locale: Locale): Promise<void> {
  if (locale !== 'en' && !instance.hasResourceBundle(locale, 'translation')) {
    instance.addResourceBundle(locale, 'translation', await LOADERS[locale]());
  }
  await instance.changeLanguage(locale);
}

const STORAGE_KEY = 'convene.locale';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** Translates a key that comes from data (a status, a kind); falls back to the raw value. */
  tx: (prefix: string, value: string) => string;
  date: (iso: string | null | undefined) => string;
  dateTime: (iso: string | null | undefined) => string;
  /** A number in the user's locale (`1 234,5`). */
  number: (value: number, options?: Intl.NumberFormatOptions) => string;
  /** The BCP 47 tag Intl formats with: the browser's own region when it speaks this language. */
  intlLocale: string;
}

/** The user's choice if remembered, else the first of the browser's languages the app speaks. */
export function detectLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLocale(saved)) return saved;
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const language of languages) {
    const code = language.toLowerCase().split('-')[0];
    if (isLocale(code)) return code;
  }
  return 'en';
}

function intlTag(locale: Locale): string {
  // fr-BE, de-AT, sv-FI: the browser's region when its language is the chosen one.
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  const own = languages.find((l) => l.toLowerCase().split('-')[0] === locale && l.includes('-'));
  return own ?? LOCALES.find((l) => l.code === locale)?.region ?? 'en-GB';
}

/** One i18next instance for the app: flat keys with dots, `{name}` placeholders, no HTML escaping (React escapes). */
export function createI18n(lng: Locale = detectLocale()): I18nInstance {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    supportedLngs: LOCALES.map((l) => l.code),
    resources: { en: { translation: en } },
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false, prefix: '{', suffix: '}' },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

const startLocale = detectLocale();
const appI18n = createI18n(startLocale);
// The first paint waits for the user's language (one small chunk) rather than flashing English.
const appReady: Promise<void> = switchLocale(appI18n, startLocale).catch(() => undefined);
let appLoaded = startLocale === 'en';
void appReady.then(() => {
  appLoaded = true;
});

export function I18nProvider({ children, instance = appI18n }: { children: ReactNode; instance?: I18nInstance }) {
  const [ready, setReady] = useState(instance !== appI18n || appLoaded);
  useEffect(() => {
    if (!ready) void appReady.then(() => setReady(true));
  }, [ready]);
  return ready ? <I18nextProvider i18n={instance}>{children}</I18nextProvider> : null;
}

export function useI18n(): I18n {
  const { t: translate, i18n } = useTranslation();
  const locale: Locale = isLocale(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback(
    (next: Locale) => {
      localStorage.setItem(STORAGE_KEY, next);
      void switchLocale(i18n, next);
    },
    [i18n],
  );
  return useMemo<I18n>(() => {
    const tag = intlTag(locale);
    const t: Translate = (key, params) => translate(key, params ?? {});
    const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
    const dateTimeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
    const format = (f: Intl.DateTimeFormat) => (iso: string | null | undefined) => {
      if (!iso) return '—';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : f.format(d);
    };
    return {
      locale,
      setLocale,
      t,
      tx: (prefix, raw) => {
        const key = `${prefix}.${raw}`;
        return i18n.exists(key) ? translate(key) : raw.replace(/_/g, ' ');
      },
      date: format(dateFormat),
      dateTime: format(dateTimeFormat),
      number: (value, options) => new Intl.NumberFormat(tag, options).format(value),
      intlLocale: tag,
    };
  }, [locale, setLocale, translate, i18n]);
}
