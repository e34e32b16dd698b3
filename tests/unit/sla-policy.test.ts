import { describe, expect, test } from "vitest";
import { POLICY_DEFAULTS, samePerPriority, selectPolicy, type SlaPolicyRule, type SlaSubject } from "../../server/sla/policy.ts";

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
