// One change to many tickets: each ticket is its own command, so those that
// cannot be changed are reported and the rest go through.
import { expect, test } from "vitest";
import type { TestDatabase } from "../support/services.ts";
import { useFixtureDatabase, type Fixtures } from "../support/fixture-database.ts";
import { createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { bulkChange, MAX_BULK } from "../../server/tickets/bulk.ts";

let t: TestDatabase;
let f: Fixtures;

useFixtureDatabase((database, fixtures) => {
  t = database;
  f = fixtures;
});

const file = async (category: "technical" | "billing", subject: string) =>
  (await createTicket(t.db, f.keyCustomer, { type: "inquiry", category, subject, description: `${subject}, at length.` }, "portal")).number;

test("each ticket is changed on its own: the closed one and the one out of sight are reported, the rest change", async () => {
  const [a, b, closed] = [await file("technical", "Ticket A"), await file("technical", "Ticket B"), await file("technical", "Ticket C")];
  const billing = await file("billing", "Billing's");
  await updateTicket(t.db, f.supervisor, a, { tags: ["vip"] });
  await updateTicket(t.db, f.supervisor, closed, { status: "closed" });

  const results = await bulkChange(t.db, f.agent, { numbers: [a, b, closed, billing, a], change: { status: "pending", priority: "high", addTags: ["waiting"] } });
  expect(results).toEqual([
    { number: a, ok: true },
    { number: b, ok: true },
    { number: closed, ok: false, error: "errors.invalidTransition" },
    { number: billing, ok: false, error: "errors.ticketNotFound" },
  ]);
  const after = await getTicket(t.db, f.agent, a);
  expect(after.ticket).toMatchObject({ status: "pending", priority: "high" });
  // Tags are added to what each ticket had.
  expect([...after.ticket.tags].sort()).toEqual(["vip", "waiting"]);
  expect((await getTicket(t.db, f.supervisor, closed)).ticket.priority).toBe("normal");
});

test("merging many into one; a merge goes alone; bad input is refused as a whole; customers may not", async () => {
  const into = await file("technical", "Keeper");
  const dupes = [await file("technical", "Dupe 1"), await file("technical", "Dupe 2")];
  expect(await bulkChange(t.db, f.agent, { numbers: [...dupes, into], change: { mergeInto: into } })).toEqual([
    { number: dupes[0], ok: true },
    { number: dupes[1], ok: true },
    { number: into, ok: false, error: "validation.mergeSelf" },
  ]);
  expect((await getTicket(t.db, f.agent, into)).links.mergedFrom.map((l) => l.number)).toEqual(dupes);

  await expect(bulkChange(t.db, f.agent, { numbers: [into], change: { mergeInto: dupes[0], status: "open" } })).rejects.toMatchObject({
    details: { "change.mergeInto": ["validation.mergeAlone"] },
  });
  await expect(bulkChange(t.db, f.agent, { numbers: [into], change: {} })).rejects.toMatchObject({ details: { change: ["validation.nothingToUpdate"] } });
  await expect(bulkChange(t.db, f.agent, { numbers: Array.from({ length: MAX_BULK + 1 }, (_, i) => i + 1), change: { priority: "low" } })).rejects.toMatchObject({
    details: { numbers: ["validation.bulkTooMany"] },
  });
  await expect(bulkChange(t.db, f.keyCustomer, { numbers: [into], change: { priority: "low" } })).rejects.toMatchObject({ code: "forbidden" });
});
