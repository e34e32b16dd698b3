// A routing rule in one line of the reader's language, for the list of rules:
// "Priority is Urgent and text contains “refund” → Team: Billing, Add tags: vip".
// Pure: names of categories, teams, people, calendars and custom fields come
// from the caller (server/rules/service.ts ruleChoices); the words from i18n
// (admin.rules.summary.*; an automation's own, admin.automations.summary.*). Something a rule names that is gone reads "(removed)".
import { localName } from "../i18n/config.ts";
import { displayValue, fieldLabel, type FieldDefinition } from "../../server/fields/values.ts";
import { NONE } from "../../server/rules/schemas.ts";
import type { ActionDraft, ConditionDraft } from "./rule-form.ts";
import { afterParts } from "./automation-form.ts";

type T = (key: string, options?: Record<string, unknown>) => string;

export interface RuleNames {
  categories: readonly { id: string; nameEn: string; nameZh: string }[];
  teams: readonly { id: string; name: string }[];
  people: readonly { id: string; name: string }[];
  calendars: readonly { id: string; name: string }[];
  fields: readonly Pick<FieldDefinition, "key" | "labelEn" | "labelZh" | "type" | "options">[];
}

const S = "admin.rules.summary";
const A = "admin.automations.summary";

/** The label of a condition's value (an enumeration's word, a category's, team's or person's name). */
export function valueLabel(field: string, value: string, names: RuleNames, t: T, language: string): string {
  const named = (list: readonly { id: string; name: string }[]) => list.find((x) => x.id === value)?.name ?? t(`${S}.removed`);
  switch (field) {
    case "category": {
      const category = names.categories.find((c) => c.id === value);
      return category ? localName(category, language) : t(`${S}.removed`);
    }
    case "type":
      return t(`ticket.type.${value}`);
    case "priority":
      return t(`ticket.priority.${value}`);
    case "status":
      return t(`ticket.statusStaff.${value}`);
    case "channel":
      return t(`ticket.channel.${value}`);
    case "tier":
      return t(`ticket.tier.${value}`);
    case "health":
      return t(`health.band.${value}`);
    case "language":
      return t(`languages.${value}`);
    case "team":
      return value === NONE ? t(`${S}.noTeam`) : named(names.teams);
    case "assignee":
      return value === NONE ? t(`${S}.nobody`) : named(names.people);
    case "tags":
      return value;
    default:
      return t(`${S}.quoted`, { text: value });
  }
}

/** One condition as a phrase ("priority is High or Urgent"). */
export function conditionText(c: ConditionDraft, names: RuleNames, t: T, language: string): string {
  const values = c.values ?? [];
  const labels = values.map((v) => valueLabel(c.field, v, names, t, language));
  const count = values.length;
  const anyOf = labels.join(t(`${S}.or`));
  const list = labels.join(t(`${S}.comma`));
  switch (c.field) {
    case "tags":
    case "text":
      return t(`${S}.${c.op}`, { count, values: c.op === "contains_any" ? anyOf : list });
    case "business_hours": {
      const calendar = names.calendars.find((x) => x.id === c.calendarId)?.name ?? t(`${S}.removed`);
      return t(`${S}.${c.op}`, { calendar });
    }
    case "custom": {
      const definition = names.fields.find((f) => f.key === c.key);
      const field = definition ? fieldLabel(definition, language) : (c.key ?? "");
      const shown =
        c.value === undefined || c.value === null
          ? ""
          : definition
            ? displayValue(definition, c.value, language, { yes: t("ticketFields.yes"), no: t("ticketFields.no") })
            : String(c.value);
      const value = definition?.type === "text" || !definition ? t(`${S}.quoted`, { text: shown }) : shown;
      // Dates compare as before and after.
      const op = definition?.type === "date" && (c.op === "gt" || c.op === "lt") ? (c.op === "gt" ? "after" : "before") : c.op;
      return t(`${S}.${op}`, { field, value });
    }
    default: {
      const field = t(`${S}.fields.${c.field}`);
      return c.op === "not_in" ? t(`${S}.not_in`, { count, field, values: list }) : t(`${S}.in`, { field, values: anyOf });
    }
  }
}

/** One action as a phrase ("Team: Billing"). */
export function actionText(a: ActionDraft, names: RuleNames, t: T, language: string): string {
  const person = (id: string) => names.people.find((p) => p.id === id)?.name ?? t(`${S}.removed`);
  switch (a.type) {
    case "set_team":
      return a.teamId ? t(`${S}.set_team`, { team: names.teams.find((x) => x.id === a.teamId)?.name ?? t(`${S}.removed`) }) : t(`${S}.clear_team`);
    case "set_priority":
      return t(`${S}.set_priority`, { priority: t(`ticket.priority.${a.priority}`) });
    case "set_type":
      return t(`${S}.set_type`, { type: t(`ticket.type.${a.ticketType}`) });
    case "add_tags":
    case "remove_tags":
      return t(`${S}.${a.type}`, { tags: (a.tags ?? []).join(t(`${S}.comma`)) });
    case "set_field": {
      const definition = names.fields.find((f) => f.key === a.key);
      const field = definition ? fieldLabel(definition, language) : (a.key ?? "");
      if (a.value === null || a.value === undefined) return t(`${S}.clear_field`, { field });
      const value = definition ? displayValue(definition, a.value, language, { yes: t("ticketFields.yes"), no: t("ticketFields.no") }) : String(a.value);
      return t(`${S}.set_field`, { field, value });
    }
    case "assign":
      return a.userId ? t(`${S}.assign`, { name: person(a.userId) }) : t(`${S}.unassign`);
    case "add_note":
      return t(`${S}.add_note`);
    case "notify": {
      const who = (a.to ?? []).map((to) => (to === "assignee" ? t(`${S}.theAssignee`) : to === "team" ? t(`${S}.theTeam`) : person(to)));
      return t(`${S}.notify`, { who: who.join(t(`${S}.comma`)) });
    }
    // An automation's own actions.
    case "set_status":
      return t(`${A}.set_status`, { status: t(`ticket.statusStaff.${a.status}`) });
    case "reply":
      return t(`${A}.reply`);
    default:
      return a.type;
  }
}

/** Conditions joined by "and" or "or", as inside a sentence. */
function conditionsText(rule: { match: string; conditions: readonly ConditionDraft[] }, names: RuleNames, t: T, language: string): string {
  const joiner = t(rule.match === "any" ? `${S}.orCondition` : `${S}.and`);
  return rule.conditions.map((c) => conditionText(c, names, t, language)).join(joiner);
}

/** A rule's conditions and actions, each as one line: "Priority is Urgent and text contains “refund”" and "Team: Billing, Add tags: vip". */
export function ruleSummary(
  rule: { match: string; conditions: readonly ConditionDraft[]; actions: readonly ActionDraft[] },
  names: RuleNames,
  t: T,
  language: string,
): { conditions: string; actions: string } {
  const conditions = rule.conditions.length === 0 ? t(`${S}.everyTicket`) : conditionsText(rule, names, t, language);
  const actions = rule.actions.map((a) => actionText(a, names, t, language)).join(t(`${S}.actionComma`));
  return { conditions: conditions.charAt(0).toLocaleUpperCase() + conditions.slice(1), actions };
}

/** A waiting time in the largest whole unit: "3 days", "90 minutes". */
export function durationText(minutes: number, t: T): string {
  const { amount, unit } = afterParts(minutes);
  return t(`${A}.${unit}`, { count: amount });
}

/** An automation in one line: "Pending for 3 days → Reply to the customer, Set status: Solved" (conditions after the time). */
export function automationSummary(
  automation: { status: string; afterMinutes: number; match: string; conditions: readonly ConditionDraft[]; actions: readonly ActionDraft[] },
  names: RuleNames,
  t: T,
  language: string,
): { when: string; actions: string } {
  const { actions } = ruleSummary(automation, names, t, language);
  const waited = t(`${A}.waited`, { status: t(`ticket.statusStaff.${automation.status}`), duration: durationText(automation.afterMinutes, t) });
  const when = automation.conditions.length === 0 ? waited : t(`${A}.waitedIf`, { waited, conditions: conditionsText(automation, names, t, language) });
  return { when, actions };
}
