import { describe, expect, test } from "vitest";
import { dueTimes, selectPolicy, targetState, ticketSlaState, type SlaPolicyRule } from "../../server/sla/policy.ts";

const policy = (p: Partial<SlaPolicyRule> & Pick<SlaPolicyRule, "id" | "position">): SlaPolicyRule => ({
  matchType: null,
  matchPriority: null,
  matchTier: null,
  firstResponseMinutes: 480,
  resolutionMinutes: 4320,
  ...p,
});

const policies = [
  policy({ id: "default", position: 100 }),
  policy({ id: "key-complaint", position: 10, matchType: "complaint", matchTier: "key", firstResponseMinutes: 60 }),
  policy({ id: "complaint", position: 40, matchType: "complaint", firstResponseMinutes: 240 }),
  policy({ id: "urgent", position: 20, matchPriority: "urgent", firstResponseMinutes: 30 }),
];

describe("selectPolicy", () => {
  test("a key-tier complaint gets the strictest policy", () => {
    expect(selectPolicy(policies, { type: "complaint", priority: "normal", tier: "key" })?.id).toBe("key-complaint");
  });
  test("a standard complaint gets the complaint policy, not the key-tier one", () => {
    expect(selectPolicy(policies, { type: "complaint", priority: "normal", tier: "standard" })?.id).toBe("complaint");
  });
  test("position decides between several matches", () => {
    expect(selectPolicy(policies, { type: "complaint", priority: "urgent", tier: "standard" })?.id).toBe("urgent");
  });
  test("an inquiry falls through to the catch-all", () => {
    expect(selectPolicy(policies, { type: "inquiry", priority: "low", tier: "growth" })?.id).toBe("default");
  });
  test("no policy when nothing matches", () => {
    expect(selectPolicy([policies[1]], { type: "inquiry", priority: "low", tier: "key" })).toBeUndefined();
  });
});

describe("dueTimes", () => {
  test("adds the targets to the start time", () => {
    const from = new Date("2026-11-23T10:00:00Z");
    const due = dueTimes({ firstResponseMinutes: 60, resolutionMinutes: 480 }, from);
    expect(due.firstResponseDueAt.toISOString()).toBe("2026-11-23T11:00:00.000Z");
    expect(due.resolutionDueAt.toISOString()).toBe("2026-11-23T18:00:00.000Z");
  });
});

describe("targetState", () => {
  const startedAt = new Date("2026-11-23T10:00:00Z");
  const dueAt = new Date("2026-11-23T14:00:00Z"); // 4 h window; at risk in the last hour
  const at = (iso: string) => new Date(`2026-11-23T${iso}:00Z`);

  test("on track early, at risk in the last quarter, breached after", () => {
    expect(targetState({ startedAt, dueAt, doneAt: null }, at("11:00"))).toBe("on_track");
    expect(targetState({ startedAt, dueAt, doneAt: null }, at("13:30"))).toBe("at_risk");
    expect(targetState({ startedAt, dueAt, doneAt: null }, at("14:01"))).toBe("breached");
  });
  test("done on time is met, done late stays breached", () => {
    expect(targetState({ startedAt, dueAt, doneAt: at("13:59") }, at("20:00"))).toBe("met");
    expect(targetState({ startedAt, dueAt, doneAt: at("14:30") }, at("20:00"))).toBe("breached");
  });
  test("no due time means no SLA", () => {
    expect(targetState({ startedAt, dueAt: null, doneAt: null }, at("20:00"))).toBe("none");
  });
});

describe("ticketSlaState", () => {
  test("the worst target wins", () => {
    const state = ticketSlaState(
      {
        createdAt: new Date("2026-11-23T10:00:00Z"),
        firstResponseDueAt: new Date("2026-11-23T11:00:00Z"),
        firstRespondedAt: new Date("2026-11-23T10:30:00Z"),
        resolutionDueAt: new Date("2026-11-23T12:00:00Z"),
        solvedAt: null,
      },
      new Date("2026-11-23T12:30:00Z"),
    );
    expect(state).toBe("breached");
  });
});
