import { describe, expect, test } from "vitest";
import { dueTimes, POLICY_DEFAULTS, samePerPriority, selectPolicy, targetState, ticketSlaState, type SlaPolicyRule, type SlaSubject } from "../../server/sla/policy.ts";
import type { BusinessCalendar } from "../../server/sla/calendar.ts";

const policy = (p: Partial<SlaPolicyRule> & Pick<SlaPolicyRule, "id" | "position">): SlaPolicyRule => ({
  ...POLICY_DEFAULTS,
  targets: samePerPriority({ first_response: { minutes: 480, business: false }, resolution: { minutes: 4320, business: false } }),
  ...p,
});

const policies = [
  policy({ id: "default", position: 100 }),
  policy({ id: "key-complaint", position: 10, types: ["complaint"], tiers: ["key"] }),
  policy({ id: "complaint", position: 40, types: ["complaint"] }),
  policy({ id: "urgent", position: 20, priorities: ["urgent"] }),
  policy({ id: "billing-email", position: 5, channels: ["email"], categoryIds: ["billing"], teamIds: ["finance"] }),
  policy({ id: "switched-off", position: 1, enabled: false }),
];
const subject = (s: Partial<SlaSubject>): SlaSubject => ({
  type: "inquiry",
  priority: "normal",
  tier: "standard",
  channel: "portal",
  categoryId: "technical",
  teamId: "support",
  ...s,
});

describe("selectPolicy", () => {
  test("a key-tier complaint gets the strictest policy", () => {
    expect(selectPolicy(policies, subject({ type: "complaint", tier: "key" }))?.id).toBe("key-complaint");
  });
  test("a standard complaint gets the complaint policy, not the key-tier one", () => {
    expect(selectPolicy(policies, subject({ type: "complaint" }))?.id).toBe("complaint");
  });
  test("position decides between several matches", () => {
    expect(selectPolicy(policies, subject({ type: "complaint", priority: "urgent" }))?.id).toBe("urgent");
  });
  test("an inquiry falls through to the catch-all; a disabled policy never applies", () => {
    expect(selectPolicy(policies, subject({ priority: "low", tier: "growth" }))?.id).toBe("default");
  });
  test("channel, category and team conditions must all hold", () => {
    expect(selectPolicy(policies, subject({ channel: "email", categoryId: "billing", teamId: "finance" }))?.id).toBe("billing-email");
    expect(selectPolicy(policies, subject({ channel: "email", categoryId: "billing", teamId: null }))?.id).toBe("default");
    expect(selectPolicy(policies, subject({ channel: "portal", categoryId: "billing", teamId: "finance" }))?.id).toBe("default");
  });
  test("no policy when nothing matches", () => {
    expect(selectPolicy([policies[1]], subject({ priority: "low", tier: "key" }))).toBeUndefined();
  });
});

describe("dueTimes", () => {
  test("adds the priority's targets to the start time, in calendar or business minutes", () => {
    const from = new Date("2026-11-23T16:00:00Z"); // Monday
    const office: BusinessCalendar = { timezone: "UTC", hours: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] }, holidays: [] };
    const p = policy({
      id: "p",
      position: 1,
      calendar: office,
      targets: {
        normal: { first_response: { minutes: 60, business: false }, resolution: { minutes: 120, business: true } },
        urgent: { first_response: { minutes: 15, business: false } },
      },
    });
    const normal = dueTimes(p, "normal", from);
    expect(normal.firstResponseDueAt?.toISOString()).toBe("2026-11-23T17:00:00.000Z");
    expect(normal.resolutionDueAt?.toISOString()).toBe("2026-11-24T10:00:00.000Z"); // an hour on Monday, an hour on Tuesday
    expect(dueTimes(p, "urgent", from)).toEqual({ firstResponseDueAt: new Date("2026-11-23T16:15:00Z"), resolutionDueAt: null });
    expect(dueTimes(p, "low", from)).toEqual({ firstResponseDueAt: null, resolutionDueAt: null });
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
