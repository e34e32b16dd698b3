// SLA policies as stored, read as the rules of policy.ts. Filing a ticket
// reads only their fingerprint with the rest of its context (one round trip,
// little work); the rules themselves are read and parsed again only when the
// fingerprint changed. Keeping the parsed rules also keeps their calendars,
// so the calendar math's memory of each date's open hours serves every filing.
import type { Sql } from "../db/sql.ts";
import { BusinessCalendarSchema, PolicyTargetsSchema, StoredEscalationsSchema } from "./schemas.ts";
import type { SlaPolicyRule } from "./policy.ts";
import { ALWAYS_OPEN } from "./calendar.ts";

/** The calendar every installation starts with (its migration): always open, so it is not edited or removed. */
export const ALWAYS_OPEN_CALENDAR_ID = "00000000-0000-4000-8000-000000002407";

/** Every policy with its calendar as one JSON array: an expression for a SELECT list. */
export const POLICIES_JSON_SQL = `(SELECT coalesce(json_agg(json_build_object(
    'id', sp."id", 'name', sp."name", 'position', sp."position", 'enabled', sp."enabled", 'types', sp."types", 'priorities', sp."priorities",
    'tiers', sp."tiers", 'channels', sp."channels", 'categoryIds', sp."categoryIds", 'teamIds', sp."teamIds",
    'pauseOnHold', sp."pauseOnHold", 'atRiskShare', sp."atRiskShare", 'atRiskMinutesBefore', sp."atRiskMinutesBefore",
    'targets', sp."targets", 'escalations', sp."escalations", 'version', sp.xmin::text, 'calendarId', sp."calendarId", 'calendarVersion', bc.xmin::text,
    'calendar', json_build_object('timezone', bc."timezone", 'hours', bc."hours", 'holidays', bc."holidays"))
    ORDER BY sp."position", sp."id"), '[]')
  FROM "SlaPolicy" sp JOIN "BusinessCalendar" bc ON bc."id" = sp."calendarId")`;

export type StoredPolicy = Omit<SlaPolicyRule, "calendar" | "targets" | "escalations"> & {
  escalations: unknown;
  version: string;
  calendarId: string;
  calendarVersion: string;
  calendar: unknown;
  targets: unknown;
};

const parsed = new Map<string, SlaPolicyRule>();
const KEPT = 1_000;

/** The rules of stored policies; a row that does not parse (edited by hand) fails loudly rather than counting wrong. */
export function policiesFromStored(rows: readonly StoredPolicy[]): SlaPolicyRule[] {
  return rows.map((row) => {
    const key = `${row.id}@${row.version}@${row.calendarId}@${row.calendarVersion}`;
    let rule = parsed.get(key);
    if (!rule) {
      const { version: _v, calendarVersion: _cv, calendarId: _c, ...fields } = row;
      // The built-in calendar is always open: its math needs no walk through dates.
      const calendar = row.calendarId === ALWAYS_OPEN_CALENDAR_ID ? ALWAYS_OPEN : BusinessCalendarSchema.parse(row.calendar);
      rule = { ...fields, calendar, targets: PolicyTargetsSchema.parse(row.targets), escalations: StoredEscalationsSchema.parse(row.escalations) };
      if (parsed.size >= KEPT) parsed.clear();
      parsed.set(key, rule);
    }
    return rule;
  });
}

/**
 * Changes with any committed change to a policy or its calendar, however it
 * was written (a row's xmin is the transaction that wrote its current
 * version): an expression for a SELECT list.
 */
export const POLICIES_VERSION_SQL = `(SELECT md5(coalesce(string_agg(sp."id" || ':' || sp.xmin::text || ':' || sp."calendarId" || ':' || bc.xmin::text, ',' ORDER BY sp."id"), ''))
  FROM "SlaPolicy" sp JOIN "BusinessCalendar" bc ON bc."id" = sp."calendarId")`;

/**
 * The last versions read and their rules. A version is a digest of row ids (random) and
 * transaction ids, so two databases (tests run several) never share one.
 */
const current = new Map<string, SlaPolicyRule[]>();
const VERSIONS_KEPT = 8;

/** The stored policies as rules, read again only when `version` (POLICIES_VERSION_SQL, just read through `sql`) is not one kept. */
export async function currentPolicies(sql: Sql, version: string): Promise<SlaPolicyRule[]> {
  const kept = current.get(version);
  if (kept) return kept;
  const [row] = await sql.query<{ policies: StoredPolicy[]; version: string }>(
    `SELECT ${POLICIES_JSON_SQL} AS policies, ${POLICIES_VERSION_SQL} AS version`,
  );
  const rules = policiesFromStored(row.policies);
  if (current.size >= VERSIONS_KEPT) current.delete(current.keys().next().value!);
  current.set(row.version, rules);
  return rules;
}
