// Time-based automations as admins write them: "a ticket that has been in
// status S for N minutes (and meets the conditions) gets these actions".
// The conditions are the routing rules' (server/rules/schemas.ts); the
// actions are the rules' plus two of their own: set the status, and reply to
// the customer in their language. Pure zod schemas, safe for the browser
// (the admin screen can read the same lists).
import { z } from "zod";
import { STATUSES } from "../tickets/schemas.ts";
import { MacroTextsSchema, type MacroTexts } from "../macros/macros.ts";
import { MAX_ACTIONS, MAX_CONDITIONS, RuleActionSchema, RuleConditionSchema, type RuleAction } from "../rules/schemas.ts";

/** At most this many automations (each has a job of its own). */
export const MAX_AUTOMATIONS = 100;
/** From one minute to a year. */
export const MIN_AFTER_MINUTES = 1;
export const MAX_AFTER_MINUTES = 365 * 24 * 60;

/** Statuses an automation counts from: any a ticket can still leave (a closed ticket never changes). */
export const TRIGGER_STATUSES = STATUSES.filter((s) => s !== "closed") as Exclude<(typeof STATUSES)[number], "closed">[];
/** Statuses an automation may set: never back to "new" (nobody has looked yet), as for people. */
export const SET_STATUSES = STATUSES.filter((s) => s !== "new") as Exclude<(typeof STATUSES)[number], "new">[];

const hasText = (texts: MacroTexts) => Object.values(texts).some(Boolean);

export const AutomationActionSchema = z.discriminatedUnion(
  "type",
  [
    ...RuleActionSchema.options,
    z.object({ type: z.literal("set_status"), status: z.enum(SET_STATUSES, { error: "validation.status" }) }),
    /**
     * A public reply to the customer, one text per language ({ en, "zh-CN" }): the one in the
     * requester's language (their account's, else the ticket's) is sent, else the other. Takes the
     * macros' placeholders ({{customer.name}}, {{ticket.number}} …; {{agent.name}} is the assignee,
     * or the helpdesk's name).
     */
    z.object({
      type: z.literal("reply"),
      body: z.object(MacroTextsSchema.shape, { error: "validation.automationReply" }).refine(hasText, { message: "validation.automationReply" }),
    }),
  ],
  { error: "validation.automationAction" },
);
export type AutomationAction = z.output<typeof AutomationActionSchema>;
export type AutomationActionType = AutomationAction["type"];
export const AUTOMATION_ACTION_TYPES = AutomationActionSchema.options.map((o) => o.shape.type.value) as AutomationActionType[];

/** The actions a routing rule also takes (applied with the rules' own code, server/rules/evaluate.ts). */
export const isRuleAction = (action: AutomationAction): action is RuleAction => action.type !== "set_status" && action.type !== "reply";

const NameSchema = z.string({ error: "validation.automationName" }).trim().min(1, "validation.automationName").max(80, "validation.automationName");

const automationFields = {
  name: NameSchema,
  enabled: z.boolean({ error: "validation.ruleFlag" }),
  /** The status a ticket has stayed in. */
  status: z.enum(TRIGGER_STATUSES, { error: "validation.automationStatus" }),
  /** For how long, in minutes. */
  afterMinutes: z
    .number({ error: "validation.automationAfter" })
    .int("validation.automationAfter")
    .min(MIN_AFTER_MINUTES, "validation.automationAfter")
    .max(MAX_AFTER_MINUTES, "validation.automationAfter"),
  match: z.enum(["all", "any"], { error: "validation.ruleMatch" }),
  conditions: z.array(RuleConditionSchema, { error: "validation.ruleCondition" }).max(MAX_CONDITIONS, "validation.automationConditionsTooMany"),
  actions: z
    .array(AutomationActionSchema, { error: "validation.automationAction" })
    .min(1, "validation.automationActions")
    .max(MAX_ACTIONS, "validation.automationActionsTooMany")
    // Two statuses or two replies at once would be a mistake, not a plan.
    .superRefine((actions, ctx) => {
      for (const type of ["set_status", "reply"] as const) {
        const at = actions.flatMap((a, i) => (a.type === type ? [i] : []));
        for (const i of at.slice(1)) ctx.addIssue({ code: "custom", path: [i], message: "validation.automationOneEach" });
      }
    }),
};

/** A change to an automation: what is left out stays (checked whole with AutomationInputSchema once merged). */
export const AutomationChangeSchema = z
  .object(automationFields)
  .partial()
  .refine((change) => Object.values(change).some((v) => v !== undefined), { message: "validation.nothingToUpdate" });

export const AutomationInputSchema = z.object({
  ...automationFields,
  enabled: automationFields.enabled.default(true),
  match: automationFields.match.default("all"),
  conditions: automationFields.conditions.default([]),
});
export type AutomationInput = z.input<typeof AutomationInputSchema>;
export type AutomationSpec = z.output<typeof AutomationInputSchema>;

/** The order of the automations in lists: every automation's id once, first to last. */
export const AutomationOrderSchema = z.object({
  ids: z
    .array(z.uuid("validation.automationOrder"), { error: "validation.automationOrder" })
    .min(1, "validation.automationOrder")
    .max(MAX_AUTOMATIONS, "validation.automationOrder"),
});
