// The SLA engine on a real database, driven by the ticket commands as agents
// and customers use them: replies and waiting move the clocks, a changed
// priority selects another policy as if it had always applied, a changed
// policy recomputes every worked ticket (with its progress), and the queue
// sorts by the next due time. (Firing with several workers and after a stop:
// processes.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { addMessage, createTicket, getTicket, listTickets, updateTicket } from "../../server/tickets/service.ts";
import { createPolicy, updatePolicy } from "../../server/sla/service.ts";
import { requestRecompute, runRecompute } from "../../server/sla/recompute.ts";
import { transactionOf } from "../../server/db/client.ts";
import { inSqlTransaction } from "../../server/events/transaction.ts";
import { emit } from "../../server/events/emit.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../../server/sla/stored.ts";
import { fireDue } from "../../server/sla/engine.ts";
import { listNotifications } from "../../server/notifications/service.ts";
import { slaCompliance } from "../../server/boards/service.ts";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
let conversation: { id: string };

const T0 = new Date(Date.now() - 3 * 3600_000);
const min = (m: number) => new Date(T0.getTime() + m * 60_000);

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  fx = await createFixtures(t.db);
  // High priority: an hour to the first response, half an hour to answer each customer reply, ten hours to solve.
  conversation = await createPolicy(
    t.db,
    fx.supervisor,
    {
      name: "High priority conversation",
      priorities: ["high"],
      calendarId: ALWAYS_OPEN_CALENDAR_ID,
      targets: {
        high: {
          first_response: { minutes: 60, business: false },
          next_response: { minutes: 30, business: false },
          resolution: { minutes: 600, business: false },
        },
      },
    },
    T0,
  );
  await t.db.slaPolicy.update({ where: { id: conversation.id }, data: { position: 1 } });
});

afterAll(async () => {
  await t?.drop();
});

const fileFor = (priority: "normal" | "high", subject: string, at: Date) =>
  createTicket(t.db, fx.agent, { type: "inquiry", category: "technical", subject, description: "Filed by phone, written up.", requesterEmail: "otto@std.example", priority }, "agent", at);

const runs = async (ticketId: string) =>
  Object.fromEntries(
    (await t.db.slaTarget.findMany({ where: { ticketId }, orderBy: [{ target: "asc" }, { cycle: "asc" }] })).map((r) => [`${r.target}#${r.cycle}`, r]),
  );

describe("the clocks follow the conversation", () => {
  test("an agent's reply meets the first response, a customer's reply starts the next one, waiting pauses them", async () => {
    const filed = await fileFor("high", "Printer on fire", T0);
    expect(filed.slaTargets.map((r) => [r.target, r.dueAt?.toISOString()])).toEqual([
      ["first_response", min(60).toISOString()],
      ["resolution", min(600).toISOString()],
    ]);
    await addMessage(t.db, fx.agent, filed.number, { kind: "public", body: "We are on it." }, min(10));
    await addMessage(t.db, fx.otherCustomer, filed.number, { kind: "public", body: "Any news?" }, min(20));
    // An internal note answers nobody.
    await addMessage(t.db, fx.agent, filed.number, { kind: "internal", body: "Asked the vendor." }, min(25));
    let now = await runs(filed.id);
    expect(now["first_response#1"]).toMatchObject({ fulfilledAt: min(10), breachedAt: null, alarmAt: null });
    expect(now["next_response#1"]).toMatchObject({ startedAt: min(20), dueAt: min(50), fulfilledAt: null });

    // Waiting on the customer from minute 30 to 90: every running clock stands still.
    await updateTicket(t.db, fx.agent, filed.number, { status: "pending" }, min(30));
    now = await runs(filed.id);
    expect(now["next_response#1"]).toMatchObject({ pausedSince: min(30), dueAt: null, alarmAt: null });
    expect(now["resolution#1"]).toMatchObject({ pausedSince: min(30), dueAt: null });
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } })).slaState).toBe("paused");

    // The customer writes back: the ticket reopens and the clocks go on where they stopped.
    await addMessage(t.db, fx.otherCustomer, filed.number, { kind: "public", body: "Here is the photo." }, min(90));
    now = await runs(filed.id);
    expect(now["next_response#1"]).toMatchObject({ pausedSince: null, dueAt: min(110), atRiskAt: min(102.5) });
    expect(now["resolution#1"]).toMatchObject({ dueAt: min(660) });
    const ticket = await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } });
    expect(ticket).toMatchObject({ status: "open", slaState: "on_track", slaDueAt: min(110) });

    // The agents see why it is due when it is: each change of each run, in order.
    const { slaHistory } = await getTicket(t.db, fx.agent, filed.number);
    expect(slaHistory.map((h) => `${h.target}#${h.cycle} ${h.event}`)).toEqual([
      "first_response#1 applied",
      "resolution#1 applied",
      "first_response#1 fulfilled",
      "next_response#1 applied",
      "next_response#1 paused",
      "resolution#1 paused",
      "next_response#1 resumed",
      "resolution#1 resumed",
    ]);
    expect(slaHistory[0]).toMatchObject({ policy: "High priority conversation", dueAt: min(60).toISOString() });
  });

  test("solving meets the resolution; reopening resumes it where it stopped", async () => {
    const filed = await fileFor("high", "Scanner jammed", T0);
    await addMessage(t.db, fx.agent, filed.number, { kind: "public", body: "Fixed, I think." }, min(30));
    await updateTicket(t.db, fx.agent, filed.number, { status: "solved" }, min(40));
    expect((await runs(filed.id))["resolution#1"]).toMatchObject({ fulfilledAt: min(40), alarmAt: null });
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } })).slaState).toBe("met");
    // The customer says no, 20 minutes later: 40 minutes were used, 560 are left.
    await addMessage(t.db, fx.otherCustomer, filed.number, { kind: "public", body: "Still jammed." }, min(60));
    const reopened = await runs(filed.id);
    expect(reopened["resolution#1"]).toMatchObject({ fulfilledAt: null, dueAt: min(620) });
    expect(reopened["next_response#1"]).toMatchObject({ startedAt: min(60), dueAt: min(90) });
  });
});

describe("changes that select or change the policy", () => {
  test("a new priority selects another policy, counted as if it had always applied", async () => {
    const filed = await fileFor("normal", "Monitor flickers", T0);
    expect(filed.slaTargets.find((r) => r.target === "first_response")?.dueAt).toEqual(min(480)); // Default: 8 hours
    await updateTicket(t.db, fx.agent, filed.number, { priority: "high" }, min(70));
    const now = await runs(filed.id);
    // An hour from filing, so already late: recorded at once, by the change itself.
    expect(now["first_response#1"]).toMatchObject({ policyId: conversation.id, dueAt: min(60), breachedAt: min(70) });
    const ticket = await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } });
    expect(ticket).toMatchObject({ slaPolicyId: conversation.id, slaState: "breached" });
    const breaches = await t.db.domainEvent.findMany({ where: { ticketId: filed.id, type: "ticket.sla_breached" } });
    expect(breaches.map((e) => e.data)).toEqual([{ target: "first_response", cycle: 1, dueAt: min(60).toISOString() }]);
  });

  test("a change that waited for the ticket while a breach was recorded keeps the breach (recorded once)", async () => {
    const filed = await fileFor("high", "Racing the timer", T0);
    // The firing job records the miss at minute 61; the customer's follow-up, which took its moment
    // at minute 50 (and then waited for the ticket), commits after it.
    await fireDue((work) => inSqlTransaction(t.db, work), emit, min(61));
    await addMessage(t.db, fx.otherCustomer, filed.number, { kind: "public", body: "Anyone there?" }, min(50));
    const first = (await runs(filed.id))["first_response#1"];
    expect(first.breachedAt).toEqual(min(61));
    await fireDue((work) => inSqlTransaction(t.db, work), emit, min(70));
    expect(await t.db.domainEvent.count({ where: { ticketId: filed.id, type: "ticket.sla_breached" } })).toBe(1);
  });

  test("an agent can hand a ticket to a team they are not in, and is answered with it", async () => {
    const filed = await fileFor("normal", "Wrong desk", new Date());
    const moved = await updateTicket(t.db, fx.agent, filed.number, { teamId: fx.teams.billing.id });
    expect(moved.team?.id).toBe(fx.teams.billing.id);
  });

  test("a changed policy recomputes every worked ticket under it, with its progress kept", async () => {
    const filed = await fileFor("high", "Keyboard missing keys", new Date(Date.now() - 5 * 60_000));
    const before = (await runs(filed.id))["first_response#1"].dueAt!;
    await updatePolicy(t.db, fx.supervisor, conversation.id, {
      targets: {
        high: {
          first_response: { minutes: 120, business: false },
          next_response: { minutes: 30, business: false },
          resolution: { minutes: 600, business: false },
        },
      },
    });
    // As the sla-recompute listener and job do it.
    await transactionOf(t.db, (sql) => requestRecompute(sql, `policy:${conversation.id}`, new Date()));
    let step;
    do step = await runRecompute((work) => inSqlTransaction(t.db, work), emit);
    while (step === "more");
    expect(step).toBe("done");
    const after = (await runs(filed.id))["first_response#1"];
    expect(after.dueAt!.getTime() - before.getTime()).toBe(60 * 60_000);
    const run = await t.db.slaRecompute.findFirstOrThrow({ orderBy: { requestedAt: "desc" } });
    const worked = await t.db.ticket.count({ where: { status: { in: ["new", "open", "pending", "on_hold"] } } });
    expect(run).toMatchObject({ total: worked, done: worked, finishedAt: expect.any(Date) });
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const recomputed = await t.db.domainEvent.findMany({ where: { ticketId: filed.id, type: "ticket.sla_changed" }, orderBy: { id: "desc" }, take: 1 });
    expect(recomputed[0].data).toMatchObject({ target: "first_response", change: "recomputed", dueAt: after.dueAt!.toISOString() });
  });
});

describe("escalations", () => {
  test("each level fires once at its moment: warns the assignee, tells the supervisors, raises the priority, hands the ticket on", async () => {
    const policy = await createPolicy(t.db, fx.supervisor, {
      name: "Escalating complaints",
      types: ["complaint"],
      tiers: ["standard"],
      calendarId: ALWAYS_OPEN_CALENDAR_ID,
      targets: { normal: { first_response: { minutes: 40, business: false } }, urgent: { first_response: { minutes: 40, business: false } } },
      escalations: [
        { on: "breached", afterMinutes: 60, assignTeamId: fx.teams.billing.id, notify: ["supervisors"] },
        { on: "at_risk", notify: ["assignee"] },
        { on: "breached", notify: ["assignee", "supervisors"], raisePriorityTo: "urgent", addTags: ["sla-breached"] },
      ],
    });
    // Levels are kept in the order they fall due.
    expect(policy.escalations.map((l) => `${l.on}+${l.afterMinutes}`)).toEqual(["at_risk+0", "breached+0", "breached+60"]);
    await t.db.slaPolicy.update({ where: { id: policy.id }, data: { position: 2 } });
    const start = new Date(Date.now() - 200 * 60_000);
    const at = (m: number) => new Date(start.getTime() + m * 60_000);
    const filed = await createTicket(
      t.db,
      fx.agent,
      { type: "complaint", category: "technical", subject: "Broken on arrival", description: "The box was crushed.", requesterEmail: "otto@std.example", priority: "normal" },
      "agent",
      start,
    );
    await updateTicket(t.db, fx.agent, filed.number, { assigneeId: fx.agent.id }, at(1));
    const fire = (m: number) => fireDue((work) => inSqlTransaction(t.db, work), emit, at(m));
    const notes = async (userId: string) => (await listNotifications(t.db, { ...fx.agent, id: userId } as never, {})).items.filter((n) => n.ticketId === filed.id);

    await fire(29);
    expect(await notes(fx.agent.id)).toEqual([]);
    await fire(30); // at risk (75 % of 40 minutes)
    expect((await notes(fx.agent.id)).map((n) => n.kind)).toEqual(["sla_warning"]);
    await fire(30);
    expect(await notes(fx.agent.id)).toHaveLength(1);

    await fire(40); // breached: the priority goes up (recomputed under it: still 40 minutes), a tag, the assignee and supervisors told
    let ticket = await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } });
    expect(ticket).toMatchObject({ priority: "urgent", tags: ["sla-breached"], slaState: "breached", slaPolicyId: policy.id });
    expect((await notes(fx.agent.id)).map((n) => n.kind)).toEqual(["sla_breach", "sla_warning"]);
    expect((await notes(fx.supervisor.id)).map((n) => n.kind)).toEqual(["sla_breach"]);
    expect(await t.db.notification.count({ where: { userId: fx.admin.id } })).toBe(0);

    await fire(100); // an hour after the breach: to the billing team
    ticket = await t.db.ticket.findUniqueOrThrow({ where: { id: filed.id } });
    expect(ticket.teamId).toBe(fx.teams.billing.id);
    expect((await notes(fx.supervisor.id)).map((n) => n.kind)).toEqual(["sla_escalation", "sla_breach"]);
    await fire(150);
    expect(await t.db.domainEvent.count({ where: { ticketId: filed.id, type: "ticket.sla_escalated" } })).toBe(3);

    // The timeline says which policy and level did what.
    const changes = await t.db.domainEvent.findMany({ where: { ticketId: filed.id, type: { in: ["ticket.priority_changed", "ticket.team_changed", "ticket.tags_changed"] } }, orderBy: { id: "asc" } });
    expect(changes.map((e) => [e.type, (e.data as { cause?: unknown }).cause])).toEqual([
      ["ticket.priority_changed", { policyId: policy.id, level: 1 }],
      ["ticket.tags_changed", { policyId: policy.id, level: 1 }],
      ["ticket.team_changed", { policyId: policy.id, level: 2 }],
    ]);
    const { timeline } = await getTicket(t.db, fx.supervisor, filed.number);
    const escalated = timeline.flatMap((e) => e.changes).filter((c) => c.kind === "sla_escalated");
    expect(escalated).toHaveLength(3);
  });

  test("a level that does nothing, or names a team or agent that does not exist, is refused, naming it", async () => {
    const broken = (escalations: unknown[]) =>
      createPolicy(t.db, fx.supervisor, { name: "Broken escalation", calendarId: ALWAYS_OPEN_CALENDAR_ID, targets: {}, escalations });
    await expect(broken([{ on: "breached", notify: ["assignee"] }, { on: "at_risk" }])).rejects.toMatchObject({
      details: { "escalations.1.notify": ["validation.escalationNothing"] },
    });
    await expect(broken([{ on: "at_risk", afterMinutes: 5, notify: ["assignee"] }])).rejects.toMatchObject({
      details: { "escalations.0.afterMinutes": ["validation.escalationAfterRisk"] },
    });
    await expect(
      broken([{ on: "breached", assignTeamId: "00000000-0000-4000-8000-00000000beef" }, { on: "breached", afterMinutes: 5, assignAgentId: fx.admin.id }]),
    ).rejects.toMatchObject({ details: { "escalations.0.assignTeamId": ["validation.team"], "escalations.1.assignAgentId": ["validation.assignee"] } });
  });
});

test("compliance: of the targets that fell due in the range, how many were met on time, per day, team, agent and policy", async () => {
  // Yesterday and today (UTC): the tests' tickets fell due in the last few hours.
  const day = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const report = await slaCompliance(t.db, fx.supervisor, { from: yesterday, to: day, timeZone: "UTC" });
  // Counted straight from the runs: due in those two days, by now.
  const start = new Date(`${yesterday}T00:00:00Z`);
  const runs = await t.db.slaTarget.findMany({ where: { dueAt: { gte: start, lte: new Date() } } });
  const met = runs.filter((r) => r.fulfilledAt && r.fulfilledAt <= r.dueAt!).length;
  expect(runs.length).toBeGreaterThan(0);
  expect(report.overall).toEqual({ due: runs.length, met });
  expect(report.days.map((d) => d.day)).toEqual([yesterday, day]);
  expect(report.days.reduce((n, d) => n + d.due, 0)).toBe(runs.length);
  const byPolicy = Object.fromEntries(report.byPolicy.map((p) => [p.name, p.due]));
  expect(byPolicy["High priority conversation"]).toBe(runs.filter((r) => r.policyId === conversation.id).length);
  expect(report.byTeam.reduce((n, x) => n + x.due, 0)).toBe(runs.length);
  await expect(slaCompliance(t.db, fx.agent, { from: day, to: day, timeZone: "UTC" })).rejects.toMatchObject({ code: "forbidden" });
  await expect(slaCompliance(t.db, fx.supervisor, { from: day, to: "2020-01-01", timeZone: "UTC" })).rejects.toMatchObject({ details: { to: ["validation.dateRange"] } });
});

test("the queue by next due time: soonest first, no due time last, every ticket once across pages", async () => {
  await fileFor("normal", "No hurry at all", new Date());
  const seen: { id: string; due: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets(t.db, fx.supervisor, { status: "active", sort: "due", limit: 2, cursor });
    seen.push(...page.items.map((x) => ({ id: x.id, due: x.slaDueAt?.getTime() ?? Number.POSITIVE_INFINITY })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const worked = await t.db.ticket.findMany({ where: { status: { in: ["new", "open", "pending", "on_hold"] } }, select: { id: true } });
  expect(new Set(seen.map((s) => s.id)).size).toBe(worked.length);
  expect(seen.length).toBe(worked.length);
  expect(seen.map((s) => s.due)).toEqual([...seen.map((s) => s.due)].sort((a, b) => a - b));
});
