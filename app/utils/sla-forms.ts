// The SLA editor's forms as the API's input: what a supervisor typed, turned
// into the JSON that the SLA service parses with its zod schemas (which
// decide what is valid and name each refused field by its path, the same
// path the form's inputs carry as their names). Nothing is dropped silently
// here: a value that does not parse is passed on for the schema to refuse.
import { WEEKDAYS } from "../../server/sla/weekdays.ts";

export const PRIORITY_KEYS = ["low", "normal", "high", "urgent"] as const;
export const TARGET_KEYS = ["first_response", "next_response", "periodic_update", "resolution"] as const;
/** Empty rows offered for new escalation levels. */
export const NEW_LEVEL_ROWS = 1;

/** A number field: blank is "not given"; anything else goes to the schema as a number (NaN is refused there). */
const number = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? undefined : Number(value));
const text = (value: FormDataEntryValue | null) => (value === null ? "" : String(value).trim());

/** A policy from the editor's form (every field: the form shows them all). */
export function policyFromForm(form: FormData) {
  const targets: Record<string, Record<string, { minutes: number | undefined; business: boolean }>> = {};
  for (const priority of PRIORITY_KEYS) {
    for (const target of TARGET_KEYS) {
      const minutes = number(form.get(`targets.${priority}.${target}.minutes`));
      if (minutes === undefined) continue;
      (targets[priority] ??= {})[target] = { minutes, business: form.get(`targets.${priority}.${target}.business`) === "on" };
    }
  }
  const escalations = [];
  for (let i = 0; form.has(`escalations.${i}.on`); i++) {
    const on = text(form.get(`escalations.${i}.on`));
    if (on === "") continue; // a row left empty (or emptied: the level is removed)
    escalations.push({
      on,
      afterMinutes: number(form.get(`escalations.${i}.afterMinutes`)) ?? 0,
      notify: form.getAll(`escalations.${i}.notify`).map(String),
      raisePriorityTo: text(form.get(`escalations.${i}.raisePriorityTo`)) || null,
      assignTeamId: text(form.get(`escalations.${i}.assignTeamId`)) || null,
      assignAgentId: text(form.get(`escalations.${i}.assignAgentId`)) || null,
      addTags: text(form.get(`escalations.${i}.addTags`))
        .split(/[,，\s]+/)
        .filter(Boolean),
    });
  }
  const byShare = form.get("atRiskMode") !== "before";
  return {
    name: text(form.get("name")),
    enabled: form.get("enabled") === "on",
    types: form.getAll("types").map(String),
    priorities: form.getAll("priorities").map(String),
    tiers: form.getAll("tiers").map(String),
    channels: form.getAll("channels").map(String),
    categoryIds: form.getAll("categoryIds").map(String),
    teamIds: form.getAll("teamIds").map(String),
    calendarId: text(form.get("calendarId")),
    pauseOnHold: form.get("pauseOnHold") === "on",
    // The share typed stays (as stored) while the minutes rule applies: switching back finds it.
    atRiskShare: (number(form.get("atRiskPercent")) ?? (byShare ? NaN : 75)) / 100,
    atRiskMinutesBefore: byShare ? null : (number(form.get("atRiskMinutesBefore")) ?? NaN),
    targets,
    escalations,
  };
}

/** "09:00-12:00, 13:00-18:00" as periods; a piece that is not "start-end" is passed on whole, for the schema to refuse. */
export function periodsFromText(value: string): string[][] {
  return value
    .split(/[,，;；、]/)
    .map((piece) => piece.trim())
    .filter(Boolean)
    .map((piece) => {
      const parts = piece.split(/\s*[-–—~至到]\s*/);
      return parts.length === 2 ? parts : [piece];
    });
}

export const periodsToText = (periods: readonly (readonly string[])[] | undefined) => (periods ?? []).map((p) => p.join("-")).join(", ");

/** A business calendar from the editor's form: one line of periods per weekday, one holiday per line. */
export function calendarFromForm(form: FormData) {
  const hours: Record<string, string[][]> = {};
  for (const day of WEEKDAYS) {
    const periods = periodsFromText(text(form.get(`hours.${day}`)));
    if (periods.length) hours[day] = periods;
  }
  return {
    name: text(form.get("name")),
    timezone: text(form.get("timezone")),
    hours,
    holidays: text(form.get("holidays"))
      .split(/[\s,，]+/)
      .filter(Boolean),
  };
}

/**
 * The errors for one input: those named by its path, or by a path inside it
 * ("hours.mon.0" belongs to the field "hours.mon").
 */
export function errorsFor(fieldErrors: Record<string, string[]> | undefined, path: string): string[] | undefined {
  if (!fieldErrors) return undefined;
  const found = Object.entries(fieldErrors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .flatMap(([, keys]) => keys);
  return found.length ? [...new Set(found)] : undefined;
}
