// A client whose connection dropped gets what it missed when it comes back:
// it hands the server the last feed position it saw and the tickets it had
// open, and the server replays the updates since, under the same policy as
// live ones (an internal note never reaches a customer, another team's
// ticket never reaches an agent).
import { describe, expect, test } from "vitest";
import { io, type Socket } from "socket.io-client";
import { addMessage, createTicket } from "../../server/tickets/service.ts";
import type { LiveMessage, QueueTicket } from "../../server/realtime/protocol.ts";
import { until, useLiveServer, watch } from "../support/live.ts";

const { ctx, sessionCookie } = useLiveServer();

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
