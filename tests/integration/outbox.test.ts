// A write commits even when realtime or search cannot take its event; the
// relay keeps the event and delivers it once the consumer works again.
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { OutboxRelay, type Consumer } from "../../server/outbox/outbox.ts";
import { createTicket } from "../../server/tickets/service.ts";
import type { DomainEvent } from "../../server/outbox/events.ts";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  fx = await createFixtures(t.db);
});
afterAll(() => t.drop());

const newTicket = (subject: string) => ({
  type: "inquiry",
  category: "technical",
  subject,
  description: "The export button does nothing when I click it.",
});

test("a failing consumer never loses the ticket, and the event is retried until delivered", async () => {
  let searchIsDown = true;
  const delivered: DomainEvent[] = [];
  const flakySearch: Consumer = {
    name: "search",
    async handle(event) {
      if (searchIsDown) throw new Error("connect ECONNREFUSED 127.0.0.1:7700");
      delivered.push(event);
    },
  };
  const relay = new OutboxRelay({ databaseUrl: t.url, consumers: [flakySearch], pollIntervalMs: 100 });
  await relay.start();
  try {
    const ticket = await createTicket(t.db, fx.keyCustomer, newTicket("Export button broken"), "portal");
    expect(await t.db.ticket.findUnique({ where: { id: ticket.id } })).not.toBeNull();

    await relay.drain();
    const pending = await t.db.outboxEvent.findFirstOrThrow({ where: { topic: "ticket.created" } });
    expect(pending.processedAt).toBeNull();
    expect(pending.attempts).toBeGreaterThanOrEqual(1);
    expect(pending.lastError).toContain("ECONNREFUSED");

    // Search comes back: the retry (after its backoff) delivers the event once.
    searchIsDown = false;
    await t.db.outboxEvent.updateMany({ data: { availableAt: new Date() } }); // skip the wait
    relay.kick();
    const deadline = Date.now() + 5000;
    while (!delivered.some((e) => e.topic === "ticket.created") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(delivered.filter((e) => e.topic === "ticket.created")).toEqual([
      { topic: "ticket.created", payload: { ticketId: ticket.id } },
    ]);
    const done = await t.db.outboxEvent.findUniqueOrThrow({ where: { id: pending.id } });
    expect(done.processedAt).not.toBeNull();
  } finally {
    await relay.stop();
  }
});

test("an event is delivered only after its transaction commits", async () => {
  const seen: string[] = [];
  const relay = new OutboxRelay({
    databaseUrl: t.url,
    consumers: [{ name: "probe", handle: async (e) => void seen.push(e.topic) }],
    pollIntervalMs: 50,
  });
  await relay.start();
  try {
    // A ticket whose transaction fails (unknown category) publishes nothing.
    await expect(
      createTicket(t.db, fx.keyCustomer, { ...newTicket("Bad category"), category: "nope" }, "portal"),
    ).rejects.toMatchObject({ code: "validation_failed" });
    await relay.drain();
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.db.ticket.count({ where: { subject: "Bad category" } })).toBe(0);
    expect(seen).not.toContain("ticket.created");

    // The same relay does deliver a ticket that committed.
    await createTicket(t.db, fx.keyCustomer, newTicket("Good category"), "portal");
    const deadline = Date.now() + 5000;
    while (!seen.includes("ticket.created") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toContain("ticket.created");
  } finally {
    await relay.stop();
  }
});
