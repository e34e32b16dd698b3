// The routing-rule editor's form, read as the service's input: every kind of
// condition and action comes out in the shape RuleInputSchema takes, rows
// keep their order and number (so the service's "conditions.2.values" is the
// third row), nothing typed is dropped, and a rule reads back as one line in
// both languages.
import { describe, expect, test } from "vitest";
import { RuleInputSchema } from "../../server/rules/schemas.ts";
import { editDraft, newRuleDraft, ruleErrorKey, ruleErrors, ruleFromForm, splitPhrases, splitTags } from "../../app/utils/rule-form.ts";
import { ruleSummary, type RuleNames } from "../../app/utils/rule-summary.ts";
import { createI18n } from "../../app/i18n/i18n.ts";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

const CATEGORY = "11111111-1111-4111-8111-111111111111";
const TEAM = "22222222-2222-4222-8222-222222222222";
const AGENT = "33333333-3333-4333-8333-333333333333";
const CALENDAR = "44444444-4444-4444-8444-444444444444";

describe("the rule form", () => {
  test("every kind of condition and action, as the schema takes them", () => {
    const rule = ruleFromForm(
      form([
        ["name", "  Refunds to Billing "],
        ["enabled", "on"],
        ["onCreate", "on"],
        ["onUpdate", "on"],
        ["match", "any"],
        ["conditions.0.field", "priority"],
        ["conditions.0.op", "in"],
        ["conditions.0.values", "high"],
        ["conditions.0.values", "urgent"],
        ["conditions.1.field", "category"],
        ["conditions.1.op", "not_in"],
        ["conditions.1.values", CATEGORY],
        ["conditions.2.field", "team"],
        ["conditions.2.op", "in"],
        ["conditions.2.values", "none"],
        ["conditions.2.values", TEAM],
        ["conditions.3.field", "text"],
        ["conditions.3.op", "contains_any"],
        ["conditions.3.values", "refund*, money back，退款"],
        ["conditions.4.field", "tags"],
        ["conditions.4.op", "has_all"],
        ["conditions.4.values", "vip, billing  urgent"],
        ["conditions.5.field", "company"],
        ["conditions.5.op", "in"],
        ["conditions.5.values", "Northwind Trading, Acme, Inc; Globex"],
        ["conditions.6.field", "business_hours"],
        ["conditions.6.op", "outside"],
        ["conditions.6.calendarId", CALENDAR],
        ["conditions.7.field", "custom"],
        ["conditions.7.key", "order_number"],
        ["conditions.7.op", "set"],
        ["conditions.7.value", "ignored"],
        ["conditions.8.field", "custom"],
        ["conditions.8.key", "amount"],
        ["conditions.8.op", "gt"],
        ["conditions.8.value", " 100 "],
        ["actions.0.type", "set_team"],
        ["actions.0.teamId", TEAM],
        ["actions.1.type", "set_priority"],
        ["actions.1.priority", "urgent"],
        ["actions.2.type", "set_type"],
        ["actions.2.ticketType", "complaint"],
        ["actions.3.type", "add_tags"],
        ["actions.3.tags", "refund, vip"],
        ["actions.4.type", "remove_tags"],
        ["actions.4.tags", "spam"],
        ["actions.5.type", "set_field"],
        ["actions.5.key", "product_area"],
        ["actions.5.value", "shipping"],
        ["actions.6.type", "set_field"],
        ["actions.6.key", "order_number"],
        ["actions.6.value", ""],
        ["actions.7.type", "assign"],
        ["actions.7.userId", AGENT],
        ["actions.8.type", "assign"],
        ["actions.8.userId", "none"],
        ["actions.9.type", "add_note"],
        ["actions.9.body", "Check the refund policy.\nThen reply."],
        ["actions.10.type", "notify"],
        ["actions.10.to", "assignee"],
        ["actions.10.to", "team"],
        ["actions.10.to", AGENT],
        ["actions.11.type", "set_team"],
        ["actions.11.teamId", "none"],
      ]),
    );
    expect(rule).toMatchObject({ name: "Refunds to Billing", enabled: true, onCreate: true, onUpdate: true, match: "any" });
    expect(rule.conditions).toEqual([
      { field: "priority", op: "in", values: ["high", "urgent"] },
      { field: "category", op: "not_in", values: [CATEGORY] },
      { field: "team", op: "in", values: ["none", TEAM] },
      { field: "text", op: "contains_any", values: ["refund*", "money back", "退款"] },
      { field: "tags", op: "has_all", values: ["vip", "billing", "urgent"] },
      { field: "company", op: "in", values: ["Northwind Trading", "Acme", "Inc", "Globex"] },
      { field: "business_hours", op: "outside", calendarId: CALENDAR },
      { field: "custom", key: "order_number", op: "set" },
      { field: "custom", key: "amount", op: "gt", value: "100" },
    ]);
    expect(rule.actions).toEqual([
      { type: "set_team", teamId: TEAM },
      { type: "set_priority", priority: "urgent" },
      { type: "set_type", ticketType: "complaint" },
      { type: "add_tags", tags: ["refund", "vip"] },
      { type: "remove_tags", tags: ["spam"] },
      { type: "set_field", key: "product_area", value: "shipping" },
      { type: "set_field", key: "order_number", value: null },
      { type: "assign", userId: AGENT },
      { type: "assign", userId: null },
      { type: "add_note", body: "Check the refund policy.\nThen reply." },
      { type: "notify", to: ["assignee", "team", AGENT] },
      { type: "set_team", teamId: null },
    ]);
    // What the form gives is what the service parses (ids and values checked against what is stored there).
    const parsed = RuleInputSchema.safeParse(rule);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  test("unticked boxes are off; a rule with no conditions has an empty list", () => {
    const rule = ruleFromForm(form([["name", "x"], ["match", "all"], ["actions.0.type", "add_note"], ["actions.0.body", "hi"]]));
    expect(rule).toEqual({ name: "x", enabled: false, onCreate: false, onUpdate: false, match: "all", conditions: [], actions: [{ type: "add_note", body: "hi" }] });
    expect(RuleInputSchema.safeParse(rule).error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["onCreate", "validation.ruleWhen"]]);
  });

  test("rows keep their order and count, blanks included, so errors land on the row they are about", () => {
    // Rows numbered 0, 5, 12 (rows removed in the page keep no gap in the input).
    const rule = ruleFromForm(
      form([
        ["conditions.12.field", "status"],
        ["conditions.12.op", "in"],
        ["conditions.0.field", "priority"],
        ["conditions.0.op", "in"],
        ["conditions.5.field", "language"],
        ["conditions.5.op", "not_in"],
        ["conditions.5.values", "zh-CN"],
        ["actions.0.type", "add_tags"],
        ["actions.0.tags", ""],
        ["actions.1.type", ""],
        ["onCreate", "on"],
        ["name", "n"],
      ]),
    );
    expect(rule.conditions.map((c) => c.field)).toEqual(["priority", "language", "status"]);
    expect(rule.conditions[0]).toEqual({ field: "priority", op: "in", values: [] });
    expect(rule.actions).toEqual([{ type: "add_tags", tags: [] }, { type: "" }]);
    const issues = RuleInputSchema.safeParse(rule).error!.issues.map((i) => i.path.join("."));
    expect(issues).toEqual(expect.arrayContaining(["conditions.0.values", "conditions.2.values", "actions.0.tags"]));
    expect(issues.some((p) => p.startsWith("actions.1"))).toBe(true);
    expect(issues.some((p) => p.startsWith("conditions.1"))).toBe(false);
  });

  test("a custom condition without a value is passed on without one, for the service to ask for it", () => {
    const rule = ruleFromForm(form([["conditions.0.field", "custom"], ["conditions.0.key", "amount"], ["conditions.0.op", "is"], ["conditions.0.value", "  "]]));
    expect(rule.conditions).toEqual([{ field: "custom", key: "amount", op: "is" }]);
  });

  test("lists typed with commas (full-width too), spaces only splitting tags", () => {
    expect(splitTags("vip, refund，late  urgent、x")).toEqual(["vip", "refund", "late", "urgent", "x"]);
    expect(splitPhrases(" money back ,退款，  ; credit card\nchargeback ")).toEqual(["money back", "退款", "credit card", "chargeback"]);
  });

  test("rows added and removed without scripts", () => {
    const draft = newRuleDraft();
    expect(draft.conditions).toHaveLength(1);
    expect(editDraft(draft, "add-condition")!.conditions).toHaveLength(2);
    expect(editDraft(draft, "add-action")!.actions).toHaveLength(2);
    expect(editDraft(draft, "remove-condition:0")!.conditions).toHaveLength(0);
    expect(editDraft(draft, "remove-action:0")!.actions).toHaveLength(0);
    expect(editDraft(draft, "refresh")).toBe(draft);
    expect(editDraft(draft, "save")).toBeNull();
    expect(editDraft(draft, "delete")).toBeNull();
  });

  test("errors in the editor's words where the shared ones would puzzle", () => {
    expect(ruleErrorKey("conditions.3.key", "validation.fieldKey")).toBe("admin.rules.errors.chooseField");
    expect(ruleErrorKey("actions.0.key", "validation.fieldKey")).toBe("admin.rules.errors.chooseField");
    expect(ruleErrorKey("actions.1.tags", "validation.tag")).toBe("admin.rules.errors.tagsEmpty");
    expect(ruleErrorKey("actions.1.tags.0", "validation.tag")).toBe("validation.tag");
    expect(ruleErrorKey("actions.2.body", "validation.body")).toBe("admin.rules.errors.noteEmpty");
    expect(ruleErrorKey("conditions.0.values", "validation.ruleValues")).toBe("validation.ruleValues");
    expect(ruleErrors({ "actions.2.body": ["validation.body", "validation.body"], name: ["errors.ruleNameTaken"] })).toEqual({
      "actions.2.body": ["admin.rules.errors.noteEmpty"],
      name: ["errors.ruleNameTaken"],
    });
  });
});

describe("a rule in one line", () => {
  const names: RuleNames = {
    categories: [{ id: CATEGORY, nameEn: "Billing", nameZh: "账务" }],
    teams: [{ id: TEAM, name: "Billing team" }],
    people: [{ id: AGENT, name: "Li Wei" }],
    calendars: [{ id: CALENDAR, name: "Berlin office" }],
    fields: [{ key: "amount", labelEn: "Amount", labelZh: "金额", type: "number", options: [] }],
  };
  const rule = {
    match: "all",
    conditions: [
      { field: "priority", op: "in", values: ["urgent"] },
      { field: "text", op: "contains_any", values: ["refund"] },
    ],
    actions: [
      { type: "set_team", teamId: TEAM },
      { type: "add_tags", tags: ["vip"] },
    ],
  };

  test("in English, as the list shows it", () => {
    const t = createI18n("en").t;
    expect(ruleSummary(rule, names, t, "en")).toEqual({ conditions: "Priority is Urgent and text contains “refund”", actions: "Team: Billing team, Add tags: vip" });
    const other = ruleSummary(
      {
        match: "any",
        conditions: [
          { field: "category", op: "not_in", values: [CATEGORY, "55555555-5555-4555-8555-555555555555"] },
          { field: "assignee", op: "in", values: ["none"] },
          { field: "business_hours", op: "outside", calendarId: CALENDAR },
          { field: "custom", key: "amount", op: "gt", value: 100 },
          { field: "tags", op: "has_none", values: ["spam", "test"] },
        ],
        actions: [
          { type: "assign", userId: null },
          { type: "notify", to: ["assignee", AGENT] },
          { type: "set_field", key: "amount", value: null },
          { type: "add_note", body: "x" },
        ],
      },
      names,
      t,
      "en",
    );
    expect(other.conditions).toBe(
      "Category is none of Billing, (removed) or assignee is nobody or outside the open hours of Berlin office or Amount is more than 100 or tags include none of spam, test",
    );
    expect(other.actions).toBe("Unassign, Notify: the assignee, Li Wei, Clear Amount, Internal note");
    expect(ruleSummary({ match: "all", conditions: [], actions: [] }, names, t, "en").conditions).toBe("Every ticket");
  });

  test("in Chinese", () => {
    const t = createI18n("zh-CN").t;
    expect(ruleSummary(rule, names, t, "zh-CN")).toEqual({ conditions: "优先级为紧急 且 文字包含“refund”", actions: "团队：Billing team，添加标签：vip" });
  });
});
