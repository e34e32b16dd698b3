// Mail received, end to end over real SMTP (nodemailer to the helpdesk's own smtp-server on a free
// port), read by the real job queue:
// - a mail files a ticket as its sender (a new customer with a contact account), in the team's queue;
// - a reply to the agent's mail threads into its ticket with the quote removed, by Message-ID or by
//   the reply token; a forged sender with only "[#N]" in the subject gets a new ticket instead;
// - GBK mail reads correctly with and without a charset label;
// - out-of-office replies, bounces and our own mail create nothing, run nothing and get no answer;
// - files arrive for the agent (a program is refused without losing the mail); people in Cc follow
//   the ticket and their replies count as the customer's; strangers with the token become a note;
// - staff reply by mail only when answering a mail we sent them;
// - nothing is lost: a failure is kept and tried again once fixed; a deadlock is left to the queue's
//   retries; a database failure, or too much mail at once, answers 451; a mail over the limit is
//   refused with 552; a repeated Message-ID is read once; a flood waits;
// - only mail that became public messages is named in later mail (References); a reply naming only
//   a sender's Message-ID adds no followers.
import { randomUUID } from "node:crypto";
import iconv from "iconv-lite";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHelpdesk, type HelpdeskProcess } from "../../server/app.ts";
import { forgetSingleton, runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import { ensureSearchSettings } from "../../search/articles.ts";
import { listTickets, getTicket, updateTicket } from "../../server/tickets/service.ts";
import { openAttachment } from "../../server/attachments/service.ts";
import { queueMails } from "../../server/mail/outbox.ts";
import { replyAddress, replyToken } from "../../server/mail/references.ts";
import { replyTokenSecret } from "../../server/mail/settings.ts";
import { getInboundMail, inboundRaw, INBOUND_RAW_DAYS, listInboundMail, pruneInboundMail, retryInboundMail } from "../../server/mail/inbound/admin.ts";
import { pruneAccountTokens } from "../../server/auth/account-tokens.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import { ensureContacts } from "../../server/mail/inbound/contacts.ts";
import { sqlOf, transactionOf } from "../../server/db/client.ts";
import { createFixtures } from "../support/factories.ts";
import { freshDatabase, testMailSettings, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { waitFor } from "../support/live.ts";

const MAX_BYTES = 300_000;
const SUPPORT = "support@helpdesk.test";

const ctx = {} as { database: TestDatabase; db: TestDatabase["db"]; fx: Awaited<ReturnType<typeof createFixtures>>; server: HelpdeskProcess };

beforeAll(async () => {
  ctx.database = await freshDatabase();
  ctx.db = ctx.database.db;
  useTestRuntime(ctx.database.url);
  setRuntimeSettings({ ...runtimeSettings(), mail: testMailSettings({ from: SUPPORT, inbound: { host: "127.0.0.1", port: 0, maxBytes: MAX_BYTES } }) });
  forgetSingleton("db");
  ctx.fx = await createFixtures(ctx.db);
  // Mail without an address of its own is filed under "technical" (the support team's).
  const technical = await ctx.db.category.findUniqueOrThrow({ where: { key: "technical" } });
  await ctx.db.helpdeskSettings.upsert({ where: { id: 1 }, create: { id: 1, mailCategoryId: technical.id }, update: { mailCategoryId: technical.id } });
  await ensureSearchSettings();
  ctx.server = await startHelpdesk({ settings: runtimeSettings(), port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await ctx.server?.close();
  await ctx.database?.drop();
});

function transport() {
  return nodemailer.createTransport({ host: "127.0.0.1", port: ctx.server.inboundSmtpPort!, secure: false, ignoreTLS: true });
}

/** Sends a mail with its own Message-ID and waits until the helpdesk has read it. */
async function deliver(mail: Mail.Options & { messageId?: string }) {
  const messageId = mail.messageId ?? `${randomUUID()}@customer.example`;
  await transport().sendMail({ ...mail, messageId: `<${messageId}>` });
  return read(messageId);
}

/** Sends a raw message as it is (its bytes, its charset) and waits until it is read. */
async function deliverRaw(from: string, to: string[], raw: Buffer, messageId: string) {
  await transport().sendMail({ envelope: { from, to }, raw });
  return read(messageId);
}

async function read(messageId: string) {
  return waitFor(async () => {
    const [row] = await sqlOf(ctx.db).query<{ id: string; status: string; outcome: string | null; ticketId: string | null; messageRefId: string | null; error: string | null; details: any }>(
      `SELECT "id", "status", "outcome", "ticketId", "messageRefId", "error", "details" FROM "InboundMail"
        WHERE "messageId" = $1 ORDER BY "receivedAt" DESC LIMIT 1`,
      [messageId],
    );
    return row && row.status !== "received" ? row : null;
  }, `mail ${messageId} to be read`);
}

async function ticketOf(id: string) {
  return ctx.db.ticket.findUniqueOrThrow({
    where: { id },
    include: { requester: { include: { user: true } }, messages: { orderBy: { createdAt: "asc" }, include: { attachments: true, author: true } } },
  });
}

/** The mail the agent's reply sent (as the outbound listener queues it): its Message-ID, sent to `to`. */
async function ourMail(ticket: { id: string; number: number }, to: string) {
  const token = replyToken(replyTokenSecret(), ticket.id);
  await transactionOf(ctx.db, (sql) =>
    queueMails(sql, [
      {
        kind: "reply",
        to: [to],
        ticketId: ticket.id,
        thread: { number: ticket.number, token },
        content: { subject: `[#${ticket.number}] Re`, text: "Try turning it off and on.", html: "<p>Try turning it off and on.</p>" },
      },
    ]),
  );
  const [mail] = await ctx.db.outboundMail.findMany({ where: { ticketId: ticket.id, to: { has: to } }, orderBy: { createdAt: "desc" }, take: 1 });
  return { messageId: mail.messageId, token, replyTo: replyAddress(SUPPORT, { number: ticket.number, token }) };
}

const QUOTE = (lead: string) =>
  `${lead}\n\nOn Tue, Nov 24, 2026 at 10:00 AM Support <${SUPPORT}> wrote:\n> ##- Please type your reply above this line -##\n> Try turning it off and on.\n> [#1-abcdefghijkl]\n`;

describe("a mail to the support address", () => {
  test("files a ticket as its sender, a new customer, in the team's queue", async () => {
    const mail = await deliver({ from: '"Nora Newcomer" <nora@customer.example>', to: SUPPORT, subject: "Printer says paper jam", text: "There is no paper in it, but it says paper jam.\n\n-- \nNora\nACME Ltd" });
    expect(mail).toMatchObject({ status: "processed", outcome: "ticket_created" });
    const ticket = await ticketOf(mail.ticketId!);
    expect(ticket).toMatchObject({ channel: "email", type: "inquiry", subject: "Printer says paper jam", teamId: ctx.fx.teams.support.id, status: "new" });
    // The signature is not part of the request.
    expect(ticket.messages[0].body).toBe("There is no paper in it, but it says paper jam.");
    expect(ticket.requester).toMatchObject({ email: "nora@customer.example", name: "Nora Newcomer" });
    // A contact account: a customer who cannot sign in until they confirm the address by a mailed link.
    expect(ticket.requester.user).toMatchObject({ role: "customer", passwordHash: "", emailVerifiedAt: null, name: "Nora Newcomer" });
    expect(ticket.messages[0].authorId).toBe(ticket.requester.userId);
    const queue = await listTickets(ctx.db, ctx.fx.agent, { status: "active" });
    expect(queue.items.map((t) => t.number)).toContain(ticket.number);
  });

  test("to an address of its own goes to that address's category and team", async () => {
    const billing = await ctx.db.category.findUniqueOrThrow({ where: { key: "billing" } });
    await ctx.db.mailChannel.create({ data: { address: "invoices@helpdesk.test", categoryId: billing.id, teamId: ctx.fx.teams.support.id } });
    const mail = await deliver({ from: "olga@customer.example", to: "Invoices <invoices@helpdesk.test>", subject: "Invoice 7 is wrong", text: "It lists two licences." });
    const ticket = await ticketOf(mail.ticketId!);
    expect(ticket.categoryId).toBe(billing.id);
    expect(ticket.teamId).toBe(ctx.fx.teams.support.id);
  });

  test("with an empty subject and a one-word text still files a ticket", async () => {
    const mail = await deliver({ from: "terse@customer.example", to: SUPPORT, subject: "", text: "Help" });
    const ticket = await ticketOf(mail.ticketId!);
    expect(ticket.subject).toBe("(no subject)");
    expect(ticket.messages[0].body).toBe("Help");
  });
});

describe("replies thread into their ticket", () => {
  test("by the Message-ID of the agent's mail, with the quoted history removed", async () => {
    const first = await deliver({ from: "rita@customer.example", to: SUPPORT, subject: "VPN drops", text: "The VPN drops every hour." });
    const ticket = await ticketOf(first.ticketId!);
    const ours = await ourMail(ticket, "rita@customer.example");
    const reply = await deliver({
      from: "Rita <rita@customer.example>",
      to: SUPPORT,
      subject: `Re: [#${ticket.number}] VPN drops`,
      inReplyTo: `<${ours.messageId}>`,
      references: [`<${ours.messageId}>`],
      text: QUOTE("It works now, thanks!\n\nSent from my iPhone"),
    });
    expect(reply).toMatchObject({ status: "processed", outcome: "message_added", ticketId: ticket.id });
    expect(reply.details.threadedBy).toBe("reference");
    const after = await ticketOf(ticket.id);
    expect(after.messages.map((m) => m.body)).toEqual(["The VPN drops every hour.", "It works now, thanks!"]);
    // Its own Message-ID threads what answers it.
    expect(await ctx.db.mailReference.count({ where: { ticketId: ticket.id, direction: "in" } })).toBe(2);
  });

  test("by the reply token in the address, from a Chinese mail program's HTML-only reply", async () => {
    const first = await deliver({ from: "wang@customer.example", to: SUPPORT, subject: "发票问题", text: "我的发票抬头写错了。" });
    const ticket = await ticketOf(first.ticketId!);
    const ours = await ourMail(ticket, "wang@customer.example");
    const reply = await deliver({
      from: "王先生 <wang@customer.example>",
      to: ours.replyTo,
      subject: `回复：[#${ticket.number}] 发票问题`,
      html:
        '<div>好的，谢谢！请重新开一张。</div><div><br></div><div>发自我的iPhone</div>' +
        '<div style="font-size: 12px;">------------------&nbsp;原始邮件&nbsp;------------------</div>' +
        `<div><b>发件人:</b> "Support" &lt;${SUPPORT}&gt;;</div><div><b>发送时间:</b> 2026年11月24日(星期二) 上午10:00</div>` +
        "<blockquote>请确认新的抬头。</blockquote>",
    });
    expect(reply).toMatchObject({ outcome: "message_added", ticketId: ticket.id });
    expect(reply.details.threadedBy).toBe("token");
    const after = await ticketOf(ticket.id);
    expect(after.messages[1].body).toBe("好的，谢谢！请重新开一张。");
    expect(ours.messageId).toContain(`t${ticket.number}-`);
  });

  test("a forged sender with only the subject's number gets a new ticket, not a say in someone's", async () => {
    const first = await deliver({ from: "vera@customer.example", to: SUPPORT, subject: "Account locked", text: "My account is locked." });
    const ticket = await ticketOf(first.ticketId!);
    const forged = await deliver({ from: "vera@customer.example", to: SUPPORT, subject: `Re: [#${ticket.number}] Account locked`, text: "Please send the new password to evil@example.net" });
    expect(forged.outcome).toBe("ticket_created");
    expect(forged.ticketId).not.toBe(ticket.id);
    expect((await ticketOf(ticket.id)).messages).toHaveLength(1);
    // A wrong token is no better than none.
    const guessed = await deliver({ from: "vera@customer.example", to: `support+t${ticket.number}-aaaaaaaaaaaa@helpdesk.test`, subject: "Hello", text: "Guessing." });
    expect(guessed.ticketId).not.toBe(ticket.id);
    const newTicket = await ticketOf(forged.ticketId!);
    expect(newTicket.subject).toBe("Account locked");
  });

  test("a reply to a closed ticket opens a new one that refers to it", async () => {
    const first = await deliver({ from: "carl@customer.example", to: SUPPORT, subject: "Old laptop", text: "It is slow." });
    const ticket = await ticketOf(first.ticketId!);
    const ours = await ourMail(ticket, "carl@customer.example");
    await ctx.db.ticket.update({ where: { id: ticket.id }, data: { status: "closed", closedAt: new Date() } });
    const reply = await deliver({ from: "carl@customer.example", to: SUPPORT, subject: `Re: [#${ticket.number}] Old laptop`, inReplyTo: `<${ours.messageId}>`, text: "It is slow again." });
    expect(reply.outcome).toBe("ticket_created");
    expect(reply.details.followUpOf).toBe(ticket.number);
    const followUp = await ticketOf(reply.ticketId!);
    expect(followUp.messages.map((m) => [m.kind, m.body])).toEqual([
      ["public", "It is slow again."],
      ["internal", expect.stringContaining(`#${ticket.number}`)],
    ]);
  });
});

describe("charsets", () => {
  const text = "您好，我的订单还没有收到，请帮忙查一下。谢谢！";
  const rawMail = (messageId: string, contentType: string, body: Buffer) =>
    Buffer.concat([
      Buffer.from(
        `From: =?GBK?B?${iconv.encode("张三", "gbk").toString("base64")}?= <zhang@qq.example>\r\nTo: ${SUPPORT}\r\n` +
          `Subject: =?GB2312?B?${iconv.encode("订单没有收到", "gb2312").toString("base64")}?=\r\nMessage-ID: <${messageId}>\r\n` +
          `MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
      ),
      body,
      Buffer.from("\r\n"),
    ]);

  test.each([
    ["labelled GBK", "text/plain; charset=GBK", iconv.encode(text, "gbk")],
    ["unlabelled GBK", "text/plain", iconv.encode(text, "gbk")],
    ["HTML with only a <meta charset>", "text/html", Buffer.concat([Buffer.from('<html><head><meta charset="gb2312"></head><body><p>'), iconv.encode(text, "gbk"), Buffer.from("</p></body></html>")])],
    ["unlabelled Big5", "text/plain", iconv.encode("請問我的退款什麼時候到帳？我已經等了兩個星期。", "big5")],
  ])("a Chinese mail in %s reads correctly", async (_name, contentType, body) => {
    const messageId = `${randomUUID()}@qq.example`;
    const mail = await deliverRaw("zhang@qq.example", [SUPPORT], rawMail(messageId, contentType, body), messageId);
    const ticket = await ticketOf(mail.ticketId!);
    expect(ticket.subject).toBe("订单没有收到");
    expect(ticket.messages[0].body).toBe(_name.includes("Big5") ? "請問我的退款什麼時候到帳？我已經等了兩個星期。" : text);
    expect(ticket.messages[0].body).not.toContain("\uFFFD");
    expect(ticket.language).toBe("zh-CN");
    expect(ticket.requester.name).toBe("张三");
    expect(ticket.requester.user?.locale).toBe("zh-CN");
  });
});

describe("mail that must never be answered", () => {
  async function nothingHappens(send: () => Promise<{ status: string; outcome: string | null }>, outcome: string) {
    await ctx.server.drain();
    const before = await Promise.all([ctx.db.ticket.count(), ctx.db.message.count(), ctx.db.outboundMail.count(), ctx.db.domainEvent.count()]);
    const mail = await send();
    expect(mail).toMatchObject({ status: "ignored", outcome });
    await ctx.server.drain();
    const after = await Promise.all([ctx.db.ticket.count(), ctx.db.message.count(), ctx.db.outboundMail.count(), ctx.db.domainEvent.count()]);
    // No ticket, no message, no mail out, no event (so no rule, automation or notification ran).
    expect(after).toEqual(before);
  }

  test("an out-of-office reply to the agent's mail creates nothing, runs nothing and gets no answer", async () => {
    const first = await deliver({ from: "otto.ooo@customer.example", to: SUPPORT, subject: "Question", text: "A question." });
    const ticket = await ticketOf(first.ticketId!);
    const ours = await ourMail(ticket, "otto.ooo@customer.example");
    await nothingHappens(
      () =>
        deliver({
          from: "otto.ooo@customer.example",
          to: ours.replyTo,
          subject: `Automatic reply: [#${ticket.number}] Question`,
          inReplyTo: `<${ours.messageId}>`,
          headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
          text: "I am out of the office until Monday.",
        }),
      "auto_reply",
    );
  });

  test("a bounce (empty envelope sender, delivery report) creates nothing", async () => {
    const messageId = `${randomUUID()}@mx.example`;
    const raw = Buffer.from(
      `From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: ${SUPPORT}\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <${messageId}>\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n` +
        `--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; gone@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--b1--\r\n`,
    );
    await nothingHappens(() => deliverRaw("", [SUPPORT], raw, messageId), "bounce");
  });

  test("our own address as the sender, or bulk mail, creates nothing", async () => {
    await nothingHappens(() => deliver({ from: SUPPORT, to: SUPPORT, subject: "Loop", text: "Talking to myself." }), "loop");
    await nothingHappens(() => deliver({ from: "news@shop.example", to: SUPPORT, subject: "Sale!", text: "50% off", headers: { Precedence: "bulk" } }), "auto_reply");
  });

  test("the same Message-ID delivered twice is read once", async () => {
    const messageId = `${randomUUID()}@customer.example`;
    const first = await deliver({ messageId, from: "dup@customer.example", to: SUPPORT, subject: "Twice", text: "Sent twice." });
    expect(first.outcome).toBe("ticket_created");
    await transport().sendMail({ messageId: `<${messageId}>`, from: "dup@customer.example", to: "other@helpdesk.test", subject: "Twice", text: "Sent twice." });
    const copies = await waitFor(async () => {
      const rows = await ctx.db.inboundMail.findMany({ where: { messageId }, orderBy: { receivedAt: "asc" } });
      return rows.length === 2 && rows[1].status !== "received" ? rows : null;
    }, "the copy");
    expect(copies[1]).toMatchObject({ status: "ignored", outcome: "duplicate" });
    expect(await ctx.db.ticket.count({ where: { requester: { email: "dup@customer.example" } } })).toBe(1);
  });
});

// A 1×1 PNG and the first bytes of a Windows program.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d4944415478da63f8cfc0f01f0005000201c5d0bd0e0000000049454e44ae426082",
  "hex",
);
const PROGRAM = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0")]);

describe("files and people", () => {
  test("an attachment arrives and the agent can open it; a program is refused without losing the mail", async () => {
    const mail = await deliver({
      from: "paula@customer.example",
      to: SUPPORT,
      subject: "Screenshot of the error",
      text: "See the screenshot.",
      attachments: [
        { filename: "error.png", content: PNG, contentType: "image/png" },
        { filename: "fix.exe", content: PROGRAM, contentType: "application/octet-stream" },
      ],
    });
    expect(mail.outcome).toBe("ticket_created");
    expect(mail.details.refused).toEqual([{ filename: "fix.exe", reason: "validation.attachmentProgram" }]);
    const ticket = await ticketOf(mail.ticketId!);
    const [first, note] = ticket.messages;
    expect(first.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([["error.png", "image/png", PNG.length]]);
    const opened = await openAttachment(ctx.db, ctx.fx.agent, first.attachments[0].id);
    const bytes = Buffer.concat(await opened.body.toArray());
    expect(bytes.equals(PNG)).toBe(true);
    // Agents learn what was not kept; the customer does not see the note.
    expect(note).toMatchObject({ kind: "internal" });
    expect(note.body).toContain("fix.exe");
  });

  test("people in Cc follow the ticket; their reply is the customer's side; a stranger with the token becomes a note", async () => {
    const mail = await deliver({ from: "boss@acme.example", to: SUPPORT, cc: "Assistant <assistant@acme.example>", subject: "Office move", text: "We move on Friday." });
    const ticket = await ticketOf(mail.ticketId!);
    expect(mail.details.followersAdded).toEqual(["assistant@acme.example"]);
    const assistant = await ctx.db.customer.findUniqueOrThrow({ where: { email: "assistant@acme.example" }, include: { user: true } });
    expect(assistant.user).toMatchObject({ role: "customer", name: "Assistant" });
    expect(await ctx.db.ticketFollower.count({ where: { ticketId: ticket.id, customerId: assistant.id } })).toBe(1);
    // The agent sees who is copied on the ticket.
    expect((await getTicket(ctx.db, ctx.fx.agent, ticket.number)).followers).toEqual([{ name: "Assistant", email: "assistant@acme.example" }]);

    await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { status: "pending" });
    const ours = await ourMail(ticket, "boss@acme.example");
    const reply = await deliver({ from: "assistant@acme.example", to: ours.replyTo, subject: `Re: [#${ticket.number}] Office move`, text: QUOTE("Friday at 9, please.") });
    expect(reply).toMatchObject({ outcome: "message_added" });
    expect(reply.details.sender).toBe("follower");
    const after = await ticketOf(ticket.id);
    expect(after.status).toBe("open");
    expect(after.messages.at(-1)).toMatchObject({ kind: "public", body: "Friday at 9, please.", authorId: assistant.userId });

    const stranger = await deliver({ from: "mallory@elsewhere.example", to: ours.replyTo, subject: "Re: Office move", text: "Cancel the move." });
    expect(stranger).toMatchObject({ outcome: "note_added", ticketId: ticket.id });
    const withNote = await ticketOf(ticket.id);
    expect(withNote.messages.at(-1)).toMatchObject({ kind: "internal", authorId: null });
    expect(withNote.messages.at(-1)!.body).toContain("mallory@elsewhere.example");
    // The requester's view never shows it.
    const requester = await ctx.db.user.findUniqueOrThrow({ where: { email: "boss@acme.example" }, include: { customer: true } });
    const seen = await getTicket(ctx.db, { id: requester.id, email: requester.email, name: requester.name, role: "customer", locale: "en", customerId: requester.customer!.id, teamIds: [], availability: "online" }, ticket.number);
    expect(seen.messages.some((m) => m.body.includes("Cancel the move"))).toBe(false);
  });

  test("an agent replies by mail only to a mail we sent them; a forged agent From becomes a note", async () => {
    const mail = await deliver({ from: "ben@customer.example", to: SUPPORT, subject: "Password expired", text: "My password expired." });
    const ticket = await ticketOf(mail.ticketId!);
    const toCustomer = await ourMail(ticket, "ben@customer.example");
    // The customer knows the token and the Message-ID of the mail they got: not enough to speak as the agent.
    const forged = await deliver({ from: "Li Wei <li@test.example>", to: toCustomer.replyTo, inReplyTo: `<${toCustomer.messageId}>`, subject: "Re", text: "Solved, closing." });
    expect(forged).toMatchObject({ outcome: "note_added" });
    const toAgent = await ourMail(ticket, "li@test.example");
    const real = await deliver({ from: "li@test.example", to: toAgent.replyTo, inReplyTo: `<${toAgent.messageId}>`, subject: "Re", text: QUOTE("Please try the reset link.") });
    expect(real).toMatchObject({ outcome: "message_added" });
    expect(real.details.sender).toBe("staff");
    const after = await ticketOf(ticket.id);
    expect(after.messages.at(-1)).toMatchObject({ kind: "public", body: "Please try the reset link.", authorId: ctx.fx.agent.id });
    expect(after.status).toBe("open");
  });

  test("only mail that became public messages is named in later mail; a reply naming only a sender's Message-ID adds nobody", async () => {
    const firstId = `${randomUUID()}@acme.example`;
    const first = await deliver({ messageId: firstId, from: "cora@acme.example", to: SUPPORT, subject: "VPN down", text: "The VPN is down." });
    const ticket = await ticketOf(first.ticketId!);
    const ours = await ourMail(ticket, "cora@acme.example");
    // A stranger with the ticket's token: a note, whose Message-ID never goes into mail to the requester.
    const strangerId = `${randomUUID()}@elsewhere.example`;
    expect(await deliver({ messageId: strangerId, from: "spy@elsewhere.example", to: ours.replyTo, subject: "Re: VPN down", text: "What VPN?" })).toMatchObject({
      outcome: "note_added",
    });
    // The requester answers her own first mail (not ours), copying someone in: her message, but nobody joins.
    const ownId = `${randomUUID()}@acme.example`;
    const own = await deliver({
      messageId: ownId,
      from: "cora@acme.example",
      to: SUPPORT,
      cc: "Dan <dan@acme.example>",
      inReplyTo: `<${firstId}>`,
      references: [`<${firstId}>`],
      subject: "Re: VPN down",
      text: "Still down.",
    });
    expect(own).toMatchObject({ outcome: "message_added", ticketId: ticket.id });
    expect(own.details.followersAdded).toBeUndefined();
    expect(await ctx.db.ticketFollower.count({ where: { ticketId: ticket.id } })).toBe(0);
    // Copied in on a reply to our mail, Dan does join.
    const joined = await deliver({ from: "cora@acme.example", to: ours.replyTo, cc: "Dan <dan@acme.example>", inReplyTo: `<${ours.messageId}>`, subject: "Re", text: "Adding Dan." });
    expect(joined.details.followersAdded).toEqual(["dan@acme.example"]);
    const named = (await ctx.db.mailReference.findMany({ where: { ticketId: ticket.id, direction: "in" } })).map((r) => r.messageId);
    expect(named).toEqual(expect.arrayContaining([firstId, ownId]));
    expect(named).not.toContain(strangerId);
  });

  test("an agent answering a notification mail files nothing; staff writing in afresh file for their own address", async () => {
    await transactionOf(ctx.db, (sql) =>
      queueMails(sql, [{ kind: "notification", to: ["li@test.example"], content: { subject: "You were assigned #1", text: "Assigned.", html: "<p>Assigned.</p>" } }]),
    );
    const notification = await ctx.db.outboundMail.findFirstOrThrow({ where: { kind: "notification", to: { has: "li@test.example" } } });
    const answer = await deliver({ from: "li@test.example", to: SUPPORT, inReplyTo: `<${notification.messageId}>`, subject: "Re: You were assigned", text: "On it." });
    expect(answer).toMatchObject({ status: "ignored", outcome: "not_allowed" });
    const test = await deliver({ from: "admin@test.example", to: SUPPORT, subject: "Does mail work?", text: "Testing the support address." });
    expect(test.outcome).toBe("ticket_created");
    const ticket = await ticketOf(test.ticketId!);
    expect(ticket.requester.email).toBe("admin@test.example");
    expect(ticket.messages[0].authorId).toBe(ctx.fx.admin.id);
  });
});

describe("nothing is lost", () => {
  test("a mail that fails is kept as failed and read when tried again after the cause is fixed", async () => {
    const sql = sqlOf(ctx.db);
    await sql.query(`CREATE FUNCTION refuse_tickets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ticket storage is full'; END $$`);
    await sql.query(`CREATE TRIGGER refuse_tickets BEFORE INSERT ON "Ticket" FOR EACH ROW EXECUTE FUNCTION refuse_tickets()`);
    let failed;
    try {
      failed = await deliver({ from: "fay@customer.example", to: SUPPORT, subject: "Broken", text: "It broke." });
    } finally {
      await sql.query(`DROP TRIGGER refuse_tickets ON "Ticket"`);
      await sql.query(`DROP FUNCTION refuse_tickets()`);
    }
    expect(failed).toMatchObject({ status: "failed", ticketId: null });
    expect(failed.error).toContain("ticket storage is full");
    const listed = await listInboundMail(ctx.db, ctx.fx.admin, { status: "failed" });
    expect(listed.items.map((m) => m.id)).toContain(failed.id);
    const shown = await getInboundMail(ctx.db, ctx.fx.admin, failed.id);
    expect(shown.mail?.newText).toBe("It broke.");

    await retryInboundMail(ctx.db, ctx.fx.admin, failed.id);
    const done = await waitFor(async () => {
      const row = await ctx.db.inboundMail.findUniqueOrThrow({ where: { id: failed.id } });
      return row.status === "processed" ? row : null;
    }, "the retried mail");
    expect(done).toMatchObject({ outcome: "ticket_created", attempts: 2, error: null });
    expect((await ticketOf(done.ticketId!)).messages[0].body).toBe("It broke.");
  });

  test("a deadlock while filing leaves the mail received, and the queue's next try files it", async () => {
    const sql = sqlOf(ctx.db);
    await sql.query(
      `CREATE FUNCTION conflict_tickets() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated lock conflict' USING ERRCODE = '40P01'; END $$`,
    );
    await sql.query(`CREATE TRIGGER conflict_tickets BEFORE INSERT ON "Ticket" FOR EACH ROW EXECUTE FUNCTION conflict_tickets()`);
    const messageId = `${randomUUID()}@customer.example`;
    try {
      await transport().sendMail({ messageId: `<${messageId}>`, from: "ida@customer.example", to: SUPPORT, subject: "Locked", text: "Locked out." });
      const job = await waitFor(async () => {
        const [row] = await sql.query<{ attempts: number; last_error: string | null }>(
          `SELECT j.attempts, j.last_error FROM graphile_worker.jobs j JOIN "InboundMail" m ON j.key = 'inbound-mail:' || m."id" WHERE m."envelopeFrom" = $1`,
          ["ida@customer.example"],
        );
        return row && row.last_error !== null ? row : null;
      }, "the job's first try");
      expect(job.last_error).toContain("simulated lock conflict");
      expect(await ctx.db.inboundMail.findFirstOrThrow({ where: { envelopeFrom: "ida@customer.example" } })).toMatchObject({ status: "received", error: null });
    } finally {
      await sql.query(`DROP TRIGGER conflict_tickets ON "Ticket"`);
      await sql.query(`DROP FUNCTION conflict_tickets()`);
    }
    // The queue tries again after its backoff (a few seconds).
    expect(await read(messageId)).toMatchObject({ status: "processed", outcome: "ticket_created" });
  });

  test("two mails copying the same people in another order wait for each other instead of deadlocking", async () => {
    const tag = randomUUID().slice(0, 8);
    const people = Array.from({ length: 30 }, (_, i) => ({ address: `p${String(i).padStart(2, "0")}-${tag}@team.example`, name: "" }));
    const found = await Promise.all(
      [people, [...people].reverse()].map((list) => transactionOf(ctx.db, (sql) => ensureContacts(sql, list, "en", new Date()))),
    );
    expect(found.map((contacts) => contacts.size)).toEqual([30, 30]);
    expect(await ctx.db.customer.count({ where: { email: { endsWith: `-${tag}@team.example` } } })).toBe(30);
  });

  test("too much mail arriving at once is answered 451 (held in memory, it would be unbounded)", async () => {
    const sql = sqlOf(ctx.db);
    // Storing is slow for a moment: mails arriving meanwhile are all held at once.
    await sql.query(`CREATE FUNCTION slow_mail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NEW; END $$`);
    await sql.query(`CREATE TRIGGER slow_mail BEFORE INSERT ON "InboundMail" FOR EACH ROW EXECUTE FUNCTION slow_mail()`);
    let answers: PromiseSettledResult<unknown>[];
    try {
      // Eight mails of 80% of the limit; the server holds at most four limits' worth at once.
      answers = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          transport().sendMail({ from: `burst${i}@customer.example`, to: SUPPORT, subject: "Burst", text: "y".repeat(Math.floor(MAX_BYTES * 0.8)) }),
        ),
      );
    } finally {
      await sql.query(`DROP TRIGGER slow_mail ON "InboundMail"`);
      await sql.query(`DROP FUNCTION slow_mail()`);
    }
    const refused = answers.filter((a) => a.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => (a as PromiseRejectedResult).reason.responseCode === 451)).toBe(true);
    expect(answers.length - refused.length).toBeGreaterThan(0);
    // Once those are stored, mail is taken again.
    await transport().sendMail({ from: "burst-again@customer.example", to: SUPPORT, subject: "Burst", text: "y".repeat(Math.floor(MAX_BYTES * 0.8)) });
  });

  test("a database failure while storing answers 451, so the sender tries again", async () => {
    const sql = sqlOf(ctx.db);
    await sql.query(`CREATE FUNCTION refuse_mail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await sql.query(`CREATE TRIGGER refuse_mail BEFORE INSERT ON "InboundMail" FOR EACH ROW EXECUTE FUNCTION refuse_mail()`);
    try {
      const sent = transport().sendMail({ from: "gus@customer.example", to: SUPPORT, subject: "Hello", text: "Hello." });
      await expect(sent).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      await sql.query(`DROP TRIGGER refuse_mail ON "InboundMail"`);
      await sql.query(`DROP FUNCTION refuse_mail()`);
    }
    expect(await ctx.db.inboundMail.count({ where: { envelopeFrom: "gus@customer.example" } })).toBe(0);
  });

  test("a mail over the size limit is refused with 552", async () => {
    const sent = transport().sendMail({ from: "huge@customer.example", to: SUPPORT, subject: "Big", text: "x".repeat(MAX_BYTES + 10_000) });
    await expect(sent).rejects.toMatchObject({ responseCode: 552 });
    expect(await ctx.db.inboundMail.count({ where: { envelopeFrom: "huge@customer.example" } })).toBe(0);
  });

  test("a sender flooding the inbox is slowed down, not dropped", async () => {
    const sql = sqlOf(ctx.db);
    // Twenty mails of theirs read in the last minutes…
    await sql.query(
      `INSERT INTO "InboundMail" ("id", "via", "raw", "size", "receivedAt", "status", "outcome", "fromAddress", "processedAt")
       SELECT gen_random_uuid()::text, 'smtp', '\\x00'::bytea, 1, now() - interval '1 minute', 'processed', 'ticket_created', 'flood@spam.example', now() - interval '1 minute'
         FROM generate_series(1, 20)`,
    );
    // …so the next one waits for a free slot instead of filing a ticket now.
    const messageId = `${randomUUID()}@spam.example`;
    await transport().sendMail({ messageId: `<${messageId}>`, from: "flood@spam.example", to: SUPPORT, subject: "Again", text: "Again." });
    const row = await waitFor(() => ctx.db.inboundMail.findFirst({ where: { messageId, outcome: "throttled" } }), "the throttled mail");
    expect(row.status).toBe("received");
    const until = new Date((row.details as { throttledUntil: string }).throttledUntil);
    expect(until.getTime()).toBeGreaterThan(Date.now() + 5 * 60_000);
    const [job] = await sql.query<{ run_at: Date }>(`SELECT run_at FROM graphile_worker.jobs WHERE key = $1`, [`inbound-mail:${row.id}`]);
    expect(Math.abs(new Date(job.run_at).getTime() - until.getTime())).toBeLessThan(1000);
    expect(await ctx.db.ticket.count({ where: { requester: { email: "flood@spam.example" } } })).toBe(0);
  });
});

describe("received mail for admins", () => {
  test("what a mail says needs the right to see every ticket; how it was handled needs settings only", async () => {
    const mail = await deliver({ from: "kim@customer.example", to: SUPPORT, subject: "Salary question", text: "My salary is wrong." });
    const role = await ctx.db.customRole.create({ data: { name: "Mail settings only", permissions: ["settings.manage"] } });
    const user = await ctx.db.user.create({
      data: { email: "postmaster-admin@test.example", name: "Pat", role: "agent", passwordHash: "x", customRoleId: role.id, emailVerifiedAt: new Date() },
    });
    const settingsOnly = (await loadAuthUser(ctx.db, user.id))!;
    const listed = await listInboundMail(ctx.db, settingsOnly, {});
    expect(listed.items.find((m) => m.id === mail.id)).toMatchObject({ subject: "Salary question", status: "processed" });
    const hidden = await getInboundMail(ctx.db, settingsOnly, mail.id);
    expect(hidden).toMatchObject({ contentHidden: true, mail: null, outcome: "ticket_created" });
    expect(JSON.stringify(hidden)).not.toContain("salary is wrong");
    await expect(inboundRaw(ctx.db, settingsOnly, mail.id)).rejects.toMatchObject({ code: "forbidden" });
    // An admin (who sees every ticket) reads it.
    expect((await getInboundMail(ctx.db, ctx.fx.admin, mail.id)).mail?.newText).toBe("My salary is wrong.");
    expect((await inboundRaw(ctx.db, ctx.fx.admin, mail.id)).raw.toString()).toContain("My salary is wrong.");
  });

  test("a mail stuck as received (its job lost) can be tried again after a few minutes", async () => {
    const sql = sqlOf(ctx.db);
    const messageId = `${randomUUID()}@customer.example`;
    const raw = `From: lou@customer.example\r\nTo: ${SUPPORT}\r\nSubject: Stuck\r\nMessage-ID: <${messageId}>\r\n\r\nStill there?\r\n`;
    const insert = (minutesAgo: number) =>
      sql.query<{ id: string }>(
        `INSERT INTO "InboundMail" ("id", "via", "envelopeFrom", "envelopeTo", "raw", "size", "receivedAt")
         VALUES (gen_random_uuid()::text, 'smtp', 'lou@customer.example', ARRAY[$1], $2, $3, now() - make_interval(mins => $4)) RETURNING "id"`,
        [SUPPORT, Buffer.from(raw), raw.length, minutesAgo],
      );
    const [recent] = await insert(1);
    await expect(retryInboundMail(ctx.db, ctx.fx.admin, recent.id)).rejects.toMatchObject({ code: "conflict" });
    await sql.query(`DELETE FROM "InboundMail" WHERE "id" = $1`, [recent.id]);
    const [stuck] = await insert(30);
    expect((await getInboundMail(ctx.db, ctx.fx.admin, stuck.id)).retryable).toBe(true);
    await retryInboundMail(ctx.db, ctx.fx.admin, stuck.id);
    expect(await read(messageId)).toMatchObject({ status: "processed", outcome: "ticket_created" });
  });

  test("the original bytes of mail handled long ago are removed, the row kept; failed mail keeps them", async () => {
    const done = await deliver({ from: "mo@customer.example", to: SUPPORT, subject: "Old news", text: "Long ago." });
    const sql = sqlOf(ctx.db);
    const [failed] = await sql.query<{ id: string }>(
      `INSERT INTO "InboundMail" ("id", "via", "raw", "size", "receivedAt", "status", "error")
       VALUES (gen_random_uuid()::text, 'smtp', '\\x41'::bytea, 1, now() - interval '200 days', 'failed', 'x') RETURNING "id"`,
    );
    const old = new Date(Date.now() - (INBOUND_RAW_DAYS + 1) * 86_400_000);
    await ctx.db.inboundMail.update({ where: { id: done.id }, data: { receivedAt: old } });
    expect(await pruneInboundMail(ctx.db)).toBeGreaterThanOrEqual(1);
    const row = await ctx.db.inboundMail.findUniqueOrThrow({ where: { id: done.id } });
    expect(row).toMatchObject({ status: "processed", subject: "Old news" });
    expect(row.raw.length).toBe(0);
    expect(row.size).toBeGreaterThan(0);
    expect(await getInboundMail(ctx.db, ctx.fx.admin, done.id)).toMatchObject({ rawPruned: true, mail: null, retryable: false });
    await expect(inboundRaw(ctx.db, ctx.fx.admin, done.id)).rejects.toMatchObject({ code: "gone" });
    expect((await ctx.db.inboundMail.findUniqueOrThrow({ where: { id: failed.id } })).raw.length).toBe(1);
  });

  test("mailed one-time links are removed once expired", async () => {
    const now = new Date();
    const user = await ctx.db.user.findUniqueOrThrow({ where: { email: "kim@customer.example" } });
    await ctx.db.accountToken.createMany({
      data: [
        { userId: user.id, purpose: "verify_email", tokenHash: `expired-${randomUUID()}`, expiresAt: new Date(now.getTime() - 60_000) },
        { userId: user.id, purpose: "reset_password", tokenHash: `used-${randomUUID()}`, expiresAt: new Date(now.getTime() - 1), usedAt: new Date(now.getTime() - 3_600_000) },
        { userId: user.id, purpose: "reset_password", tokenHash: `good-${randomUUID()}`, expiresAt: new Date(now.getTime() + 3_600_000) },
      ],
    });
    expect(await pruneAccountTokens(ctx.db, now)).toBe(2);
    expect((await ctx.db.accountToken.findMany({ where: { userId: user.id } })).map((t) => t.tokenHash)).toEqual([expect.stringMatching(/^good-/)]);
  });
});
