// Macros against the real PostgreSQL: a reply in the ticket's language with
// its placeholders filled in, a note and changes, written together or not at
// all; who may keep and apply which macros; bulk application.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { TestDatabase } from "../support/services.ts";
import { useFixtureDatabase, type Fixtures } from "../support/fixture-database.ts";
import { addMessage, createTicket, getTicket, StaleReplyError, StaleTicketError, updateTicket } from "../../server/tickets/service.ts";
import { receiveUploads } from "../../server/attachments/service.ts";
import { bulkChange } from "../../server/tickets/bulk.ts";
import { applyMacro, createMacro, deleteMacro, getMacro, listMacros, previewMacro, updateMacro } from "../../server/macros/service.ts";

let t: TestDatabase;
let f: Fixtures;

useFixtureDatabase((database, fixtures) => {
  t = database;
  f = fixtures;
});

beforeAll(async () => {
  await t.db.user.update({ where: { id: f.keyCustomer.id }, data: { locale: "zh-CN" } });
});

const file = (by: typeof f.keyCustomer, subject: string, at = new Date()) =>
  createTicket(t.db, by, { type: "inquiry", category: "technical", subject, description: `${subject}, described at length.` }, "portal", at);

const refund = () =>
  createMacro(t.db, f.supervisor, {
    name: "Refund approved",
    shared: true,
    reply: {
      en: "Hello {{customer.name}}, the refund for #{{ticket.number}} is on its way. {{agent.name}}",
      "zh-CN": "{{customer.name}}您好，工单 #{{ticket.number}} 的退款已经发出。{{ agent.name }}",
    },
    note: { en: "Refund issued by {{agent.name}}." },
    actions: { status: "pending", priority: "high", type: "complaint", assigneeId: "me", addTags: ["refund"] },
  });

describe("applying a macro", () => {
  test("replies in the ticket's language with placeholders filled in, notes, and changes the ticket in one command", async () => {
    const macro = await refund();
    const at = new Date("2026-11-20T09:00:00Z");
    const ticket = await file(f.keyCustomer, "Charged twice", at);
    const before = await getTicket(t.db, f.agent, ticket.number);

    await applyMacro(t.db, f.agent, ticket.number, macro.id, { version: before.ticket.version }, new Date("2026-11-20T09:10:00Z"));

    const after = await getTicket(t.db, f.agent, ticket.number);
    expect(after.messages.slice(1).map((m) => [m.kind, m.body])).toEqual([
      ["public", `Ada Key您好，工单 #${ticket.number} 的退款已经发出。Li Wei`],
      // No Chinese note: the English one stands in.
      ["internal", "Refund issued by Li Wei."],
    ]);
    expect(after.ticket).toMatchObject({ status: "pending", priority: "high", type: "complaint", assigneeId: f.agent.id, tags: ["refund"] });
    expect(after.ticket.firstRespondedAt).toEqual(new Date("2026-11-20T09:10:00Z"));
    // A key account's complaint has a policy of its own: the type change put the clocks under it.
    const keyComplaints = await t.db.slaPolicy.findFirstOrThrow({ where: { name: "Key-account complaints" } });
    expect(before.slaHistory.some((h) => h.policyId === keyComplaints.id)).toBe(false);
    expect(after.slaHistory.filter((h) => h.policyId === keyComplaints.id).map((h) => h.target)).toContain("resolution");
    const changes = after.timeline.flatMap((e) => e.changes);
    expect(changes).toContainEqual({ kind: "macro", name: "Refund approved" });
    expect(changes).toContainEqual({ kind: "type", from: "inquiry", to: "complaint" });
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(1);

    // The customer reads the reply, never the note.
    const theirs = await getTicket(t.db, f.keyCustomer, ticket.number);
    expect(theirs.messages.map((m) => m.body)).not.toContain("Refund issued by Li Wei.");
  });

  test("an English-speaking customer gets the English text; the preview shows what will be sent", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Greeting", reply: { en: "Hi {{customer.name}}", "zh-CN": "你好 {{customer.name}}" } });
    const ticket = await file(f.otherCustomer, "Question about invoices");
    expect(await previewMacro(t.db, f.agent, ticket.number, macro.id)).toMatchObject({ locale: "en", reply: "Hi Otto Other", note: null });
  });

  test("a customer without an account gets the language of their words", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Greeting 2", reply: { en: "Hi", "zh-CN": "您好" } });
    const ticket = await createTicket(
      t.db,
      f.agent,
      { type: "inquiry", category: "technical", subject: "打印机无法连接", description: "打印机无法连接网络。", requesterEmail: "wang@new.example" },
      "agent",
    );
    expect((await previewMacro(t.db, f.agent, ticket.number, macro.id)).reply).toBe("您好");
  });

  test("the agent's edited reply is sent instead, and an emptied one sends nothing", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Solve", reply: { en: "Solved it." }, actions: { status: "solved" } });
    const edited = await file(f.otherCustomer, "Edited reply");
    await applyMacro(t.db, f.agent, edited.number, macro.id, { reply: "Solved it, and refunded the fee." });
    const a = await getTicket(t.db, f.agent, edited.number);
    expect(a.messages.at(-1)!.body).toBe("Solved it, and refunded the fee.");
    expect(a.ticket.status).toBe("solved");

    const emptied = await file(f.otherCustomer, "No reply");
    await applyMacro(t.db, f.agent, emptied.number, macro.id, { reply: "" });
    const b = await getTicket(t.db, f.agent, emptied.number);
    expect(b.messages).toHaveLength(1);
    expect(b.ticket.status).toBe("solved");
  });

  test("nothing is written when a change cannot be made: the reply does not go out alone", async () => {
    const bad = await createMacro(t.db, f.agent, { name: "Give to Ada", reply: { en: "Passing this on." }, actions: { assigneeId: f.keyCustomer.id } });
    const ticket = await file(f.otherCustomer, "All or nothing");
    await expect(applyMacro(t.db, f.agent, ticket.number, bad.id)).rejects.toMatchObject({ details: { assigneeId: ["validation.assignee"] } });
    const after = await getTicket(t.db, f.agent, ticket.number);
    expect(after.messages).toHaveLength(1);
    expect(after.ticket.version).toBe(ticket.version);
    expect((await getMacro(t.db, f.agent, bad.id)).usageCount).toBe(0);
  });

  test("a macro may hand the ticket to a team out of the agent's sight", async () => {
    const macro = await createMacro(t.db, f.agent, {
      name: "To billing",
      note: { en: "Passing this to billing." },
      actions: { teamId: f.teams.billing.id, assigneeId: null },
    });
    const ticket = await file(f.otherCustomer, "Charged in the wrong currency");
    const moved = await applyMacro(t.db, f.agent, ticket.number, macro.id);
    expect(moved.team?.name).toBe("Billing");
    await expect(getTicket(t.db, f.agent, ticket.number)).rejects.toMatchObject({ code: "not_found" });
    expect((await getTicket(t.db, f.billingAgent, ticket.number)).messages.at(-1)!.body).toBe("Passing this to billing.");
  });

  test("a macro changed since the agent picked it, or one with nothing left to do, is refused and not counted", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Pend", actions: { status: "pending" } });
    const seen = (await getMacro(t.db, f.agent, macro.id)).updatedAt.toISOString();
    const ticket = await file(f.otherCustomer, "Changed meanwhile");
    await updateMacro(t.db, f.agent, macro.id, { name: "Pend", reply: { en: "We will wait for you." }, actions: { status: "pending" } });
    await expect(applyMacro(t.db, f.agent, ticket.number, macro.id, { macroUpdatedAt: seen })).rejects.toMatchObject({ messageKey: "errors.macroChanged" });
    expect((await getTicket(t.db, f.agent, ticket.number)).messages).toHaveLength(1);

    await updateTicket(t.db, f.agent, ticket.number, { status: "pending" });
    await expect(applyMacro(t.db, f.agent, ticket.number, macro.id, { reply: "" })).rejects.toMatchObject({ messageKey: "validation.macroNothing" });
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(0);
  });

  test("without a reply or note, a change someone made meanwhile to a field the macro sets stops it (409), and nothing is written", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Lower", reply: { en: "Lowering this." }, actions: { priority: "low" } });
    const ticket = await file(f.otherCustomer, "Raced");
    await updateTicket(t.db, f.supervisor, ticket.number, { priority: "urgent" });
    const refused = applyMacro(t.db, f.agent, ticket.number, macro.id, { reply: "", version: ticket.version });
    await expect(refused).rejects.toBeInstanceOf(StaleTicketError);
    await expect(refused).rejects.toMatchObject({ code: "conflict", changes: [expect.objectContaining({ field: "priority", to: "urgent" })] });
    const after = await getTicket(t.db, f.agent, ticket.number);
    expect(after.ticket.priority).toBe("urgent");
    expect(after.messages).toHaveLength(1);
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(0);
  });

  test("a reply on a ticket a colleague answered since the agent picked the macro is refused (409) with what they wrote; applied again on the current version, it goes", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Ask for logs", reply: { en: "Could you send us the logs?" }, actions: { status: "pending", addTags: ["logs"] } });
    const ticket = await file(f.otherCustomer, "Answered meanwhile");
    const picked = (await getTicket(t.db, f.agent, ticket.number)).ticket.version;
    await addMessage(t.db, f.supervisor, ticket.number, { body: "Restarting the router usually fixes this." });

    const refused = applyMacro(t.db, f.agent, ticket.number, macro.id, { reply: "Could you send us the logs, please?", version: picked });
    await expect(refused).rejects.toBeInstanceOf(StaleReplyError);
    const error = (await refused.catch((e: unknown) => e)) as StaleReplyError;
    expect(error).toMatchObject({ code: "conflict", messageKey: "errors.staleReply" });
    expect(error.messages.map((m) => [m.author?.name, m.body])).toEqual([["Sam Supervisor", "Restarting the router usually fixes this."]]);
    // Nothing of the macro was written: no reply, no changes, no use counted.
    const between = await getTicket(t.db, f.agent, ticket.number);
    expect(between.messages.map((m) => m.body)).not.toContain("Could you send us the logs, please?");
    expect(between.ticket).toMatchObject({ status: "open", tags: [] });
    expect(between.timeline.flatMap((e) => e.changes)).not.toContainEqual(expect.objectContaining({ kind: "macro" }));
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(0);

    // Having read it, the agent sends again from the ticket as it is now.
    await applyMacro(t.db, f.agent, ticket.number, macro.id, { reply: "Could you send us the logs, please?", version: between.ticket.version });
    const after = await getTicket(t.db, f.agent, ticket.number);
    expect(after.messages.at(-1)!.body).toBe("Could you send us the logs, please?");
    expect(after.ticket).toMatchObject({ status: "pending", tags: ["logs"] });
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(1);
  });

  test("the agent's own changes since the macro was picked do not hold its note back", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Note only", note: { en: "Checked the billing history." } });
    const ticket = await file(f.otherCustomer, "Own changes");
    const picked = (await getTicket(t.db, f.agent, ticket.number)).ticket.version;
    await updateTicket(t.db, f.agent, ticket.number, { priority: "high" });
    await applyMacro(t.db, f.agent, ticket.number, macro.id, { version: picked });
    expect((await getTicket(t.db, f.agent, ticket.number)).messages.at(-1)!.body).toBe("Checked the billing history.");
  });

  test("the agent's files go with the macro's reply, or with its note when no reply goes; with neither they are refused", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "macro-files-"));
    const upload = async (name: string, text: string) => {
      const at = path.join(dir, name);
      fs.writeFileSync(at, text);
      const [attachment] = await receiveUploads(t.db, f.agent, [{ filename: name, path: at, size: Buffer.byteLength(text) }]);
      return attachment.id;
    };
    const macro = await createMacro(t.db, f.agent, {
      name: "With the guide",
      reply: { en: "The setup guide is attached." },
      note: { en: "Sent the setup guide." },
      actions: { status: "pending" },
    });
    const ticket = await file(f.keyCustomer, "Setup guide");
    const guide = await upload("setup-guide.txt", "1. Plug it in.\n2. Switch it on.\n");
    await applyMacro(t.db, f.agent, ticket.number, macro.id, { reply: "The setup guide is attached.", attachments: [guide] });
    const theirs = await getTicket(t.db, f.keyCustomer, ticket.number);
    expect(theirs.messages.at(-1)).toMatchObject({ body: "The setup guide is attached.", attachments: [expect.objectContaining({ id: guide, filename: "setup-guide.txt" })] });
    const staff = await getTicket(t.db, f.agent, ticket.number);
    expect(staff.messages.find((m) => m.body === "Sent the setup guide.")?.attachments).toEqual([]);

    // The reply emptied: the file stays with the note, out of the customer's sight.
    const other = await file(f.keyCustomer, "Internal file");
    const internal = await upload("internal.txt", "for staff only\n");
    await applyMacro(t.db, f.agent, other.number, macro.id, { reply: "", attachments: [internal] });
    const note = (await getTicket(t.db, f.agent, other.number)).messages.at(-1)!;
    expect(note).toMatchObject({ kind: "internal", body: "Sent the setup guide.", attachments: [expect.objectContaining({ id: internal })] });
    expect((await getTicket(t.db, f.keyCustomer, other.number)).messages.flatMap((m) => m.attachments)).toEqual([]);

    // Nothing to carry them: refused, nothing written, the upload still waits to be sent.
    const third = await file(f.keyCustomer, "No message");
    const stray = await upload("stray.txt", "nobody sends this\n");
    await expect(applyMacro(t.db, f.agent, third.number, macro.id, { reply: "", note: "", attachments: [stray] })).rejects.toMatchObject({
      details: { attachments: ["validation.attachmentsNeedMessage"] },
    });
    expect((await getTicket(t.db, f.agent, third.number)).ticket.status).toBe("new");
    expect(await t.db.attachment.findUniqueOrThrow({ where: { id: stray }, select: { messageId: true } })).toEqual({ messageId: null });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("keeping macros", () => {
  test("texts with an unknown placeholder, and macros that do nothing, are refused", async () => {
    await expect(createMacro(t.db, f.agent, { name: "Typo", reply: { en: "Hi {{custmer.name}}" } })).rejects.toMatchObject({
      details: { "reply.en": ["validation.macroPlaceholder"] },
    });
    await expect(createMacro(t.db, f.agent, { name: "Empty", reply: { en: "  " } })).rejects.toMatchObject({ details: { _form: ["validation.macroEmpty"] } });
  });

  test("shared macros are kept by supervisors; personal ones are their author's alone", async () => {
    await expect(createMacro(t.db, f.agent, { name: "For all", shared: true, note: { en: "x" } })).rejects.toMatchObject({ code: "forbidden" });
    const mine = await createMacro(t.db, f.billingAgent, { name: "Bo's own", note: { en: "Bo was here" } });
    const shared = await refund();

    const ticket = await file(f.otherCustomer, "Someone else's macro");
    await expect(applyMacro(t.db, f.agent, ticket.number, mine.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getMacro(t.db, f.agent, mine.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await listMacros(t.db, f.agent)).map((m) => m.id)).not.toContain(mine.id);
    expect((await listMacros(t.db, f.billingAgent)).map((m) => m.id)).toContain(mine.id);

    const seenByAgent = (await listMacros(t.db, f.agent)).find((m) => m.id === shared.id)!;
    expect(seenByAgent.editable).toBe(false);
    await expect(updateMacro(t.db, f.agent, shared.id, { name: "Mine now", note: { en: "x" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteMacro(t.db, f.agent, shared.id)).rejects.toMatchObject({ code: "forbidden" });
    // Sharing left out stays as it was.
    await updateMacro(t.db, f.supervisor, shared.id, { name: "Refund sent", note: { en: "Sent." } });
    expect(await getMacro(t.db, f.agent, shared.id)).toMatchObject({ name: "Refund sent", shared: true, reply: null, note: { en: "Sent." } });

    await expect(listMacros(t.db, f.keyCustomer)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("a macro on many tickets", () => {
  test("applies to each ticket on its own and reports the ones it could not", async () => {
    const macro = await createMacro(t.db, f.agent, { name: "Waiting on customer", reply: { en: "Could you send us a photo, {{customer.name}}?" }, actions: { status: "pending" } });
    const a = await file(f.otherCustomer, "Bulk one");
    const b = await file(f.otherCustomer, "Bulk two");
    const closed = await file(f.otherCustomer, "Bulk closed");
    await updateTicket(t.db, f.agent, closed.number, { status: "closed" });

    const results = await bulkChange(t.db, f.agent, { numbers: [a.number, b.number, closed.number], change: { macroId: macro.id } });
    expect(results).toEqual([
      { number: a.number, ok: true },
      { number: b.number, ok: true },
      { number: closed.number, ok: false, error: "errors.ticketClosed" },
    ]);
    for (const n of [a.number, b.number]) {
      const { ticket, messages } = await getTicket(t.db, f.agent, n);
      expect(ticket.status).toBe("pending");
      expect(messages.at(-1)!.body).toBe("Could you send us a photo, Otto Other?");
    }
    expect((await getMacro(t.db, f.agent, macro.id)).usageCount).toBe(2);
    await expect(bulkChange(t.db, f.agent, { numbers: [a.number], change: { macroId: macro.id, priority: "low" } })).rejects.toMatchObject({
      details: { "change.macroId": ["validation.macroAlone"] },
    });
  });
});
