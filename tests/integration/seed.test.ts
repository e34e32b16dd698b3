// The demo data, checked the way someone trying the demo would notice it:
// the advertised accounts work, the boards have something in every column,
// and restarting the app does not load everything a second time.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyPassword } from "../../server/auth/password.ts";
import { PRIORITIES } from "../../server/sla/policy.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../../server/sla/stored.ts";
import { DEMO_ACCOUNTS, SLA_POLICIES, seedDemoData, type SeedResult } from "../../prisma/seed.ts";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { createTicket, updateTicket } from "../../server/tickets/service.ts";
import { fireDue } from "../../server/sla/engine.ts";
import { inSqlTransaction } from "../../server/events/transaction.ts";
import { emit } from "../../server/events/emit.ts";

const now = new Date("2026-03-10T09:30:00Z");
let t: TestDatabase;
let result: SeedResult;

beforeAll(async () => {
  t = await freshDatabase();
  const started = performance.now();
  result = await seedDemoData(t.db, now);
  console.log(`seedDemoData: ${JSON.stringify(result)} in ${Math.round(performance.now() - started)} ms`);
}, 120_000);

afterAll(() => t?.drop());

describe("demo seed", () => {
  test("every demo account can sign in with its advertised password", async () => {
    for (const account of DEMO_ACCOUNTS) {
      const user = await t.db.user.findUnique({ where: { email: account.email } });
      expect(user, account.email).not.toBeNull();
      expect(user!.role).toBe(account.role);
      expect(user!.name).toBe(account.name);
      expect(await verifyPassword(user!.passwordHash, account.password), account.email).toBe(true);
    }
    expect(DEMO_ACCOUNTS.map((a) => a.email)).toEqual(
      expect.arrayContaining(["admin@demo.helpdesk", "supervisor@demo.helpdesk", "agent@demo.helpdesk", "customer@demo.helpdesk"]),
    );
    // Any other customer works with the demo password too.
    const other = await t.db.user.findFirst({ where: { role: "customer", email: { not: "customer@demo.helpdesk" } } });
    expect(await verifyPassword(other!.passwordHash, "demo1234")).toBe(true);
  });

  test("the demo customer is a key account with a profile and their own tickets", async () => {
    const customer = await t.db.customer.findFirstOrThrow({
      where: { user: { email: "customer@demo.helpdesk" } },
      include: { company: true, tickets: true },
    });
    expect(customer.tier).toBe("key");
    expect(customer.company?.name).toBe("Northwind Trading");
    expect(customer.tickets.length).toBeGreaterThanOrEqual(4);
    expect(new Set(customer.tickets.map((x) => x.status)).size).toBeGreaterThanOrEqual(4);
  });

  test("staff are organised in teams that own the categories", async () => {
    const liWei = await t.db.user.findUniqueOrThrow({
      where: { email: "agent@demo.helpdesk" },
      include: { memberships: { include: { team: true } } },
    });
    expect(liWei.name).toBe("Li Wei");
    expect(liWei.memberships.map((m) => m.team.key).sort()).toEqual(["care", "technical"]);
    const agents = await t.db.user.count({ where: { role: "agent" } });
    expect(agents).toBeGreaterThanOrEqual(6);
    const categories = await t.db.category.findMany();
    expect(categories.map((c) => c.key).sort()).toEqual(["account", "billing", "delivery", "other", "product", "refund", "technical"]);
    expect(categories.every((c) => c.teamId && c.nameZh)).toBe(true);
    expect(categories.find((c) => c.key === "refund")!.nameZh).toBe("退款");
  });

  test("SLA policies are the exported defaults", async () => {
    const rows = await t.db.slaPolicy.findMany({ orderBy: { position: "asc" } });
    expect(rows.map((p) => p.name)).toEqual(SLA_POLICIES.map((p) => p.name));
    for (const [i, seeded] of SLA_POLICIES.entries()) {
      expect(rows[i]).toMatchObject({
        position: seeded.position,
        enabled: true,
        types: seeded.types ?? [],
        priorities: seeded.priorities ?? [],
        tiers: seeded.tiers ?? [],
        channels: [],
        calendarId: ALWAYS_OPEN_CALENDAR_ID,
      });
      // Both targets, in calendar minutes, for every priority.
      for (const priority of PRIORITIES) {
        expect((rows[i].targets as Record<string, unknown>)[priority]).toEqual({
          first_response: { minutes: seeded.firstResponseMinutes, business: false },
          resolution: { minutes: seeded.resolutionMinutes, business: false },
        });
      }
    }
  });

  test("there is plenty of work: tickets in every status, customers in every tier", async () => {
    expect(result.tickets).toBeGreaterThanOrEqual(250);
    expect(await t.db.ticket.count()).toBe(result.tickets);
    const statuses = await t.db.ticket.groupBy({ by: ["status"], _count: true });
    expect(statuses.map((s) => s.status).sort()).toEqual(["closed", "new", "on_hold", "open", "pending", "solved"]);
    const types = await t.db.ticket.groupBy({ by: ["type"], _count: true });
    const complaints = types.find((x) => x.type === "complaint")!._count;
    expect(complaints / result.tickets).toBeGreaterThan(0.25);
    expect(complaints / result.tickets).toBeLessThan(0.45);

    expect(result.customers).toBeGreaterThanOrEqual(50);
    const tiers = await t.db.customer.groupBy({ by: ["tier"], _count: true });
    expect(tiers.map((x) => x.tier).sort()).toEqual(["growth", "key", "standard"]);
    expect(await t.db.customer.count({ where: { userId: null } })).toBe(0);
    console.log(
      "statuses",
      Object.fromEntries(statuses.map((s) => [s.status, s._count])),
      "tiers",
      Object.fromEntries(tiers.map((s) => [s.tier, s._count])),
      "complaints",
      complaints,
    );
  });

  test("ticket data is consistent: threads start with the customer, times line up", async () => {
    const tickets = await t.db.ticket.findMany({
      include: { messages: { orderBy: { createdAt: "asc" } }, requester: true, slaTargets: true },
    });
    for (const ticket of tickets) {
      const where = `#${ticket.number}`;
      expect(ticket.messages.length, where).toBeGreaterThanOrEqual(2);
      expect(ticket.messages.length, where).toBeLessThanOrEqual(6);
      const first = ticket.messages[0];
      expect(first.kind, where).toBe("public");
      expect(first.authorId, where).toBe(ticket.requester.userId);
      expect(first.createdAt.getTime(), where).toBe(ticket.createdAt.getTime());
      for (const m of ticket.messages) expect(m.createdAt.getTime(), where).toBeLessThanOrEqual(now.getTime());
      expect(ticket.createdAt.getTime(), where).toBeGreaterThan(now.getTime() - 22 * 86_400_000);
      if (ticket.firstRespondedAt) {
        expect(ticket.firstRespondedAt.getTime(), where).toBeGreaterThan(ticket.createdAt.getTime());
        expect(ticket.messages.some((m) => m.kind === "public" && m.createdAt.getTime() === ticket.firstRespondedAt!.getTime())).toBe(true);
      }
      if (ticket.status === "new") expect(ticket.firstRespondedAt, where).toBeNull();
      if (["solved", "closed"].includes(ticket.status)) {
        expect(ticket.solvedAt, where).not.toBeNull();
        expect(ticket.solvedAt!.getTime(), where).toBeGreaterThan(ticket.firstRespondedAt!.getTime());
      } else {
        expect(ticket.solvedAt, where).toBeNull();
      }
      if (ticket.status === "closed") expect(ticket.closedAt!.getTime(), where).toBeGreaterThan(ticket.solvedAt!.getTime());
      // Both targets run, met by the first reply and the solve; a breach is recorded exactly when one was missed.
      const run = (target: string) => ticket.slaTargets.find((r) => r.target === target)!;
      expect(run("first_response").fulfilledAt, where).toEqual(ticket.firstRespondedAt);
      expect(run("resolution").fulfilledAt, where).toEqual(ticket.solvedAt);
      for (const r of ticket.slaTargets) {
        const due = r.dueAt ?? r.pausedSince!;
        const missed = (r.fulfilledAt ?? r.pausedSince ?? now) > due && r.dueAt !== null;
        expect(r.breachedAt !== null, `${where} ${r.target}`).toBe(missed);
      }
    }
    const internal = await t.db.message.count({ where: { kind: "internal" } });
    expect(internal).toBeGreaterThan(30);
    expect(await t.db.message.count({ where: { body: { contains: "key account list" } } })).toBeGreaterThan(0);
    expect(await t.db.ticket.count({ where: { subject: { contains: "退款" } } })).toBeGreaterThan(0);
  });

  test("the SLA board shows on-track, at-risk and breached open tickets", async () => {
    const open = await t.db.ticket.findMany({ where: { status: { in: ["new", "open", "pending", "on_hold"] } } });
    const states: Record<string, number> = {};
    for (const ticket of open) states[ticket.slaState] = (states[ticket.slaState] ?? 0) + 1;
    console.log("open tickets by SLA state", states);
    expect(states.on_track).toBeGreaterThanOrEqual(10);
    expect(states.at_risk).toBeGreaterThanOrEqual(5);
    expect(states.breached).toBeGreaterThanOrEqual(5);
  });

  test("CSAT: most solved tickets have a survey, most answered and positive", async () => {
    const done = await t.db.ticket.count({ where: { status: { in: ["solved", "closed"] } } });
    const surveys = await t.db.survey.findMany({ include: { ticket: true } });
    expect(surveys.length / done).toBeGreaterThan(0.75);
    const answered = surveys.filter((s) => s.respondedAt);
    expect(answered.length / surveys.length).toBeGreaterThan(0.6);
    const average = answered.reduce((sum, s) => sum + s.rating!, 0) / answered.length;
    expect(average).toBeGreaterThan(3.5);
    for (const s of surveys) {
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(s.expiresAt.getTime()).toBe(s.ticket.solvedAt!.getTime() + 14 * 86_400_000);
      if (s.respondedAt) expect(s.respondedAt.getTime()).toBeGreaterThan(s.ticket.solvedAt!.getTime());
      if (s.rating !== null && s.rating <= 2) expect(s.ticket.tags).toContain("csat-low");
    }
    console.log("ratings", Object.fromEntries([1, 2, 3, 4, 5].map((r) => [r, answered.filter((s) => s.rating === r).length])));
  });

  test("the demo customer has a survey waiting for an answer", async () => {
    const pending = await t.db.survey.findMany({
      where: { customer: { user: { email: "customer@demo.helpdesk" } }, respondedAt: null, expiresAt: { gt: now } },
      include: { ticket: true },
    });
    expect(pending.length).toBeGreaterThanOrEqual(1);
    expect(pending[0].ticket.status).toBe("solved");
  });

  test("the knowledge base has published articles in both languages", async () => {
    for (const locale of ["en", "zh-CN"]) {
      expect(await t.db.article.count({ where: { locale, status: "published" } }), locale).toBeGreaterThanOrEqual(20);
    }
    expect(await t.db.article.count({ where: { status: "draft" } })).toBe(2);
    const reset = await t.db.article.findMany({ where: { slug: "reset-your-password" }, orderBy: { locale: "asc" } });
    expect(reset.map((a) => a.locale)).toEqual(["en", "zh-CN"]);
    expect(reset[1].title).toContain("重置密码");
    expect(reset[0].body.split("\n\n").length).toBeGreaterThanOrEqual(4);
    expect(await t.db.article.count()).toBe(result.articles);
  });

  test("every customer has a health score; a few are at risk or critical", async () => {
    const health = await t.db.customerHealth.findMany({ include: { customer: true } });
    expect(health.length).toBe(result.customers);
    const bands = { healthy: 0, at_risk: 0, critical: 0 };
    for (const h of health) bands[h.band]++;
    console.log("health bands", bands);
    expect(bands.at_risk).toBeGreaterThanOrEqual(3);
    expect(bands.critical).toBeGreaterThanOrEqual(1);
    expect(bands.healthy).toBeGreaterThan(health.length / 2);
    expect(await t.db.healthSnapshot.count({ where: { reason: "seed" } })).toBe(result.customers);
  });

  test("the same `now` gives the same demo data", async () => {
    const other = await freshDatabase();
    try {
      await seedDemoData(other.db, now);
      const view = (db: TestDatabase["db"]) =>
        db.ticket.findMany({
          orderBy: { number: "asc" },
          select: {
            number: true,
            subject: true,
            status: true,
            priority: true,
            createdAt: true,
            solvedAt: true,
            requester: { select: { email: true } },
            _count: { select: { messages: true } },
          },
        });
      expect(await view(other.db)).toEqual(await view(t.db));
    } finally {
      await other.drop();
    }
  }, 60_000);

  test("seeding again changes nothing", async () => {
    const before = await Promise.all([t.db.user.count(), t.db.ticket.count(), t.db.article.count(), t.db.message.count()]);
    expect(await seedDemoData(t.db, now)).toEqual({ tickets: 0, customers: 0, articles: 0 });
    const after = await Promise.all([t.db.user.count(), t.db.ticket.count(), t.db.article.count(), t.db.message.count()]);
    expect(after).toEqual(before);
  });
});

describe("SLA warnings in the demo", () => {
  const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
  const fire = (at: Date) => fireDue((work) => inSqlTransaction(t.db, work), emit, at);
  const warnings = () =>
    t.db.notification.findMany({ where: { kind: "sla_warning" }, include: { ticket: { select: { assigneeId: true, teamId: true, slaTargets: true } } } });
  const membersOf = async (teamId: string | null) =>
    (await t.db.teamMember.findMany({ where: { teamId: teamId ?? "", user: { deactivatedAt: null } }, select: { userId: true } })).map((m) => m.userId).sort();

  test("every policy warns the assignee (or, while nobody is assigned, the team) when a target is at risk, before it is missed", async () => {
    useTestRuntime(t.url);
    const policies = await t.db.slaPolicy.findMany();
    for (const p of policies) expect(p.escalations, p.name).toEqual([expect.objectContaining({ on: "at_risk", notify: ["assignee", "team"] })]);

    // Starting up: the warnings in the demo's history were given then; nobody is warned of them again.
    await fire(now);
    expect(await warnings()).toEqual([]);

    // Li Wei takes a key account's complaint: an hour to the first response, at risk after 45 minutes.
    const liWei = (await loadAuthUser(t.db, (await t.db.user.findUniqueOrThrow({ where: { email: "agent@demo.helpdesk" } })).id)) as AuthUser;
    // A complaint the key-account customer phoned in, written up by Li Wei.
    const phonedIn = (subject: string, at: Date) =>
      createTicket(t.db, liWei, { type: "complaint", category: "technical", subject, description: "Called in, written up.", requesterEmail: "customer@demo.helpdesk" }, "agent", at);
    const filed = await phonedIn("Dashboard blank since the update", minutes(60));
    expect(filed.slaTargets.find((r) => r.target === "first_response")).toMatchObject({ dueAt: minutes(120), atRiskAt: minutes(105) });
    await updateTicket(t.db, liWei, filed.number, { assigneeId: liWei.id }, minutes(61));

    await fire(minutes(104));
    expect((await warnings()).filter((n) => n.ticketId === filed.id)).toEqual([]);
    await fire(minutes(105));
    const told = (await warnings()).filter((n) => n.ticketId === filed.id);
    expect(told.map((n) => [n.userId, n.data])).toEqual([
      [liWei.id, expect.objectContaining({ target: "first_response", dueAt: minutes(120).toISOString(), policy: "Key account complaints" })],
    ]);
    await fire(minutes(110));
    expect((await warnings()).filter((n) => n.ticketId === filed.id)).toHaveLength(1);

    // Nobody takes another one: its team is warned instead, each member once, so that someone there takes it.
    const untaken = await phonedIn("Export button greyed out", minutes(200));
    expect(untaken.assigneeId).toBeNull();
    await fire(minutes(200 + 45));
    const team = await membersOf(untaken.teamId);
    expect(team.length).toBeGreaterThan(1);
    expect((await warnings()).filter((n) => n.ticketId === untaken.id).map((n) => n.userId).sort()).toEqual(team);

    // The demo's own tickets going at risk in the day after warn their assignees (or, unassigned, their
    // teams), and nobody else, as the warning is recorded (not later: a target at risk before the demo
    // began is not warned of at its breach).
    await fire(minutes(24 * 60));
    const all = await warnings();
    expect(all.length).toBeGreaterThan(1);
    for (const n of all) {
      if (n.ticket?.assigneeId) expect(n.userId, `notification about ${n.ticketId}`).toBe(n.ticket.assigneeId);
      else expect(await membersOf(n.ticket?.teamId ?? null), `notification about ${n.ticketId}`).toContain(n.userId);
      const run = n.ticket!.slaTargets.find((r) => r.target === (n.data as { target: string }).target);
      expect(run?.warnedAt, `notification about ${n.ticketId}`).toEqual(n.createdAt);
    }
  });
});
