// What people must not be able to do, checked against the running server:
// crash it, see notes after losing access, take over someone's history,
// revive closed tickets, or post forms from another site.
import { describe, expect, test } from "vitest";
import { record, until, useLiveServer, waitFor, watch } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { signIn } from "../../server/auth/accounts.ts";
import { signUpCustomer } from "../../server/auth/recovery.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import { createTicket, listTickets, updateTicket } from "../../server/tickets/service.ts";
import { fireDue } from "../../server/sla/engine.ts";
import { inSqlTransaction } from "../../server/events/transaction.ts";
import { emit } from "../../server/events/emit.ts";
import type { LiveMessage } from "../../server/realtime/protocol.ts";

const { ctx, api, tokenFor, connect } = useLiveServer();

const inquiry = (category: string, subject: string) => ({
  type: "inquiry",
  category,
  subject,
  description: "Please look into this for me, thank you.",
});

describe("live channel", () => {
  test("a bad ticket number is refused and the server stays up", async () => {
    const socket = await connect(ctx.fx.otherCustomer.id);
    expect(await watch(socket, 3_000_000_000)).toEqual({ ok: false, error: "bad_request" });
    expect(await watch(socket, "12")).toEqual({ ok: false, error: "bad_request" });
    expect((await fetch(`${ctx.server.url}/healthz`)).status).toBe(200);
  });

  test("watching right after connecting is never dropped", async () => {
    const ticket = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("technical", "Watch me at once"), "portal");
    for (let i = 0; i < 5; i++) {
      const socket = await connect(ctx.fx.agent.id);
      expect(await watch(socket, ticket.number)).toEqual({ ok: true });
      socket.disconnect();
    }
  });

  test("an agent who loses access stops receiving the ticket's internal notes", async () => {
    // A billing ticket, assigned to an agent outside the billing team.
    const ticket = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("billing", "Invoice total looks wrong"), "portal");
    await updateTicket(ctx.db, ctx.fx.supervisor, ticket.number, { assigneeId: ctx.fx.agent.id });
    const socket = await connect(ctx.fx.agent.id);
    const seen = record(socket);
    expect(await watch(socket, ticket.number)).toEqual({ ok: true });

    const billingToken = await tokenFor("bo@test.example");
    const before = await api(`/tickets/${ticket.number}/messages`, {
      method: "POST",
      token: billingToken,
      body: { kind: "internal", body: "First note, Li may read this" },
    });
    await until(() => (seen["ticket:message"] as LiveMessage[] | undefined)?.find((m) => m.id === before.body.id), "the first note");

    const supervisorToken = await tokenFor("sup@test.example");
    await api(`/tickets/${ticket.number}`, { method: "PATCH", token: supervisorToken, body: { assigneeId: null } });
    await ctx.server.drain();
    const after = await api(`/tickets/${ticket.number}/messages`, {
      method: "POST",
      token: billingToken,
      body: { kind: "internal", body: "Customer owes us 10k, keep it quiet" },
    });
    expect(after.status).toBe(201);
    await ctx.server.drain();
    await new Promise((r) => setTimeout(r, 300));
    const bodies = (seen["ticket:message"] as LiveMessage[]).map((m) => m.body);
    expect(bodies).not.toContain("Customer owes us 10k, keep it quiet");
  });
});

describe("accounts", () => {
  test("signing up with the email of an existing requester does not hand over their history", async () => {
    await createTicket(
      ctx.db,
      ctx.fx.agent,
      { ...inquiry("technical", "Confidential contract issue"), requesterEmail: "victim@corp.example" },
      "email",
    );
    // The same answer as for any address; the confirmation link goes to the address's owner.
    await expect(signUpCustomer(ctx.db, { name: "Mallory", email: "victim@corp.example" }, "en", { ip: "192.0.2.7" })).resolves.toEqual({
      email: "victim@corp.example",
    });
    const account = await ctx.db.user.findUniqueOrThrow({ where: { email: "victim@corp.example" } });
    expect(account).toMatchObject({ passwordHash: "", emailVerifiedAt: null });
    // Until the address is confirmed the account has no customer profile to see requests through, and no password to sign in with.
    const unconfirmed = (await loadAuthUser(ctx.db, account.id))!;
    expect(unconfirmed).toMatchObject({ customerId: null, emailUnconfirmed: true });
    expect((await listTickets(ctx.db, unconfirmed, {})).items).toEqual([]);
    await expect(signIn(ctx.db, { email: "victim@corp.example", password: "anything-at-all" }, { ip: "192.0.2.7" })).rejects.toMatchObject({
      messageKey: "errors.badCredentials",
    });
  });

  test("password guessing is paused after repeated failures, even with the right password", async () => {
    for (let i = 0; i < 10; i++) {
      const wrong = await api("/auth/token", { method: "POST", body: { email: "sup@test.example", password: `guess-${i}` } });
      expect(wrong.status).toBe(401);
    }
    const blocked = await api("/auth/token", { method: "POST", body: { email: "sup@test.example", password: PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    // Other accounts are unaffected.
    expect((await api("/auth/token", { method: "POST", body: { email: "bo@test.example", password: PASSWORD } })).status).toBe(201);
  });

  test("a guesser elsewhere cannot lock the owner out, and the count is kept where every process sees it", async () => {
    const guesser = { ip: "203.0.113.9" };
    for (let i = 0; i < 10; i++) {
      await expect(signIn(ctx.db, { email: "li@test.example", password: `guess-${i}` }, guesser)).rejects.toMatchObject({ code: "unauthorized" });
    }
    await expect(signIn(ctx.db, { email: "li@test.example", password: PASSWORD }, guesser)).rejects.toMatchObject({ code: "rate_limited" });
    // Li, from Li's own machine, signs in as usual.
    await expect(signIn(ctx.db, { email: "li@test.example", password: PASSWORD }, { ip: "198.51.100.4" })).resolves.toMatchObject({ email: "li@test.example" });
    const counted = await ctx.db.rateLimit.findMany({ where: { key: { contains: "203.0.113.9" } } });
    expect(counted.length).toBeGreaterThan(0);
  });

  test("sign-ups from one network address are limited", async () => {
    const from = { ip: "192.0.2.50" };
    for (let i = 0; i < 5; i++) {
      await signUpCustomer(ctx.db, { name: `New ${i}`, email: `new${i}@signup.example` }, "en", from);
    }
    await expect(
      signUpCustomer(ctx.db, { name: "One more", email: "more@signup.example" }, "en", from),
    ).rejects.toMatchObject({ code: "rate_limited" });
    await expect(
      signUpCustomer(ctx.db, { name: "Elsewhere", email: "else@signup.example" }, "en", { ip: "192.0.2.51" }),
    ).resolves.toMatchObject({ email: "else@signup.example" });
  });

  test("a form posted from another site is refused", async () => {
    const res = await fetch(`${ctx.server.url}/login`, {
      method: "POST",
      headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40key.example&password=x",
    });
    expect(res.status).toBe(403);
  });
});

describe("ticket rules", () => {
  test("a closed ticket stays closed", async () => {
    const ticket = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("technical", "Close me"), "portal");
    const token = await tokenFor("li@test.example");
    expect((await api(`/tickets/${ticket.number}`, { method: "PATCH", token, body: { status: "closed" } })).status).toBe(200);
    const reopen = await api(`/tickets/${ticket.number}`, { method: "PATCH", token, body: { status: "open" } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe("conflict");
  });

  test("a ticket number out of range is simply not found", async () => {
    const token = await tokenFor("li@test.example");
    expect((await api("/tickets/99999999999", { token })).status).toBe(404);
  });

  test("missed targets are recorded once by the firing job, within seconds, and never for closed tickets", async () => {
    const created = new Date(Date.now() - 10 * 3600_000); // inquiries: 8 h to first response
    const open = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("technical", "Nobody answered"), "portal", created);
    const closed = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("technical", "Spam, closed"), "portal", created);
    await updateTicket(ctx.db, ctx.fx.agent, closed.number, { status: "closed" }, created);
    const run = (ticketId: string) => ctx.db.slaTarget.findUniqueOrThrow({ where: { ticketId_target_cycle: { ticketId, target: "first_response", cycle: 1 } } });

    // The firing job for the run's moment (past, so it runs at once) records the miss.
    await waitFor(async () => (await run(open.id)).breachedAt, "the firing job");
    const late = await run(open.id);
    expect(Date.now() - late.breachedAt!.getTime()).toBeLessThan(60_000);
    expect((await ctx.db.ticket.findUniqueOrThrow({ where: { id: open.id } })).slaState).toBe("breached");
    const spam = await run(closed.id);
    expect(spam).toMatchObject({ breachedAt: null, alarmAt: null, pausedSince: created });
    // The miss is in the ticket's history and counts against the customer's health.
    const missed = await ctx.db.domainEvent.findMany({ where: { ticketId: open.id, type: "ticket.sla_breached" } });
    expect(missed.map((e) => e.data)).toEqual([{ target: "first_response", cycle: 1, dueAt: late.dueAt!.toISOString() }]);
    const history = await ctx.db.healthSnapshot.findFirst({
      where: { customerId: ctx.fx.otherCustomer.customerId!, reason: "sla_breached" },
    });
    expect(history).not.toBeNull();

    // A late reply afterwards meets the target and keeps the recorded miss as it was; firing again records nothing.
    const token = await tokenFor("li@test.example");
    await api(`/tickets/${open.number}/messages`, { method: "POST", token, body: { body: "So sorry for the wait!" } });
    const replied = await run(open.id);
    expect(replied.fulfilledAt).not.toBeNull();
    expect(replied.breachedAt?.toISOString()).toBe(late.breachedAt?.toISOString());
    await fireDue((work) => inSqlTransaction(ctx.db, work), emit, new Date());
    expect(await ctx.db.domainEvent.count({ where: { ticketId: open.id, type: "ticket.sla_breached" } })).toBe(1);
  });

  test("a double-clicked solve records one change and one survey", async () => {
    const ticket = await createTicket(ctx.db, ctx.fx.otherCustomer, inquiry("technical", "Solve me twice"), "portal");
    await Promise.all([
      updateTicket(ctx.db, ctx.fx.agent, ticket.number, { status: "solved" }),
      updateTicket(ctx.db, ctx.fx.agent, ticket.number, { status: "solved" }),
    ]);
    expect(await ctx.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.status_changed" } })).toBe(1);
    expect(await ctx.db.survey.count({ where: { ticketId: ticket.id } })).toBe(1);
  });
});

