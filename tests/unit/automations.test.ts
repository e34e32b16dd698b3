// Time-based automations as plain functions (server/automations/plan.ts and
// schemas.ts): what an admin may write, and what one does to a ticket whose
// time has come.
import { describe, expect, test } from "vitest";
import { AutomationInputSchema, AutomationChangeSchema } from "../../server/automations/schemas.ts";
import { asRule, dueAt, dueThrough, repliesFor, replyLocale, statusFor, type Automation } from "../../server/automations/plan.ts";
import { ruleMatches, type RuleFacts } from "../../server/rules/evaluate.ts";

const automation = (over: Partial<Automation> = {}): Automation => ({
  id: "a1",
  name: "Remind",
  position: 0,
  enabled: true,
  status: "pending",
  afterMinutes: 3 * 24 * 60,
  match: "all",
  conditions: [],
  actions: [{ type: "reply", body: { en: "Hi {{customer.name}}, #{{ticket.number}} waits for you. {{agent.name}}", "zh-CN": "{{customer.name}}您好" } }],
  ...over,
});

const values = { customerName: "Ada", customerEmail: "ada@example.com", number: 42, subject: "Printer", agentName: "Li Wei" };

describe("what an automation may be", () => {
  const valid = { name: "Remind", status: "pending", afterMinutes: 60, actions: [{ type: "reply", body: { en: "Hi" } }] };
  const errors = (input: unknown) => {
    const result = AutomationInputSchema.safeParse(input);
    return result.success ? null : result.error.issues.map((i) => [i.path.join("."), i.message]);
  };

  test("defaults: enabled, all conditions, none given", () => {
    expect(AutomationInputSchema.parse(valid)).toMatchObject({ enabled: true, match: "all", conditions: [] });
  });

  test("waits in any status but closed, from a minute to a year", () => {
    expect(errors({ ...valid, status: "closed" })).toEqual([["status", "validation.automationStatus"]]);
    expect(errors({ ...valid, status: "new" })).toBeNull();
    expect(errors({ ...valid, afterMinutes: 0 })).toEqual([["afterMinutes", "validation.automationAfter"]]);
    expect(errors({ ...valid, afterMinutes: 1.5 })).toEqual([["afterMinutes", "validation.automationAfter"]]);
    expect(errors({ ...valid, afterMinutes: 365 * 24 * 60 + 1 })).toEqual([["afterMinutes", "validation.automationAfter"]]);
    expect(errors({ ...valid, afterMinutes: 365 * 24 * 60 })).toBeNull();
  });

  test("acts: the rules' actions, a status (never new), a reply with text in some language; one status and one reply", () => {
    expect(errors({ ...valid, actions: [] })).toEqual([["actions", "validation.automationActions"]]);
    expect(errors({ ...valid, actions: [{ type: "set_status", status: "new" }] })).toEqual([["actions.0.status", "validation.status"]]);
    expect(errors({ ...valid, actions: [{ type: "reply", body: { en: "  ", "zh-CN": "" } }] })).toEqual([["actions.0.body", "validation.automationReply"]]);
    expect(errors({ ...valid, actions: [{ type: "reply", body: "Hi" }] })).toEqual([["actions.0.body", "validation.automationReply"]]);
    expect(errors({ ...valid, actions: [{ type: "reply", body: { en: "Hi {{customer.nmae}}" } }] })).toEqual([["actions.0.body.en", "validation.macroPlaceholder"]]);
    expect(errors({ ...valid, actions: [{ type: "launch_rocket" }] })).toEqual([["actions.0.type", "validation.automationAction"]]);
    expect(
      errors({
        ...valid,
        actions: [
          { type: "reply", body: { en: "a" } },
          { type: "set_status", status: "solved" },
          { type: "add_tags", tags: ["x"] },
          { type: "reply", body: { en: "b" } },
        ],
      }),
    ).toEqual([["actions.3", "validation.automationOneEach"]]);
    expect(errors({ ...valid, actions: [{ type: "set_status", status: "closed" }, { type: "add_note", body: "Closed by time" }, { type: "notify", to: ["assignee"] }] })).toBeNull();
  });

  test("a change names something to change", () => {
    expect(AutomationChangeSchema.safeParse({}).success).toBe(false);
    expect(AutomationChangeSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });
});

describe("what an automation does", () => {
  test("falls due its minutes after the ticket entered the status", () => {
    const a = automation({ afterMinutes: 90 });
    expect(dueAt(a, new Date("2026-03-01T10:00:00Z"))).toEqual(new Date("2026-03-01T11:30:00Z"));
    expect(dueThrough(a, new Date("2026-03-01T11:30:00Z"))).toEqual(new Date("2026-03-01T10:00:00Z"));
  });

  test("replies in the requester's account language, else the ticket's, with the placeholders filled in", () => {
    expect(replyLocale("zh-CN", "en")).toBe("zh-CN");
    expect(replyLocale(null, "zh-CN")).toBe("zh-CN");
    expect(replyLocale(null, "fr")).toBe("en");
    expect(repliesFor(automation(), "en", values)).toEqual(["Hi Ada, #42 waits for you. Li Wei"]);
    expect(repliesFor(automation(), "zh-CN", values)).toEqual(["Ada您好"]);
    // A language without a text gets the other's.
    const englishOnly = automation({ actions: [{ type: "reply", body: { en: "Hi {{customer.email}}", "zh-CN": undefined } }] });
    expect(repliesFor(englishOnly, "zh-CN", values)).toEqual(["Hi ada@example.com"]);
    expect(repliesFor(automation({ actions: [{ type: "set_status", status: "solved" }] }), "en", values)).toEqual([]);
  });

  test("sets a status only when it changes it and may", () => {
    const solve = automation({ actions: [{ type: "set_status", status: "solved" }] });
    expect(statusFor(solve, "pending")).toBe("solved");
    expect(statusFor(solve, "solved")).toBeNull();
    expect(statusFor(solve, "closed")).toBeNull();
    expect(statusFor(automation(), "pending")).toBeNull();
  });

  test("its conditions and rule actions run as a rule (the routing rules' evaluation)", () => {
    const a = automation({
      match: "any",
      conditions: [
        { field: "priority", op: "in", values: ["urgent"] },
        { field: "tags", op: "has_any", values: ["vip"] },
      ],
      actions: [{ type: "add_tags", tags: ["chased"] }, { type: "set_status", status: "solved" }, { type: "reply", body: { en: "Hi", "zh-CN": undefined } }],
    });
    const rule = asRule(a);
    expect(rule).toMatchObject({ id: "a1", enabled: true, onCreate: true, match: "any", actions: [{ type: "add_tags", tags: ["chased"] }] });
    const facts: RuleFacts = {
      categoryId: "c",
      type: "inquiry",
      priority: "normal",
      status: "pending",
      channel: "portal",
      teamId: null,
      assigneeId: null,
      tags: ["vip"],
      fields: {},
      language: "en",
      tier: "standard",
      companyName: null,
      healthBand: null,
      text: "",
    };
    const context = { now: 0, calendars: new Map() };
    expect(ruleMatches(rule, facts, context)).toBe(true);
    expect(ruleMatches(rule, { ...facts, tags: [] }, context)).toBe(false);
  });
});
