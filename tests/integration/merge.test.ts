// Merging duplicates against the real PostgreSQL: the conversation moves, the
// duplicate closes with a link, the customer is told in their language, the
// clocks and timelines follow, and what may not be merged is refused.
import { beforeAll, describe, expect, test } from "vitest";
import type { TestDatabase } from "../support/services.ts";
import { useFixtureDatabase, type Fixtures } from "../support/fixture-database.ts";
import { addMessage, createTicket, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { mergeTicket } from "../../server/tickets/merge.ts";

let t: TestDatabase;
let f: Fixtures;

useFixtureDatabase((database, fixtures) => {
  t = database;
  f = fixtures;
});

beforeAll(async () => {
  await t.db.user.update({ where: { id: f.keyCustomer.id }, data: { locale: "zh-CN" } });
});

const file = (by: typeof f.keyCustomer, subject: string, at: Date) =>
  createTicket(t.db, by, { type: "inquiry", category: "technical", subject, description: `${subject}, described at length.` }, "portal", at);

describe("merging a duplicate", () => {
  test("its messages join the other ticket in time order, it closes with a link, and the customer is told in Chinese", async () => {
    const target = await file(f.keyCustomer, "Printer offline", new Date("2026-11-20T09:00:00Z"));
    const source = await file(f.keyCustomer, "Printer still offline", new Date("2026-11-20T10:00:00Z"));
    await addMessage(t.db, f.agent, source.number, { body: "Checked the spooler.", kind: "internal" }, new Date("2026-11-20T10:30:00Z"));
    await addMessage(t.db, f.agent, target.number, { body: "Looking into it.", kind: "public" }, new Date("2026-11-20T11:00:00Z"));

    const merged = await mergeTicket(t.db, f.agent, source.number, { into: `#${target.number}` }, new Date("2026-11-20T12:00:00Z"));
    expect(merged.number).toBe(target.number);

    const after = await getTicket(t.db, f.agent, target.number);
    expect(after.messages.map((m) => m.body)).toEqual([
      "Printer offline, described at length.",
      "Printer still offline, described at length.",
      "Checked the spooler.",
      "Looking into it.",
      expect.stringContaining(`#${source.number}`),
    ]);
    expect(after.messages.at(-1)).toMatchObject({ kind: "public", author: null, body: expect.stringContaining("已合并到此请求中") });
    expect(after.links).toEqual({ mergedInto: null, mergedFrom: [{ number: source.number, subject: "Printer still offline", status: "closed" }] });
    expect(after.timeline.flatMap((e) => e.changes)).toContainEqual({ kind: "merged", source: source.number, messages: 2 });

    const gone = await getTicket(t.db, f.agent, source.number);
    expect(gone.ticket.status).toBe("closed");
    expect(gone.messages).toEqual([]);
    expect(gone.links.mergedInto).toEqual({ number: target.number, subject: "Printer offline", status: "open" });
    expect(gone.timeline.flatMap((e) => e.changes)).toContainEqual({ kind: "merged_into", target: target.number });

    // The customer sees the notice and their own messages, not the internal note.
    const customerView = await getTicket(t.db, f.keyCustomer, target.number);
    expect(customerView.messages.map((m) => m.body)).not.toContain("Checked the spooler.");
    expect(customerView.messages).toHaveLength(4);
    expect((await getTicket(t.db, f.keyCustomer, source.number)).links.mergedInto?.number).toBe(target.number);
  });

  test("the notice is not a reply: the other ticket's first response is still due", async () => {
    const target = await file(f.keyCustomer, "Screen flickers", new Date());
    const source = await file(f.keyCustomer, "Screen flickers again", new Date());
    await mergeTicket(t.db, f.agent, source.number, { into: target.number });
    const { ticket } = await getTicket(t.db, f.agent, target.number);
    expect(ticket.firstRespondedAt).toBeNull();
    expect(ticket.slaTargets.find((r) => r.target === "first_response")?.fulfilledAt).toBeNull();
  });

  test("refused, changing nothing: another requester's ticket, a closed or merged ticket, itself, one out of sight", async () => {
    const ada = await file(f.keyCustomer, "Ada's ticket", new Date());
    const otto = await file(f.otherCustomer, "Otto's ticket", new Date());
    await expect(mergeTicket(t.db, f.agent, otto.number, { into: ada.number })).rejects.toMatchObject({ code: "conflict", messageKey: "errors.mergeOtherRequester" });
    await expect(mergeTicket(t.db, f.agent, ada.number, { into: ada.number })).rejects.toMatchObject({ details: { into: ["validation.mergeSelf"] } });
    await expect(mergeTicket(t.db, f.agent, ada.number, { into: 999_999 })).rejects.toMatchObject({ details: { into: ["validation.mergeTarget"] } });

    const closed = await file(f.keyCustomer, "Closed one", new Date());
    await updateTicket(t.db, f.supervisor, closed.number, { status: "closed" });
    await expect(mergeTicket(t.db, f.agent, ada.number, { into: closed.number })).rejects.toMatchObject({ messageKey: "errors.mergeClosed" });

    // The billing team's ticket is out of the support agent's sight: not found, as for any ticket they may not see.
    const billing = await createTicket(t.db, f.keyCustomer, { type: "inquiry", category: "billing", subject: "Invoice", description: "An invoice question, long enough." }, "portal");
    await expect(mergeTicket(t.db, f.agent, billing.number, { into: ada.number })).rejects.toMatchObject({ code: "not_found" });
    await expect(mergeTicket(t.db, f.keyCustomer, ada.number, { into: billing.number })).rejects.toMatchObject({ code: "forbidden" });
    expect((await getTicket(t.db, f.agent, ada.number)).messages).toHaveLength(1);
    expect((await getTicket(t.db, f.supervisor, otto.number)).ticket.status).toBe("new");
  });
});
