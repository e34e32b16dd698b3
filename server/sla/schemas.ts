// Outside input about SLA clocks: business calendars and the due-time
// preview. Messages are i18n keys (validation.*); a refused field is named by
// its path, e.g. "calendar.hours.mon.0".
import { z } from "zod";
import { isTimeZone } from "../../app/utils/format.ts";
import { minutesOf, WEEKDAYS, type BusinessCalendar } from "./calendar.ts";
import { ESCALATION_RECIPIENTS, levelOrder } from "./policy.ts";

const WallTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "validation.openPeriod");

/** [start, end]: "24:00" ends a day and cannot start one; an end before its start runs past midnight. */
const PeriodSchema = z
  .tuple([WallTimeSchema, WallTimeSchema], { error: "validation.openPeriod" })
  .refine(([start, end]) => start !== "24:00" && start !== end, "validation.openPeriod");

/** A day's periods must not overlap: a period past midnight only meets the next day's. */
const DaySchema = z.array(PeriodSchema, { error: "validation.openPeriod" }).max(12, "validation.openPeriod").refine((periods) => {
  const spans = periods
    .map(([start, end]) => {
      const from = minutesOf(start);
      const to = minutesOf(end) <= from ? minutesOf(end) + 1440 : minutesOf(end);
      return [from, to] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  return spans.every((span, i) => i === 0 || span[0] >= spans[i - 1][1]);
}, "validation.overlappingPeriods");

const HolidaySchema = z
  .string({ error: "validation.holiday" })
  .regex(/^(?:\d{4}|-)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/, "validation.holiday")
  .refine((holiday) => {
    // A real date: 2026-02-30 is not one; --02-29 is (in leap years).
    const [year, month, day] = holiday.startsWith("--") ? [2000, ...holiday.slice(2).split("-").map(Number)] : holiday.split("-").map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }, "validation.holiday");

export const BusinessCalendarSchema = z
  .object(
    {
      // Stored as the runtime names it ("europe/berlin" becomes "Europe/Berlin").
      timezone: z
        .string({ error: "validation.timezone" })
        .refine(isTimeZone, "validation.timezone")
        .transform((name) => new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone),
      hours: z.partialRecord(z.enum(WEEKDAYS, { error: "validation.weekday" }), DaySchema, { error: "validation.hours" }),
      holidays: z.array(HolidaySchema, { error: "validation.holiday" }).max(1000, "validation.holiday").default([]),
    },
    { error: "validation.calendar" },
  )
  .refine((calendar) => Object.values(calendar.hours).some((periods) => periods && periods.length > 0), {
    message: "validation.noOpenHours",
    path: ["hours"],
  }) satisfies z.ZodType<BusinessCalendar>;

/** An instant as ISO 8601 with its offset (or Z): a wall time alone would be ambiguous. Years 1970 to 2100. */
const InstantSchema = z.iso
  .datetime({ offset: true, error: "validation.instant" })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1970 && year <= 2100;
  }, "validation.instant");

/** Up to a year of minutes. */
const MinutesSchema = z.number({ error: "validation.minutes" }).int("validation.minutes").min(0, "validation.minutes").max(525_600, "validation.minutes");

export const SlaPreviewSchema = z.object({
  /** A calendar given in full, or the id of a stored one. */
  calendar: z.union([BusinessCalendarSchema, z.uuid({ error: "validation.calendar" })], { error: "validation.calendar" }),
  start: InstantSchema,
  minutes: MinutesSchema,
  pauses: z
    .array(
      z
        .object({ from: InstantSchema, to: InstantSchema }, { error: "validation.pause" })
        .refine((pause) => Date.parse(pause.to) > Date.parse(pause.from), "validation.pause"),
      { error: "validation.pause" },
    )
    .max(500, "validation.pause")
    .default([]),
});
export type SlaPreviewInput = z.infer<typeof SlaPreviewSchema>;

const CalendarNameSchema = z.string({ error: "validation.calendarName" }).trim().min(1, "validation.calendarName").max(80, "validation.calendarName");

/** A new calendar: a name and the calendar itself. */
export const NewCalendarSchema = z.object({ name: CalendarNameSchema }).and(BusinessCalendarSchema);

/** A change: any of the fields; the calendar they make together is checked as a whole. */
export const CalendarChangeSchema = z
  .object({
    name: CalendarNameSchema.optional(),
    timezone: z.string({ error: "validation.timezone" }).optional(),
    hours: z.unknown().optional(),
    holidays: z.unknown().optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), "validation.nothingToUpdate");

export const CalendarListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The id of the last calendar of the previous page. */
  cursor: z.uuid("validation.cursor").optional(),
});

const TargetSpecSchema = z.object({
  minutes: z.number({ error: "validation.minutes" }).int("validation.minutes").min(1, "validation.minutes").max(525_600, "validation.minutes"),
  business: z.boolean({ error: "validation.business" }),
});

/** A policy's targets per priority: first response, next response, periodic update, resolution (each optional). */
export const PolicyTargetsSchema = z.partialRecord(
  z.enum(["low", "normal", "high", "urgent"], { error: "validation.priority" }),
  z.partialRecord(z.enum(["first_response", "next_response", "periodic_update", "resolution"], { error: "validation.target" }), TargetSpecSchema),
);

const TagSchema = z
  .string({ error: "validation.tag" })
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u, "validation.tag");

/** One escalation level: when (at risk, or minutes after the breach) and what it does; at least one action. */
const EscalationLevelSchema = z
  .strictObject(
    {
      on: z.enum(["at_risk", "breached"], { error: "validation.escalationOn" }),
      afterMinutes: z.number({ error: "validation.minutes" }).int("validation.minutes").min(0, "validation.minutes").max(525_600, "validation.minutes").default(0),
      notify: z
        .array(z.enum(ESCALATION_RECIPIENTS, { error: "validation.notify" }), { error: "validation.notify" })
        .max(ESCALATION_RECIPIENTS.length, "validation.notify").transform((v) => [...new Set(v)]).default([]),
      raisePriorityTo: z.enum(["low", "normal", "high", "urgent"], { error: "validation.priority" }).nullable().default(null),
      assignTeamId: z.uuid({ error: "validation.team" }).nullable().default(null),
      assignAgentId: z.uuid({ error: "validation.assignee" }).nullable().default(null),
      addTags: z.array(TagSchema, { error: "validation.tag" }).max(10, "validation.tag").transform((v) => [...new Set(v)]).default([]),
    },
    { error: "validation.escalation" },
  )
  .refine((level) => level.on === "breached" || level.afterMinutes === 0, { message: "validation.escalationAfterRisk", path: ["afterMinutes"] })
  .refine(
    (level) => level.notify.length > 0 || level.raisePriorityTo !== null || level.assignTeamId !== null || level.assignAgentId !== null || level.addTags.length > 0,
    { message: "validation.escalationNothing", path: ["notify"] },
  );

/** Up to ten levels; kept in the order they fall due. */
const EscalationsSchema = z
  .array(EscalationLevelSchema, { error: "validation.escalation" })
  .max(10, "validation.escalation")
  .transform((levels) => [...levels].sort(levelOrder));

const PolicyNameSchema = z.string({ error: "validation.policyName" }).trim().min(1, "validation.policyName").max(80, "validation.policyName");
/** A condition's values, each once. */
const unique = <T>(values: T[]) => [...new Set(values)];
const list = <T extends string>(values: readonly [T, ...T[]], key: string) =>
  z.array(z.enum(values, { error: key }), { error: key }).max(values.length * 2, key).transform(unique);

/** A policy's fields, each as given (no defaults: a change names only what changes). */
const POLICY_FIELDS = {
  name: PolicyNameSchema,
  enabled: z.boolean({ error: "validation.enabled" }),
  types: list(["complaint", "inquiry"], "validation.type"),
  priorities: list(["low", "normal", "high", "urgent"], "validation.priority"),
  tiers: list(["key", "growth", "standard"], "validation.tier"),
  channels: list(["portal", "email", "api", "agent"], "validation.channel"),
  categoryIds: z.array(z.uuid({ error: "validation.category" }), { error: "validation.category" }).max(100, "validation.category").transform(unique),
  teamIds: z.array(z.uuid({ error: "validation.team" }), { error: "validation.team" }).max(100, "validation.team").transform(unique),
  calendarId: z.uuid({ error: "validation.policyCalendar" }),
  pauseOnHold: z.boolean({ error: "validation.pauseOnHold" }),
  atRiskShare: z.number({ error: "validation.atRiskShare" }).gt(0, "validation.atRiskShare").lt(1, "validation.atRiskShare"),
  atRiskMinutesBefore: z
    .number({ error: "validation.atRiskMinutesBefore" })
    .int("validation.atRiskMinutesBefore")
    .min(1, "validation.atRiskMinutesBefore")
    .max(525_600, "validation.atRiskMinutesBefore")
    .nullable(),
  targets: PolicyTargetsSchema,
  escalations: EscalationsSchema,
};

/**
 * A policy as supervisors set it up: conditions (empty lists match anything), calendar, pauses, at-risk
 * rule (minutes before due, when given, instead of the share), targets. Unknown fields are refused: a
 * misspelt condition must not make a policy that matches every ticket.
 */
export const NewPolicySchema = z.strictObject({
  ...POLICY_FIELDS,
  enabled: POLICY_FIELDS.enabled.default(true),
  types: POLICY_FIELDS.types.default([]),
  priorities: POLICY_FIELDS.priorities.default([]),
  tiers: POLICY_FIELDS.tiers.default([]),
  channels: POLICY_FIELDS.channels.default([]),
  categoryIds: POLICY_FIELDS.categoryIds.default([]),
  teamIds: POLICY_FIELDS.teamIds.default([]),
  pauseOnHold: POLICY_FIELDS.pauseOnHold.default(false),
  atRiskShare: POLICY_FIELDS.atRiskShare.default(0.75),
  atRiskMinutesBefore: POLICY_FIELDS.atRiskMinutesBefore.default(null),
  escalations: POLICY_FIELDS.escalations.default([]),
});

/** Stored levels, read back (written through EscalationsSchema). */
export const StoredEscalationsSchema = EscalationsSchema;

/** A change: any of a policy's fields; what is not named stays as it is. */
export const PolicyChangeSchema = z
  .strictObject(POLICY_FIELDS)
  .partial()
  .refine((change) => Object.values(change).some((value) => value !== undefined), "validation.nothingToUpdate");

/** The order to apply policies in: every policy's id, first to last. */
export const PolicyOrderSchema = z.object({
  ids: z.array(z.uuid({ error: "validation.policyOrder" }), { error: "validation.policyOrder" }).min(1, "validation.policyOrder").max(500, "validation.policyOrder"),
});
