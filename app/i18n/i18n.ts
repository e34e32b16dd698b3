import i18next, { type i18n, type TFunction } from "i18next";
import { DEFAULT_LOCALE, type Locale } from "./config.ts";
import en from "./en.ts";
import zhCN from "./zh-CN.ts";

export const resources = {
  en: { translation: en },
  "zh-CN": { translation: zhCN },
} as const;

/** An i18next instance for one locale, initialised synchronously (resources are bundled). */
export function createI18n(locale: Locale): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    resources,
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  return instance;
}

const cache = new Map<Locale, TFunction>();

/** A `t` function for server code (API errors, emails). */
export function translator(locale: Locale): TFunction {
  let t = cache.get(locale);
  if (!t) {
    t = createI18n(locale).t;
    cache.set(locale, t);
  }
  return t;
}
