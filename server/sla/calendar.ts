// Business time as plain functions, no I/O: when a clock of N business
// minutes that starts at T runs out, and how much business time lies between
// two instants. The rules are in docs/sla-clocks.md; in short:
// - open periods are wall-clock times in the calendar's zone, per weekday,
//   several a day; "24:00" is the end of the day; a period whose end is not
//   after its start runs past midnight and belongs to the day it starts;
// - a holiday (a date, or a month and day every year) closes every period
//   that starts on that local date;
// - a wall time that does not exist (clocks jump forward) moves forward by
//   the gap, an ambiguous one (clocks fall back) is its first occurrence
//   (Temporal's "compatible" rule, as RFC 5545); a period whose start and
//   end both fall in the gap does not happen;
// - a clock counts only open time outside pauses, starting at the next
//   opening when it starts while closed; time that runs out exactly at a
//   closing time is due at that closing time.
// Instants are epoch milliseconds; Temporal is used only to turn wall-clock
// times into instants.
import { Temporal } from "temporal-polyfill";

import { WEEKDAYS, type Weekday } from "./weekdays.ts";

export { WEEKDAYS, type Weekday };

/** "HH:MM" from "00:00" to "24:00". */
export type WallTime = string;

export interface BusinessCalendar {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timezone: string;
  /** Open periods per weekday as [start, end]; a weekday left out or empty is closed. */
  hours: Partial<Record<Weekday, readonly (readonly [WallTime, WallTime])[]>>;
  /** "YYYY-MM-DD" for one date, "--MM-DD" for that date every year (ISO 8601's notation without a year). */
  holidays: readonly string[];
}

/** A span of real time, [from, to) in epoch ms. */
export interface Span {
  from: number;
  to: number;
}

const MINUTE = 60_000;
/**
 * How far past its start a clock looks for open time: a bound on the work a
 * sparse calendar or a long pause can cause (a year of business minutes on
 * office hours is about four years of dates).
 */
export const SEARCH_DAYS = 5 * 366;

/** The calendar has no open time (outside the pauses) for the time asked within SEARCH_DAYS of the start. */
export class ClosedCalendarError extends Error {
  constructor() {
    super(`Not enough open time within ${SEARCH_DAYS} days`);
  }
}

/** Every hour of every day: calendar minutes are business minutes of this calendar. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timezone: "UTC",
  hours: Object.fromEntries(WEEKDAYS.map((day) => [day, [["00:00", "24:00"]]])),
  holidays: [],
};

/** Minutes since midnight of "HH:MM" ("24:00" is 1440). */
export function minutesOf(time: WallTime): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/** Per calendar: its holidays, and the spans of the dates asked for (recomputing many tickets asks for the same few). */
const known = new WeakMap<BusinessCalendar, { holidays: Holidays; dates: Map<string, Span[]> }>();
const KNOWN_DATES = 5_000;

function spansOf(calendar: BusinessCalendar, date: Temporal.PlainDate): Span[] {
  let entry = known.get(calendar);
  if (!entry) known.set(calendar, (entry = { holidays: new Holidays(calendar.holidays), dates: new Map() }));
  const key = date.toString();
  let spans = entry.dates.get(key);
  if (!spans) {
    spans = spansOfDate(calendar, date, entry.holidays);
    if (entry.dates.size >= KNOWN_DATES) entry.dates.clear();
    entry.dates.set(key, spans);
  }
  return spans;
}

/**
 * The open spans of one local date's periods, in real time, in order.
 * Periods of the date that is a holiday do not open.
 */
function spansOfDate(calendar: BusinessCalendar, date: Temporal.PlainDate, holidays: Holidays): Span[] {
  if (holidays.has(date)) return [];
  const periods = calendar.hours[WEEKDAYS[date.dayOfWeek - 1]] ?? [];
  const spans: Span[] = [];
  for (const [start, end] of periods) {
    const startMinutes = minutesOf(start);
    let endMinutes = minutesOf(end);
    if (endMinutes <= startMinutes) endMinutes += 24 * 60; // runs past midnight
    const from = instantAt(calendar.timezone, date, startMinutes);
    const to = instantAt(calendar.timezone, date, endMinutes);
    // Both ends in the gap of a clock change (there is one a day at most): the period does not happen.
    if (from.moved && to.moved) continue;
    if (to.ms > from.ms) spans.push({ from: from.ms, to: to.ms });
  }
  return spans.sort((a, b) => a.from - b.from);
}

/** The instant of a wall-clock time `minutes` after the start of `date` (past 24:00 runs into the next days). */
function instantAt(timezone: string, date: Temporal.PlainDate, minutes: number): { ms: number; moved: boolean } {
  const day = date.add({ days: Math.floor(minutes / 1440) });
  const rest = minutes % 1440;
  const wall = day.toPlainDateTime({ hour: Math.floor(rest / 60), minute: rest % 60 });
  const zoned = wall.toZonedDateTime(timezone, { disambiguation: "compatible" });
  // Moved forward over a gap: the wall time on the clock is not the one asked for.
  const moved = zoned.toPlainDateTime().toString() !== wall.toString();
  return { ms: zoned.epochMilliseconds, moved };
}

class Holidays {
  private dates = new Set<string>();
  private yearly = new Set<string>();

  constructor(list: readonly string[]) {
    for (const holiday of list) {
      if (holiday.startsWith("--")) this.yearly.add(holiday.slice(2));
      else this.dates.add(holiday);
    }
  }

  has(date: Temporal.PlainDate): boolean {
    const iso = date.toString();
    return this.dates.has(iso) || this.yearly.has(iso.slice(5));
  }
}

/**
 * Open spans from the one containing `at` (or the next) onwards, in order.
 * Where a shift past midnight overlaps the next day's periods, the overlap
 * is counted once; spans that touch (22:00-24:00, then 00:00-06:00) follow
 * each other.
 */
export function* openSpans(calendar: BusinessCalendar, at: number): Generator<Span> {
  // Start a day early: a period of yesterday may run past midnight into `at`.
  let date = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(calendar.timezone).toPlainDate().subtract({ days: 1 });
  let reached = at;
  for (let days = 0; days <= SEARCH_DAYS + 1; days++, date = date.add({ days: 1 })) {
    for (const span of spansOf(calendar, date)) {
      // A date's periods all start after the previous date's: only what an earlier span covered is cut.
      const from = Math.max(span.from, reached);
      if (span.to <= from) continue;
      reached = span.to;
      yield { from, to: span.to };
    }
  }
  throw new ClosedCalendarError();
}

/** `span` minus `pauses`, in order. */
function withoutPauses(span: Span, pauses: readonly Span[]): Span[] {
  let parts: Span[] = [span];
  for (const pause of pauses) {
    parts = parts.flatMap((p) => {
      if (pause.to <= p.from || pause.from >= p.to) return [p];
      const out: Span[] = [];
      if (pause.from > p.from) out.push({ from: p.from, to: pause.from });
      if (pause.to < p.to) out.push({ from: pause.to, to: p.to });
      return out;
    });
  }
  return parts;
}

/**
 * When `minutes` of open time, counted from `start` and skipping `pauses`,
 * have run out. Due exactly at a closing time when the time runs out there.
 */
export function addBusinessMinutes(calendar: BusinessCalendar, start: number, minutes: number, pauses: readonly Span[] = []): number {
  let left = minutes * MINUTE;
  if (calendar === ALWAYS_OPEN) return addAroundPauses(start, left, pauses);
  for (const open of openSpans(calendar, start)) {
    for (const part of withoutPauses({ from: Math.max(open.from, start), to: open.to }, pauses)) {
      const available = part.to - part.from;
      if (left <= available) return part.from + left;
      left -= available;
    }
  }
  throw new ClosedCalendarError(); // unreachable: openSpans throws first
}

/**
 * Calendar time (always open) needs no walk through dates: filing a ticket and recomputing many
 * are the busiest users. Due exactly where a pause begins when the time runs out there.
 */
function addAroundPauses(start: number, ms: number, pauses: readonly Span[]): number {
  let at = start;
  let left = ms;
  for (const pause of [...pauses].sort((a, b) => a.from - b.from)) {
    if (pause.to <= at) continue;
    const available = pause.from - at;
    if (left <= available) break;
    if (available > 0) left -= available;
    at = pause.to;
  }
  if (!Number.isFinite(at)) throw new ClosedCalendarError();
  return at + left;
}

/** Open time between two instants, outside pauses, in ms. */
export function businessMsBetween(calendar: BusinessCalendar, from: number, to: number, pauses: readonly Span[] = []): number {
  if (to <= from) return 0;
  if (calendar === ALWAYS_OPEN) return withoutPauses({ from, to }, pauses).reduce((sum, part) => sum + part.to - part.from, 0);
  let total = 0;
  for (const open of openSpans(calendar, from)) {
    if (open.from >= to) break;
    for (const part of withoutPauses({ from: Math.max(open.from, from), to: Math.min(open.to, to) }, pauses)) {
      total += part.to - part.from;
    }
    if (open.to >= to) break;
  }
  return total;
}

/** True when `at` lies in an open span (a closing time itself is not open). */
export function isOpen(calendar: BusinessCalendar, at: number): boolean {
  const first = openSpans(calendar, at).next();
  return !first.done && first.value.from <= at && at < first.value.to;
}
