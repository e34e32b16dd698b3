// Dates and durations in the user's language and time zone. Pure functions:
// components use them through `useTimeFormat()` (app/utils/time.tsx), which
// picks a time zone and a "now" that are the same on the server and during
// hydration.
import { readCookie, type Locale } from "../i18n/config.ts";

export const DEFAULT_TIME_ZONE = "UTC";
export const TIME_ZONE_COOKIE = "tz";

/** An IANA time zone (or offset) that this runtime's Intl accepts. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The time zone the browser reported in the `tz` cookie, else UTC. */
export function timeZoneFromRequest(request: Request): string {
  const chosen = readCookie(request.headers.get("Cookie"), TIME_ZONE_COOKIE);
  return isTimeZone(chosen) ? chosen : DEFAULT_TIME_ZONE;
}

// Building an Intl formatter is far slower than using one; threads format many dates.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(value: string | Date, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
    dateTimeFormats.set(key, format);
  }
  return format.format(new Date(value));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

const relativeFormats = new Map<Locale, Intl.RelativeTimeFormat>();

/** "in 3 hours", "5 minutes ago", "3小时后"… relative to `now` (ms since the epoch). */
export function formatRelative(value: string | Date, locale: Locale, now: number): string {
  const diff = new Date(value).getTime() - now;
  let rtf = relativeFormats.get(locale);
  if (!rtf) {
    rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
    relativeFormats.set(locale, rtf);
  }
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === "minute") return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(0, "minute");
}
