// Automations as stored (Automation), read as the automations of plan.ts. A
// row that no longer parses (edited by hand, or written by a newer release)
// is shown with what still parses, and never run.
import { z } from "zod";
import { RuleConditionSchema } from "../rules/schemas.ts";
import { AutomationActionSchema, TRIGGER_STATUSES } from "./schemas.ts";
import type { Automation } from "./plan.ts";

export interface StoredAutomation extends Automation {
  createdAt: Date;
  updatedAt: Date;
}

/** The columns of a row, for SELECT and RETURNING. */
export const AUTOMATION_COLUMNS = `"id", "name", "position", "enabled", "status"::text AS "status", "afterMinutes", "match", "conditions", "actions", "checkedThrough", "createdAt", "updatedAt"`;

export type AutomationRow = {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  status: string;
  afterMinutes: number;
  match: string;
  conditions: unknown;
  actions: unknown;
  checkedThrough: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const StoredAutomationSchema = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number(),
  enabled: z.boolean(),
  status: z.enum(TRIGGER_STATUSES),
  afterMinutes: z.number().int().positive(),
  match: z.enum(["all", "any"]),
  conditions: z.array(RuleConditionSchema),
  actions: z.array(AutomationActionSchema),
});

/** The row as an automation, or null (logged) when it no longer parses. */
export function automationFromRow(row: AutomationRow): StoredAutomation | null {
  const parsed = StoredAutomationSchema.safeParse(row);
  if (!parsed.success) {
    console.error(`automation ${row.id} does not parse and does not run: ${parsed.error.message.slice(0, 300)}`);
    return null;
  }
  return { ...parsed.data, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** For lists: the row with what still parses, so an admin can see and fix it. */
export function automationForList(row: AutomationRow): StoredAutomation {
  const automation = StoredAutomationSchema.safeParse(row);
  if (automation.success) return { ...automation.data, createdAt: row.createdAt, updatedAt: row.updatedAt };
  const conditions = z.array(RuleConditionSchema).safeParse(row.conditions);
  const actions = z.array(AutomationActionSchema).safeParse(row.actions);
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    enabled: row.enabled,
    status: (TRIGGER_STATUSES as string[]).includes(row.status) ? (row.status as Automation["status"]) : "open",
    afterMinutes: row.afterMinutes,
    match: row.match === "any" ? "any" : "all",
    conditions: conditions.success ? conditions.data : [],
    actions: actions.success ? actions.data : [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
