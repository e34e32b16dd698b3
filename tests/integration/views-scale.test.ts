// Views at a million tickets: paging through every one of them, page by page,
// shows each ticket exactly once and in order, and counts stop at the limit.
// The tickets are written by one INSERT … SELECT (about a minute on 2 cores):
// their content does not matter here, only that there are a million.
import { beforeAll, expect, test } from "vitest";
import type { TestDatabase } from "../support/services.ts";
import { useFixtureDatabase, type Fixtures } from "../support/fixture-database.ts";
import { sqlOf } from "../../server/db/client.ts";
import { COUNT_LIMIT, countViews, listTickets } from "../../server/tickets/service.ts";
import { resolveView, ViewFiltersSchema, type ViewFiltersInput } from "../../server/views/filters.ts";
import { startOfDay } from "../../server/views/service.ts";

const TICKETS = 1_000_000;
let t: TestDatabase;
let f: Fixtures;

useFixtureDatabase((database, fixtures) => {
  t = database;
  f = fixtures;
});

beforeAll(async () => {
  const sql = sqlOf(t.db);
  const [customer] = await sql.query<{ id: string }>(`SELECT "id" FROM "Customer" WHERE "email" = 'ada@key.example'`);
  const categories = await sql.query<{ id: string; teamId: string }>(`SELECT "id", "teamId" FROM "Category" ORDER BY "key"`);
  // Two years of tickets, one every minute; one in a hundred still being worked, with a due time.
  await sql.query(
    `INSERT INTO "Ticket" ("id", "type", "channel", "priority", "status", "subject", "requesterId", "categoryId", "teamId",
                           "createdAt", "updatedAt", "slaState", "slaDueAt")
     SELECT gen_random_uuid()::text,
            (CASE WHEN i % 3 = 0 THEN 'complaint' ELSE 'inquiry' END)::"TicketType", 'api'::"Channel",
            (ARRAY['low', 'normal', 'high', 'urgent'])[1 + (i / 100) % 4]::"Priority",
            (CASE WHEN i % 100 = 0 THEN 'open' ELSE 'closed' END)::"TicketStatus",
            'Ticket ' || i, $1, c."id", c."teamId",
            timestamp '2024-11-01' + i * interval '1 minute', timestamp '2024-11-01' + i * interval '1 minute',
            (CASE WHEN i % 100 = 0 THEN 'on_track' ELSE 'met' END)::"TicketSlaState",
            CASE WHEN i % 100 = 0 THEN timestamp '2026-12-01' + (i % 977) * interval '1 minute' END
     FROM generate_series(1, $2::int) AS i
     JOIN LATERAL (SELECT * FROM jsonb_to_record(($3::jsonb)->((i / 100) % 2)) AS x("id" text, "teamId" text)) c ON true`,
    [customer.id, TICKETS, JSON.stringify(categories)],
  );
  await sql.query(`VACUUM ANALYZE "Ticket"`);
}, 600_000);

const view = (input: ViewFiltersInput) => resolveView(ViewFiltersSchema.parse(input), f.supervisor, "UTC", startOfDay);

test("every one of a million tickets, page by page, once each and newest first", async () => {
  const all = view({});
  const seen = new Set<number>();
  let previous = Number.POSITIVE_INFINITY;
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listTickets(t.db, f.supervisor, { sort: "created", limit: 200, cursor }, { view: all });
    for (const ticket of page.items) {
      // Filed a minute apart, in number order: newest first is highest number first.
      expect(ticket.number).toBeLessThan(previous);
      previous = ticket.number;
      seen.add(ticket.number);
    }
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  expect(seen.size).toBe(TICKETS);
  expect(pages).toBe(TICKETS / 200);
  // Counting stops at the limit rather than counting a million rows.
  expect(await countViews(t.db, f.supervisor, [all])).toEqual([{ count: COUNT_LIMIT, capped: true }]);
}, 600_000);

test("a saved view's tickets among a million, by next due, page by page, exactly those it holds", async () => {
  const urgent = view({ statuses: ["new", "open", "pending", "on_hold"], priorities: ["urgent", "high"], teamIds: [f.teams.support.id] });
  const [{ expected }] = await sqlOf(t.db).query<{ expected: number }>(
    `SELECT count(*)::int AS "expected" FROM "Ticket" WHERE "status" = 'open' AND "priority" IN ('urgent', 'high') AND "teamId" = $1`,
    [f.teams.support.id],
  );
  expect(expected).toBeGreaterThan(1000);
  const numbers: number[] = [];
  let lastDue = "";
  let cursor: string | undefined;
  do {
    const page = await listTickets(t.db, f.supervisor, { sort: "due", limit: 200, cursor }, { view: urgent });
    for (const ticket of page.items) {
      const due = ticket.slaDueAt!.toISOString();
      expect(due >= lastDue).toBe(true);
      lastDue = due;
      numbers.push(ticket.number);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(new Set(numbers).size).toBe(expected);
  expect(numbers).toHaveLength(expected);
  expect(await countViews(t.db, f.supervisor, [urgent])).toEqual([{ count: expected, capped: false }]);
}, 300_000);
