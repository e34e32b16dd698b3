// Running routing rules over a ticket, as plain functions (no I/O): which
// rules match, in their order, and what each changes. Each rule runs at most
// once per filing or change and sees what the rules before it changed; the
// changes rules make never start another run (server/listeners/routing-rules.ts
// leaves them alone), so rules cannot trigger each other in a loop.
import type { BusinessCalendar } from "../sla/calendar.ts";
import { isOpen } from "../sla/calendar.ts";
import { sameFieldValue, valueSchema, type FieldDefinition, type FieldValue, type FieldValues } from "../fields/values.ts";
import { NONE, type RuleAction, type RuleCondition } from "./schemas.ts";
import type { Priority } from "../sla/policy.ts";

/** What conditions look at: the ticket, its customer, and the words of the filing or change. */
export interface RuleFacts {
  categoryId: string;
  type: "complaint" | "inquiry";
  priority: Priority;
  status: string;
  channel: string;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  fields: FieldValues;
  language: string | null;
  tier: string;
  companyName: string | null;
  healthBand: string | null;
  /** The subject and, on filing, the description; on a change, the public messages it added. */
  text: string;
}

/** The parts of a ticket rules change. */
export type ChangedFacts = Pick<RuleFacts, "priority" | "type" | "teamId" | "assigneeId" | "tags" | "fields">;

export interface Rule {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  onCreate: boolean;
  onUpdate: boolean;
  match: "all" | "any";
  conditions: RuleCondition[];
  actions: RuleAction[];
}

export interface RuleContext {
  now: number;
  /** Business calendars by id (business-hours conditions). */
  calendars: ReadonlyMap<string, BusinessCalendar>;
  /** Teams and people a rule may no longer hand tickets to (removed, deactivated, not assignable): those actions are skipped. */
  unavailable?: ReadonlySet<string>;
  /** The custom fields as defined now: a rule setting a field archived since, or to a value the field no longer takes, skips it. */
  fields?: readonly FieldDefinition[];
}

// ---------------------------------------------------------------------------
// Words.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const matchers = new Map<string, (text: string) => boolean>();

/**
 * Does the text contain the word? Chinese (and other scripts written without
 * spaces) as a run of characters; otherwise as whole words, case and width
 * folded, a phrase's spaces matching any spacing, and a trailing "*" standing
 * for the rest of a word ("refund*": refund, refunds, refunded).
 */
export function containsWord(normalizedText: string, word: string): boolean {
  let matcher = matchers.get(word);
  if (!matcher) {
    if (CJK.test(word)) {
      matcher = (text) => text.includes(word);
    } else {
      const prefix = word.endsWith("*");
      const body = (prefix ? word.slice(0, -1) : word)
        .split(" ")
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("\\s+");
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}${prefix ? "" : "(?![\\p{L}\\p{N}])"}`, "u");
      matcher = (text) => pattern.test(text);
    }
    if (matchers.size > 10_000) matchers.clear();
    matchers.set(word, matcher);
  }
  return matcher(normalizedText);
}

/** Text as words are looked for in it (words are normalized the same way by RuleWordSchema). */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

// ---------------------------------------------------------------------------
// Conditions.

const compare = (stored: FieldValue | undefined, wanted: FieldValue | undefined, sign: 1 | -1): boolean => {
  if (stored === undefined || wanted === undefined || typeof stored !== typeof wanted || typeof stored === "boolean") return false;
  return sign === 1 ? stored > wanted : stored < wanted;
};

/** Does one condition hold for the facts? `text` is the facts' text normalized (normalizeText). */
export function conditionHolds(condition: RuleCondition, facts: RuleFacts, text: string, context: RuleContext): boolean {
  const among = (value: string | null, list: readonly string[], op: "in" | "not_in") => list.includes(value ?? NONE) === (op === "in");
  switch (condition.field) {
    case "category":
      return among(facts.categoryId, condition.values, condition.op);
    case "type":
      return among(facts.type, condition.values, condition.op);
    case "priority":
      return among(facts.priority, condition.values, condition.op);
    case "status":
      return among(facts.status, condition.values, condition.op);
    case "channel":
      return among(facts.channel, condition.values, condition.op);
    case "team":
      return among(facts.teamId, condition.values, condition.op);
    case "assignee":
      return among(facts.assigneeId, condition.values, condition.op);
    case "language":
      return among(facts.language, condition.values, condition.op);
    case "tier":
      return among(facts.tier, condition.values, condition.op);
    case "health":
      // A customer with no score yet is in no band: "not in" holds, "in" does not.
      return facts.healthBand === null ? condition.op === "not_in" : among(facts.healthBand, condition.values, condition.op);
    case "company": {
      const company = facts.companyName?.toLowerCase() ?? null;
      const named = condition.values.some((name) => name.toLowerCase() === company);
      return named === (condition.op === "in");
    }
    case "tags":
      if (condition.op === "has_any") return condition.values.some((tag) => facts.tags.includes(tag));
      if (condition.op === "has_all") return condition.values.every((tag) => facts.tags.includes(tag));
      return !condition.values.some((tag) => facts.tags.includes(tag));
    case "text": {
      const found = condition.values.some((word) => containsWord(text, word));
      return condition.op === "contains_any" ? found : !found;
    }
    case "business_hours": {
      const calendar = context.calendars.get(condition.calendarId);
      // A calendar removed since the rule was written: the condition cannot hold.
      if (!calendar) return false;
      return isOpen(calendar, context.now) === (condition.op === "within");
    }
    case "custom": {
      const stored = facts.fields[condition.key];
      switch (condition.op) {
        case "set":
          return stored !== undefined && stored !== false;
        case "not_set":
          return stored === undefined || stored === false;
        case "is":
          return sameFieldValue(stored, condition.value);
        case "is_not":
          return !sameFieldValue(stored, condition.value);
        case "contains":
          return typeof stored === "string" && typeof condition.value === "string" && normalizeText(stored).includes(normalizeText(condition.value));
        case "gt":
          return compare(stored, condition.value, 1);
        case "lt":
          return compare(stored, condition.value, -1);
      }
    }
  }
}

/** Does the rule's condition list hold (all of them, or any)? A rule without conditions always holds. */
export function ruleMatches(rule: Pick<Rule, "match" | "conditions">, facts: RuleFacts, context: RuleContext): boolean {
  if (rule.conditions.length === 0) return true;
  const text = normalizeText(facts.text);
  const holds = (c: RuleCondition) => conditionHolds(c, facts, text, context);
  return rule.match === "all" ? rule.conditions.every(holds) : rule.conditions.some(holds);
}

// ---------------------------------------------------------------------------
// Actions.

/** What one rule did: the facts it changed (each field's value before it), its notes and whom it told. */
export interface RuleEffect {
  rule: { id: string; name: string };
  /** Built-in properties the rule changed, with their values before it. */
  changed: Partial<Omit<ChangedFacts, "fields">>;
  /** Custom fields the rule changed: their values before it (null: unset). */
  changedFields: Record<string, FieldValue | null>;
  notes: string[];
  /** "assignee", "team" or user ids (schemas.ts RecipientSchema). */
  notify: string[];
  /** The facts after this rule (the "to" of its changes). */
  after: RuleFacts;
}

/** The facts after the rule's actions, and what changed. */
export function applyActions(
  facts: RuleFacts,
  rule: Pick<Rule, "id" | "name" | "actions">,
  context: Pick<RuleContext, "unavailable" | "fields"> = {},
): { facts: RuleFacts; effect: RuleEffect } {
  const next: RuleFacts = {
    ...facts,
    tags: [...facts.tags],
    fields: { ...facts.fields },
  };
  const effect: RuleEffect = {
    rule: { id: rule.id, name: rule.name },
    changed: {},
    changedFields: {},
    notes: [],
    notify: [],
    after: next,
  };
  const available = (id: string | null) => id === null || !context.unavailable?.has(id);
  /** The value as the field stores it now, or undefined when the field or value no longer holds. */
  const fieldValue = (key: string, value: FieldValue | null): FieldValue | null | undefined => {
    if (!context.fields) return value;
    const definition = context.fields.find((d) => d.key === key && d.active);
    if (!definition) return undefined;
    if (value === null) return null;
    const parsed = valueSchema(definition).safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  const change = <K extends keyof Omit<ChangedFacts, "fields">>(key: K, value: ChangedFacts[K]) => {
    if (key === "tags" ? (value as string[]).join("\n") === next.tags.join("\n") : next[key] === value) return;
    if (!(key in effect.changed)) (effect.changed as Record<string, unknown>)[key] = facts[key];
    next[key] = value as RuleFacts[K];
  };
  for (const action of rule.actions) {
    switch (action.type) {
      case "set_team":
        if (available(action.teamId)) change("teamId", action.teamId);
        break;
      case "set_priority":
        change("priority", action.priority);
        break;
      case "set_type":
        change("type", action.ticketType);
        break;
      case "add_tags":
        change("tags", [...next.tags, ...action.tags.filter((tag) => !next.tags.includes(tag))]);
        break;
      case "remove_tags":
        change(
          "tags",
          next.tags.filter((tag) => !action.tags.includes(tag)),
        );
        break;
      case "assign":
        if (available(action.userId)) change("assigneeId", action.userId);
        break;
      case "set_field": {
        const value = fieldValue(action.key, action.value);
        if (value === undefined || sameFieldValue(next.fields[action.key], value)) break;
        if (!(action.key in effect.changedFields)) effect.changedFields[action.key] = facts.fields[action.key] ?? null;
        if (value === null) delete next.fields[action.key];
        else next.fields[action.key] = value;
        break;
      }
      case "add_note":
        effect.notes.push(action.body);
        break;
      case "notify":
        effect.notify.push(...action.to.filter((to) => !effect.notify.includes(to)));
        break;
    }
  }
  // A change made and undone within the rule is no change.
  for (const key of Object.keys(effect.changed) as (keyof RuleEffect["changed"])[]) {
    const same = key === "tags" ? [...(effect.changed.tags ?? [])].sort().join("\n") === [...next.tags].sort().join("\n") : effect.changed[key] === next[key];
    if (same) delete effect.changed[key];
  }
  for (const key of Object.keys(effect.changedFields)) {
    if (sameFieldValue(effect.changedFields[key], next.fields[key])) delete effect.changedFields[key];
  }
  return { facts: next, effect };
}

/** Did the rule do anything? */
export const hasEffect = (effect: RuleEffect) =>
  Object.keys(effect.changed).length > 0 || Object.keys(effect.changedFields).length > 0 || effect.notes.length > 0 || effect.notify.length > 0;

/**
 * Runs the rules, in order, once each:
 * - on filing (`before` null): the onCreate rules whose conditions hold;
 * - on a change: the onUpdate rules whose conditions hold now but did not
 *   before the change (they "become true"), now including what earlier rules
 *   of this run changed.
 * Returns the facts after all of them and each applied rule's effect (rules
 * that matched but changed nothing are listed too: the timeline says they ran).
 */
export function runRules(
  rules: readonly Rule[],
  facts: RuleFacts,
  before: RuleFacts | null,
  context: RuleContext,
): { facts: RuleFacts; effects: RuleEffect[] } {
  let current = facts;
  const effects: RuleEffect[] = [];
  for (const rule of [...rules].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id))) {
    if (!rule.enabled || !(before === null ? rule.onCreate : rule.onUpdate)) continue;
    if (!ruleMatches(rule, current, context)) continue;
    if (before !== null && ruleMatches(rule, before, context)) continue;
    const applied = applyActions(current, rule, context);
    current = applied.facts;
    effects.push(applied.effect);
  }
  return { facts: current, effects };
}
