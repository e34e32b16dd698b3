// Polling an IMAP mailbox (server/mail/inbound/imap.ts) against a real IMAP server (Dovecot, started
// by the test with its own configuration): unseen mail is stored, read into tickets and marked seen
// only once stored; mail already seen is left; a wrong password is recorded on the address without
// stopping the others; mail fetched twice (a crash before it was marked seen) is read once; a message
// over the size limit is left unread and named on the address; a poll while another runs does nothing.
import { randomUUID } from "node:crypto";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { forgetSingleton } from "../../server/runtime.ts";
import { transactionOf } from "../../server/db/client.ts";
import { pollMailboxes } from "../../server/mail/inbound/imap.ts";
import { processInboundMail } from "../../server/mail/inbound/process.ts";
import { createFixtures } from "../support/factories.ts";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { dovecotUnavailable, startDovecot, type Dovecot } from "../support/dovecot.ts";

const unavailable = dovecotUnavailable();
const MAX_BYTES = 100_000;
if (unavailable) console.warn(`[mail-imap] skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)("an IMAP mailbox", () => {
  const ctx = {} as { database: TestDatabase; db: TestDatabase["db"]; imap: Dovecot; channelId: string };

  beforeAll(async () => {
    ctx.imap = await startDovecot();
    ctx.database = await freshDatabase();
    ctx.db = ctx.database.db;
    useTestRuntime(ctx.database.url);
    forgetSingleton("db");
    const fx = await createFixtures(ctx.db);
    const billing = await ctx.db.category.findUniqueOrThrow({ where: { key: "billing" } });
    const channel = await ctx.db.mailChannel.create({
      data: {
        address: "accounts@imap.test",
        categoryId: billing.id,
        teamId: fx.teams.billing.id,
        imapHost: ctx.imap.host,
        imapPort: ctx.imap.port,
        imapSecure: false,
        imapUser: ctx.imap.user,
        imapPassword: ctx.imap.password,
      },
    });
    ctx.channelId = channel.id;
  });

  afterAll(async () => {
    await ctx.database?.drop();
    await ctx.imap?.stop();
  });

  async function mailbox<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({ host: ctx.imap.host, port: ctx.imap.port, secure: false, auth: { user: ctx.imap.user, pass: ctx.imap.password }, logger: false });
    await client.connect();
    try {
      const lock = await client.getMailboxLock("INBOX");
      try {
        return await work(client);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  }

  /** Polls (the minute's job, called here rather than waited for) and runs the inbound-mail job of each mail stored. */
  async function poll() {
    const before = new Date(Date.now() - 1);
    const results = (await pollMailboxes(ctx.db, { maxBytes: MAX_BYTES }))!;
    const stored = await ctx.db.inboundMail.findMany({ where: { receivedAt: { gte: before }, status: "received" }, orderBy: { receivedAt: "asc" } });
    for (const mail of stored) await processInboundMail(ctx.db, mail.id);
    return results;
  }

  const message = (messageId: string, subject: string, text: string) =>
    Buffer.from(`From: Ivy <ivy@customer.example>\r\nTo: accounts@imap.test\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n${text}\r\n`);

  test("unseen mail becomes tickets for the address's team and is marked seen; seen mail is left", async () => {
    const fresh = `${randomUUID()}@customer.example`;
    const old = `${randomUUID()}@customer.example`;
    await mailbox(async (client) => {
      await client.append("INBOX", message(fresh, "Refund for order 5", "Where is my refund?"), []);
      await client.append("INBOX", message(old, "Read long ago", "Already handled."), ["\\Seen"]);
    });

    const [result] = await poll();
    expect(result).toEqual({ channelId: ctx.channelId, stored: 1, tooLarge: 0, error: null });
    const stored = await ctx.db.inboundMail.findMany({ where: { channelId: ctx.channelId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ via: "imap", envelopeFrom: null, envelopeTo: ["accounts@imap.test"] });

    const read = await ctx.db.inboundMail.findUniqueOrThrow({ where: { id: stored[0].id } });
    expect(read.status).toBe("processed");
    const ticket = await ctx.db.ticket.findUniqueOrThrow({ where: { id: read.ticketId! }, include: { messages: true, category: true } });
    expect(ticket).toMatchObject({ channel: "email", subject: "Refund for order 5", category: { key: "billing" } });
    expect(ticket.messages[0].body).toBe("Where is my refund?");

    const unseen = await mailbox(async (client) => (await client.search({ seen: false }, { uid: true })) || []);
    expect(unseen).toEqual([]);
    const channel = await ctx.db.mailChannel.findUniqueOrThrow({ where: { id: ctx.channelId } });
    expect(channel.lastPolledAt).not.toBeNull();
    expect(channel.lastError).toBeNull();

    // Nothing new: nothing fetched.
    expect((await poll())[0].stored).toBe(0);
  });

  test("mail fetched again (marked unseen after it was stored, as after a crash) is read once", async () => {
    const id = `${randomUUID()}@customer.example`;
    await mailbox((client) => client.append("INBOX", message(id, "Twice", "Once, please."), []));
    await poll();
    await mailbox((client) => client.messageFlagsRemove({ all: true }, ["\\Seen"]));
    await poll();
    const copies = await ctx.db.inboundMail.findMany({ where: { messageId: id }, orderBy: { receivedAt: "asc" } });
    expect(copies.map((r) => [r.status, r.outcome])).toEqual([
      ["processed", "ticket_created"],
      ["ignored", "duplicate"],
    ]);
  });

  test("a wrong password is recorded on the address, and the other mailboxes are still polled", async () => {
    const broken = await ctx.db.mailChannel.create({
      data: { address: "broken@imap.test", imapHost: ctx.imap.host, imapPort: ctx.imap.port, imapSecure: false, imapUser: ctx.imap.user, imapPassword: "wrong" },
    });
    const id = `${randomUUID()}@customer.example`;
    await mailbox((client) => client.append("INBOX", message(id, "Still polled", "Hello."), []));
    const results = await poll();
    expect(results.find((r) => r.channelId === broken.id)).toMatchObject({ stored: 0, error: expect.any(String) });
    expect(results.find((r) => r.channelId === ctx.channelId)).toMatchObject({ stored: 1, error: null });
    expect((await ctx.db.mailChannel.findUniqueOrThrow({ where: { id: broken.id } })).lastError).toBeTruthy();
    await ctx.db.mailChannel.delete({ where: { id: broken.id } });
  });

  test("a message over the size limit is left unread in the mailbox and named on the address; the others are read", async () => {
    const big = `${randomUUID()}@customer.example`;
    const small = `${randomUUID()}@customer.example`;
    await mailbox(async (client) => {
      await client.append("INBOX", message(big, "Scans of every invoice", "x".repeat(MAX_BYTES + 1_000)), []);
      await client.append("INBOX", message(small, "Small one", "Just text."), []);
    });
    const [result] = await poll();
    expect(result).toMatchObject({ stored: 1, tooLarge: 1 });
    expect(await ctx.db.inboundMail.count({ where: { messageId: big } })).toBe(0);
    expect(await ctx.db.inboundMail.findFirstOrThrow({ where: { messageId: small } })).toMatchObject({ status: "processed" });
    const channel = await ctx.db.mailChannel.findUniqueOrThrow({ where: { id: ctx.channelId } });
    expect(channel.lastError).toContain('"Scans of every invoice" from ivy@customer.example');
    const unseen = await mailbox(async (client) => (await client.search({ seen: false }, { uid: true })) || []);
    expect(unseen).toHaveLength(1);
    // Dealt with in the mailbox: the note goes at the next poll.
    await mailbox((client) => client.messageFlagsAdd({ seen: false }, ["\\Seen"]));
    await poll();
    expect((await ctx.db.mailChannel.findUniqueOrThrow({ where: { id: ctx.channelId } })).lastError).toBeNull();
  });

  test("a poll while another one runs does nothing (polls never overlap)", async () => {
    const id = `${randomUUID()}@customer.example`;
    await mailbox((client) => client.append("INBOX", message(id, "Wait your turn", "Hello."), []));
    await transactionOf(ctx.db, async (sql) => {
      // The lock of a poll still running.
      await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('poll-mailboxes'))`);
      expect(await pollMailboxes(ctx.db, { maxBytes: MAX_BYTES })).toBeNull();
    });
    expect(await ctx.db.inboundMail.count({ where: { messageId: id } })).toBe(0);
    expect((await poll())[0].stored).toBe(1);
  });
});
