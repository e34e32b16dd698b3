// Dates, relative times and "now" that hydrate cleanly.
//
// The server renders in the time zone from the `tz` cookie (UTC when unknown)
// at the root loader's `now`. While hydrating, the browser renders with those
// same two values, so its first render matches the server's HTML; right after,
// `useSyncExternalStore` switches to the browser's own time zone and clock
// (React re-renders once, without a hydration error). Pages reached by
// client-side navigation use the browser's values from the start.
import { useRouteLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { useT } from "../i18n/i18n.ts";
import { readCookie, type Locale } from "../i18n/config.ts";
import type { loader as rootLoader } from "../root.tsx";
import { DEFAULT_TIME_ZONE, formatDateTime, formatRelative, isTimeZone, TIME_ZONE_COOKIE } from "./format.ts";

/** How often relative times ("5 minutes ago") are refreshed. */
const RELATIVE_INTERVAL_MS = 30_000;

function useServerTime() {
  const data = useRouteLoaderData<typeof rootLoader>("root");
  return { timeZone: data?.timeZone ?? DEFAULT_TIME_ZONE, now: data?.now };
}

let browserZone: string | undefined;
function browserTimeZone(): string {
  if (browserZone === undefined) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    browserZone = isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
  }
  return browserZone;
}

const noSubscription = () => () => {};

/** The time zone to render in: the loader's while hydrating, the browser's after. */
export function useTimeZone(): string {
  const { timeZone } = useServerTime();
  return useSyncExternalStore(noSubscription, browserTimeZone, () => timeZone);
}

// One clock per interval, shared by every component that asks for it, so a
// queue of 200 rows ticks once rather than 200 times.
interface Clock {
  now: number;
  listeners: Set<() => void>;
  timer?: ReturnType<typeof setInterval>;
}
const clocks = new Map<number, Clock>();

function clockFor(intervalMs: number): Clock {
  let clock = clocks.get(intervalMs);
  if (!clock) {
    clock = { now: Date.now(), listeners: new Set() };
    clocks.set(intervalMs, clock);
  }
  return clock;
}

function readClock(intervalMs: number): number {
  const clock = clockFor(intervalMs);
  // Nobody was listening, so nothing kept it current: catch up (stable within an interval).
  if (!clock.timer && Date.now() - clock.now >= intervalMs) clock.now = Date.now();
  return clock.now;
}

function subscribeClock(intervalMs: number, listener: () => void): () => void {
  const clock = clockFor(intervalMs);
  if (!clock.timer) {
    clock.now = Date.now();
    clock.timer = setInterval(() => {
      clock.now = Date.now();
      for (const l of clock.listeners) l();
    }, intervalMs);
  }
  clock.listeners.add(listener);
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0 && clock.timer) {
      clearInterval(clock.timer);
      clock.timer = undefined;
    }
  };
}

/**
 * The current time in ms, refreshed every `intervalMs` so countdowns move
 * without reloads. The root loader's `now` while hydrating, the real time after.
 */
export function useNow(intervalMs: number): number {
  const { now: serverNow } = useServerTime();
  const subscribe = useCallback((listener: () => void) => subscribeClock(intervalMs, listener), [intervalMs]);
  const getSnapshot = useCallback(() => readClock(intervalMs), [intervalMs]);
  // Without root data (an error page) there is no server time; the real time
  // is then the best we have.
  const getServerSnapshot = () => serverNow ?? readClock(intervalMs);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

export interface TimeFormat {
  /** "Mar 4, 2025, 3:07 PM" in the reader's language and time zone. */
  dateTime(value: string | Date): string;
  /** "in 3 hours", "5 minutes ago", refreshed every 30 s. */
  relative(value: string | Date): string;
  timeZone: string;
  now: number;
}

export function useTimeFormat(): TimeFormat {
  const locale = useT().language as Locale;
  const timeZone = useTimeZone();
  const now = useNow(RELATIVE_INTERVAL_MS);
  return useMemo(
    () => ({
      dateTime: (value) => formatDateTime(value, locale, timeZone),
      relative: (value) => formatRelative(value, locale, now),
      timeZone,
      now,
    }),
    [locale, timeZone, now],
  );
}

/**
 * Remembers the browser's time zone in the `tz` cookie, so the next server
 * render already uses it. Rendered once, in the root layout.
 */
export function useTimeZoneCookie(): void {
  useEffect(() => {
    const zone = browserTimeZone();
    if (readCookie(document.cookie, TIME_ZONE_COOKIE) === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
  }, []);
}
