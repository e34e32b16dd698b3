// An installation from before the event log keeps its history: the migration
// turns "system" messages (status:…, priority:…, assignee:Name) and the CSAT
// follow-up notes into events, looks names up, and keeps what it cannot resolve.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

const migrations = path.resolve(import.meta.dirname, "../../prisma/migrations");
const sql = (name: string) => fs.readFileSync(path.join(migrations, name, "migration.sql"), "utf8");
const name = `t_migr_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
const adminUrl = () => inject("postgresAdminUrl");
let client: pg.Client;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  client = new pg.Client({ connectionString: adminUrl().replace(/\/postgres$/, `/${name}`) });
  await client.connect();
  await client.query(sql("20261123000000_init"));
});

afterAll(async () => {
  await client?.end();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

test("system messages and CSAT notes become events; unknown names are kept as text", async () => {
  const ids = { li: randomUUID(), ada: randomUUID(), customer: randomUUID(), ticket: randomUUID(), category: randomUUID(), survey: randomUUID() };
  const minute = (n: number) => new Date(Date.UTC(2026, 10, 20, 9, n));
  await client.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", role) VALUES ($1, 'li@x', 'Li Wei', 'x', 'agent'), ($2, 'ada@x', 'Ada', 'x', 'customer'),
       ($3, 'sam1@x', 'Sam Lee', 'x', 'agent'), ($4, 'sam2@x', 'Sam Lee', 'x', 'agent')`,
    [ids.li, ids.ada, randomUUID(), randomUUID()],
  );
  await client.query(`INSERT INTO "Customer" (id, "userId", email, name) VALUES ($1, $2, 'ada@x', 'Ada')`, [ids.customer, ids.ada]);
  await client.query(`INSERT INTO "Category" (id, key, "nameEn", "nameZh") VALUES ($1, 'tech', 'Tech', '技术')`, [ids.category]);
  await client.query(
    `INSERT INTO "Ticket" (id, type, channel, subject, "requesterId", "categoryId", "updatedAt") VALUES ($1, 'complaint', 'portal', 'Broken', $2, $3, now())`,
    [ids.ticket, ids.customer, ids.category],
  );
  const message = (kind: string, author: string | null, body: string, at: Date) =>
    client.query(`INSERT INTO "Message" (id, "ticketId", "authorId", kind, body, "createdAt") VALUES ($1, $2, $3, $4, $5, $6)`, [
      randomUUID(), ids.ticket, author, kind, body, at,
    ]);
  await message("public", ids.ada, "It is broken.", minute(0));
  await message("system", ids.li, "priority:urgent\nassignee:Li Wei", minute(1));
  await message("system", ids.li, "assignee:Former Colleague", minute(2));
  await message("system", ids.li, "assignee:Sam Lee", new Date(minute(2).getTime() + 1000)); // two people of that name: not guessed
  await message("system", ids.li, "assignee:", minute(3));
  await message("system", ids.li, "status:solved", minute(4));
  await message("internal", null, "csat:2\nToo slow", minute(5));
  await client.query(
    `INSERT INTO "Survey" (id, "ticketId", "customerId", token, rating, comment, "expiresAt", "respondedAt") VALUES ($1, $2, $3, 'tok', 2, 'Too slow', now(), $4)`,
    [ids.survey, ids.ticket, ids.customer, minute(5)],
  );

  await client.query(sql("20261124100000_domain_events"));

  const { rows: events } = await client.query(`SELECT type, "actorId", at, data FROM "DomainEvent" WHERE "ticketId" = $1 ORDER BY id`, [ids.ticket]);
  expect(events.map((e) => [e.type, e.actorId, e.data])).toEqual([
    ["ticket.priority_changed", ids.li, { from: null, to: "urgent" }],
    ["ticket.assignee_changed", ids.li, { from: null, to: ids.li }],
    ["ticket.legacy_note", ids.li, { text: "assignee:Former Colleague" }],
    ["ticket.legacy_note", ids.li, { text: "assignee:Sam Lee" }],
    // After the name that could not be resolved, who was assigned before is unknown.
    ["ticket.assignee_changed", ids.li, { from: null, to: null }],
    ["ticket.status_changed", ids.li, { from: null, to: "solved" }],
    ["survey.answered", ids.ada, { surveyId: ids.survey, rating: 2, comment: "Too slow" }],
  ]);
  expect(events[1].at.toISOString()).toBe(minute(1).toISOString());
  const { rows: left } = await client.query(`SELECT kind, body FROM "Message" WHERE "ticketId" = $1`, [ids.ticket]);
  expect(left).toEqual([{ kind: "public", body: "It is broken." }]);
});
