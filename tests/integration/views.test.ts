// Views of tickets against the real PostgreSQL: the list a view shows (SQL)
// and the live list's decision for a changed ticket (matchesView, in the
// browser) must agree for any filters; counts match lists; pages cover a
// view exactly once in every order; saved views are personal or shared.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { forgetSingleton } from "../../server/runtime.ts";
import { countViews, createTicket, getTicketSummaries, listTickets, updateTicket } from "../../server/tickets/service.ts";
import { toQueueTicket } from "../../server/tickets/present.ts";
import { matchesView, ME, MY_TEAMS, NOBODY, ViewFiltersSchema, type ResolvedView, type ViewFiltersInput } from "../../server/views/filters.ts";
import { createView, deleteView, getView, listViews, MAX_SAVED_VIEWS, resolveFor, startOfDay, updateView, type View } from "../../server/views/service.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { resolveView } from "../../server/views/filters.ts";

let t: TestDatabase;
let f: Awaited<ReturnType<typeof createFixtures>>;
let categoryIds: string[];
const DAY = 86_400_000;
const start = Date.parse("2026-11-01T12:00:00Z");

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db");
  f = await createFixtures(t.db);
  categoryIds = (await t.db.category.findMany({ select: { id: true }, orderBy: { key: "asc" } })).map((c) => c.id);
  // 36 tickets over 12 days: both types and categories, both requesters, every priority, some
  // assigned, tagged, moved to no team, solved or closed.
  for (let i = 0; i < 36; i++) {
    const requester = i % 3 === 0 ? f.otherCustomer : f.keyCustomer;
    const ticket = await createTicket(
      t.db,
      requester,
      {
        type: i % 2 ? "complaint" : "inquiry",
        category: i % 4 < 2 ? "technical" : "billing",
        subject: `Ticket ${i}`,
        description: "Something to look at, long enough.",
      },
      "portal",
      new Date(start + (i % 12) * DAY + i * 60_000),
    );
    const change: Record<string, unknown> = { priority: ["low", "normal", "high", "urgent"][i % 4] };
    if (i % 5 === 0) change.assigneeId = f.agent.id;
    if (i % 7 === 0) change.assigneeId = f.billingAgent.id;
    if (i % 3 === 1) change.tags = i % 2 ? ["refund"] : ["refund", "vip"];
    if (i % 11 === 0) change.teamId = null;
    if (i % 6 === 0) change.status = "solved";
    await updateTicket(t.db, f.supervisor, ticket.number, change, new Date(start + 13 * DAY + i * 60_000));
    if (i % 9 === 0) await updateTicket(t.db, f.supervisor, ticket.number, { status: "closed" }, new Date(start + 14 * DAY));
  }
});

afterAll(async () => {
  await t?.drop();
});

async function everything(user: AuthUser, view: ResolvedView, sort: "due" | "created" | "updated", limit = 200) {
  const numbers: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listTickets(t.db, user, { sort, limit, cursor }, { view });
    numbers.push(...page.items.map((x) => x.number));
    if (!page.nextCursor) return numbers;
    cursor = page.nextCursor;
  }
  throw new Error("too many pages");
}

async function allVisible(user: AuthUser) {
  const ids = (await listTickets(t.db, user, { limit: 200 })).items.map((x) => x.id);
  return (await getTicketSummaries(t.db, ids)).map(toQueueTicket);
}

const resolve = (input: ViewFiltersInput, user: AuthUser, timeZone = "UTC") =>
  resolveView(ViewFiltersSchema.parse(input), user, timeZone, startOfDay);

describe("the list and the live decision agree", () => {
  const some = <T>(values: readonly T[]) => fc.subarray([...values], { maxLength: values.length });
  const day = fc.integer({ min: -1, max: 13 }).map((d) => new Date(start + d * DAY).toISOString().slice(0, 10));
  const filters = () =>
    fc.record(
      {
        statuses: some(["new", "open", "pending", "on_hold", "solved", "closed"] as const),
        priorities: some(["low", "normal", "high", "urgent"] as const),
        types: some(["complaint", "inquiry"] as const),
        categoryIds: some(categoryIds),
        teamIds: some([MY_TEAMS, NOBODY, f.teams.support.id, f.teams.billing.id]),
        assigneeIds: some([ME, NOBODY, f.agent.id, f.billingAgent.id]),
        tags: some(["refund", "vip", "other"]),
        slaStates: some(["on_track", "at_risk", "breached", "met", "missed", "none"] as const),
        tiers: some(["key", "standard"] as const),
        requester: fc.constantFrom(undefined, "ada@key.example", "OTTO@std.example"),
        createdFrom: fc.option(day, { nil: undefined }),
        createdTo: fc.option(day, { nil: undefined }),
        updatedFrom: fc.option(day, { nil: undefined }),
      },
      { requiredKeys: [] },
    );

  test("for any filters, the tickets a view lists are exactly those matchesView keeps, for each person", async () => {
    for (const user of [f.supervisor, f.agent, f.billingAgent]) {
      const visible = await allVisible(user);
      await fc.assert(
        fc.asyncProperty(filters(), fc.constantFrom("UTC", "Asia/Shanghai", "America/Los_Angeles"), async (input, zone) => {
          const view = resolve(input, user, zone);
          const listed = (await everything(user, view, "created")).sort((a, b) => a - b);
          const kept = visible.filter((ticket) => matchesView(view, ticket)).map((x) => x.number).sort((a, b) => a - b);
          expect(listed).toEqual(kept);
        }),
        { numRuns: 60 },
      );
    }
  });

  test("days are the viewer's: a ticket filed at 23:30 UTC on the 3rd belongs to the 4th in Shanghai", async () => {
    const late = await createTicket(
      t.db,
      f.keyCustomer,
      { type: "inquiry", category: "technical", subject: "Late filing", description: "Filed late in the evening, UTC." },
      "portal",
      new Date("2026-11-03T23:30:00Z"),
    );
    const on = (zone: string, day: string) => everything(f.supervisor, resolve({ createdFrom: day, createdTo: day }, f.supervisor, zone), "created");
    expect(await on("UTC", "2026-11-03")).toContain(late.number);
    expect(await on("Asia/Shanghai", "2026-11-03")).not.toContain(late.number);
    expect(await on("Asia/Shanghai", "2026-11-04")).toContain(late.number);
  });
});

describe("counts and pages", () => {
  test("a view's count is its list's length, and the views' counts come in one go", async () => {
    const views = await listViews(t.db, f.agent);
    const resolved = views.map((v) => resolveFor(v, f.agent, "UTC"));
    const counts = await countViews(t.db, f.agent, resolved);
    for (const [i, view] of resolved.entries()) {
      expect(counts[i], views[i].key).toEqual({ count: (await everything(f.agent, view, "created")).length, capped: false });
    }
  });

  test("paging a view in small pages shows each ticket once, in every order", async () => {
    const view = resolve({ statuses: ["new", "open", "solved", "closed"] }, f.supervisor);
    const all = (await everything(f.supervisor, view, "created")).sort((a, b) => a - b);
    expect(all.length).toBeGreaterThan(20);
    for (const sort of ["due", "created", "updated"] as const) {
      const paged = await everything(f.supervisor, view, sort, 7);
      expect(new Set(paged).size, sort).toBe(paged.length);
      expect([...paged].sort((a, b) => a - b), sort).toEqual(all);
    }
  });
});

describe("saved views", () => {
  const input = (name: string, extra: Record<string, unknown> = {}) => ({ name, filters: { priorities: ["urgent"] }, sort: "due", ...extra });

  test("a personal view is its owner's alone; a shared one is everyone's and only supervisors keep it", async () => {
    const mine = await createView(t.db, f.agent, input("My urgent"));
    expect(mine).toMatchObject({ name: "My urgent", shared: false, editable: true, builtIn: false });
    await expect(getView(t.db, f.billingAgent, mine.key)).rejects.toMatchObject({ code: "not_found" });
    await expect(updateView(t.db, f.supervisor, mine.key, input("Taken"))).rejects.toMatchObject({ code: "not_found" });
    await expect(createView(t.db, f.agent, input("For all", { shared: true }))).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateView(t.db, f.agent, mine.key, input("My urgent", { shared: true }))).rejects.toMatchObject({ code: "forbidden" });

    const shared = await createView(t.db, f.supervisor, input("Team urgent", { shared: true }));
    const agentsView = (await listViews(t.db, f.billingAgent)).find((v: View) => v.key === shared.key);
    expect(agentsView).toMatchObject({ name: "Team urgent", shared: true, editable: false });
    await expect(updateView(t.db, f.billingAgent, shared.key, input("Mine now"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteView(t.db, f.billingAgent, shared.key)).rejects.toMatchObject({ code: "forbidden" });
    await deleteView(t.db, f.supervisor, shared.key);
    await expect(getView(t.db, f.billingAgent, shared.key)).rejects.toMatchObject({ code: "not_found" });
  });

  test("built-in views cannot be changed, bad filters are refused by field, and there is a limit", async () => {
    await expect(updateView(t.db, f.agent, "mine", input("x"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(createView(t.db, f.agent, { name: "", filters: { statuses: ["lost"], requester: "nope", createdFrom: "2026-13-01" } })).rejects.toMatchObject({
      code: "validation_failed",
      details: { name: ["validation.viewName"], "filters.statuses.0": ["validation.status"], "filters.requester": ["validation.email"], "filters.createdFrom": ["validation.date"] },
    });
    const existing = (await listViews(t.db, f.billingAgent)).filter((v) => !v.builtIn && !v.shared).length;
    for (let i = existing; i < MAX_SAVED_VIEWS; i++) await createView(t.db, f.billingAgent, input(`View ${i}`));
    await expect(createView(t.db, f.billingAgent, input("One too many"))).rejects.toMatchObject({ code: "conflict" });
  });

  test("built-in views fit the person: no team view without teams, no \"mine\" for those never assigned", async () => {
    expect((await listViews(t.db, f.agent)).filter((v) => v.builtIn).map((v) => v.key)).toEqual(["mine", "unassigned", "teams", "active", "all"]);
    expect((await listViews(t.db, f.admin)).filter((v) => v.builtIn).map((v) => v.key)).toEqual(["unassigned", "active", "all"]);
  });
});
