// npm run seed:scale on a small scale, checked through the app's own
// functions: the queue lists and counts, ticket timelines read the events,
// every event parses, the readers that were running before the seed do not
// replay two years of history, and the next ticket filed gets the next number.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { currentPosition, LiveReader, readFinished, type FeedPosition } from "../../server/events/feed.ts";
import { LISTENER_STATUS_SQL } from "../../server/events/monitor.ts";
import { parseEventRows, type EventRow } from "../../server/events/types.ts";
import { createTicket, getTicket, listTickets } from "../../server/tickets/service.ts";
import { seedScaleDatabase, type ScaleResult } from "../../prisma/seed-scale.ts";
import { alarmOf, ticketSla, type EscalationMoment } from "../../server/sla/targets.ts";
import { seedDemoData } from "../../prisma/seed.ts";
import { freshDatabase, type TestDatabase } from "../support/services.ts";

const TICKETS = 2000;
let t: TestDatabase;
let pool: pg.Pool;
let result: ScaleResult;
/** Where a running app's readers stood just before the seed. */
let before: FeedPosition;
const people: Record<"agent" | "supervisor" | "customer", AuthUser> = {} as never;

/** The moment the data is seeded as of. */
const now = new Date();

beforeAll(async () => {
  t = await freshDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 3 });
  // An app that has run: demo data, and a durable listener at the end of the log.
  await seedDemoData(t.db);
  before = await currentPosition(pool);
  await pool.query(
    `INSERT INTO "EventListener" (name, "afterTxid", "afterId", "updatedAt") VALUES ('search-index', $1, $2, now())`,
    [before.txid.toString(), before.id.toString()],
  );
  // A fixed seed: at this size about fifteen tickets are still being worked, and an unlucky draw can make every one late.
  result = await seedScaleDatabase({ tickets: TICKETS, databaseUrl: t.url, now, seed: 0.25 }, () => {});
  for (const [key, email] of [
    ["agent", "agent@demo.helpdesk"],
    ["supervisor", "supervisor@demo.helpdesk"],
    ["customer", "customer@demo.helpdesk"],
  ] as const) {
    const user = await t.db.user.findUniqueOrThrow({ where: { email } });
    people[key] = (await loadAuthUser(t.db, user.id))!;
  }
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await t?.drop();
});

describe("seed:scale", () => {
  test("adds the tickets with their customers, messages, events and surveys, mostly closed", async () => {
    expect(result.tickets).toBe(TICKETS);
    expect(result.lastNumber - result.firstNumber + 1).toBe(TICKETS);
    const { rows } = await pool.query<{ status: string; n: number }>(
      `SELECT status::text, count(*)::int AS n FROM "Ticket" WHERE number BETWEEN $1 AND $2 GROUP BY 1`,
      [result.firstNumber, result.lastNumber],
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(TICKETS);
    expect(byStatus.closed / TICKETS).toBeGreaterThan(0.8);
    expect(result.messages).toBeGreaterThan(TICKETS * 3);
    expect(result.events).toBeGreaterThan(TICKETS * 7);
    expect(await t.db.customer.count()).toBeGreaterThanOrEqual(result.customers);
    expect(await t.db.customerHealth.count()).toBe(await t.db.customer.count());
    const solved = await t.db.ticket.count({ where: { number: { gte: result.firstNumber }, solvedAt: { not: null } } });
    expect(await t.db.survey.count({ where: { ticket: { number: { gte: result.firstNumber } } } })).toBe(solved);
  });

  test("every event parses, and each ticket's events agree with its row", async () => {
    const { rows } = await pool.query<EventRow>(
      `SELECT id::text, txid::text, type, "ticketId", "customerId", "actorId", at, data FROM "DomainEvent"`,
    );
    const { events, broken } = parseEventRows(rows);
    expect(broken).toEqual([]);
    expect(events.length).toBeGreaterThanOrEqual(result.events);
    const mismatched = await pool.query(
      `SELECT t.number FROM "Ticket" t
       WHERE t.number >= $1 AND (
         t.version <> (SELECT max((e.data->>'version')::int) FROM "DomainEvent" e WHERE e."ticketId" = t.id)
         OR t.status::text <> coalesce((SELECT e.data->>'to' FROM "DomainEvent" e WHERE e."ticketId" = t.id
                                        AND e.type = 'ticket.status_changed' ORDER BY e.at DESC, e.id DESC LIMIT 1), 'new')
         OR (SELECT count(*) FROM "Message" m WHERE m."ticketId" = t.id)
            <> (SELECT count(*) FROM "DomainEvent" e JOIN "Message" m ON m.id = e.data->>'messageId' AND m."ticketId" = t.id
                WHERE e."ticketId" = t.id AND e.type = 'ticket.message_added')
         OR EXISTS (SELECT 1 FROM "SlaTarget" s WHERE s."ticketId" = t.id AND (s."breachedAt" IS NOT NULL) <> EXISTS (
                SELECT 1 FROM "DomainEvent" e WHERE e."ticketId" = t.id AND e.type = 'ticket.sla_breached'
                AND e.data->>'target' = s.target::text AND e.at = s."breachedAt")))
       LIMIT 5`,
      [result.firstNumber],
    );
    expect(mismatched.rows).toEqual([]);
  });

  test("the agent's queue lists and counts the seeded tickets they may see, page after page", async () => {
    const first = await listTickets(t.db, people.agent, { status: "active", limit: 20 }, { counts: true });
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Ticket"
       WHERE status IN ('new', 'open', 'pending', 'on_hold') AND ("teamId" = ANY($1) OR "teamId" IS NULL OR "assigneeId" = $2)`,
      [people.agent.teamIds, people.agent.id],
    );
    expect(first.total).toBe(rows[0].n);
    expect(first.totalCapped).toBe(false);
    const all = await listTickets(t.db, people.agent, { limit: 50 }, { counts: true });
    expect(all.items.some((x) => x.number >= result.firstNumber)).toBe(true);
    const second = await listTickets(t.db, people.agent, { limit: 50, cursor: all.nextCursor! }, { counts: true });
    expect(second.offset).toBe(50);
    const seen = [...all.items, ...second.items];
    expect(new Set(seen.map((x) => x.id)).size).toBe(100);
    const times = seen.map((x) => x.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen.every((x) => people.agent.teamIds.includes(x.teamId!) || x.assigneeId === people.agent.id)).toBe(true);
  });

  test("a seeded ticket's page shows its conversation and its history from the events", async () => {
    const ticket = await t.db.ticket.findFirstOrThrow({
      where: { number: { gte: result.firstNumber }, status: "closed" },
      orderBy: { version: "desc" },
    });
    const page = await getTicket(t.db, people.supervisor, ticket.number);
    expect(page.messages.length).toBeGreaterThanOrEqual(3);
    expect(page.messages.some((m) => m.kind === "public" && m.author?.role === "agent")).toBe(true);
    const changes = page.timeline.flatMap((entry) => entry.changes);
    expect(changes).toContainEqual(expect.objectContaining({ kind: "status", to: "solved" }));
    expect(changes).toContainEqual(expect.objectContaining({ kind: "status", to: "closed" }));
  });

  test("readers that were running before the seed have nothing to replay", async () => {
    const durable = await readFinished(pool, before, ["article.changed"], 200);
    expect(durable.events).toEqual([]);
    const { rows } = await pool.query<{ name: string; backlog: number }>(LISTENER_STATUS_SQL);
    expect(rows).toEqual([expect.objectContaining({ name: "search-index", backlog: 0 })]);
    const delivered: unknown[] = [];
    const live = new LiveReader(pool, before, null, () => {});
    await live.poll(async (events) => void delivered.push(...events));
    expect(delivered).toEqual([]);
  });

  test("SLA runs: what fell due is recorded, an alarm is set only for what is still ahead of a running target", async () => {
    const { rows } = await pool.query(
      `SELECT
         count(*) FILTER (WHERE "alarmAt" <= $1::timestamp(3))::int AS "pastAlarms",
         count(*) FILTER (WHERE "alarmAt" IS NOT NULL AND ("fulfilledAt" IS NOT NULL OR "pausedSince" IS NOT NULL))::int AS "idleAlarms",
         count(*) FILTER (WHERE "fulfilledAt" IS NULL AND "pausedSince" IS NULL AND "dueAt" <= $1::timestamp(3) AND "breachedAt" IS NULL)::int AS "unrecorded",
         count(*) FILTER (WHERE "alarmAt" > $1::timestamp(3))::int AS "ahead"
       FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId" WHERE t.number >= $2`,
      [now.toISOString(), result.firstNumber],
    );
    expect(rows[0]).toMatchObject({ pastAlarms: 0, idleAlarms: 0, unrecorded: 0 });
    expect(rows[0].ahead).toBeGreaterThan(0);
    // Each ticket's summary is what the engine's rule makes of its runs; waiting on the customer stands still unless already late.
    // Each run's alarm is the engine's too: the demo policies' at-risk escalation level counts as given once the warning was,
    // so it is not given again (late) by the firing job.
    const tickets = await t.db.ticket.findMany({ where: { number: { gte: result.firstNumber } }, include: { slaTargets: true } });
    const levels = new Map((await t.db.slaPolicy.findMany()).map((p) => [p.id, p.escalations as unknown as EscalationMoment[]]));
    expect([...levels.values()].some((l) => l.some((level) => level.on === "at_risk"))).toBe(true);
    const ms = (d: Date | null) => d?.getTime() ?? null;
    for (const ticket of tickets) {
      const runs = ticket.slaTargets.map((r) => ({ ...r, startedAt: r.startedAt.getTime(), dueAt: ms(r.dueAt), atRiskAt: ms(r.atRiskAt), fulfilledAt: ms(r.fulfilledAt), pausedSince: ms(r.pausedSince), warnedAt: ms(r.warnedAt), breachedAt: ms(r.breachedAt), escalatedThrough: ms(r.escalatedThrough), alarmAt: ms(r.alarmAt) }));
      const expected = ticketSla(ticket.status, runs);
      expect({ state: ticket.slaState, dueAt: ms(ticket.slaDueAt) }, `#${ticket.number}`).toEqual(expected);
      for (const run of runs) expect(run.alarmAt, `#${ticket.number} ${run.target}`).toBe(alarmOf(run, levels.get(run.policyId) ?? []));
    }
    const states = tickets.filter((x) => ["new", "open", "pending", "on_hold"].includes(x.status)).map((x) => ({ status: x.status, state: x.slaState }));
    // A mix: some late, some not.
    expect(states.map((r) => r.state)).toContain("breached");
    expect(states.some((r) => r.state !== "breached")).toBe(true);
    for (const { status, state } of states.filter((r) => r.status === "pending")) expect(["paused", "breached"], status).toContain(state);
  });

  test("the next ticket filed gets the next number and shows in the queue", async () => {
    const filed = await createTicket(
      t.db,
      people.customer,
      { type: "inquiry", category: "technical", subject: "After the import", description: "Is everything still there?" },
      "portal",
    );
    expect(filed.number).toBe(result.lastNumber + 1);
    const queue = await listTickets(t.db, people.agent, { status: "active", limit: 5 });
    expect(queue.items[0].number).toBe(filed.number);
  });
});
