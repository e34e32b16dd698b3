import i18next, { type i18n, type TFunction } from "i18next";
import { useContext } from "react";
import { I18nContext } from "react-i18next";
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

const instances = new Map<Locale, i18n>();

/**
 * The instance of a locale, made once per process: pages only read it (its
 * language never changes; switching language picks the other instance), so
 * every server render shares it instead of initialising its own.
 */
export function i18nFor(locale: Locale): i18n {
  let instance = instances.get(locale);
  if (!instance) {
    instance = createI18n(locale);
    instances.set(locale, instance);
  }
  return instance;
}

/** A `t` function for server code (API errors, emails). */
export function translator(locale: Locale): TFunction {
  return i18nFor(locale).t;
}

/**
 * `t` and the language for components drawn many times on a page (the
 * queue's rows and badges), read straight from the provider. react-i18next's
 * useTranslation builds a wrapper around the instance on every first render,
 * which a server render of a 50-row queue did some 200 times.
 */
export function useT(): { t: TFunction; language: string } {
  const { i18n } = useContext(I18nContext);
  if (!i18n) throw new Error("useT needs an I18nextProvider above it");
  return { t: rememberingT(i18n), language: i18n.language };
}

const remembering = new WeakMap<i18n, TFunction>();

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/**
 * `{{name}}` filled from plain values; null when anything else is asked for
 * (an option that is not one of the text's placeholders: a plural's count, a
 * context, a default) or left (a formatted value, a nested text): i18next
 * decides those.
 */
const placeholders = new Map<string, Set<string>>();
function placeholdersOf(template: string): Set<string> {
  let names = placeholders.get(template);
  if (!names) placeholders.set(template, (names = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))));
  return names;
}

function fill(template: string, values: Record<string, unknown>): string | null {
  // A count or a context picks among forms of the text: i18next's job.
  if ("count" in values || "context" in values) return null;
  const names = placeholdersOf(template);
  for (const [name, value] of Object.entries(values)) {
    if (!names.has(name) || (typeof value !== "string" && typeof value !== "number")) return null;
  }
  let complete = true;
  const text = template.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    if (value === undefined) complete = false;
    return value === undefined ? match : String(value);
  });
  return complete && !text.includes("{{") && !text.includes("$t(") ? text : null;
}

/**
 * The instance's `t`, remembering texts (a status, a column heading, "due
 * {{time}}"): an instance's language and texts never change, and a queue page
 * asks for the same few dozen labels hundreds of times. Values are filled in
 * here when they are plain strings or numbers (escaping is React's, as
 * configured); plurals, contexts and anything else go to i18next.
 */
export function rememberingT(instance: i18n): TFunction {
  let t = remembering.get(instance);
  if (!t) {
    const texts = new Map<string, string>();
    const remembered = (key: string) => {
      let text = texts.get(key);
      if (text === undefined) {
        text = instance.t(key, { skipInterpolation: true }) as string;
        texts.set(key, text);
      }
      return text;
    };
    t = ((key: string | string[], options?: unknown) => {
      if (typeof key !== "string") return instance.t(key as never, options as never);
      if (options === undefined) return remembered(key);
      if (typeof options !== "object" || options === null) return instance.t(key, options as never);
      return fill(remembered(key), options as Record<string, unknown>) ?? instance.t(key, options as never);
    }) as TFunction;
    remembering.set(instance, t);
  }
  return t;
}
