// Routing rules as plain functions: which rules match a ticket (words in
// English and Chinese, all/any, custom fields, business hours), in which
// order, what each changes, and that a run is one pass in which each rule
// fires at most once.
import { describe, expect, test } from "vitest";
import { containsWord, normalizeText, runRules, ruleMatches, type Rule, type RuleContext, type RuleFacts } from "../../server/rules/evaluate.ts";
import { RuleInputSchema, RuleWordSchema, type RuleAction, type RuleCondition } from "../../server/rules/schemas.ts";
import { factsBefore } from "../../server/listeners/routing-rules.ts";

const BILLING = "00000000-0000-4000-8000-00000000b111";
const SUPPORT = "00000000-0000-4000-8000-00000000a111";
const CALENDAR = "00000000-0000-4000-8000-00000000c111";

const facts = (overrides: Partial<RuleFacts> = {}): RuleFacts => ({
  categoryId: "cat-technical",
  type: "inquiry",
  priority: "normal",
  status: "new",
  channel: "portal",
  teamId: SUPPORT,
  assigneeId: null,
  tags: [],
  fields: {},
  language: "en",
  tier: "standard",
  companyName: "Acme Ltd",
  healthBand: null,
  text: "Printer jam\nThe printer eats every page.",
  ...overrides,
});

const context: RuleContext = {
  now: Date.parse("2026-11-25T10:00:00Z"), // a Wednesday
  calendars: new Map([[CALENDAR, { timezone: "Europe/Berlin", hours: { wed: [["09:00", "17:00"]] }, holidays: [] }]]),
};

let ids = 0;
const rule = (conditions: RuleCondition[], actions: RuleAction[], more: Partial<Rule> = {}): Rule => ({
  id: `rule-${++ids}`,
  name: `Rule ${ids}`,
  position: ids,
  enabled: true,
  onCreate: true,
  onUpdate: false,
  match: "all",
  conditions,
  actions,
  ...more,
});
const words = (...values: string[]) => values.map((v) => RuleWordSchema.parse(v));
const text = (value: string) => normalizeText(value);

describe("words", () => {
  test("English words match whole words in any case; a trailing * matches the rest of a word; phrases match across spacing", () => {
    expect(containsWord(text("I want a REFUND now"), "refund")).toBe(true);
    expect(containsWord(text("Refunds are slow"), "refund")).toBe(false);
    expect(containsWord(text("Refunds are slow"), "refund*")).toBe(true);
    expect(containsWord(text("please discard it"), "card")).toBe(false);
    expect(containsWord(text("my credit\n card was charged"), "credit card")).toBe(true);
    expect(containsWord(text("ｒｅｆｕｎｄ please"), words("Refund")[0])).toBe(true);
  });

  test("Chinese words match as runs of characters, with no spaces between words", () => {
    expect(containsWord(text("我想申请退款，谢谢"), "退款")).toBe(true);
    expect(containsWord(text("我想申请退货"), "退款")).toBe(false);
  });
});

describe("conditions", () => {
  test("all or any of the conditions; a rule without conditions always matches", () => {
    const conditions: RuleCondition[] = [
      { field: "priority", op: "in", values: ["urgent"] },
      { field: "text", op: "contains_any", values: words("printer") },
    ];
    expect(ruleMatches({ match: "all", conditions }, facts(), context)).toBe(false);
    expect(ruleMatches({ match: "any", conditions }, facts(), context)).toBe(true);
    expect(ruleMatches({ match: "all", conditions: [] }, facts(), context)).toBe(true);
  });

  test("customer tier, company (any case), health band, team none, tags and language", () => {
    const holds = (condition: RuleCondition, on = facts()) => ruleMatches({ match: "all", conditions: [condition] }, on, context);
    expect(holds({ field: "tier", op: "in", values: ["key"] }, facts({ tier: "key" }))).toBe(true);
    expect(holds({ field: "company", op: "in", values: ["ACME LTD"] })).toBe(true);
    expect(holds({ field: "company", op: "not_in", values: ["Acme Ltd"] }, facts({ companyName: null }))).toBe(true);
    // A customer not yet scored is in no band.
    expect(holds({ field: "health", op: "in", values: ["critical"] })).toBe(false);
    expect(holds({ field: "health", op: "not_in", values: ["critical"] })).toBe(true);
    expect(holds({ field: "health", op: "in", values: ["critical"] }, facts({ healthBand: "critical" }))).toBe(true);
    expect(holds({ field: "team", op: "in", values: ["none"] }, facts({ teamId: null }))).toBe(true);
    expect(holds({ field: "tags", op: "has_all", values: ["a", "b"] }, facts({ tags: ["a"] }))).toBe(false);
    expect(holds({ field: "tags", op: "has_none", values: ["a"] }, facts({ tags: ["b"] }))).toBe(true);
    expect(holds({ field: "language", op: "in", values: ["zh-CN"] }, facts({ language: "zh-CN" }))).toBe(true);
  });

  test("custom fields: equal, set, numbers compared, text contains; an unticked checkbox counts as not set", () => {
    const holds = (condition: RuleCondition, on: RuleFacts) => ruleMatches({ match: "all", conditions: [condition] }, on, context);
    const withFields = facts({ fields: { order: "A-1234", amount: 250, gift: false } });
    expect(holds({ field: "custom", key: "order", op: "set" }, withFields)).toBe(true);
    expect(holds({ field: "custom", key: "gift", op: "not_set" }, withFields)).toBe(true);
    expect(holds({ field: "custom", key: "amount", op: "gt", value: 100 }, withFields)).toBe(true);
    expect(holds({ field: "custom", key: "amount", op: "lt", value: 100 }, withFields)).toBe(false);
    expect(holds({ field: "custom", key: "order", op: "contains", value: "a-12" }, withFields)).toBe(true);
    expect(holds({ field: "custom", key: "order", op: "is_not", value: "A-1234" }, withFields)).toBe(false);
  });

  test("within business hours follows the calendar's own time zone", () => {
    const within: RuleCondition = { field: "business_hours", op: "within", calendarId: CALENDAR };
    // 10:00 UTC is 11:00 in Berlin, a Wednesday: open.
    expect(ruleMatches({ match: "all", conditions: [within] }, facts(), context)).toBe(true);
    const evening = { ...context, now: Date.parse("2026-11-25T17:30:00Z") };
    expect(ruleMatches({ match: "all", conditions: [within] }, facts(), evening)).toBe(false);
    // A calendar removed since: the condition cannot hold.
    expect(ruleMatches({ match: "all", conditions: [{ ...within, calendarId: BILLING }] }, facts(), context)).toBe(false);
  });
});

describe("a run", () => {
  test("rules run in order, each sees what the ones before changed, and each says what it changed", () => {
    const first = rule(
      [{ field: "text", op: "contains_any", values: words("refund*") }],
      [
        { type: "set_team", teamId: BILLING },
        { type: "add_tags", tags: ["refund"] },
      ],
    );
    const second = rule(
      [{ field: "team", op: "in", values: [BILLING] }],
      [
        { type: "set_priority", priority: "high" },
        { type: "add_note", body: "Check the invoice" },
      ],
    );
    const run = runRules(
      [second, first].map((r, i) => ({ ...r, position: i === 0 ? 2 : 1 })),
      facts({ text: "Refunds please" }),
      null,
      context,
    );
    expect(run.facts).toMatchObject({ teamId: BILLING, priority: "high", tags: ["refund"] });
    expect(run.effects.map((e) => [e.rule.name, e.changed, e.notes])).toEqual([
      [first.name, { teamId: SUPPORT, tags: [] }, []],
      [second.name, { priority: "normal" }, ["Check the invoice"]],
    ]);
  });

  test("disabled rules and rules for the other trigger do not run", () => {
    const off = rule([], [{ type: "set_priority", priority: "urgent" }], { enabled: false });
    const onlyUpdate = rule([{ field: "priority", op: "in", values: ["normal"] }], [{ type: "set_priority", priority: "low" }], {
      onCreate: false,
      onUpdate: true,
    });
    expect(runRules([off, onlyUpdate], facts(), null, context).effects).toEqual([]);
  });

  test("on a change, a rule fires only when its conditions become true", () => {
    const urgent = rule([{ field: "priority", op: "in", values: ["urgent"] }], [{ type: "add_tags", tags: ["escalated"] }], {
      onCreate: false,
      onUpdate: true,
    });
    const before = facts({ priority: "high" });
    expect(runRules([urgent], facts({ priority: "urgent" }), before, context).effects).toHaveLength(1);
    // Already urgent before this change (say, a tag was added): it does not fire again.
    expect(runRules([urgent], facts({ priority: "urgent", tags: ["x"] }), facts({ priority: "urgent" }), context).effects).toEqual([]);
  });

  test("two rules that undo each other fire once each and the run ends (no loop)", () => {
    const ping = rule(
      [{ field: "tags", op: "has_any", values: ["ping"] }],
      [
        { type: "remove_tags", tags: ["ping"] },
        { type: "add_tags", tags: ["pong"] },
      ],
      { onUpdate: true },
    );
    const pong = rule(
      [{ field: "tags", op: "has_any", values: ["pong"] }],
      [
        { type: "remove_tags", tags: ["pong"] },
        { type: "add_tags", tags: ["ping"] },
      ],
      { onUpdate: true },
    );
    const run = runRules([ping, pong], facts({ tags: ["ping"] }), facts(), context);
    expect(run.effects.map((e) => e.rule.name)).toEqual([ping.name, pong.name]);
    expect(run.facts.tags).toEqual(["ping"]);
  });

  test("a team or person no longer available is skipped, the rule's other actions still apply", () => {
    const handOver = rule(
      [],
      [
        { type: "set_team", teamId: BILLING },
        { type: "assign", userId: CALENDAR },
        { type: "add_tags", tags: ["routed"] },
      ],
    );
    const run = runRules([handOver], facts(), null, { ...context, unavailable: new Set([BILLING, CALENDAR]) });
    expect(run.facts).toMatchObject({ teamId: SUPPORT, assigneeId: null, tags: ["routed"] });
    expect(run.effects[0].changed).toEqual({ tags: [] });
  });

  test("the facts before a change are its events undone", () => {
    const at = new Date();
    const after = facts({ priority: "urgent", tags: ["b"], fields: { amount: 5 }, text: "Subject\nNew reply" });
    const before = factsBefore(after, "Subject", [
      { type: "ticket.priority_changed", actorId: null, at, data: { from: "normal", to: "urgent" } },
      { type: "ticket.tags_changed", actorId: null, at, data: { added: ["b"], removed: ["a"] } },
      { type: "ticket.field_changed", actorId: null, at, data: { key: "amount", from: null, to: 5 } },
    ]);
    expect(before).toMatchObject({ priority: "normal", tags: ["a"], fields: {}, text: "Subject" });
  });
});

describe("what admins write", () => {
  test("a rule must run at some point, and on changes only with conditions", () => {
    const actions = [{ type: "set_priority", priority: "high" }];
    expect(RuleInputSchema.safeParse({ name: "x", onCreate: false, onUpdate: false, actions }).error?.issues[0].message).toBe("validation.ruleWhen");
    expect(RuleInputSchema.safeParse({ name: "x", onUpdate: true, actions }).error?.issues[0].message).toBe("validation.ruleUpdateNeedsConditions");
    expect(RuleInputSchema.safeParse({ name: "x", actions: [] }).error?.issues[0].message).toBe("validation.ruleActions");
    expect(RuleInputSchema.parse({ name: " x ", actions })).toMatchObject({
      name: "x",
      enabled: true,
      onCreate: true,
      onUpdate: false,
      match: "all",
      conditions: [],
    });
  });
});
