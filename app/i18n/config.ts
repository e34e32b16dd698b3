// UI languages and how a request's language is chosen: the user's choice
// (cookie), else the browser's Accept-Language, else English.
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_COOKIE = "lng";

/** The name of something stored in both languages (categories). */
export function localName(item: { nameEn: string; nameZh: string }, locale: string): string {
  return locale === "zh-CN" ? item.nameZh : item.nameEn;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return null;
}

export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      // A malformed value (e.g. a stray "%") is treated as no cookie, not a 500.
      return null;
    }
  }
  return null;
}

/** The language chosen (cookie), else the browser's if we have it, else `fallback` (the helpdesk's default language). */
export function localeFromRequest(request: Request, fallback: Locale = DEFAULT_LOCALE): Locale {
  const chosen = readCookie(request.headers.get("Cookie"), LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? fallback;
}
