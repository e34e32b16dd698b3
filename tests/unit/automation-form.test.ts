// The automation editor's form, read as the service's input: the rules' rows
// (app/utils/rule-form.ts) plus an automation's own actions (set status,
// reply in each language) and fields (the waiting time in any unit, shown
// back in the largest whole one), and an automation as one line in both
// languages.
import { describe, expect, test } from "vitest";
import { AutomationInputSchema } from "../../server/automations/schemas.ts";
import { RuleInputSchema } from "../../server/rules/schemas.ts";
import {
  afterMinutes,
  afterParts,
  automationDraft,
  automationErrors,
  automationFromForm,
  automationInput,
  newAutomationDraft,
  presetDraft,
} from "../../app/utils/automation-form.ts";
import { blankAction, editDraft, ruleFromForm } from "../../app/utils/rule-form.ts";
import { automationSummary, type RuleNames } from "../../app/utils/rule-summary.ts";
import { createI18n } from "../../app/i18n/i18n.ts";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

const TEAM = "22222222-2222-4222-8222-222222222222";

describe("the automation form", () => {
  test("its own fields and actions, with the rules' rows, as the schema takes them", () => {
    const draft = automationFromForm(
      form([
        ["name", " Close solved tickets "],
        ["enabled", "on"],
        ["status", "solved"],
        ["afterAmount", " 4 "],
        ["afterUnit", "days"],
        ["match", "all"],
        ["conditions.0.field", "priority"],
        ["conditions.0.op", "in"],
        ["conditions.0.values", "low"],
        ["actions.0.type", "set_status"],
        ["actions.0.status", "closed"],
        ["actions.1.type", "reply"],
        ["actions.1.body.en", "Hello {{customer.name}},\n\nclosing #{{ticket.number}}."],
        ["actions.1.body.zh-CN", "  "],
        ["actions.2.type", "set_team"],
        ["actions.2.teamId", TEAM],
      ]),
    );
    expect(draft).toEqual({
      name: "Close solved tickets",
      enabled: true,
      status: "solved",
      afterAmount: "4",
      afterUnit: "days",
      match: "all",
      conditions: [{ field: "priority", op: "in", values: ["low"] }],
      actions: [
        { type: "set_status", status: "closed" },
        // A language left empty is left out; the text is kept as written.
        { type: "reply", body: { en: "Hello {{customer.name}},\n\nclosing #{{ticket.number}}." } },
        { type: "set_team", teamId: TEAM },
      ],
    });
    const input = automationInput(draft);
    expect(input).not.toHaveProperty("afterAmount");
    expect(input.afterMinutes).toBe(4 * 24 * 60);
    const parsed = AutomationInputSchema.safeParse(input);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data!.actions[1]).toEqual({ type: "reply", body: { en: "Hello {{customer.name}},\n\nclosing #{{ticket.number}}." } });
  });

  test("what is refused is refused on the paths the form names", () => {
    const draft = automationFromForm(
      form([
        ["name", "x"],
        ["status", "closed"],
        ["afterAmount", "soon"],
        ["afterUnit", "hours"],
        ["actions.0.type", "set_status"],
        ["actions.0.status", ""],
        ["actions.1.type", "reply"],
        ["actions.1.body.en", ""],
        ["actions.1.body.zh-CN", ""],
      ]),
    );
    expect(draft.enabled).toBe(false);
    expect(automationInput(draft).afterMinutes).toBeNull();
    const issues = AutomationInputSchema.safeParse(automationInput(draft)).error!.issues.map((i) => i.path.join("."));
    expect(issues).toEqual(expect.arrayContaining(["status", "afterMinutes", "actions.0.status", "actions.1.body"]));
  });

  test("the waiting time in any unit, shown back in the largest whole one", () => {
    expect(afterMinutes("3", "days")).toBe(4320);
    expect(afterMinutes("1.5", "hours")).toBe(90);
    expect(afterMinutes("１２", "hours")).toBe(720); // full-width digits, as a Chinese input method types them
    expect(afterMinutes("45", "minutes")).toBe(45);
    expect(afterMinutes("45", "weeks")).toBe(45);
    expect(afterMinutes("", "days")).toBeNull();
    expect(afterMinutes("-2", "days")).toBeNull();
    expect(afterMinutes("2 days", "days")).toBeNull();
    expect(afterParts(4320)).toEqual({ amount: 3, unit: "days" });
    expect(afterParts(720)).toEqual({ amount: 12, unit: "hours" });
    expect(afterParts(90)).toEqual({ amount: 90, unit: "minutes" });
    expect(afterParts(1)).toEqual({ amount: 1, unit: "minutes" });
    const stored = { name: "n", enabled: false, status: "pending", afterMinutes: 10080, match: "any", conditions: [], actions: [{ type: "set_status", status: "solved" }] };
    expect(automationDraft(stored)).toMatchObject({ afterAmount: "7", afterUnit: "days", enabled: false, match: "any" });
  });

  test("a new automation, and the suggested ones, pass the schema once named and written", () => {
    expect(automationInput(newAutomationDraft())).toMatchObject({ status: "pending", afterMinutes: 4320, actions: [{ type: "reply" }] });
    const close = presetDraft("close", "Close solved tickets", {});
    expect(AutomationInputSchema.safeParse(automationInput(close)).success).toBe(true);
    expect(automationInput(close)).toMatchObject({ status: "solved", afterMinutes: 5760, actions: [{ type: "set_status", status: "closed" }] });
    const remind = presetDraft("remind", "Remind", { en: "Hi {{customer.name}}", "zh-CN": "您好" });
    expect(AutomationInputSchema.safeParse(automationInput(remind)).success).toBe(true);
  });

  test("rows added without scripts are the editor's new rows; blank rows of its own actions", () => {
    const draft = newAutomationDraft();
    expect(editDraft(draft, "add-action", () => blankAction("set_status"))!.actions[1]).toEqual({ type: "set_status", status: "" });
    expect(editDraft(draft, "add-condition")!.conditions).toHaveLength(1);
    expect(editDraft(draft, "remove-action:0")!.actions).toHaveLength(0);
    expect(blankAction("reply")).toEqual({ type: "reply", body: { en: "", "zh-CN": "" } });
  });

  test("an automation's actions in a rule's form are none a rule takes", () => {
    const rule = ruleFromForm(form([["name", "r"], ["onCreate", "on"], ["actions.0.type", "set_status"], ["actions.0.status", "solved"]]));
    expect(rule.actions).toEqual([{ type: "set_status", status: "solved" }]);
    expect(RuleInputSchema.safeParse(rule).success).toBe(false);
  });

  test("errors in the editor's words: the time in any unit, the rules' own", () => {
    expect(
      automationErrors({
        afterMinutes: ["validation.automationAfter"],
        "actions.0.key": ["validation.fieldKey"],
        "actions.1.body": ["validation.automationReply"],
      }),
    ).toEqual({
      afterMinutes: ["admin.automations.errors.after"],
      "actions.0.key": ["admin.rules.errors.chooseField"],
      "actions.1.body": ["validation.automationReply"],
    });
  });
});

describe("an automation in one line", () => {
  const names: RuleNames = { categories: [], teams: [{ id: TEAM, name: "Billing" }], people: [], calendars: [], fields: [] };
  const remind = {
    status: "pending",
    afterMinutes: 3 * 24 * 60,
    match: "all",
    conditions: [],
    actions: [
      { type: "reply", body: { en: "Hi" } },
      { type: "set_status", status: "solved" },
    ],
  };

  test("in English", () => {
    const t = createI18n("en").t;
    expect(automationSummary(remind, names, t, "en")).toEqual({ when: "Pending for 3 days", actions: "Reply to the customer, Set status: Solved" });
    const withConditions = automationSummary(
      { ...remind, afterMinutes: 90, match: "any", conditions: [{ field: "priority", op: "in", values: ["urgent"] }, { field: "team", op: "in", values: [TEAM] }] },
      names,
      t,
      "en",
    );
    expect(withConditions.when).toBe("Pending for 90 minutes, if priority is Urgent or team is Billing");
    expect(automationSummary({ ...remind, afterMinutes: 60 }, names, t, "en").when).toBe("Pending for 1 hour");
  });

  test("in Chinese", () => {
    const t = createI18n("zh-CN").t;
    expect(automationSummary(remind, names, t, "zh-CN")).toEqual({ when: "“待客户回复”满 3 天", actions: "回复客户，设置状态：已解决" });
  });
});
