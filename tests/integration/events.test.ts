// The event log and what reads it, against a real PostgreSQL: commands write
// their events in their own transaction (timer jobs follow after commit); readers never skip
// an event whatever order transactions commit in; a failing durable listener
// retries on its own, dead-letters what never works and holds up no one else.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { LiveReader, Wakeup, currentPosition, readFinished } from "../../server/events/feed.ts";
import { createBoundedPool } from "../../server/db/pool.ts";
import { DurableRunner, type DurableListener } from "../../server/events/durable.ts";
import type { StoredEvent } from "../../server/events/types.ts";
import { requestReplay } from "../../server/events/monitor.ts";
import { slaTimers } from "../../server/listeners/sla-timers.ts";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
let pool: pg.Pool;
beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  fx = await createFixtures(t.db);
  pool = createBoundedPool(t.url, () => {});
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const inquiry = (subject: string, category = "technical") => ({
  type: "inquiry",
  category,
  subject,
  description: "The export button does nothing when I click it.",
});

/** Writes one article.changed event in a transaction left open until `commit()`. */
async function openTransaction(articleId: string) {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`INSERT INTO "DomainEvent" (type, data) VALUES ('article.changed', $1)`, [{ articleId }]);
  return {
    commit: async () => {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

const articleIds = (events: StoredEvent[]) => events.flatMap((e) => (e.type === "article.changed" ? [e.data.articleId] : []));

describe("commands and their events", () => {
  test("filing a ticket writes its events and SLA targets in its transaction (a rejected one none); after commit each target's next moment gets the firing job", async () => {
    const jobs = async () =>
      Number((await pool.query(`SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'sla-fire'`)).rows[0].count);
    // The timer listener starts at the end of the log: running before the ticket is filed.
    const wakeup = new Wakeup(t.url, () => {});
    await wakeup.start();
    const errors: string[] = [];
    const runner = new DurableRunner(pool, wakeup, [slaTimers], (e) => errors.push(e.message));
    await runner.start();
    try {
      const before = { events: await t.db.domainEvent.count(), jobs: await jobs() };
      await expect(createTicket(t.db, fx.keyCustomer, inquiry("Bad category", "nope"), "portal")).rejects.toMatchObject({
        code: "validation_failed",
      });
      expect(await t.db.domainEvent.count()).toBe(before.events);

      const ticket = await createTicket(t.db, fx.keyCustomer, inquiry("Export button broken"), "portal");
      const events = await t.db.domainEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => e.type)).toEqual(["ticket.created", "ticket.message_added", "ticket.sla_changed", "ticket.sla_changed"]);
      expect(events[0]).toMatchObject({ actorId: fx.keyCustomer.id, customerId: fx.keyCustomer.customerId });
      const runs = await t.db.slaTarget.findMany({ where: { ticketId: ticket.id }, orderBy: { target: "asc" } });
      expect(runs.map((r) => [r.target, r.alarmAt?.toISOString()])).toEqual([
        ["first_response", ticket.slaTargets[0].atRiskAt!.toISOString()],
        ["resolution", ticket.slaTargets[1].atRiskAt!.toISOString()],
      ]);
      // One firing job per second an alarm falls in (the first one is the at-risk moment), keyed by that second.
      await runner.drain();
      const second = (at: Date) => Math.ceil(at.getTime() / 1000);
      const keys = runs.map((r) => `sla-fire:${second(r.alarmAt!)}`);
      const timers = await pool.query(`SELECT key, run_at FROM graphile_worker.jobs WHERE key = ANY($1) ORDER BY run_at`, [keys]);
      expect(timers.rows.map((r) => [r.key, r.run_at.getTime()])).toEqual(runs.map((r) => [`sla-fire:${second(r.alarmAt!)}`, second(r.alarmAt!) * 1000]));
      expect(await jobs()).toBe(before.jobs + 2);
      expect(errors).toEqual([]);
    } finally {
      await runner.stop();
      await wakeup.stop();
    }
  });

  test("changes made together show as one timeline entry, worded from the events", async () => {
    const ticket = await createTicket(t.db, fx.otherCustomer, inquiry("Please call me back"), "portal");
    await updateTicket(t.db, fx.agent, ticket.number, { priority: "urgent", assigneeId: fx.agent.id });
    await updateTicket(t.db, fx.agent, ticket.number, { tags: ["callback", "vip"] });
    const { timeline } = await getTicket(t.db, fx.agent, ticket.number);
    expect(timeline).toHaveLength(2);
    expect(timeline[0]).toMatchObject({
      actor: { id: fx.agent.id, name: "Li Wei" },
      changes: [
        { kind: "priority", from: "normal", to: "urgent" },
        { kind: "assignee", from: null, to: "Li Wei", toSelf: true },
      ],
    });
    expect(timeline[1].changes).toEqual([{ kind: "tags", added: ["callback", "vip"], removed: [] }]);
    // Customers never see the history of changes.
    expect((await getTicket(t.db, fx.otherCustomer, ticket.number)).timeline).toEqual([]);
  });
});

describe("reading the log after commit", () => {
  test("an event whose transaction commits late is still read, once, by both kinds of reader", async () => {
    const durableFrom = await currentPosition(pool);
    const live = new LiveReader(pool, durableFrom, ["article.changed"], () => {});
    const seenLive: string[] = [];
    const pollLive = () => live.poll(async (events) => void seenLive.push(...articleIds(events)));

    const early = await openTransaction("written-first-committed-last");
    const late = await openTransaction("written-second-committed-first");
    await late.commit();

    // The live reader delivers the committed event at once…
    await pollLive();
    expect(seenLive).toEqual(["written-second-committed-first"]);
    // …while a position-keeping reader waits below the still-open transaction.
    const held = await readFinished(pool, durableFrom, ["article.changed"], 100);
    expect(articleIds(held.events)).toEqual([]);
    expect(held.pendingAbove).toBe(true);

    await early.commit();
    await pollLive();
    await pollLive();
    expect(seenLive).toEqual(["written-second-committed-first", "written-first-committed-last"]);
    const all = await readFinished(pool, durableFrom, ["article.changed"], 100);
    expect(articleIds(all.events)).toEqual(["written-first-committed-last", "written-second-committed-first"]);
    // Continuing from where it stopped, nothing is read twice.
    expect((await readFinished(pool, all.next, ["article.changed"], 100)).events).toEqual([]);
  });

  test("a failing listener retries with backoff, dead-letters what never works, and holds up no other listener", async () => {
    const wakeup = new Wakeup(t.url, () => {});
    await wakeup.start();
    const handled = { steady: [] as string[], flaky: [] as string[] };
    let flakyCalls = 0;
    let poisonFixed = false;
    const steady: DurableListener = {
      name: "test-steady",
      on: ["article.changed"],
      handle: async (events) => void handled.steady.push(...articleIds(events)),
    };
    const flaky: DurableListener = {
      name: "test-flaky",
      on: ["article.changed"],
      async handle(events) {
        flakyCalls += 1;
        const ids = articleIds(events);
        if (ids.includes("poison") && !poisonFixed) throw new Error("cannot index poison");
        handled.flaky.push(...ids);
      },
    };
    const errors: string[] = [];
    const runner = new DurableRunner(pool, wakeup, [steady, flaky], (e, context) => errors.push(`${context}: ${e.message}`), {
      maxAttempts: 3,
      delayMs: () => 50,
    });
    await runner.start();
    try {
      for (const id of ["a1", "poison", "a2"]) {
        await t.db.$executeRaw`INSERT INTO "DomainEvent" (type, data) VALUES ('article.changed', ${JSON.stringify({ articleId: id })}::jsonb)`;
      }
      const deadline = Date.now() + 10_000;
      while (handled.flaky.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

      expect(handled.steady).toEqual(["a1", "poison", "a2"]);
      expect(handled.flaky).toEqual(["a1", "a2"]);
      expect(flakyCalls).toBeGreaterThanOrEqual(4); // the batch, then the poison event alone three times
      expect(errors.filter((e) => e.includes("test-flaky"))).toHaveLength(3);
      const dead = await t.db.deadLetter.findMany();
      expect(dead).toMatchObject([{ listener: "test-flaky", attempts: 3, error: "cannot index poison" }]);
      // Past the poison event, nothing left to retry.
      expect(await t.db.eventListener.findUnique({ where: { name: "test-flaky" } })).toMatchObject({ attempts: 0, lastError: null });

      // The cause is fixed; an admin asks for the dead letter to be tried again, and it is, once.
      poisonFixed = true;
      await requestReplay(t.db, fx.admin, dead[0].id.toString());
      const replayDeadline = Date.now() + 10_000;
      while (!handled.flaky.includes("poison") && Date.now() < replayDeadline) await new Promise((r) => setTimeout(r, 50));
      expect(handled.flaky).toEqual(["a1", "a2", "poison"]);
      expect((await t.db.deadLetter.findUniqueOrThrow({ where: { id: dead[0].id } })).replayedAt).not.toBeNull();
      await expect(requestReplay(t.db, fx.agent, dead[0].id.toString())).rejects.toMatchObject({ code: "forbidden" });
    } finally {
      await runner.stop();
      await wakeup.stop();
    }
  });
});
