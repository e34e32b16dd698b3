// Working on tickets with others, as the server sees it (decision 016):
// - a client whose connection dropped gets what it missed when it comes
//   back: it hands the server the last feed position it saw and the tickets
//   it had open, and the server replays the updates since, under the same
//   policy as live ones (an internal note never reaches a customer, another
//   team's ticket never reaches an agent);
// - a message written on an old version of the ticket is refused with what
//   happened since, unless nothing happened that its writer may know of;
// - the people a change concerns are notified, live: a new assignee, the
//   assignee when the customer writes back, colleagues @mentioned in a note
//   (only those who may see the ticket);
// - agents say whether they take work, and colleagues see it.
import { describe, expect, test } from "vitest";
import { io, type Socket } from "socket.io-client";
import { addMessage, createTicket, listAssignableAgents, updateTicket } from "../../server/tickets/service.ts";
import { setAvailability } from "../../server/auth/accounts.ts";
import type { LiveMessage, LiveNotification, QueueTicket } from "../../server/realtime/protocol.ts";
import { record, until, useLiveServer, watch } from "../support/live.ts";

const { ctx, sessionCookie, api, tokenFor, connect } = useLiveServer();

/** A client that keeps the latest feed position it saw, as the browser's does (app/utils/socket.tsx). */
async function resumableClient(userId: string, watching: () => number[]) {
  let seen: string | null = null;
  const received: { event: string; payload: unknown }[] = [];
  const socket: Socket = io(ctx.server.url, {
    transports: ["websocket"],
    extraHeaders: { Cookie: await sessionCookie(userId) },
    forceNew: true,
    auth: (send) => send(seen ? { after: seen, watching: watching() } : {}),
  });
  socket.onAny((event: string, ...args: unknown[]) => {
    received.push({ event, payload: args[0] });
    const position = args.at(-1);
    if (typeof position === "string") seen = position;
  });
  const connected = () =>
    new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
  await connected();
  await until(() => seen ?? undefined, "the feed position on connecting");
  const of = <T>(event: string) => received.filter((r) => r.event === event).map((r) => r.payload as T);
  return {
    socket,
    of,
    forget: () => received.splice(0),
    async reconnect() {
      const back = connected();
      socket.connect();
      await back;
    },
  };
}

const request = (category: string, subject: string) => ({ type: "inquiry", category, subject, description: "Please look into this for me." });

describe("catching up after a lost connection", () => {
  test("an agent and a customer get the updates they missed, and only those they may see", async () => {
    const { db, fx } = ctx;
    const open = await createTicket(db, fx.keyCustomer, request("technical", "Exports time out"), "portal");
    const agent = await resumableClient(fx.agent.id, () => [open.number]);
    const customer = await resumableClient(fx.keyCustomer.id, () => [open.number]);
    expect((await watch(agent.socket, open.number)).ok).toBe(true);
    expect((await watch(customer.socket, open.number)).ok).toBe(true);

    agent.socket.disconnect();
    customer.socket.disconnect();
    agent.forget();
    customer.forget();

    // While both are away: a new ticket for Li's team, a reply and a note on
    // the open one, and a ticket for another team.
    const filed = await createTicket(db, fx.keyCustomer, request("technical", "Webhook stopped"), "portal");
    const reply = await addMessage(db, fx.keyCustomer, open.number, { kind: "public", body: "Still timing out at 10:40." });
    const note = await addMessage(db, fx.agent, open.number, { kind: "internal", body: "Suspect the export worker pool." });
    const elsewhere = await createTicket(db, fx.otherCustomer, request("billing", "Invoice twice"), "portal");

    await agent.reconnect();
    await customer.reconnect();

    // Three missed updates reach the agent: the new ticket, the reply, the note.
    await until(() => agent.of<QueueTicket>("queue:ticket").find((t) => t.number === filed.number), "the new ticket");
    const messages = await until(() => {
      const got = agent.of<LiveMessage>("ticket:message");
      return got.some((m) => m.id === reply.id) && got.some((m) => m.id === note.id) ? got : undefined;
    }, "the reply and the note");
    expect(messages.map((m) => m.body)).toEqual(expect.arrayContaining(["Still timing out at 10:40.", "Suspect the export worker pool."]));
    // The catch-up ends with where the feed stands now; nothing of another team came with it.
    await until(() => (agent.of("feed:position").length > 0 ? true : undefined), "the end of the catch-up");
    expect(agent.of<QueueTicket>("queue:ticket").map((t) => t.number)).not.toContain(elsewhere.number);

    // The customer gets the reply and the change of their ticket, never the note.
    await until(() => customer.of<LiveMessage>("ticket:message").find((m) => m.id === reply.id), "the reply, for the customer");
    await until(() => (customer.of("feed:position").length > 0 ? true : undefined), "the end of the customer's catch-up");
    expect(customer.of<LiveMessage>("ticket:message").map((m) => m.id)).not.toContain(note.id);
    expect(customer.of("queue:ticket")).toEqual([]);

    agent.socket.disconnect();
    customer.socket.disconnect();
  });

  test("a ticket out of the reconnecting person's sight is not rejoined, whatever the client asks", async () => {
    const { db, fx } = ctx;
    const billing = await createTicket(db, fx.otherCustomer, request("billing", "Card declined"), "portal");
    const agent = await resumableClient(fx.agent.id, () => [billing.number]);
    agent.socket.disconnect();
    agent.forget();
    await addMessage(db, fx.billingAgent, billing.number, { kind: "internal", body: "Card issuer blocks us." });
    await agent.reconnect();
    await until(() => (agent.of("feed:position").length > 0 ? true : undefined), "the end of the catch-up");
    expect(agent.of("ticket:message")).toEqual([]);
    agent.socket.disconnect();
  });
});

describe("a message written while the ticket moved on", () => {
  test("is refused with what others wrote and changed since, and goes once its writer has seen it", async () => {
    const { db, fx } = ctx;
    const { number } = await createTicket(db, fx.keyCustomer, request("technical", "Reports are empty"), "portal");
    const li = await tokenFor(fx.agent.email);
    const sam = await tokenFor(fx.supervisor.email);
    const ada = await tokenFor(fx.keyCustomer.email);
    const version = async () => (await api(`/tickets/${number}`, { token: sam })).body.version as number;
    const count = async () => (await api(`/tickets/${number}`, { token: sam })).body.messages.length as number;

    // Li's own change meanwhile does not hold back Li's note.
    const v0 = await version();
    expect((await api(`/tickets/${number}`, { method: "PATCH", token: li, body: { priority: "high" } })).status).toBe(200);
    const own = await api(`/tickets/${number}/messages`, { method: "POST", token: li, headers: { "If-Match": `"${v0}"` }, body: { kind: "internal", body: "Looking at the report builder." } });
    expect(own.status).toBe(201);

    // The supervisor started on the version before Li's note and Ada's reply.
    const samStarted = v0;
    const reply = await api(`/tickets/${number}/messages`, { method: "POST", token: ada, body: { body: "Also the CSV export is empty." } });
    expect(reply.status).toBe(201);
    const before = await count();
    const stale = await api(`/tickets/${number}/messages`, { method: "POST", token: sam, headers: { "If-Match": `"${samStarted}"` }, body: { body: "We are on it." } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.messages.map((m: { body: string }) => m.body)).toEqual(["Looking at the report builder.", "Also the CSV export is empty."]);
    expect(stale.body.error.changes).toEqual([expect.objectContaining({ field: "priority", from: "normal", to: "high", actorId: fx.agent.id })]);
    expect(await count()).toBe(before);

    // Having read it, the supervisor sends on the current version.
    const sent = await api(`/tickets/${number}/messages`, { method: "POST", token: sam, headers: { "If-Match": `"${await version()}"` }, body: { body: "We are on it." } });
    expect(sent.status).toBe(201);
  });

  test("a customer's reply is never held back, and learns nothing of the staff side", async () => {
    const { db, fx } = ctx;
    const { number } = await createTicket(db, fx.keyCustomer, request("technical", "Slow dashboard"), "portal");
    const ada = await tokenFor(fx.keyCustomer.email);
    const li = await tokenFor(fx.agent.email);
    // Customers are not shown versions (notes and tags move them); one that sends a version anyway is not refused.
    const seen = (await db.ticket.findUniqueOrThrow({ where: { number }, select: { version: true } })).version;
    await api(`/tickets/${number}/messages`, { method: "POST", token: li, body: { kind: "internal", body: "Escalating to the database team." } });
    await api(`/tickets/${number}`, { method: "PATCH", token: li, body: { addTags: ["db-slow"], assigneeId: fx.agent.id } });
    await api(`/tickets/${number}/messages`, { method: "POST", token: li, body: { body: "We found the slow query." } });
    const sent = await api(`/tickets/${number}/messages`, { method: "POST", token: ada, headers: { "If-Match": `"${seen}"` }, body: { body: "Any news?" } });
    expect(sent.status).toBe(201);
    expect(JSON.stringify(sent.body)).not.toMatch(/database team|db-slow/);
  });
});

describe("notifications about a ticket", () => {
  test("assigned, written back to and @mentioned people are told live; nobody else, and never about a ticket out of their sight", async () => {
    const { db, fx } = ctx;
    const ticket = await createTicket(db, fx.keyCustomer, request("technical", "Two-factor codes rejected"), "portal");
    const onLi = record(await connect(fx.agent.id));
    const onSam = record(await connect(fx.supervisor.id));
    const onBo = record(await connect(fx.billingAgent.id));
    const told = (seen: Record<string, unknown[]>, kind: string) =>
      ((seen["notification:new"] ?? []) as LiveNotification[]).filter((n) => n.kind === kind && n.ticketId === ticket.id);

    // The supervisor hands it to Li: Li is told who did.
    await updateTicket(db, fx.supervisor, ticket.number, { assigneeId: fx.agent.id });
    const assigned = await until(() => told(onLi, "assigned")[0], "Li's assignment notification");
    expect(assigned.data.by).toBe("Sam Supervisor");
    expect(assigned.ticket?.number).toBe(ticket.number);

    // The customer writes back: the assignee is told.
    await addMessage(db, fx.keyCustomer, ticket.number, { body: "The codes from the app are rejected too." });
    await until(() => told(onLi, "customer_replied")[0], "Li told of the customer's reply");

    // Li mentions Sam and Bo in a note: Sam may see the ticket, Bo (billing) may not.
    await addMessage(db, fx.agent, ticket.number, { kind: "internal", body: "@sup could you check the clock drift? cc @bo and @li" });
    const mention = await until(() => told(onSam, "mention")[0], "Sam's mention");
    expect(mention.data.by).toBe("Li Wei");
    // A public reply naming someone is not a mention.
    await addMessage(db, fx.agent, ticket.number, { body: "Thanks, @sup will look into it." });

    // Whatever Li did, Li is not told about it; Bo hears nothing of a ticket he cannot open.
    const again = await createTicket(db, fx.keyCustomer, request("technical", "Another"), "portal");
    await addMessage(db, fx.agent, again.number, { kind: "internal", body: "@sup marker" });
    await until(() => ((onSam["notification:new"] ?? []) as LiveNotification[]).find((n) => n.ticketId === again.id), "the marker mention");
    expect(told(onSam, "mention")).toHaveLength(1);
    expect(told(onLi, "mention")).toEqual([]);
    expect(told(onLi, "assigned")).toHaveLength(1);
    expect(onBo["notification:new"] ?? []).toEqual([]);
    // Taking a ticket oneself tells nobody.
    await updateTicket(db, fx.agent, again.number, { assigneeId: fx.agent.id });
    const stored = await db.notification.count({ where: { userId: fx.agent.id, kind: "assigned" } });
    expect(stored).toBe(1);
  });
});

describe("availability", () => {
  test("an agent says they are away; colleagues see it where they assign work; only staff who take work may say it", async () => {
    const { db, fx } = ctx;
    expect(await setAvailability(db, fx.agent, { availability: "away" })).toBe("away");
    const agents = await listAssignableAgents(db, fx.supervisor);
    expect(agents.find((a) => a.id === fx.agent.id)?.availability).toBe("away");
    const changed = await db.domainEvent.findFirst({ where: { type: "user.availability_changed", actorId: fx.agent.id }, orderBy: { id: "desc" } });
    expect(changed?.data).toEqual({ userId: fx.agent.id, from: "online", to: "away" });
    // The same again records nothing more.
    await setAvailability(db, fx.agent, { availability: "away" });
    expect(await db.domainEvent.count({ where: { type: "user.availability_changed", actorId: fx.agent.id } })).toBe(1);

    await expect(setAvailability(db, fx.agent, { availability: "napping" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(setAvailability(db, fx.keyCustomer, { availability: "away" })).rejects.toMatchObject({ code: "forbidden" });
    await setAvailability(db, fx.agent, { availability: "online" });
  });
});
