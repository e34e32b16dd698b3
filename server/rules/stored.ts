// Routing rules as stored (RoutingRule), read as the rules of evaluate.ts,
// with the business calendars their conditions name. Like the SLA policies
// (server/sla/stored.ts): filing a ticket reads only their fingerprint with
// the rest of its context; the rules are read and parsed again only when the
// fingerprint changed, so a change committed by any process is seen by the
// next filing everywhere.
import type { Sql } from "../db/sql.ts";
import { BusinessCalendarSchema } from "../sla/schemas.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../sla/stored.ts";
import { ALWAYS_OPEN, type BusinessCalendar } from "../sla/calendar.ts";
import { RuleActionSchema, RuleConditionSchema } from "./schemas.ts";
import type { Rule } from "./evaluate.ts";
import { z } from "zod";

/** Changes with any committed change to a rule or a calendar (a row's xmin is the transaction that wrote it): an expression for a SELECT list. */
export const RULES_VERSION_SQL = `(SELECT md5(
    (SELECT coalesce(string_agg(rr."id" || ':' || rr.xmin::text, ',' ORDER BY rr."id"), '') FROM "RoutingRule" rr) || '/' ||
    (SELECT coalesce(string_agg(bc."id" || ':' || bc.xmin::text, ',' ORDER BY bc."id"), '') FROM "BusinessCalendar" bc)))`;

const RULES_JSON_SQL = `(SELECT coalesce(json_agg(json_build_object('id', rr."id", 'name', rr."name", 'position', rr."position", 'enabled', rr."enabled",
    'onCreate', rr."onCreate", 'onUpdate', rr."onUpdate", 'match', rr."match", 'conditions', rr."conditions", 'actions', rr."actions")
    ORDER BY rr."position", rr."id"), '[]') FROM "RoutingRule" rr)`;
const CALENDARS_JSON_SQL = `(SELECT coalesce(json_agg(json_build_object('id', bc."id", 'timezone', bc."timezone", 'hours', bc."hours", 'holidays', bc."holidays")), '[]')
  FROM "BusinessCalendar" bc)`;

export interface StoredRules {
  /** Enabled rules, in their order. */
  rules: Rule[];
  calendars: Map<string, BusinessCalendar>;
}

const StoredRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number(),
  enabled: z.boolean(),
  onCreate: z.boolean(),
  onUpdate: z.boolean(),
  match: z.enum(["all", "any"]),
  conditions: z.array(RuleConditionSchema),
  actions: z.array(RuleActionSchema),
});

/** Rows as rules; a row that no longer parses (edited by hand, or written by a newer release) is left out, not half-run. */
export function rulesFromStored(rows: readonly unknown[]): Rule[] {
  return rows.flatMap((row) => {
    const parsed = StoredRuleSchema.safeParse(row);
    if (!parsed.success) {
      console.error(`routing rule ${(row as { id?: string }).id ?? "?"} does not parse and is skipped: ${parsed.error.message.slice(0, 300)}`);
      return [];
    }
    return [parsed.data];
  });
}

function calendarsFromStored(
  rows: readonly {
    id: string;
    timezone: unknown;
    hours: unknown;
    holidays: unknown;
  }[],
): Map<string, BusinessCalendar> {
  const calendars = new Map<string, BusinessCalendar>();
  for (const row of rows) {
    if (row.id === ALWAYS_OPEN_CALENDAR_ID) calendars.set(row.id, ALWAYS_OPEN);
    const parsed = BusinessCalendarSchema.safeParse({
      timezone: row.timezone,
      hours: row.hours,
      holidays: row.holidays,
    });
    if (parsed.success && row.id !== ALWAYS_OPEN_CALENDAR_ID) calendars.set(row.id, parsed.data);
  }
  return calendars;
}

const kept = new Map<string, StoredRules>();
const VERSIONS_KEPT = 8;

/** The stored rules at `version` (RULES_VERSION_SQL, just read through `sql`): read again only when not kept. */
export async function currentRules(sql: Sql, version: string): Promise<StoredRules> {
  const known = kept.get(version);
  if (known) return known;
  const [row] = await sql.query<{
    version: string;
    rules: unknown[];
    calendars: {
      id: string;
      timezone: unknown;
      hours: unknown;
      holidays: unknown;
    }[];
  }>(`SELECT ${RULES_VERSION_SQL} AS "version", ${RULES_JSON_SQL} AS "rules", ${CALENDARS_JSON_SQL} AS "calendars"`);
  const stored = {
    rules: rulesFromStored(row.rules).filter((rule) => rule.enabled),
    calendars: calendarsFromStored(row.calendars),
  };
  if (kept.size >= VERSIONS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(row.version, stored);
  return stored;
}

/** The stored rules now: one small query, the rows only when they changed. */
export async function latestRules(sql: Sql): Promise<StoredRules> {
  const [row] = await sql.query<{ version: string }>(`SELECT ${RULES_VERSION_SQL} AS "version"`);
  return currentRules(sql, row.version);
}
