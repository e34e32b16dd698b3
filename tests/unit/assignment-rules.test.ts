import { describe, expect, test } from "vitest";
import { available, choose, eligible, freeSlots, plan, skillMatch, type Candidate, type TeamRule, type WaitingTicket } from "../../server/assignment/rules.ts";

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  assignable: true,
  deactivated: false,
  invited: false,
  availability: "online",
  capacity: null,
  load: 0,
  lastAssignedAt: null,
  skillCategoryIds: [],
  skillLanguages: [],
  ...over,
});
const ticket = (id: string, over: Partial<WaitingTicket> = {}): WaitingTicket => ({ id, categoryId: "tech", language: "en", ...over });
const team = (mode: TeamRule["mode"], bySkills = false): TeamRule => ({ id: "team", mode, bySkills });
const tickets = (n: number) => Array.from({ length: n }, (_, i) => ticket(`t${i}`));
const count = (assignments: { agentId: string }[]) =>
  assignments.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.agentId]: (acc[a.agentId] ?? 0) + 1 }), {});

describe("who may take work", () => {
  test("online, holding the permission, active, joined and under capacity", () => {
    expect(available(agent("a"))).toBe(true);
    expect(available(agent("a", { availability: "away" }))).toBe(false);
    expect(available(agent("a", { availability: "offline" }))).toBe(false);
    expect(available(agent("a", { assignable: false }))).toBe(false);
    expect(available(agent("a", { deactivated: true }))).toBe(false);
    expect(available(agent("a", { invited: true }))).toBe(false);
    expect(available(agent("a", { capacity: 3, load: 3 }))).toBe(false);
    expect(available(agent("a", { capacity: 3, load: 2 }))).toBe(true);
    expect(available(agent("a", { capacity: 0 }))).toBe(false);
    expect(available(agent("a", { capacity: null, load: 500 }))).toBe(true);
  });

  test("skills: the ticket's category and language must be named, an empty list takes any", () => {
    const zhTech = ticket("t", { categoryId: "tech", language: "zh-CN" });
    expect(skillMatch(agent("a"), zhTech)).toEqual({ categoryId: null, language: null });
    expect(skillMatch(agent("a", { skillCategoryIds: ["tech"] }), zhTech)).toEqual({ categoryId: "tech", language: null });
    expect(skillMatch(agent("a", { skillLanguages: ["zh-CN", "en"] }), zhTech)).toEqual({ categoryId: null, language: "zh-CN" });
    expect(skillMatch(agent("a", { skillCategoryIds: ["billing"] }), zhTech)).toBeNull();
    expect(skillMatch(agent("a", { skillLanguages: ["en"] }), zhTech)).toBeNull();
    // Only a team that assigns by skills asks.
    expect(eligible(agent("a", { skillLanguages: ["en"] }), zhTech, { bySkills: false })).toBe(true);
    expect(eligible(agent("a", { skillLanguages: ["en"] }), zhTech, { bySkills: true })).toBe(false);
  });
});

describe("round-robin", () => {
  test("the member never assigned first, then the one whose last turn is oldest", () => {
    const members = [agent("a", { lastAssignedAt: 2_000 }), agent("b", { lastAssignedAt: 1_000 }), agent("c")];
    expect(choose(team("round_robin"), members, ticket("t"))?.id).toBe("c");
    expect(choose(team("round_robin"), members.slice(0, 2), ticket("t"))?.id).toBe("b");
  });

  test("thirty tickets over three agents give each ten, in turn", () => {
    const assignments = plan(team("round_robin"), [agent("a"), agent("b"), agent("c")], tickets(30), 1_000);
    expect(count(assignments)).toEqual({ a: 10, b: 10, c: 10 });
    expect(assignments.slice(0, 6).map((a) => a.agentId)).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  test("the turn carries over from one batch to the next", () => {
    const members = [agent("a"), agent("b"), agent("c")];
    const first = plan(team("round_robin"), members, tickets(4), 1_000);
    // What the assigner stores: each agent's latest stamp in the team.
    const lastTurn = (id: string) => first.filter((a) => a.agentId === id).at(-1)?.stamp ?? null;
    const stored = members.map((m) => ({ ...m, lastAssignedAt: lastTurn(m.id) }));
    // The clock of the next batch reads earlier (another process): stamps still only go forward.
    const second = plan(team("round_robin"), stored, tickets(2), 500);
    expect([...first, ...second].map((a) => a.agentId)).toEqual(["a", "b", "c", "a", "b", "c"]);
    expect(second[0].stamp).toBeGreaterThan(first[3].stamp);
  });

  test("an agent offline, away or at capacity is skipped; the ticket waits when nobody can take it", () => {
    const members = [agent("a", { availability: "offline" }), agent("b", { capacity: 2, load: 1 }), agent("c", { availability: "away" })];
    const assignments = plan(team("round_robin"), members, tickets(3), 1_000);
    expect(assignments.map((a) => a.agentId)).toEqual(["b"]);
    expect(assignments[0]).toMatchObject({ load: 2, capacity: 2, mode: "round_robin", skills: null });
    expect(freeSlots(members)).toBe(1);
  });

  test("a manual team assigns nothing", () => {
    expect(plan(team("manual"), [agent("a")], tickets(2), 1_000)).toEqual([]);
    expect(choose(team("manual"), [agent("a")], ticket("t"))).toBeNull();
  });

  test("by skills: each ticket goes to the next in turn who has its skills, and one nobody has waits", () => {
    const members = [agent("en", { skillLanguages: ["en"] }), agent("zh", { skillLanguages: ["zh-CN"] }), agent("any")];
    const waiting = [ticket("1", { language: "zh-CN" }), ticket("2", { language: "zh-CN" }), ticket("3"), ticket("4", { categoryId: "x", language: "fr" })];
    const assignments = plan(team("round_robin", true), members, waiting, 1_000);
    expect(assignments.map((a) => [a.ticketId, a.agentId])).toEqual([
      ["1", "any"],
      ["2", "zh"],
      ["3", "en"],
      ["4", "any"],
    ]);
    expect(assignments[1].skills).toEqual({ categoryId: null, language: "zh-CN" });
    const noGeneralist = plan(team("round_robin", true), members.slice(0, 2), waiting, 1_000);
    expect(noGeneralist.map((a) => [a.ticketId, a.agentId])).toEqual([
      ["1", "zh"],
      ["2", "zh"],
      ["3", "en"],
    ]);
  });
});

describe("least-loaded", () => {
  test("fewest active tickets first, then the oldest turn", () => {
    const members = [agent("a", { load: 3 }), agent("b", { load: 1, lastAssignedAt: 5 }), agent("c", { load: 1, lastAssignedAt: 2 })];
    expect(choose(team("least_loaded"), members, ticket("t"))?.id).toBe("c");
  });

  test("evens out the loads", () => {
    const members = [agent("a", { load: 4 }), agent("b", { load: 0 }), agent("c", { load: 1, capacity: 3 })];
    const assignments = plan(team("least_loaded"), members, tickets(6), 1_000);
    // b to 1, then b/c alternate by turn, c stops at 3, b catches up with a.
    expect(count(assignments)).toEqual({ b: 4, c: 2 });
    expect(assignments.at(-1)).toMatchObject({ agentId: "b", load: 4, mode: "least_loaded" });
  });
});
