// Outbound mail end to end against a real SMTP server started here (smtp-server on port 0, each
// message parsed with mailparser): the ticket-mail listener decides and queues, the send-mail job
// body composes and sends. What a customer's mail program sees: the subject tag, threading headers
// that carry the reply token, the marker and reference line, attachments, the CSAT link, their own
// language; what it never sees: internal notes and its own words. Also retries, the local sink and
// the admin's view.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SMTPServer } from "smtp-server";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { freshDatabase, testMailSettings, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import { addMessage, createTicket, updateTicket } from "../../server/tickets/service.ts";
import { mergeTicket } from "../../server/tickets/merge.ts";
import { receiveUploads } from "../../server/attachments/service.ts";
import { answerSurvey, getSurveyByToken } from "../../server/surveys/service.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { AUTOMATIC_ANSWERS_PER_HOUR, ticketMail } from "../../server/listeners/ticket-mail.ts";
import { parseEventRows, type EventRow } from "../../server/events/types.ts";
import { sendQueuedMail } from "../../server/mail/send.ts";
import { queueMails } from "../../server/mail/outbox.ts";
import { replyToken } from "../../server/mail/references.ts";
import { replyTokenSecret } from "../../server/mail/settings.ts";
import { getOutboundMail, listOutboundMail, outboundEml, pruneOutboundMail } from "../../server/mail/outbound-admin.ts";
import { setPreferences } from "../../server/notifications/service.ts";
import { transactionOf } from "../../server/db/client.ts";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
let mei: AuthUser;
let smtp: SMTPServer;
let smtpUrl: string;
const sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), "helpdesk-mail-out-"));

interface Received {
  envelope: { from: string | null; to: string[] };
  mail: ParsedMail;
}
let inbox: Received[] = [];
/** How many RCPT TO commands the server answers with 451 (try again later) before accepting. */
let refuse = 0;

beforeAll(async () => {
  t = await freshDatabase();
  useTestRuntime(t.url);
  fx = await createFixtures(t.db);
  await t.db.helpdeskSettings.upsert({ where: { id: 1 }, create: { id: 1, name: "Acme Support" }, update: { name: "Acme Support" } });
  const user = await t.db.user.create({
    data: { email: "mei@cn.example", name: "王美", role: "customer", passwordHash: "x", locale: "zh-CN", emailVerifiedAt: new Date() },
  });
  await t.db.customer.create({ data: { email: "mei@cn.example", name: "王美", userId: user.id } });
  mei = (await loadAuthUser(t.db, user.id))!;

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refuse > 0) {
        refuse--;
        return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            const from = session.envelope.mailFrom;
            inbox.push({ envelope: { from: from ? from.address : null, to: session.envelope.rcptTo.map((r) => r.address) }, mail });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  useSmtp(smtpUrl);
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await t?.drop();
  fs.rmSync(sinkDir, { recursive: true, force: true });
});

function useSmtp(url: string | null) {
  setRuntimeSettings({ ...runtimeSettings(), mail: testMailSettings({ smtpUrl: url, sinkDir }) });
}

let seenEvent = 0n;
beforeEach(async () => {
  // Each test sees only the mail of what it does.
  await deliver();
  inbox = [];
  refuse = 0;
});

/** After commit: the listener reads the new events and queues mail; then the send-mail job sends it. Returns what arrived. */
async function deliver(): Promise<Received[]> {
  const before = inbox.length;
  const events = await newEvents();
  await ticketMail.handle(events.filter((e) => ticketMail.on.includes(e.type)));
  await sendQueued();
  return inbox.slice(before);
}

async function newEvents() {
  const rows = await t.db.$queryRawUnsafe<EventRow[]>(
    `SELECT id, txid::text AS txid, type, "ticketId", "customerId", "actorId", at, data FROM "DomainEvent" WHERE id > $1 ORDER BY id`,
    seenEvent,
  );
  if (rows.length > 0) seenEvent = BigInt(rows[rows.length - 1].id);
  return parseEventRows(rows).events;
}

/** The send-mail job's body for every queued mail (as the queue would run it, one attempt each). */
async function sendQueued() {
  const queued = await t.db.outboundMail.findMany({ where: { status: "queued" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  for (const mail of queued) await sendQueuedMail(t.db, mail.id, { number: mail.attempts + 1, last: false });
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address));
const references = (mail: ParsedMail) => (Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []);
const file = (user: AuthUser, subject: string, description: string) => createTicket(t.db, user, { type: "inquiry", category: "technical", subject, description }, "portal");

/** A password reset as account mail is queued: its token named, so the kept copy loses it once sent. */
const resetMail = (to: string, secret: string) => ({
  kind: "password_reset",
  to: [to],
  content: {
    subject: "Reset",
    text: `Choose a password: http://helpdesk.test/reset-password/${secret}`,
    html: `<p><a href="http://helpdesk.test/reset-password/${secret}">Reset</a></p>`,
    secrets: [secret],
  },
  sensitive: true,
});
/** Every column of a mail's row, as text. */
const storedRow = async (id: string) => (await t.db.$queryRaw<{ row: string }[]>`SELECT m::text AS "row" FROM "OutboundMail" m WHERE m."id" = ${id}`)[0].row;
/** Staff with a custom role of just these permissions. */
async function staffWith(name: string, permissions: string[]): Promise<AuthUser> {
  const role = await t.db.customRole.create({ data: { name, permissions } });
  const user = await t.db.user.create({
    data: { email: `${name.replace(/\W/g, "").toLowerCase()}@staff.example`, name, role: "agent", passwordHash: "x", customRoleId: role.id, emailVerifiedAt: new Date() },
  });
  return (await loadAuthUser(t.db, user.id))!;
}
const tokenOf = async (number: number) => replyToken(replyTokenSecret(), (await t.db.ticket.findUniqueOrThrow({ where: { number } })).id);

describe("mail to customers", () => {
  test("a request filed in the portal is acknowledged: subject tag, the token in Message-ID and Reply-To, RFC 3834 headers, marker and reference line", async () => {
    const ticket = await file(fx.keyCustomer, "Refund not received", "I returned the order two weeks ago and have no refund yet.");
    const [got, ...more] = await deliver();
    expect(more).toEqual([]);
    const token = await tokenOf(ticket.number);
    const { mail } = got;
    expect(got.envelope).toEqual({ from: "support@helpdesk.test", to: ["ada@key.example"] });
    expect(mail.subject).toBe(`[#${ticket.number}] Refund not received`);
    expect(mail.from?.value[0]).toEqual({ name: "Acme Support", address: "support@helpdesk.test" });
    expect(mail.messageId).toMatch(new RegExp(`^<[a-z2-7]+\\.t${ticket.number}-${token}@helpdesk\\.test>$`));
    expect(addresses(mail.replyTo)).toEqual([`support+t${ticket.number}-${token}@helpdesk.test`]);
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.headers.get("x-auto-response-suppress")).toBe("All");
    expect(mail.text!.split("\n")[0]).toBe("##- Please type your reply above this line -##");
    expect(mail.text).toContain(`[#${ticket.number}-${token}]`);
    expect(mail.text).toContain(`http://helpdesk.test/portal/tickets/${ticket.number}`);
    expect(mail.html).toContain("I returned the order two weeks ago");
  });

  test("an agent's public reply reaches the requester with the followers in Cc and the file attached, threaded on the earlier mail; a note sends nothing", async () => {
    const ticket = await file(fx.keyCustomer, "Invoice copy", "Please send me a copy of invoice 2026-114.");
    const [ack] = await deliver();
    const cc = await t.db.customer.create({ data: { email: "finance@key.example", name: "Finance" } });
    await t.db.ticketFollower.create({ data: { ticketId: ticket.id, customerId: cc.id } });

    const note = await addMessage(t.db, fx.agent, ticket.number, { kind: "internal", body: "Invoice is in the billing system; check the VAT line first." });
    expect(note.kind).toBe("internal");
    expect(await deliver()).toEqual([]);
    expect(await t.db.outboundMail.count({ where: { ticketId: ticket.id } })).toBe(1);

    const bytes = Buffer.from("%PDF-1.4\n% invoice 2026-114\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    const upload = path.join(sinkDir, "invoice.pdf");
    fs.writeFileSync(upload, bytes);
    const [attachment] = await receiveUploads(t.db, fx.agent, [{ filename: "invoice-2026-114.pdf", path: upload, size: bytes.length }]);
    await addMessage(t.db, fx.agent, ticket.number, { kind: "public", body: "Here is the copy you asked for. **Anything else?**", attachments: [attachment.id] });
    const [reply, ...more] = await deliver();
    expect(more).toEqual([]);
    const { mail } = reply;
    expect(reply.envelope.to.sort()).toEqual(["ada@key.example", "finance@key.example"]);
    expect(addresses(mail.to)).toEqual(["ada@key.example"]);
    expect(addresses(mail.cc)).toEqual(["finance@key.example"]);
    expect(mail.subject).toBe(`Re: [#${ticket.number}] Invoice copy`);
    expect(mail.inReplyTo).toBe(ack.mail.messageId);
    expect(references(mail)).toEqual([ack.mail.messageId]);
    // A person wrote it: no Auto-Submitted (auto-replies of the customer's side may answer it).
    expect(mail.headers.get("auto-submitted")).toBeUndefined();
    expect(mail.text!.split("\n")[0]).toBe("##- Please type your reply above this line -##");
    expect(mail.text).toContain(`[#${ticket.number}-${await tokenOf(ticket.number)}]`);
    expect(mail.text).toContain("Li Wei wrote:");
    expect(mail.html).toContain("<strong>Anything else?</strong>");
    expect(mail.text).not.toContain("billing system");
    expect(mail.html).not.toContain("billing system");
    expect(mail.attachments.map((a) => a.filename)).toEqual(["invoice-2026-114.pdf"]);
    expect(Buffer.compare(mail.attachments[0].content, bytes)).toBe(0);

    // The customer answers in the portal: nobody is mailed their own words.
    await addMessage(t.db, fx.keyCustomer, ticket.number, { kind: "public", body: "Thank you, that is all." });
    expect((await deliver()).filter((r) => r.envelope.to.some((a) => a.endsWith("@key.example")))).toEqual([]);
  });

  test("solving sends the CSAT link, and the link answers the survey", async () => {
    const ticket = await file(fx.keyCustomer, "Password change", "How do I change my password?");
    await addMessage(t.db, fx.agent, ticket.number, { kind: "public", body: "Under Account → Password." });
    await deliver();
    await updateTicket(t.db, fx.agent, ticket.number, { status: "solved" });
    const [solved, ...more] = await deliver();
    expect(more).toEqual([]);
    expect(solved.mail.subject).toBe(`[#${ticket.number}] Solved: Password change`);
    expect(solved.mail.headers.get("auto-submitted")).toBe("auto-generated");
    const link = /http:\/\/helpdesk\.test\/survey\/([A-Za-z0-9_-]+)/.exec(solved.mail.text!);
    expect(link).not.toBeNull();
    expect(solved.mail.html).toContain(`href="${link![0]}"`);
    expect(await getSurveyByToken(t.db, link![1])).toMatchObject({ ticketNumber: ticket.number, answered: false, expired: false });
    await answerSurvey(t.db, link![1], { rating: 5, comment: "Quick, thanks" });
    expect(await getSurveyByToken(t.db, link![1])).toMatchObject({ answered: true, rating: 5 });

    // Reopened and solved again: the survey was answered, so the mail has no link.
    await updateTicket(t.db, fx.agent, ticket.number, { status: "open" });
    await updateTicket(t.db, fx.agent, ticket.number, { status: "solved" });
    const [again] = await deliver();
    expect(again.mail.text).not.toContain("/survey/");
  });

  test("a merge tells the requester on the ticket that stays, as an automatic notice; closing the duplicate sends nothing", async () => {
    const kept = await file(fx.keyCustomer, "Order 5531 late", "My order 5531 has not arrived.");
    const duplicate = await file(fx.keyCustomer, "Where is order 5531?", "Still waiting for order 5531.");
    await deliver();
    await mergeTicket(t.db, fx.agent, duplicate.number, { into: kept.number });
    const [notice, ...more] = await deliver();
    expect(more).toEqual([]);
    expect(notice.envelope.to).toEqual(["ada@key.example"]);
    expect(notice.mail.subject).toBe(`Re: [#${kept.number}] Order 5531 late`);
    expect(notice.mail.text).toContain(`#${duplicate.number}`);
    expect(notice.mail.headers.get("auto-submitted")).toBe("auto-generated");
  });

  test("an address that keeps opening requests gets at most five acknowledgements an hour: an answering machine cannot loop with us", async () => {
    const user = await t.db.user.create({
      data: { email: "robot@loop.example", name: "Robot", role: "customer", passwordHash: "x", emailVerifiedAt: new Date() },
    });
    await t.db.customer.create({ data: { email: "robot@loop.example", name: "Robot", userId: user.id } });
    const robot = (await loadAuthUser(t.db, user.id))!;
    for (let i = 1; i <= AUTOMATIC_ANSWERS_PER_HOUR + 2; i++) await file(robot, `Thank you for your message ${i}`, "This is an automatic acknowledgement.");
    const got = await deliver();
    expect(got.filter((r) => r.envelope.to.includes("robot@loop.example"))).toHaveLength(AUTOMATIC_ANSWERS_PER_HOUR);
  });

  test("a Chinese customer gets Chinese mail", async () => {
    const ticket = await file(mei, "发票没有收到", "我上个月的订单没有收到发票，请帮忙查一下。");
    const [ack] = await deliver();
    expect(ack.envelope.to).toEqual(["mei@cn.example"]);
    expect(ack.mail.subject).toBe(`[#${ticket.number}] 发票没有收到`);
    expect(ack.mail.text!.split("\n")[0]).toBe("##- 请在此行以上输入您的回复 -##");
    expect(ack.mail.text).toContain("王美，您好：");
    expect(ack.mail.text).toContain(`您的请求编号为 #${ticket.number}。`);
    await updateTicket(t.db, fx.agent, ticket.number, { status: "solved" });
    const [solved] = await deliver();
    expect(solved.mail.text).toContain("评价我们的服务");
  });

  test("a ticket staff file for someone opens with the agent's message; addresses the helpdesk receives at are never mailed", async () => {
    const filed = await createTicket(
      t.db,
      fx.agent,
      { type: "inquiry", category: "technical", subject: "Your call about the printer", description: "As discussed on the phone, we are looking into it.", requesterEmail: "caller@phone.example" },
      "agent",
    );
    const [opened, ...more] = await deliver();
    expect(more).toEqual([]);
    expect(opened.envelope.to).toEqual(["caller@phone.example"]);
    expect(opened.mail.subject).toBe(`[#${filed.number}] Your call about the printer`);
    expect(opened.mail.text).toContain(`We opened request #${filed.number} for you.`);
    expect(opened.mail.text).toContain("As discussed on the phone");
    expect(opened.mail.headers.get("auto-submitted")).toBeUndefined();

    await t.db.mailChannel.create({ data: { address: "billing@helpdesk.test" } });
    for (const requesterEmail of ["support+t1-aaaaaaaaaaaa@helpdesk.test", "billing@helpdesk.test"]) {
      const ours = await createTicket(
        t.db,
        fx.agent,
        { type: "inquiry", category: "technical", subject: "Loop", description: "Must never be mailed back to ourselves.", requesterEmail },
        "agent",
      );
      await addMessage(t.db, fx.agent, ours.number, { kind: "public", body: "Anyone there?" });
    }
    expect(await deliver()).toEqual([]);
  });
});

describe("notifications by mail", () => {
  test("an agent is told of an assignment in their language, unless they turned mail off for it", async () => {
    await t.db.user.update({ where: { id: fx.agent.id }, data: { locale: "zh-CN" } });
    const ticket = await file(fx.keyCustomer, "Printer offline", "The office printer has been offline since this morning.");
    await deliver();
    await updateTicket(t.db, fx.supervisor, ticket.number, { assigneeId: fx.agent.id });
    const [told, ...more] = await deliver();
    expect(more).toEqual([]);
    expect(told.envelope.to).toEqual(["li@test.example"]);
    expect(told.mail.subject).toBe(`[#${ticket.number}] 分配给您：Printer offline`);
    expect(told.mail.text).toContain(`Sam Supervisor 将工单 #${ticket.number} 分配给了您。`);
    expect(told.mail.text).toContain(`http://helpdesk.test/agent/tickets/${ticket.number}`);
    expect(told.mail.headers.get("auto-submitted")).toBe("auto-generated");
    // Not threaded into the ticket: an answer to it must not become the customer's message.
    expect(told.mail.replyTo).toBeUndefined();

    // The customer writes back: the assignee hears of it (on by default) with what they wrote.
    await addMessage(t.db, fx.keyCustomer, ticket.number, { kind: "public", body: "Still offline, please hurry." });
    const [replied] = await deliver();
    expect(replied.envelope.to).toEqual(["li@test.example"]);
    expect(replied.mail.text).toContain("> Still offline, please hurry.");

    await setPreferences(t.db, fx.agent, { customer_replied: { email: false } });
    await addMessage(t.db, fx.keyCustomer, ticket.number, { kind: "public", body: "Hello?" });
    expect(await deliver()).toEqual([]);
    await t.db.user.update({ where: { id: fx.agent.id }, data: { locale: "en" } });
  });
});

describe("delivery", () => {
  test("a mail the SMTP server refuses for now is sent on a later attempt, once", async () => {
    const ticket = await file(fx.otherCustomer, "Retry me", "This mail meets a busy server first.");
    await ticketMail.handle((await newEvents()).filter((e) => ticketMail.on.includes(e.type)));
    const [queued] = await t.db.outboundMail.findMany({ where: { ticketId: ticket.id } });
    refuse = 1;
    await expect(sendQueuedMail(t.db, queued.id, { number: 1, last: false })).rejects.toThrow(/451/);
    expect(await t.db.outboundMail.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringMatching(/451/) });
    expect(inbox).toEqual([]);
    expect(await sendQueuedMail(t.db, queued.id, { number: 2, last: false })).toBe("sent");
    expect(await sendQueuedMail(t.db, queued.id, { number: 3, last: false })).toBe("already_sent");
    expect(inbox.map((r) => r.mail.subject)).toEqual([`[#${ticket.number}] Retry me`]);
    expect(await t.db.outboundMail.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "sent", attempts: 2, lastError: null, sinkFile: null });
  });

  test("the listener run again on the same events queues nothing twice", async () => {
    await file(fx.otherCustomer, "Twice", "Delivered at least once, mailed exactly once.");
    const events = (await newEvents()).filter((e) => ticketMail.on.includes(e.type));
    await ticketMail.handle(events);
    await ticketMail.handle(events);
    await sendQueued();
    expect(inbox.map((r) => r.mail.subject)).toEqual([expect.stringMatching(/Twice$/)]);
  });

  test("without SMTP settings every mail lands as an .eml in the local sink, and the admin reads it there", async () => {
    useSmtp(null);
    const secret = "s".repeat(43);
    try {
      const ticket = await file(fx.otherCustomer, "Kept locally", "No SMTP server is configured.");
      await transactionOf(t.db, (sql) => queueMails(sql, [resetMail("otto@std.example", secret)]));
      expect(await deliver()).toEqual([]);
      const mail = await t.db.outboundMail.findFirstOrThrow({ where: { ticketId: ticket.id } });
      expect(mail).toMatchObject({ status: "sent" });
      const eml = fs.readFileSync(path.join(sinkDir, mail.sinkFile!));
      const parsed = await simpleParser(eml);
      expect(parsed.subject).toBe(`[#${ticket.number}] Kept locally`);
      expect(parsed.messageId).toBe(`<${mail.messageId}>`);

      const page = await listOutboundMail(t.db, fx.admin, { recipient: "otto@", limit: 2 });
      expect(page.items.map((m) => [m.kind, m.delivery]).sort()).toEqual([
        ["password_reset", "sink"],
        ["request_received", "sink"],
      ]);
      // The sink's .eml is the recipient's inbox: the admin who manages users reads the link there; our own copy lost it.
      const resetId = page.items.find((m) => m.kind === "password_reset")!.id;
      expect(await storedRow(resetId)).not.toContain(secret);
      expect(await getOutboundMail(t.db, fx.admin, resetId)).toMatchObject({
        hidden: null,
        redacted: false,
        text: expect.stringContaining(`/reset-password/${secret}`),
        hasEml: true,
      });
      expect((await outboundEml(t.db, fx.admin, resetId))?.bytes.toString()).toContain("Subject: Reset");
      await expect(listOutboundMail(t.db, fx.agent)).rejects.toMatchObject({ code: "forbidden" });
    } finally {
      useSmtp(smtpUrl);
    }

    // The same kind of mail sent over SMTP: the recipient has the link, our copy shows the words without it.
    const [smtpId] = await transactionOf(t.db, (sql) => queueMails(sql, [resetMail("otto@std.example", secret.replace(/s/g, "t"))]));
    expect(await getOutboundMail(t.db, fx.admin, smtpId)).toMatchObject({ status: "queued", hidden: "link", text: null, html: null });
    await sendQueued();
    expect(inbox.map((r) => r.mail.text)).toEqual([expect.stringContaining(`/reset-password/${secret.replace(/s/g, "t")}`)]);
    expect(await storedRow(smtpId)).not.toContain(secret.replace(/s/g, "t"));
    expect(await getOutboundMail(t.db, fx.admin, smtpId)).toMatchObject({
      delivery: "smtp",
      hidden: null,
      redacted: true,
      text: expect.stringContaining("/reset-password/[redacted]"),
      hasEml: false,
    });
  });

  test("a mail given up on keeps no link either", async () => {
    const secret = "g".repeat(43);
    const [id] = await transactionOf(t.db, (sql) => queueMails(sql, [resetMail("gone@std.example", secret)]));
    refuse = 1;
    await expect(sendQueuedMail(t.db, id, { number: 5, last: true })).rejects.toThrow(/451/);
    expect(await t.db.outboundMail.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "failed" });
    expect(await storedRow(id)).not.toContain(secret);
  });

  test("settings.manage alone lists mail but reads no word of it: ticket mail needs tickets.view_all, account mail users.manage", async () => {
    useSmtp(null);
    try {
      await file(fx.otherCustomer, "Private matter", "Only those who see every ticket may read this by mail.");
      await transactionOf(t.db, (sql) => queueMails(sql, [resetMail("rita@std.example", "r".repeat(43))]));
      await deliver();
    } finally {
      useSmtp(smtpUrl);
    }
    const ticketMailId = (await t.db.outboundMail.findFirstOrThrow({ where: { kind: "request_received", subject: { contains: "Private matter" } } })).id;
    const resetId = (await t.db.outboundMail.findFirstOrThrow({ where: { kind: "password_reset", to: { has: "rita@std.example" } } })).id;
    const settingsOnly = await staffWith("Mail settings", ["settings.manage"]);
    const allTickets = await staffWith("Mail and tickets", ["settings.manage", "tickets.view_all"]);

    expect((await listOutboundMail(t.db, settingsOnly, { recipient: "rita@" })).items.map((m) => m.id)).toEqual([resetId]);
    for (const id of [ticketMailId, resetId]) {
      expect(await getOutboundMail(t.db, settingsOnly, id)).toMatchObject({ hidden: "permission", text: null, html: null, hasEml: false });
      await expect(outboundEml(t.db, settingsOnly, id)).rejects.toMatchObject({ code: "forbidden" });
    }
    // Seeing every ticket opens ticket mail, not the reset link.
    expect(await getOutboundMail(t.db, allTickets, ticketMailId)).toMatchObject({
      hidden: null,
      text: expect.stringContaining("Only those who see every ticket"),
      hasEml: true,
    });
    expect((await outboundEml(t.db, allTickets, ticketMailId))?.bytes.toString()).toContain("Private matter");
    expect(await getOutboundMail(t.db, allTickets, resetId)).toMatchObject({ hidden: "permission", text: null });
    await expect(outboundEml(t.db, allTickets, resetId)).rejects.toMatchObject({ code: "forbidden" });
  });

  test("the daily prune drops sent mail older than 90 days, and keeps what is still queued", async () => {
    const content = { subject: "Old", text: "Old", html: "<p>Old</p>" };
    const old = new Date(Date.now() - 91 * 86_400_000);
    const [sentId] = await transactionOf(t.db, (sql) => queueMails(sql, [{ kind: "notification", to: ["old-sent@x.example"], content }], old));
    const [queuedId] = await transactionOf(t.db, (sql) => queueMails(sql, [{ kind: "notification", to: ["old-queued@x.example"], content }], old));
    await t.db.outboundMail.update({ where: { id: sentId }, data: { status: "sent", sentAt: old } });
    expect(await pruneOutboundMail(t.db)).toBe(1);
    expect(await t.db.outboundMail.findUnique({ where: { id: sentId } })).toBeNull();
    expect(await t.db.outboundMail.findUnique({ where: { id: queuedId } })).not.toBeNull();
    await t.db.outboundMail.delete({ where: { id: queuedId } });
  });
});
