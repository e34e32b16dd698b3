// The business-time math of SLA clocks (docs/sla-clocks.md): every rule with
// the cases supervisors meet, in three time zones.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Temporal } from "temporal-polyfill";
import {
  ALWAYS_OPEN,
  addBusinessMinutes,
  ClosedCalendarError,
  businessMsBetween,
  isOpen,
  openSpans,
  SEARCH_DAYS,
  WEEKDAYS,
  type BusinessCalendar,
  type Weekday,
} from "../../server/sla/calendar.ts";
import { BusinessCalendarSchema } from "../../server/sla/schemas.ts";

/** An instant from a wall-clock time in a zone ("compatible" for gaps and overlaps). */
const at = (zone: string, wall: string) => Temporal.PlainDateTime.from(wall).toZonedDateTime(zone).epochMilliseconds;
/** The wall-clock time of an instant in a zone, to the minute, with its offset. */
const wall = (zone: string, ms: number) => {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  return `${z.toPlainDateTime().toString().slice(0, 16)}${z.offset}`;
};
const H = 3_600_000;

function calendar(timezone: string, days: Weekday[], periods: [string, string][], holidays: string[] = []): BusinessCalendar {
  return { timezone, hours: Object.fromEntries(days.map((d) => [d, periods])), holidays };
}
const WORKWEEK: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
const BERLIN = calendar("Europe/Berlin", WORKWEEK, [["09:00", "17:00"]]);

describe("counting business minutes", () => {
  test("within a day, across a night and across a weekend", () => {
    // 2026-11-23 is a Monday.
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-23T10:00"), 240))).toBe("2026-11-23T14:00+01:00");
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-23T16:00"), 120))).toBe("2026-11-24T10:00+01:00");
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-27T16:00"), 120))).toBe("2026-11-30T10:00+01:00");
  });

  test("a clock that starts while closed starts at the next opening", () => {
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-23T07:00"), 30))).toBe("2026-11-23T09:30+01:00");
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-28T10:00"), 60))).toBe("2026-11-30T10:00+01:00");
  });

  test("time that runs out exactly at closing time is due at closing time, not at the next opening", () => {
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-23T16:00"), 60))).toBe("2026-11-23T17:00+01:00");
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-11-23T09:00"), 8 * 60))).toBe("2026-11-23T17:00+01:00");
  });

  test("a lunch break is not counted", () => {
    const split = calendar("Europe/Berlin", WORKWEEK, [["09:00", "12:00"], ["13:00", "18:00"]]);
    expect(wall("Europe/Berlin", addBusinessMinutes(split, at("Europe/Berlin", "2026-11-23T11:00"), 90))).toBe("2026-11-23T13:30+01:00");
    expect(businessMsBetween(split, at("Europe/Berlin", "2026-11-23T00:00"), at("Europe/Berlin", "2026-11-24T00:00"))).toBe(8 * H);
  });

  test("holidays close the whole date, single and every year", () => {
    const christmas = { ...BERLIN, holidays: ["2026-12-25", "--01-01"] };
    // Thursday 24 December 16:30: half an hour left that day, Friday is a holiday, then Monday.
    expect(wall("Europe/Berlin", addBusinessMinutes(christmas, at("Europe/Berlin", "2026-12-24T16:30"), 60))).toBe("2026-12-28T09:30+01:00");
    // New Year's Day is closed every year: Friday 1 January 2027, and Monday 1 January 2029.
    expect(isOpen(christmas, at("Europe/Berlin", "2027-01-01T10:00"))).toBe(false);
    expect(isOpen(christmas, at("Europe/Berlin", "2029-01-01T10:00"))).toBe(false);
    expect(isOpen(christmas, at("Europe/Berlin", "2029-01-02T10:00"))).toBe(true);
    // A one-off date is closed only in its year.
    expect(isOpen(christmas, at("Europe/Berlin", "2031-12-25T10:00"))).toBe(true);
  });

  test("a shift past midnight belongs to the day it starts, and can be written as two periods", () => {
    const nights = calendar("Asia/Shanghai", WORKWEEK, [["22:00", "06:00"]]);
    // Tuesday 05:00 (Monday's shift): one hour to 06:00, then Tuesday's shift from 22:00.
    expect(wall("Asia/Shanghai", addBusinessMinutes(nights, at("Asia/Shanghai", "2026-11-24T05:00"), 120))).toBe("2026-11-24T23:00+08:00");
    // Friday's shift runs into Saturday morning; nothing opens on Saturday or Sunday night.
    expect(isOpen(nights, at("Asia/Shanghai", "2026-11-28T05:00"))).toBe(true);
    expect(isOpen(nights, at("Asia/Shanghai", "2026-11-28T23:00"))).toBe(false);
    expect(isOpen(nights, at("Asia/Shanghai", "2026-11-30T05:00"))).toBe(false); // Monday morning: Sunday had no shift
    // A holiday closes the shift that starts on it, not the tail of the one before.
    const holiday = { ...nights, holidays: ["2026-11-25"] };
    expect(isOpen(holiday, at("Asia/Shanghai", "2026-11-25T05:00"))).toBe(true);
    expect(isOpen(holiday, at("Asia/Shanghai", "2026-11-25T23:00"))).toBe(false);

    const twoPeriods: BusinessCalendar = {
      timezone: "Asia/Shanghai",
      hours: { mon: [["22:00", "24:00"]], tue: [["00:00", "06:00"], ["22:00", "24:00"]], wed: [["00:00", "06:00"]] },
      holidays: [],
    };
    const oneShift = calendar("Asia/Shanghai", ["mon", "tue"], [["22:00", "06:00"]]);
    const start = at("Asia/Shanghai", "2026-11-23T23:00");
    for (const minutes of [30, 60, 420, 421, 600]) {
      expect(addBusinessMinutes(twoPeriods, start, minutes)).toBe(addBusinessMinutes(oneShift, start, minutes));
    }
    // Midnight between the two periods is open time like any other.
    expect(isOpen(twoPeriods, at("Asia/Shanghai", "2026-11-24T00:00"))).toBe(true);
    // Written both ways at once, the overlap counts once: Monday 22:00 to Tuesday 06:00 is 8 hours.
    const both: BusinessCalendar = { ...twoPeriods, hours: { ...twoPeriods.hours, mon: [["22:00", "06:00"]] } };
    expect(businessMsBetween(both, at("Asia/Shanghai", "2026-11-23T12:00"), at("Asia/Shanghai", "2026-11-24T12:00"))).toBe(8 * H);
  });

  test("a calendar with too little open time for the clock is refused, after a bounded search", () => {
    const oneMinuteAWeek = calendar("Europe/Berlin", ["mon"], [["09:00", "09:01"]]);
    const started = performance.now();
    expect(() => addBusinessMinutes(oneMinuteAWeek, at("Europe/Berlin", "2026-11-23T08:00"), 525_600)).toThrow(ClosedCalendarError);
    expect(addBusinessMinutes(oneMinuteAWeek, at("Europe/Berlin", "2026-11-23T08:00"), 3)).toBe(at("Europe/Berlin", "2026-12-07T09:01"));
    expect(performance.now() - started).toBeLessThan(5_000); // generous: it walks five years of dates once
    const christmasOnly = { ...calendar("UTC", [...WEEKDAYS], [["00:00", "24:00"]]), holidays: Array.from({ length: 366 }, (_, i) => {
      const d = new Date(Date.UTC(2000, 0, 1 + i));
      return `--${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
    }) };
    expect(() => addBusinessMinutes(christmasOnly, Date.UTC(2026, 0, 1), 1)).toThrow(ClosedCalendarError);
  });

  test("24:00 is the end of the day: open all week is calendar time", () => {
    const start = Date.UTC(2026, 10, 23, 13, 17);
    expect(addBusinessMinutes(ALWAYS_OPEN, start, 5 * 24 * 60 + 7)).toBe(start + (5 * 24 * 60 + 7) * 60_000);
  });

  test("pauses are not counted, also when they run across closed hours", () => {
    const start = at("Europe/Berlin", "2026-11-23T16:00");
    const pause = { from: at("Europe/Berlin", "2026-11-23T16:30"), to: at("Europe/Berlin", "2026-11-24T10:00") };
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, start, 120, [pause]))).toBe("2026-11-24T11:30+01:00");
    expect(businessMsBetween(BERLIN, start, at("Europe/Berlin", "2026-11-24T11:30"), [pause])).toBe(2 * H);
  });
});

describe("clock changes", () => {
  test("New York, clocks jump forward: a wall time in the gap moves forward by the gap; a period wholly in it does not happen", () => {
    // Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT.
    const early = calendar("America/New_York", ["sun"], [["01:00", "04:00"]]);
    const day = [at("America/New_York", "2026-03-08T00:00"), at("America/New_York", "2026-03-09T00:00")] as const;
    expect(businessMsBetween(early, ...day)).toBe(2 * H); // 01:00 EST to 04:00 EDT
    const inGap = calendar("America/New_York", ["sun"], [["02:10", "02:50"]]);
    expect(businessMsBetween(inGap, ...day)).toBe(0);
    const fromGap = calendar("America/New_York", ["sun"], [["02:30", "05:00"]]);
    const opening = openSpans(fromGap, day[0]).next().value!;
    expect(wall("America/New_York", opening.from)).toBe("2026-03-08T03:30-04:00");
    expect(businessMsBetween(fromGap, ...day)).toBe(1.5 * H);
  });

  test("New York, clocks fall back: an ambiguous wall time is its first occurrence", () => {
    // Sunday 1 November 2026: 02:00 EDT becomes 01:00 EST; 01:00-02:00 happens twice.
    const overnight = calendar("America/New_York", ["sun"], [["01:00", "03:00"]]);
    const opening = openSpans(overnight, at("America/New_York", "2026-11-01T00:00")).next().value!;
    expect(wall("America/New_York", opening.from)).toBe("2026-11-01T01:00-04:00");
    expect(wall("America/New_York", opening.to)).toBe("2026-11-01T03:00-05:00");
    expect(opening.to - opening.from).toBe(3 * H);
  });

  test("Berlin: business hours keep their wall times across the change; a whole day is 23 or 25 hours", () => {
    const allDay = calendar("Europe/Berlin", [...WEEKDAYS], [["00:00", "24:00"]]);
    const springDay = [at("Europe/Berlin", "2026-03-29T00:00"), at("Europe/Berlin", "2026-03-30T00:00")] as const;
    const autumnDay = [at("Europe/Berlin", "2026-10-25T00:00"), at("Europe/Berlin", "2026-10-26T00:00")] as const;
    expect(businessMsBetween(allDay, ...springDay)).toBe(23 * H);
    expect(businessMsBetween(allDay, ...autumnDay)).toBe(25 * H);
    // Friday 16:00 before the change + 2 h of 09-17 business time: Monday 10:00, now in summer time.
    expect(wall("Europe/Berlin", addBusinessMinutes(BERLIN, at("Europe/Berlin", "2026-03-27T16:00"), 120))).toBe("2026-03-30T10:00+02:00");
  });

  test("Shanghai has no clock changes", () => {
    const office = calendar("Asia/Shanghai", WORKWEEK, [["09:00", "18:00"]]);
    const due = addBusinessMinutes(office, at("Asia/Shanghai", "2026-03-08T10:00"), 60); // a Sunday: opens Monday
    expect(wall("Asia/Shanghai", due)).toBe("2026-03-09T10:00+08:00");
    expect(new Date(due).toISOString()).toBe("2026-03-09T02:00:00.000Z");
  });
});

describe("a due time never falls in closed hours, unless it is a closing time", () => {
  const zones = ["America/New_York", "Europe/Berlin", "Asia/Shanghai"];
  const time = fc.integer({ min: 0, max: 24 * 4 - 1 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`);
  const period = fc.tuple(time, time).filter(([a, b]) => a !== b);
  const someCalendar = fc.record({
    timezone: fc.constantFrom(...zones),
    hours: fc.dictionary(fc.constantFrom(...WEEKDAYS), fc.array(period, { minLength: 1, maxLength: 2 }), { minKeys: 1 }),
    holidays: fc.array(fc.date({ min: new Date("2026-01-01"), max: new Date("2027-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { maxLength: 5 }),
  }) as fc.Arbitrary<BusinessCalendar>;

  test("for any calendar, start and length", () => {
    fc.assert(
      fc.property(
        someCalendar,
        fc.date({ min: new Date("2026-01-01"), max: new Date("2027-06-30"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 5_000 }),
        (cal, start, minutes) => {
          let due: number;
          try {
            due = addBusinessMinutes(cal, start.getTime(), minutes);
          } catch (error) {
            // Refused when the time does not fit in the search window (SEARCH_DAYS, five
            // years): a calendar open 15 minutes a week needs more for 5,000 minutes. Then
            // it did not fit in the first year either.
            expect(error).toBeInstanceOf(ClosedCalendarError);
            expect(SEARCH_DAYS).toBeGreaterThan(366);
            expect(businessMsBetween(cal, start.getTime(), start.getTime() + 366 * 86_400_000)).toBeLessThan(minutes * 60_000);
            return;
          }
          const closingTime = !isOpen(cal, due) && isOpen(cal, due - 1);
          expect(isOpen(cal, due) || closingTime).toBe(true);
          // And exactly that much open time lies between the start and the due time.
          expect(businessMsBetween(cal, start.getTime(), due)).toBe(minutes * 60_000);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("calendar minutes (always open) counted without walking the dates", () => {
  // The same calendar as a copy takes the general path through open spans.
  const walked: BusinessCalendar = { ...ALWAYS_OPEN, hours: { ...ALWAYS_OPEN.hours } };
  const base = Date.parse("2026-03-01T00:00:00Z");
  const pause = fc
    .tuple(fc.integer({ min: 0, max: 20 * 24 * 60 }), fc.integer({ min: 1, max: 3 * 24 * 60 }))
    .map(([from, length]) => ({ from: base + from * 60_000, to: base + (from + length) * 60_000 }));

  test("give what the walk through open spans gives, with any pauses", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 60 }), fc.integer({ min: 0, max: 20_000 }), fc.array(pause, { maxLength: 4 }), (offset, minutes, pauses) => {
        const start = base + offset * 60_000;
        const due = addBusinessMinutes(ALWAYS_OPEN, start, minutes, pauses);
        expect(due).toBe(addBusinessMinutes(walked, start, minutes, pauses));
        expect(businessMsBetween(ALWAYS_OPEN, start, due, pauses)).toBe(businessMsBetween(walked, start, due, pauses));
      }),
      { numRuns: 300 },
    );
  });

  test("a pause that never ends leaves no due time", () => {
    const start = base;
    expect(() => addBusinessMinutes(ALWAYS_OPEN, start, 60, [{ from: start + 60_000, to: Number.POSITIVE_INFINITY }])).toThrow(ClosedCalendarError);
  });
});

describe("calendars as supervisors write them", () => {
  const parse = (hours: unknown, holidays: unknown = []) =>
    BusinessCalendarSchema.safeParse({ timezone: "Asia/Shanghai", hours, holidays }).success;

  test("a whole day is 00:00 to 24:00; a period cannot start at 24:00 or end when it starts", () => {
    expect(parse({ mon: [["00:00", "24:00"]] })).toBe(true);
    expect(parse({ mon: [["22:00", "06:00"]] })).toBe(true);
    expect(parse({ mon: [["24:00", "06:00"]] })).toBe(false);
    expect(parse({ mon: [["09:00", "09:00"]] })).toBe(false);
    expect(parse({ mon: [["9:00", "17:00"]] })).toBe(false);
  });

  test("periods of a day may not overlap, a shift past midnight included; a calendar needs some open time", () => {
    expect(parse({ mon: [["09:00", "12:00"], ["12:00", "18:00"]] })).toBe(true);
    expect(parse({ mon: [["09:00", "12:30"], ["12:00", "18:00"]] })).toBe(false);
    expect(parse({ mon: [["20:00", "02:00"], ["21:00", "22:00"]] })).toBe(false);
    expect(parse({ mon: [] })).toBe(false);
  });

  test("time zones are stored as the runtime names them", () => {
    const parsed = BusinessCalendarSchema.parse({ timezone: "europe/berlin", hours: { mon: [["09:00", "17:00"]] } });
    expect(parsed.timezone).toBe("Europe/Berlin");
  });

  test("holidays are real dates, once or every year", () => {
    expect(parse({ mon: [["09:00", "17:00"]] }, ["2026-12-25", "--02-29"])).toBe(true);
    expect(parse({ mon: [["09:00", "17:00"]] }, ["2026-02-30"])).toBe(false);
    expect(parse({ mon: [["09:00", "17:00"]] }, ["12-25"])).toBe(false);
  });
});
