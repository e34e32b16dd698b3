// SLA set-up that supervisors and admins do: business calendars and the
// preview of a due time. The clock math itself is in calendar.ts.
import { Temporal } from "temporal-polyfill";
import type { Db } from "../db/client.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { addBusinessMinutes, ClosedCalendarError, type BusinessCalendar } from "./calendar.ts";
import { BusinessCalendarSchema, SlaPreviewSchema } from "./schemas.ts";

/** A stored calendar as the clock math reads it; a 404 naming calendars when there is none with that id. */
export async function storedCalendar(db: Db, id: string): Promise<BusinessCalendar> {
  const row = await db.businessCalendar.findUnique({ where: { id }, select: { timezone: true, hours: true, holidays: true } });
  if (!row) throw notFound("errors.calendarNotFound");
  // Stored through the same schema it is read with; parsing again keeps a hand-edited row from breaking clocks silently.
  return BusinessCalendarSchema.parse(row);
}

/** "A ticket filed at `start` would be due at …": the clock math on a calendar given in full or stored. */
export async function previewDueTime(db: Db, user: AuthUser, raw: unknown): Promise<{ dueAt: string }> {
  assertCan(user, "sla.manage");
  const input = parseInput(SlaPreviewSchema, raw);
  const calendar = typeof input.calendar === "string" ? await storedCalendar(db, input.calendar) : input.calendar;
  const pauses = input.pauses.map((p) => ({ from: Date.parse(p.from), to: Date.parse(p.to) }));
  let due: number;
  try {
    due = addBusinessMinutes(calendar, Date.parse(input.start), input.minutes, pauses);
  } catch (error) {
    if (error instanceof ClosedCalendarError) {
      throw new DomainError("validation_failed", "errors.validation", { calendar: ["validation.noOpenHours"] });
    }
    throw error;
  }
  // In the calendar's own zone: the offset tells the reader which local time that is.
  return { dueAt: Temporal.Instant.fromEpochMilliseconds(due).toZonedDateTimeISO(calendar.timezone).toString({ timeZoneName: "never" }) };
}
