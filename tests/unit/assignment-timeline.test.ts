// The ticket's timeline says why automatic assignment chose the agent, in both languages.
import { describe, expect, test } from "vitest";
import { createI18n } from "../../app/i18n/i18n.ts";
import { autoAssignedText } from "../../app/components/Ticket.tsx";
import { buildTimeline, mentionedIds, type TimelineChange } from "../../server/tickets/timeline.ts";
import type { StoredEvent } from "../../server/events/types.ts";

const assignedEvent = (cause: object): StoredEvent =>
  ({
    id: 7n,
    txid: 1n,
    type: "ticket.assignee_changed",
    ticketId: "ticket",
    customerId: "customer",
    actorId: null,
    at: new Date("2026-12-04T09:00:00Z"),
    data: { from: null, to: "li", version: 2, cause },
  }) as StoredEvent;

const names = {
  users: new Map([["li", "Li Wei"]]),
  teams: new Map([["tech", "Technical"]]),
  policies: new Map(),
  categories: new Map([["cat", { nameEn: "Technical problem", nameZh: "技术问题" }]]),
};

function changeOf(cause: object) {
  const [entry] = buildTimeline([assignedEvent(cause)], names);
  expect(entry.actor).toBeNull();
  return entry.changes[0] as Extract<TimelineChange, { kind: "auto_assigned" }>;
}

describe("an automatic assignment in the timeline", () => {
  test("names the agent, the mode, the team and the agent's load", () => {
    const change = changeOf({ mode: "round_robin", teamId: "tech", load: 3, capacity: 5, skills: null });
    expect(autoAssignedText(createI18n("en").t, change, "en")).toBe("Assigned to Li Wei by round-robin in Technical (3 of 5 open).");
    expect(autoAssignedText(createI18n("zh-CN").t, change, "zh-CN")).toBe("已在“Technical”中按轮询分配给 Li Wei（进行中 3/5）。");
  });

  test("least-loaded without a limit, with the skills it matched", () => {
    const change = changeOf({ mode: "least_loaded", teamId: "tech", load: 2, capacity: null, skills: { categoryId: "cat", language: "zh-CN" } });
    expect(autoAssignedText(createI18n("en").t, change, "en")).toBe(
      "Assigned to Li Wei, the least loaded in Technical (2 open), matching their skills: Technical problem and Chinese.",
    );
    expect(autoAssignedText(createI18n("zh-CN").t, change, "zh-CN")).toBe("已在“Technical”中按最少负载分配给 Li Wei（进行中 2），匹配其技能：技术问题、中文。");
  });

  test("the team and category are looked up with the people", () => {
    const ids = mentionedIds([assignedEvent({ mode: "round_robin", teamId: "tech", load: 1, capacity: null, skills: { categoryId: "cat", language: null } })]);
    expect(ids).toMatchObject({ users: ["li"], teams: ["tech"], categories: ["cat"] });
  });

  test("an SLA escalation's assignment still reads as part of the escalation", () => {
    expect(buildTimeline([assignedEvent({ policyId: "p", level: 0 })], names)).toEqual([]);
  });
});
