// Ticket search against the real PostgreSQL and Meilisearch: what each person
// finds, in English and Chinese, with operators, and what they never find.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { forgetSingleton } from "../../server/runtime.ts";
import { addMessage, createTicket, updateTicket } from "../../server/tickets/service.ts";
import { meili, waitForTask } from "../../search/client.ts";
import {
  ensureTicketSearchSettings,
  indexTickets,
  reindexAllTickets,
  searchTickets,
  ticketIndexBehind,
  ticketSearchRequest,
  ticketsIndexUid,
} from "../../search/tickets.ts";
import { parseTicketQuery } from "../../search/ticket-query.ts";
import { ticketSearch } from "../../server/listeners/ticket-search.ts";
import { DomainError } from "../../server/errors.ts";
import type { StoredEvent } from "../../server/events/types.ts";

let t: TestDatabase;
let f: Awaited<ReturnType<typeof createFixtures>>;
const numbers: Record<string, number> = {};
const ids: Record<string, string> = {};

const search = (user: typeof f.agent, q: string) => searchTickets(t.db, user, { q });
const found = async (user: typeof f.agent, q: string) => (await search(user, q)).hits.map((h) => h.number).sort();

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db"); // the listener reads tickets through the shared client
  f = await createFixtures(t.db);
  await ensureTicketSearchSettings();

  const file = async (name: string, by: typeof f.agent, input: Record<string, unknown>) => {
    const ticket = await createTicket(t.db, by, input, by.role === "customer" ? "portal" : "agent");
    numbers[name] = ticket.number;
    ids[name] = ticket.id;
  };
  // Support team (technical), filed by the key customer.
  await file("refund", f.keyCustomer, {
    type: "complaint",
    category: "technical",
    subject: "Refund for a double charge",
    description: "I was charged twice for the same order and would like my money back.",
  });
  await file("chinese", f.keyCustomer, {
    type: "inquiry",
    category: "technical",
    subject: "订单问题",
    description: "您好，我想申请退款，订单已经取消了三天。",
  });
  await addMessage(t.db, f.agent, numbers.chinese, { body: "Escalated to the warehouse lead, password is hunter7", kind: "internal" });
  // Billing team, filed by another customer: the support agent may not see it.
  await file("billing", f.otherCustomer, {
    type: "inquiry",
    category: "billing",
    subject: "Refund of the annual plan",
    description: "Please refund the annual plan, we moved to monthly billing.",
  });
  await updateTicket(t.db, f.supervisor, numbers.refund, { priority: "urgent", tags: ["refund", "vip"], assigneeId: f.agent.id });
  await reindexAllTickets(t.db);
});

afterAll(async () => {
  await meili().deleteIndex(ticketsIndexUid()).catch(() => {});
  await t?.drop();
});

describe("finding tickets", () => {
  test("a Chinese phrase finds the ticket whose message says it within a longer sentence", async () => {
    expect(await found(f.supervisor, "退款")).toContain(numbers.chinese);
    const [hit] = (await search(f.supervisor, "退款")).hits.filter((h) => h.number === numbers.chinese);
    expect(hit.snippet?.html).toContain("<mark>退款</mark>");
  });

  test("a typo in English still finds the ticket, with the match highlighted in the subject", async () => {
    const result = await search(f.supervisor, "refnud");
    expect(result.hits.map((h) => h.number)).toEqual(expect.arrayContaining([numbers.refund, numbers.billing]));
    expect(result.hits.find((h) => h.number === numbers.refund)?.subjectHtml).toContain("<mark>Refund</mark>");
  });

  test("operators narrow the search: status, priority, tag, assignee, requester, team, number, negation", async () => {
    expect(await found(f.supervisor, "refund priority:urgent")).toEqual([numbers.refund]);
    expect(await found(f.supervisor, "tag:vip")).toEqual([numbers.refund]);
    expect(await found(f.supervisor, "refund -tag:vip")).toEqual([numbers.billing]);
    expect(await found(f.agent, "assignee:me")).toEqual([numbers.refund]);
    expect(await found(f.supervisor, "assignee:none")).toEqual([numbers.billing, numbers.chinese].sort());
    expect(await found(f.supervisor, "requester:OTTO@std.example")).toEqual([numbers.billing]);
    expect(await found(f.supervisor, "team:billing")).toEqual([numbers.billing]);
    expect(await found(f.supervisor, `#${numbers.chinese}`)).toEqual([numbers.chinese]);
    expect(await found(f.supervisor, "status:active refund")).toEqual([numbers.billing, numbers.refund].sort());
    expect(await found(f.supervisor, "status:solved refund")).toEqual([]);
    // The same operator twice: either value.
    expect(await found(f.supervisor, "type:complaint type:inquiry refund")).toEqual([numbers.billing, numbers.refund].sort());
  });

  test("an operator with a value it cannot take is reported, not guessed", async () => {
    const result = await search(f.supervisor, "refund status:opne assignee:nobody@nowhere.example");
    expect(result.invalid).toEqual(["status:opne", "assignee:nobody@nowhere.example"]);
    expect(result.hits).toEqual([]);
  });
});

describe("what each person may find", () => {
  test("an agent never finds a ticket of another team, however well it matches", async () => {
    expect(await found(f.agent, "refund")).toEqual([numbers.refund]);
    expect(await found(f.agent, "annual plan")).toEqual([]);
    expect(await found(f.billingAgent, "refund")).toEqual([numbers.billing]);
  });

  test("a ticket moved to another team leaves the agent's results at once, before the index has caught up", async () => {
    await updateTicket(t.db, f.supervisor, numbers.chinese, { teamId: f.teams.billing.id });
    try {
      // The index still says Support; PostgreSQL has the final say.
      expect(await found(f.agent, "退款")).toEqual([]);
      await indexTickets(t.db, [ids.chinese]);
      expect(await found(f.billingAgent, "退款")).toEqual([numbers.chinese]);
      expect(await found(f.agent, "退款")).toEqual([]);
    } finally {
      await updateTicket(t.db, f.supervisor, numbers.chinese, { teamId: f.teams.support.id });
      await indexTickets(t.db, [ids.chinese]);
    }
  });

  test("internal-note text is found by staff and marked as a note, and customers may not search at all", async () => {
    const result = await search(f.agent, "warehouse");
    expect(result.hits.map((h) => h.number)).toEqual([numbers.chinese]);
    expect(result.hits[0].snippet).toEqual({ html: expect.stringContaining("<mark>warehouse</mark>"), inNote: true });
    for (const customer of [f.keyCustomer, f.otherCustomer]) {
      await expect(search(customer, "warehouse")).rejects.toMatchObject({ code: "forbidden" });
      await expect(search(customer, "refund")).rejects.toBeInstanceOf(DomainError);
    }
  });
});

test("internal-note text is never matched for someone who may not read notes, even on their own ticket", async () => {
  // Customers may not search at all (above); below that, the search itself leaves notes out for
  // anyone without "tickets.internal": sent to Meilisearch as the requester, the note's words find nothing.
  const index = meili().index(ticketsIndexUid());
  const asRequester = ticketSearchRequest(f.keyCustomer, parseTicketQuery("warehouse"), new Map(), { limit: 20, offset: 0 });
  expect(asRequester.params.attributesToSearchOn).not.toContain("notes");
  expect((await index.search(asRequester.q, asRequester.params)).hits).toEqual([]);
  // Their own ticket is found by its public words, with no note in the highlights.
  const ownWords = ticketSearchRequest(f.keyCustomer, parseTicketQuery("退款"), new Map(), { limit: 20, offset: 0 });
  const hits = (await index.search(ownWords.q, ownWords.params)).hits;
  expect(hits.map((h) => h.id)).toEqual([ids.chinese]);
  expect(JSON.stringify(hits[0]._formatted ?? {})).not.toContain("warehouse");
  // The same search for staff finds the note.
  const asStaff = ticketSearchRequest(f.agent, parseTicketQuery("warehouse"), new Map(), { limit: 20, offset: 0 });
  expect((await index.search(asStaff.q, asStaff.params)).hits.map((h) => h.id)).toEqual([ids.chinese]);
});

describe("keeping the index current", () => {
  const event = (ticketId: string): StoredEvent => ({
    id: 1n,
    txid: 1n,
    type: "ticket.message_added",
    ticketId,
    actorId: null,
    at: new Date(),
    data: { messageId: "m", kind: "public", version: 2 },
  });

  test("the listener indexes a new reply, so its words are found", async () => {
    expect(await found(f.supervisor, "kangaroo")).toEqual([]);
    await addMessage(t.db, f.agent, numbers.refund, { body: "The kangaroo courier will bring the refund slip." });
    await ticketSearch.handle([event(ids.refund)]);
    expect(await found(f.supervisor, "kangaroo")).toEqual([numbers.refund]);
  });

  test("a full reindex reports its progress, swaps in a complete index and leaves no other index behind", async () => {
    const progress: number[] = [];
    const { indexed, total } = await reindexAllTickets(t.db, (p) => progress.push(p.indexed));
    expect(indexed).toBe(3);
    expect(total).toBe(3);
    expect(progress.at(-1)).toBe(3);
    expect(await ticketIndexBehind(t.db)).toBe(false);
    const { results } = await meili().getIndexes({ limit: 1000 });
    expect(results.map((i) => i.uid).filter((uid) => uid.startsWith(ticketsIndexUid()))).toEqual([ticketsIndexUid()]);
    expect(await found(f.supervisor, "kangaroo")).toEqual([numbers.refund]);
  });

  test("indexing a ticket that no longer exists removes its document", async () => {
    const index = meili().index(ticketsIndexUid());
    const gone = "00000000-0000-4000-8000-000000000000";
    await waitForTask(index.addDocuments([{ id: gone, subject: "Orphaned document" }]));
    await index.getDocument(gone);
    await indexTickets(t.db, [gone]);
    await expect(index.getDocument(gone)).rejects.toThrow();
  });
});
