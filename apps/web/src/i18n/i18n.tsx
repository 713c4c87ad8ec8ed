import i18next, { type i18n as I18nInstance } from 'i18next';
import { useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { I18nextProvider, initReactI18next, useTranslation } from 'react-i18next';
import { isLocale, LOCALES, messages, type Locale, type MessageKey } from './resources';

export { LOCALES, type Locale } from './resources';

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
    resources: Object.fromEntries(Object.entries(messages).map(([code, dict]) => [code, { translation: dict }])),
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false, prefix: '{', suffix: '}' },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

const appI18n = createI18n();

export function I18nProvider({ children, instance = appI18n }: { children: ReactNode; instance?: I18nInstance }) {
  return <I18nextProvider i18n={instance}>{children}</I18nextProvider>;
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
      void i18n.changeLanguage(next);
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
