// The routing-rule editor's form as the input of createRule / updateRule
// (server/rules/service.ts parses it with RuleInputSchema and names each
// refused value by its path: "conditions.0.values", "actions.1.teamId", the
// same paths the form's inputs carry as their names). Pure and safe for the
// browser: nothing is dropped or judged here, a row as typed goes on whole
// for the schema to refuse, so rule N of the form is rule N of the errors.
//
// Inputs of a condition row i: conditions.i.field, .op, .values (boxes
// ticked, or one text of comma-separated words, tags or company names),
// .calendarId, .key and .value (custom fields). Of an action row i:
// actions.i.type, .teamId, .priority, .ticketType, .tags, .key, .value,
// .userId, .body, .to (boxes ticked); an automation's also .status and
// .body.en / .body.zh-CN (a reply), and the automation's own fields (see
// automationFromForm).
import type { FieldType } from "../../server/fields/values.ts";
import { NONE, type ActionType, type ConditionField } from "../../server/rules/schemas.ts";
import type { AutomationActionType } from "../../server/automations/schemas.ts";

type Value = string | number | boolean;

/** A condition as the editor holds it: a stored one, or one typed and refused (values as typed). */
export interface ConditionDraft {
  field: string;
  op?: string;
  values?: string[];
  calendarId?: string;
  key?: string;
  value?: Value | null;
}

/** An action as the editor holds it. */
export interface ActionDraft {
  type: string;
  teamId?: string | null;
  priority?: string;
  ticketType?: string;
  tags?: string[];
  key?: string;
  value?: Value | null;
  userId?: string | null;
  /** A note's text, or a reply's texts in each language (automations). */
  body?: string | ReplyTexts;
  /** The status an automation sets. */
  status?: string;
  to?: string[];
}

/** A reply's texts, one per language. */
export type ReplyTexts = { en?: string; "zh-CN"?: string };

export interface RuleDraft {
  name: string;
  enabled: boolean;
  onCreate: boolean;
  onUpdate: boolean;
  match: string;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
}

/** The comparisons each kind of condition takes, the first being the one a new row starts with. */
export const OPERATORS: Record<ConditionField, readonly string[]> = {
  category: ["in", "not_in"],
  type: ["in", "not_in"],
  priority: ["in", "not_in"],
  status: ["in", "not_in"],
  channel: ["in", "not_in"],
  team: ["in", "not_in"],
  assignee: ["in", "not_in"],
  language: ["in", "not_in"],
  tier: ["in", "not_in"],
  health: ["in", "not_in"],
  company: ["in", "not_in"],
  tags: ["has_any", "has_all", "has_none"],
  text: ["contains_any", "contains_none"],
  business_hours: ["within", "outside"],
  custom: ["is", "is_not", "set", "not_set", "contains", "gt", "lt"],
};

/** The comparisons that make sense for a custom field of this type (the service refuses the others). */
export function customOperators(type: FieldType | undefined): readonly string[] {
  switch (type) {
    case "text":
      return ["is", "is_not", "contains", "set", "not_set"];
    case "number":
    case "date":
      return ["is", "is_not", "gt", "lt", "set", "not_set"];
    case "dropdown":
      return ["is", "is_not", "set", "not_set"];
    case "checkbox":
      return ["is", "is_not"];
    default:
      return OPERATORS.custom;
  }
}

/** Custom-field comparisons that take no value. */
export const VALUELESS = ["set", "not_set"];

/** Conditions whose values are typed as text, separated by commas. */
export const TYPED_LISTS: readonly string[] = ["company", "tags", "text"];

/** Tags: commas or spaces (a tag has no spaces). */
export const splitTags = (text: string) => text.split(/[\s,，、;；]+/).filter(Boolean);
/** Words, phrases and company names may hold spaces: commas (or semicolons, line breaks) only. */
export const splitPhrases = (text: string) =>
  text
    .split(/[,，、;；\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);

/** A typed list as its text box shows it. */
export const listText = (values: readonly string[] | undefined): string => (values ?? []).join(", ");

export const blankCondition = (field: ConditionField = "priority"): ConditionDraft =>
  field === "custom" ? { field, key: "", op: "is", value: "" } : field === "business_hours" ? { field, op: "within", calendarId: "" } : { field, op: OPERATORS[field][0], values: [] };

export function blankAction(type: ActionType | AutomationActionType = "set_team"): ActionDraft {
  switch (type) {
    case "set_team":
      return { type, teamId: "" };
    case "set_priority":
      return { type, priority: "" };
    case "set_type":
      return { type, ticketType: "" };
    case "add_tags":
    case "remove_tags":
      return { type, tags: [] };
    case "set_field":
      return { type, key: "", value: null };
    case "assign":
      return { type, userId: "" };
    case "add_note":
      return { type, body: "" };
    case "notify":
      return { type, to: [] };
    case "set_status":
      return { type, status: "" };
    case "reply":
      return { type, body: { en: "", "zh-CN": "" } };
  }
}

/** What a new rule's editor starts with: runs on filing, one condition and one action to fill in. */
export const newRuleDraft = (): RuleDraft => ({
  name: "",
  enabled: true,
  onCreate: true,
  onUpdate: false,
  match: "all",
  conditions: [blankCondition()],
  actions: [blankAction()],
});

/** The row numbers a form has for `prefix` ("conditions" or "actions"), in order (rows need not be numbered 0, 1, 2…). */
function rowsOf(form: FormData, prefix: string, first: string): number[] {
  const pattern = new RegExp(`^${prefix}\\.(\\d{1,3})\\.${first}$`);
  const rows = new Set<number>();
  for (const name of form.keys()) {
    const match = pattern.exec(name);
    if (match) rows.add(Number(match[1]));
  }
  return [...rows].sort((a, b) => a - b);
}

/** A form's readers: one trimmed text, every non-blank text, an id or "none" (null). */
function readersOf(form: FormData) {
  const one = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const all = (name: string) => form.getAll(name).filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
  const idOrNone = (name: string) => (one(name) === NONE ? null : one(name));
  return { one, all, idOrNone };
}

/** The editor's form as the rule's input (and as the draft shown again if it is refused). */
export function ruleFromForm(form: FormData): RuleDraft {
  const { one } = readersOf(form);
  return {
    name: one("name"),
    enabled: form.get("enabled") === "on",
    onCreate: form.get("onCreate") === "on",
    onUpdate: form.get("onUpdate") === "on",
    ...rowsFromForm(form),
  };
}

/** What rules and automations share: whether all or any conditions must hold, the condition rows and the action rows. */
export function rowsFromForm(form: FormData): { match: string; conditions: ConditionDraft[]; actions: ActionDraft[] } {
  const { one, all, idOrNone } = readersOf(form);
  const conditions = rowsOf(form, "conditions", "field").map((i): ConditionDraft => {
    const at = (name: string) => `conditions.${i}.${name}`;
    const field = one(at("field"));
    const op = one(at("op"));
    switch (field) {
      case "business_hours":
        return { field, op, calendarId: one(at("calendarId")) };
      case "custom": {
        // "is set" and "is not set" take no value; a blank one elsewhere is missing, for the service to say so.
        const value = one(at("value"));
        return VALUELESS.includes(op) || value === "" ? { field, key: one(at("key")), op } : { field, key: one(at("key")), op, value };
      }
      case "tags":
        return { field, op, values: all(at("values")).flatMap(splitTags) };
      case "text":
      case "company":
        return { field, op, values: all(at("values")).flatMap(splitPhrases) };
      default:
        return { field, op, values: all(at("values")) };
    }
  });

  const actions = rowsOf(form, "actions", "type").map((i): ActionDraft => {
    const at = (name: string) => `actions.${i}.${name}`;
    const type = one(at("type"));
    switch (type) {
      case "set_team":
        return { type, teamId: idOrNone(at("teamId")) };
      case "set_priority":
        return { type, priority: one(at("priority")) };
      case "set_type":
        return { type, ticketType: one(at("ticketType")) };
      case "add_tags":
      case "remove_tags":
        return { type, tags: all(at("tags")).flatMap(splitTags) };
      case "set_field":
        // Left empty, the field is cleared.
        return { type, key: one(at("key")), value: one(at("value")) || null };
      case "assign":
        return { type, userId: idOrNone(at("userId")) };
      case "add_note":
        return { type, body: String(form.get(at("body")) ?? "") };
      case "notify":
        return { type, to: all(at("to")) };
      case "set_status":
        return { type, status: one(at("status")) };
      case "reply": {
        // Texts as written (line breaks and all); a language left empty is left out.
        const text = (locale: keyof ReplyTexts) => String(form.get(at(`body.${locale}`)) ?? "");
        const body: ReplyTexts = {};
        for (const locale of ["en", "zh-CN"] as const) if (text(locale).trim() !== "") body[locale] = text(locale);
        return { type, body };
      }
      default:
        return { type };
    }
  });

  return { match: one("match") || "all", conditions, actions };
}

/**
 * The editor's row buttons when scripts are off (with scripts they work in
 * the page): "add-condition", "remove-condition:2", "add-action",
 * "remove-action:0", "refresh" (show the inputs for fields just chosen).
 * Answers the draft to show, or null when the intent is none of these.
 */
export function editDraft<D extends { conditions: ConditionDraft[]; actions: ActionDraft[] }>(draft: D, intent: string, newAction: () => ActionDraft = blankAction): D | null {
  const [what, at] = intent.split(":");
  const index = Number(at);
  switch (what) {
    case "refresh":
      return draft;
    case "add-condition":
      return { ...draft, conditions: [...draft.conditions, blankCondition()] };
    case "add-action":
      return { ...draft, actions: [...draft.actions, newAction()] };
    case "remove-condition":
      return { ...draft, conditions: draft.conditions.filter((_, i) => i !== index) };
    case "remove-action":
      return { ...draft, actions: draft.actions.filter((_, i) => i !== index) };
    default:
      return null;
  }
}

/**
 * An error of the service (an i18n key on a path) as the editor says it:
 * where the shared message would puzzle (a custom field not chosen yet reads
 * "use lower-case letters…", a note "write a message"), a rule's own words.
 */
export function ruleErrorKey(path: string, key: string): string {
  if (/^(conditions|actions)\.\d+\.key$/.test(path) && key === "validation.fieldKey") return "admin.rules.errors.chooseField";
  if (/^actions\.\d+\.tags$/.test(path) && key === "validation.tag") return "admin.rules.errors.tagsEmpty";
  if (/^actions\.\d+\.body$/.test(path)) {
    if (key === "validation.body") return "admin.rules.errors.noteEmpty";
    if (key === "validation.bodyTooLong") return "admin.rules.errors.noteTooLong";
  }
  return key;
}

/** Every error of a refused rule in the editor's words (ruleErrorKey). */
export const ruleErrors = (fieldErrors: Record<string, string[]> | undefined): Record<string, string[]> =>
  Object.fromEntries(Object.entries(fieldErrors ?? {}).map(([path, keys]) => [path, [...new Set(keys.map((key) => ruleErrorKey(path, key)))]]));
