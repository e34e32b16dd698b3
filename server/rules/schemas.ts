// Routing rules and time-based automations as admins write them: conditions
// on a ticket (and its customer) and actions on it. Pure zod schemas, safe
// for the browser (the rule editor reads the same lists). Whether the ids a
// rule names exist, and whether a custom field's value fits the field, is the
// service's to check (server/rules/service.ts): it depends on what is stored.
import { z } from "zod";
import { PRIORITIES, STATUSES, TICKET_TYPES, TagSchema, MAX_TAGS } from "../tickets/schemas.ts";
import { FieldKeySchema, MAX_TEXT } from "../fields/values.ts";

export const CHANNELS = ["portal", "email", "api", "agent"] as const;
export const TIERS = ["key", "growth", "standard"] as const;
export const HEALTH_BANDS = ["healthy", "at_risk", "critical"] as const;
export const LANGUAGES = ["en", "zh-CN"] as const;
/** A team or assignee condition's word for "none". */
export const NONE = "none";

/** Limits: conditions and actions of a rule, values of one condition, rules in all. */
export const MAX_CONDITIONS = 30;
export const MAX_ACTIONS = 20;
export const MAX_VALUES = 100;
export const MAX_RULES = 500;
export const MAX_NOTE = 5_000;

const values = <T extends z.ZodType>(value: T) =>
  z.array(value, { error: "validation.ruleValues" }).min(1, "validation.ruleValues").max(MAX_VALUES, "validation.ruleValues");
const oneOf = <const T extends readonly [string, ...string[]]>(options: T) => z.enum(options, { error: "validation.ruleValues" });
const isIn = z.enum(["in", "not_in"], { error: "validation.ruleOperator" });
const id = z.uuid("validation.ruleValues");

/** A word or phrase to look for: English matches whole words ("refund*" any word starting so), Chinese any run of characters. */
export const RuleWordSchema = z
  .string({ error: "validation.ruleWord" })
  .trim()
  .min(1, "validation.ruleWord")
  .max(100, "validation.ruleWord")
  .transform((word) => word.normalize("NFKC").toLowerCase().replace(/\s+/g, " "));

/** A custom field's value in a condition or action: checked against the field by the service. */
export const RuleFieldValueSchema = z.union([z.string().max(MAX_TEXT, "validation.fieldTextTooLong"), z.number(), z.boolean()], {
  error: "validation.ruleValues",
});

export const RuleConditionSchema = z.discriminatedUnion(
  "field",
  [
    z.object({ field: z.literal("category"), op: isIn, values: values(id) }),
    z.object({
      field: z.literal("type"),
      op: isIn,
      values: values(oneOf(TICKET_TYPES)),
    }),
    z.object({
      field: z.literal("priority"),
      op: isIn,
      values: values(oneOf(PRIORITIES)),
    }),
    z.object({
      field: z.literal("status"),
      op: isIn,
      values: values(oneOf(STATUSES)),
    }),
    z.object({
      field: z.literal("channel"),
      op: isIn,
      values: values(oneOf(CHANNELS)),
    }),
    z.object({
      field: z.literal("team"),
      op: isIn,
      values: values(z.union([z.literal(NONE), id], { error: "validation.ruleValues" })),
    }),
    z.object({
      field: z.literal("assignee"),
      op: isIn,
      values: values(z.union([z.literal(NONE), id], { error: "validation.ruleValues" })),
    }),
    z.object({
      field: z.literal("language"),
      op: isIn,
      values: values(oneOf(LANGUAGES)),
    }),
    z.object({
      field: z.literal("tier"),
      op: isIn,
      values: values(oneOf(TIERS)),
    }),
    z.object({
      field: z.literal("health"),
      op: isIn,
      values: values(oneOf(HEALTH_BANDS)),
    }),
    /** Company names, compared without regard to case. */
    z.object({
      field: z.literal("company"),
      op: isIn,
      values: values(z.string({ error: "validation.ruleValues" }).trim().min(1, "validation.ruleValues").max(200, "validation.ruleValues")),
    }),
    z.object({
      field: z.literal("tags"),
      op: z.enum(["has_any", "has_all", "has_none"], {
        error: "validation.ruleOperator",
      }),
      values: values(TagSchema),
    }),
    /** The subject and the message(s) of the change (on filing: the description). */
    z.object({
      field: z.literal("text"),
      op: z.enum(["contains_any", "contains_none"], {
        error: "validation.ruleOperator",
      }),
      values: values(RuleWordSchema),
    }),
    z.object({
      field: z.literal("business_hours"),
      op: z.enum(["within", "outside"], { error: "validation.ruleOperator" }),
      calendarId: z.uuid("validation.ruleCalendar"),
    }),
    z.object({
      field: z.literal("custom"),
      key: FieldKeySchema,
      op: z.enum(["is", "is_not", "set", "not_set", "contains", "gt", "lt"], {
        error: "validation.ruleOperator",
      }),
      /** Not taken by "set" and "not_set". */
      value: RuleFieldValueSchema.optional(),
    }),
  ],
  { error: "validation.ruleCondition" },
);
export type RuleCondition = z.output<typeof RuleConditionSchema>;
export type ConditionField = RuleCondition["field"];
export const CONDITION_FIELDS = RuleConditionSchema.options.map((o) => o.shape.field.value) as ConditionField[];

/** "assignee": the ticket's assignee (after the rule's own changes); "team": every member of its team. */
export const RecipientSchema = z.union([z.literal("assignee"), z.literal("team"), z.uuid("validation.ruleRecipient")], { error: "validation.ruleRecipient" });

export const RuleActionSchema = z.discriminatedUnion(
  "type",
  [
    /** null: no team. */
    z.object({
      type: z.literal("set_team"),
      teamId: z.uuid("validation.team").nullable(),
    }),
    z.object({
      type: z.literal("set_priority"),
      priority: z.enum(PRIORITIES, { error: "validation.priority" }),
    }),
    z.object({
      type: z.literal("set_type"),
      ticketType: z.enum(TICKET_TYPES, { error: "validation.type" }),
    }),
    z.object({
      type: z.literal("add_tags"),
      tags: z.array(TagSchema).min(1, "validation.tag").max(MAX_TAGS, "validation.tooManyTags"),
    }),
    z.object({
      type: z.literal("remove_tags"),
      tags: z.array(TagSchema).min(1, "validation.tag").max(MAX_TAGS, "validation.tooManyTags"),
    }),
    /** null clears the field. */
    z.object({
      type: z.literal("set_field"),
      key: FieldKeySchema,
      value: RuleFieldValueSchema.nullable(),
    }),
    /** null: unassign. */
    z.object({
      type: z.literal("assign"),
      userId: z.uuid("validation.assignee").nullable(),
    }),
    z.object({
      type: z.literal("add_note"),
      body: z.string({ error: "validation.body" }).trim().min(1, "validation.body").max(MAX_NOTE, "validation.bodyTooLong"),
    }),
    z.object({
      type: z.literal("notify"),
      to: z.array(RecipientSchema).min(1, "validation.ruleRecipient").max(20, "validation.ruleRecipient"),
    }),
  ],
  { error: "validation.ruleAction" },
);
export type RuleAction = z.output<typeof RuleActionSchema>;
export type ActionType = RuleAction["type"];
export const ACTION_TYPES = RuleActionSchema.options.map((o) => o.shape.type.value) as ActionType[];

const NameSchema = z.string({ error: "validation.ruleName" }).trim().min(1, "validation.ruleName").max(80, "validation.ruleName");

const ruleFields = {
  name: NameSchema,
  enabled: z.boolean({ error: "validation.ruleFlag" }),
  /** Runs as a ticket is filed. */
  onCreate: z.boolean({ error: "validation.ruleFlag" }),
  /** Runs when a change to a ticket makes its conditions become true. */
  onUpdate: z.boolean({ error: "validation.ruleFlag" }),
  match: z.enum(["all", "any"], { error: "validation.ruleMatch" }),
  conditions: z.array(RuleConditionSchema, { error: "validation.ruleCondition" }).max(MAX_CONDITIONS, "validation.ruleConditionsTooMany"),
  actions: z.array(RuleActionSchema, { error: "validation.ruleAction" }).min(1, "validation.ruleActions").max(MAX_ACTIONS, "validation.ruleActionsTooMany"),
};

/** A change to a rule: what is left out stays (checked whole with RuleInputSchema once merged). */
export const RuleChangeSchema = z
  .object(ruleFields)
  .partial()
  .refine((change) => Object.values(change).some((v) => v !== undefined), {
    message: "validation.nothingToUpdate",
  });

export const RuleInputSchema = z
  .object({
    ...ruleFields,
    enabled: ruleFields.enabled.default(true),
    onCreate: ruleFields.onCreate.default(true),
    onUpdate: ruleFields.onUpdate.default(false),
    match: ruleFields.match.default("all"),
    conditions: ruleFields.conditions.default([]),
  })
  .refine((rule) => rule.onCreate || rule.onUpdate, {
    path: ["onCreate"],
    message: "validation.ruleWhen",
  })
  // On update a rule fires when its conditions become true: with none, nothing ever becomes true.
  .refine((rule) => !rule.onUpdate || rule.conditions.length > 0, {
    path: ["conditions"],
    message: "validation.ruleUpdateNeedsConditions",
  });
export type RuleInput = z.input<typeof RuleInputSchema>;
export type RuleSpec = z.output<typeof RuleInputSchema>;

/** The order of the rules: every rule's id once, first to last. */
export const RuleOrderSchema = z.object({
  ids: z.array(z.uuid("validation.ruleOrder"), { error: "validation.ruleOrder" }).min(1, "validation.ruleOrder").max(MAX_RULES, "validation.ruleOrder"),
});
