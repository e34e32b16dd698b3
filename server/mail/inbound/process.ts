// The inbound-mail job: a stored mail (store.ts) read and acted on, as its sender.
//
// 1. Left alone (status "ignored"): automatic replies, bounces and our own mail coming back
//    (guard.ts), a mail already read (same Message-ID); nothing is filed, answered or run.
// 2. A sender over the flood limit waits (throttle.ts): the job is moved, the mail stays "received".
// 3. The sender becomes a contact if unknown (contacts.ts); their files are stored as their uploads.
// 4. In one transaction: the ticket it belongs to (server/mail/threading.ts); a reply from its
//    requester or a follower goes in as theirs, from a staff member as a public reply (only when
//    it answers a mail we sent them); anyone else's becomes an internal note, so agents see it and
//    no customer does. A closed ticket, or one not meant to be reopened, gets a new ticket that
//    refers to it. Otherwise a new ticket. People copied in become followers (on a reply only when it
//    answers our mail). The Message-ID of a mail that became a public message is recorded for the
//    ticket, and the mail marked processed.
// A mail that cannot be read or filed is marked "failed" with the reason, kept for an admin, who
// can have it tried again (admin.ts); the database being down, a deadlock or a serialization
// failure is left to the queue's retries.
import { randomUUID } from "node:crypto";
import { can, type AuthUser } from "../../auth/policy.ts";
import { loadAuthUser } from "../../auth/users.ts";
import { currentSettings } from "../../admin/settings.ts";
import { dropUnsentUploads, receiveUploads } from "../../attachments/service.ts";
import { discardFile, receiveFile } from "../../attachments/incoming.ts";
import { claimAttachments } from "../../attachments/service.ts";
import { MAX_ATTACHMENTS } from "../../attachments/limits.ts";
import { sqlOf, transactionOf, type Db, type Tx } from "../../db/client.ts";
import { asSql, type Sql } from "../../db/sql.ts";
import { DomainError, isDatabaseUnavailable, isTransactionConflict } from "../../errors.ts";
import { emit } from "../../events/emit.ts";
import { inTransaction } from "../../events/transaction.ts";
import { scheduleJobs } from "../../jobs/schedule.ts";
import { detectLanguage } from "../../tickets/language.ts";
import { MAX_MESSAGE } from "../../tickets/schemas.ts";
import { createTicket, findTicketForMail, lockTicket, writeMessage, type VisibleTicket } from "../../tickets/service.ts";
import { translator } from "../../../app/i18n/i18n.ts";
import type { Locale } from "../../../app/i18n/config.ts";
import { mailSettings, replyTokenSecret } from "../settings.ts";
import { bareSubject } from "../references.ts";
import { findThread, type ThreadedBy } from "../threading.ts";
import { isOwnAddress, loadOwnAddresses, mailboxOf } from "../addresses.ts";
import { ensureContacts, mailActor, type Contact } from "./contacts.ts";
import { loopGuard } from "./guard.ts";
import { parseInbound, type MailFile, type ParsedInbound } from "./parse.ts";
import { throttledUntil, FLOOD } from "./throttle.ts";
import { inboundJob } from "./store.ts";

export type InboundOutcome =
  | "ticket_created"
  | "message_added"
  | "note_added"
  | "auto_reply"
  | "bounce"
  | "loop"
  | "duplicate"
  | "no_sender"
  | "not_allowed"
  | "throttled";

export type InboundStatus = "received" | "processed" | "ignored" | "failed";

/** What the admin page shows of how a mail was read (InboundMail.details). */
export interface InboundDetails {
  threadedBy?: ThreadedBy | null;
  /** The sender's part on the ticket. */
  sender?: "requester" | "follower" | "staff" | "other";
  /** The closed ticket a new one was filed after. */
  followUpOf?: number;
  refused?: { filename: string; reason: string }[];
  followersAdded?: string[];
  throttledUntil?: string;
}

interface StoredMail {
  id: string;
  via: string;
  channelId: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  raw: Buffer;
  status: string;
  receivedAt: Date;
}

interface Channel {
  id: string;
  address: string;
  categoryId: string | null;
  teamId: string | null;
  enabled: boolean;
}

/** Reads one stored mail and acts on it; returns what became of it. Safe to run again. */
export async function processInboundMail(db: Db, mailId: string, now = new Date()): Promise<InboundStatus | "gone"> {
  const [mail] = await sqlOf(db).query<StoredMail>(
    `SELECT "id", "via", "channelId", "envelopeFrom", "envelopeTo", "raw", "status", "receivedAt" FROM "InboundMail" WHERE "id" = $1`,
    [mailId],
  );
  if (!mail) return "gone";
  if (mail.status === "processed" || mail.status === "ignored") return mail.status;
  let parsed: ParsedInbound | null = null;
  try {
    parsed = await parseInbound(mail.raw);
    return await act(db, mail, parsed, now);
  } catch (error) {
    // The database being away, or a deadlock with another mail, is not the mail's fault: it stays
    // "received" and the queue tries again.
    if (isDatabaseUnavailable(error) || isTransactionConflict(error)) throw error;
    await finish(sqlOf(db), mail.id, { status: "failed", error: describe(error), ...headline(parsed) }, now);
    return "failed";
  }
}

function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.messageKey}${error.details ? ` ${JSON.stringify(error.details)}` : ""}`;
  return ((error as Error)?.message ?? String(error)).slice(0, 2000);
}

const headline = (parsed: ParsedInbound | null) => ({
  fromAddress: parsed?.from?.address ?? null,
  subject: parsed ? parsed.subject.slice(0, 998) : null,
  messageId: parsed?.messageId ?? null,
});

async function act(db: Db, mail: StoredMail, parsed: ParsedInbound, now: Date): Promise<InboundStatus> {
  const sql = sqlOf(db);
  const settings = mailSettings();
  const channels = await sql.query<Channel>(`SELECT "id", "address", "categoryId", "teamId", "enabled" FROM "MailChannel"`);
  const own = await loadOwnAddresses(sql, settings.from);
  const isOurs = (address: string) => isOwnAddress(address, own);
  const basics = headline(parsed);

  const ignoredAs = loopGuard({
    header: parsed.header,
    contentType: parsed.contentType,
    reportType: parsed.reportType,
    envelopeFrom: mail.envelopeFrom,
    from: parsed.from?.address ?? null,
    subject: parsed.subject,
    isOurs,
  });
  if (ignoredAs) return finish(sql, mail.id, { status: "ignored", outcome: ignoredAs, ...basics }, now);
  const from = parsed.from;
  if (!from) return finish(sql, mail.id, { status: "ignored", outcome: "no_sender", ...basics }, now);
  if (parsed.messageId && (await alreadyRead(sql, mail.id, parsed.messageId))) {
    return finish(sql, mail.id, { status: "ignored", outcome: "duplicate", ...basics }, now);
  }
  // Our own Message-ID: a copy of a mail we sent came back (a Bcc, a forwarding loop).
  if (parsed.messageId && (await sql.query(`SELECT 1 FROM "MailReference" WHERE "messageId" = $1 AND "direction" = 'out'`, [parsed.messageId])).length > 0) {
    return finish(sql, mail.id, { status: "ignored", outcome: "loop", ...basics }, now);
  }

  const waitUntil = await floodWait(sql, mail, from.address, now);
  if (waitUntil) {
    await transactionOf(db, async (tx) => {
      await finish(tx, mail.id, { status: "received", outcome: "throttled", details: { throttledUntil: waitUntil.toISOString() }, ...basics }, now, false);
      await scheduleJobs(tx, [inboundJob(mail.id, waitUntil)]);
    });
    return "received";
  }

  const helpdesk = await currentSettings(db);
  const locale: Locale = detectLanguage(`${parsed.subject}\n${parsed.newText || parsed.fullText}`) ?? helpdesk.defaultLocale;
  const contacts = await transactionOf(db, (tx) => ensureContacts(tx, [from], locale, now));
  const sender = contacts.get(from.address)!;
  const actor = sender.kind === "customer" ? mailActor(sender, from.address) : sender.active ? await loadAuthUser(db, sender.userId) : null;
  // A deactivated staff account has no one to keep its files as: they are listed as not kept.
  const files = actor
    ? await receiveMailFiles(db, actor, parsed.attachments, now)
    : { kept: [], refused: parsed.attachments.map(refusal("inbound.refused.noSender")) };

  try {
    return await inTransaction(db, (tx) => decide(tx, { db, mail, parsed, sender, actor, files, channels, isOurs, locale, now }));
  } finally {
    // Files no message took (the mail was a duplicate after all, or failed): only those are removed.
    if (actor && files.kept.length > 0) await dropUnsentUploads(db, actor, files.kept).catch(() => {});
  }
}

interface Decision {
  db: Db;
  mail: StoredMail;
  parsed: ParsedInbound;
  sender: Contact;
  actor: AuthUser | null;
  files: { kept: string[]; refused: { filename: string; reason: string }[] };
  channels: Channel[];
  isOurs(address: string): boolean;
  locale: Locale;
  now: Date;
}

async function decide(tx: Tx, d: Decision): Promise<InboundStatus> {
  const sql = asSql(tx);
  const { mail, parsed, now } = d;
  const basics = headline(parsed);
  // One reading per Message-ID at a time (the same mail delivered twice, to two addresses).
  await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext($1))`, [`inbound-mail:${parsed.messageId ?? mail.id}`]);
  const [{ status }] = await sql.query<{ status: string }>(`SELECT "status" FROM "InboundMail" WHERE "id" = $1 FOR UPDATE`, [mail.id]);
  if (status === "processed" || status === "ignored") return status;
  if (parsed.messageId && (await alreadyRead(sql, mail.id, parsed.messageId))) {
    return finish(sql, mail.id, { status: "ignored", outcome: "duplicate", ...basics }, now);
  }

  const helpdesk = await currentSettings(tx);
  const notesIn = translator(helpdesk.defaultLocale);
  const recipients = [...mail.envelopeTo, ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)];
  const thread = await findThread(sql, replyTokenSecret(), { references: parsed.references, recipients, fullText: `${parsed.subject}\n${parsed.fullText}` });
  let ticket = thread ? await findTicketForMail(tx, thread.ticketId) : null;
  if (ticket) {
    await lockTicket(tx, ticket.number);
    ticket = (await findTicketForMail(tx, ticket.id))!;
  }
  const details: InboundDetails = { threadedBy: thread?.by ?? null, refused: d.files.refused.length ? d.files.refused : undefined };
  const body = messageBody(parsed, d.files.kept.length > 0, d.locale);

  let outcome: InboundOutcome;
  let ticketId: string;
  let messageRefId: string | null = null;
  let followUpOf: VisibleTicket | null = null;
  if (ticket) {
    const part = await senderPart(sql, d, ticket);
    details.sender = part;
    const customerSide = part === "requester" || part === "follower";
    const takesReplies = ticket.status !== "closed" && !(ticket.status === "solved" && customerSide && !helpdesk.portalReopenByReply);
    if (!takesReplies) followUpOf = ticket;
    else if (customerSide || part === "staff") {
      const message = await writeMessage(tx, d.actor!, ticket, { kind: "public", body, attachments: d.files.kept }, now, randomUUID(), {
        follower: part === "follower",
      });
      outcome = "message_added";
      ticketId = ticket.id;
      messageRefId = message.id;
      // People copied in join only on a reply to our mail: a Message-ID a sender chose (the requester's
      // first mail, which others may have had a copy of) lets a mail thread, not add people.
      if (customerSide && thread!.answersOurMail) details.followersAdded = await addFollowers(sql, d, ticket.id, ticket.requesterId);
    } else {
      const who = d.parsed.from!.name ? `${d.parsed.from!.name} <${d.parsed.from!.address}>` : d.parsed.from!.address;
      const heading = notesIn(d.sender.kind === "staff" ? "inbound.notes.fromStaff" : "inbound.notes.notOnRequest", { from: who });
      messageRefId = await addNote(tx, ticket, `${heading}\n\n${body}`, d.actor, d.files.kept, d.sender.userId, now);
      outcome = "note_added";
      ticketId = ticket.id;
    }
  }
  if (!ticket || followUpOf) {
    // Staff answering a mail of ours that names no ticket (a notification): not a new request of theirs.
    if (!d.actor || (d.sender.kind === "staff" && !followUpOf && (await answersOurMail(sql, parsed.references)))) {
      return finish(sql, mail.id, { status: "ignored", outcome: "not_allowed", ...basics, details }, now);
    }
    const filed = await fileTicket(tx, d, body);
    if (!filed) {
      return finish(sql, mail.id, { status: "ignored", outcome: "not_allowed", ...basics, details }, now);
    }
    outcome = "ticket_created";
    ticketId = filed.id;
    const [first] = await sql.query<{ id: string }>(`SELECT "id" FROM "Message" WHERE "ticketId" = $1 ORDER BY "createdAt", "id" LIMIT 1`, [filed.id]);
    messageRefId = first?.id ?? null;
    if (followUpOf) {
      details.followUpOf = followUpOf.number;
      const locked = (await findTicketForMail(tx, filed.id))!;
      await addNote(tx, locked, notesIn("inbound.notes.followUp", { number: followUpOf.number, subject: followUpOf.subject }), null, [], d.sender.userId, now);
    }
    details.followersAdded = await addFollowers(sql, d, filed.id, filed.requesterId);
  }
  if (d.files.refused.length > 0) {
    const target = (await findTicketForMail(tx, ticketId!))!;
    const list = d.files.refused.map((r) => `- ${r.filename}: ${notesIn(r.reason)}`).join("\n");
    await addNote(tx, target, `${notesIn("inbound.notes.filesRefused")}\n${list}`, null, [], d.sender.userId, now);
  }
  // The Message-ID of a mail that became a public message: later mail to the ticket's people names
  // it (References). A note's stays out: it is no mail of theirs to thread on, and may be an outsider's.
  if (parsed.messageId && (outcome! === "message_added" || outcome! === "ticket_created")) {
    await sql.query(
      `INSERT INTO "MailReference" ("messageId", "ticketId", "direction", "createdAt") VALUES ($1, $2, 'in', $3::timestamp(3)) ON CONFLICT DO NOTHING`,
      [parsed.messageId, ticketId!, now.toISOString()],
    );
  }
  return finish(sql, mail.id, { status: "processed", outcome: outcome!, ticketId: ticketId!, messageRefId, details, ...basics }, now);
}

/** Who the sender is on this ticket. Staff count only when the mail answers one we sent them about it. */
async function senderPart(sql: Sql, d: Decision, ticket: VisibleTicket): Promise<NonNullable<InboundDetails["sender"]>> {
  if (d.sender.kind === "customer") {
    if (d.sender.customerId === ticket.requesterId) return "requester";
    const [follows] = await sql.query(`SELECT 1 AS yes FROM "TicketFollower" WHERE "ticketId" = $1 AND "customerId" = $2`, [ticket.id, d.sender.customerId]);
    return follows ? "follower" : "other";
  }
  if (!d.actor || !can(d.actor, "tickets.reply", ticket)) return "other";
  // A From line is easy to forge, and the requester holds the ticket's token: a public reply as an
  // agent needs a Message-ID only that agent received (a mail we sent them about this ticket).
  const [answered] = await sql.query(
    `SELECT 1 AS yes FROM "OutboundMail" o
      WHERE o."messageId" = ANY($1::text[]) AND o."ticketId" = $2
        AND EXISTS (SELECT 1 FROM unnest(o."to" || o."cc") a WHERE lower(a) = $3 OR lower(a) LIKE '%<' || $3 || '>')`,
    [d.parsed.references, ticket.id, d.sender.address],
  );
  return answered ? "staff" : "other";
}

/** Files a new ticket as the sender: to the address's category and team (or the mail default). */
async function fileTicket(tx: Tx, d: Decision, body: string) {
  const sql = asSql(tx);
  const recipients = new Set([...d.mail.envelopeTo, ...d.parsed.to.map((a) => a.address), ...d.parsed.cc.map((a) => a.address)].map(mailboxOf));
  const channel =
    d.channels.find((c) => c.id === d.mail.channelId) ?? d.channels.find((c) => c.enabled && recipients.has(mailboxOf(c.address))) ?? null;
  const [category] = await sql.query<{ key: string }>(
    `SELECT "key" FROM (
       SELECT "key", 0 AS rank FROM "Category" WHERE "id" = coalesce($1, (SELECT "mailCategoryId" FROM "HelpdeskSettings" WHERE "id" = 1))
       UNION ALL (SELECT "key", 1 FROM "Category" ORDER BY "key" LIMIT 1)
     ) choice ORDER BY rank LIMIT 1`,
    [channel?.categoryId ?? null],
  );
  if (!category) throw new DomainError("unprocessable", "inbound.errors.noCategory");
  const input = {
    type: "inquiry",
    category: category.key,
    subject: ticketSubject(d.parsed.subject, d.locale),
    description: body,
    attachments: d.files.kept,
  };
  const actor = d.actor!;
  if (actor.role === "customer") {
    return createTicket(d.db, actor, input, "email", d.now, { mail: { within: tx, teamId: channel?.teamId ?? null } });
  }
  // Staff writing to the support address from their own address: filed for that address, as they would on the phone.
  if (!can(actor, "tickets.file_for_customer")) return null;
  return createTicket(d.db, actor, { ...input, requesterEmail: d.sender.address }, "email", d.now, {
    mail: { within: tx, teamId: channel?.teamId ?? null },
  });
}

/** People copied in (Cc, and To addresses not ours) follow the ticket, as customers; staff and ours are left out. */
async function addFollowers(sql: Sql, d: Decision, ticketId: string, requesterId: string): Promise<string[] | undefined> {
  const sender = d.parsed.from!.address;
  const people = [...d.parsed.to, ...d.parsed.cc].filter((p) => p.address !== sender && !d.isOurs(p.address)).slice(0, 20);
  if (people.length === 0) return undefined;
  const contacts = await ensureContacts(sql, people, d.locale, d.now);
  const customerIds = [...contacts.values()].flatMap((c) => (c.kind === "customer" && c.customerId !== requesterId ? [c.customerId] : []));
  if (customerIds.length === 0) return undefined;
  const added = await sql.query<{ email: string }>(
    `WITH added AS (
       INSERT INTO "TicketFollower" ("ticketId", "customerId", "createdAt")
       SELECT $1, c, $3::timestamp(3) FROM unnest($2::text[]) AS c ON CONFLICT DO NOTHING RETURNING "customerId"
     )
     SELECT c."email" FROM added JOIN "Customer" c ON c."id" = added."customerId" ORDER BY c."email"`,
    [ticketId, customerIds, d.now.toISOString()],
  );
  return added.length > 0 ? added.map((r) => r.email) : undefined;
}

/**
 * An internal note without an author (the system's, as the rules' notes are), with files the
 * sender sent. Staff see it; no customer does: a note's files follow the note.
 */
async function addNote(tx: Tx, ticket: VisibleTicket, body: string, uploader: AuthUser | null, files: string[], actorId: string, now: Date): Promise<string> {
  const id = randomUUID();
  await tx.message.create({ data: { id, ticketId: ticket.id, authorId: null, kind: "internal", body: body.slice(0, MAX_MESSAGE), createdAt: now } });
  if (uploader && files.length > 0) await claimAttachments(asSql(tx), uploader, id, files);
  const version = ticket.version + 1;
  await tx.ticket.update({ where: { id: ticket.id }, data: { updatedAt: now, version }, select: { id: true } });
  await emit(tx, [
    { type: "ticket.message_added", ticketId: ticket.id, customerId: ticket.requesterId, actorId, at: now, data: { messageId: id, kind: "internal", version } },
  ]);
  ticket.version = version;
  return id;
}

/** The ticket's message: what the sender wrote new; the whole text when nothing seems new; never empty. */
function messageBody(parsed: ParsedInbound, hasFiles: boolean, locale: Locale): string {
  const text = parsed.newText || parsed.fullText;
  if (!text) return translator(locale)(hasFiles ? "inbound.body.filesOnly" : "inbound.body.empty");
  if (text.length <= MAX_MESSAGE) return text;
  const more = `\n\n${translator(locale)("inbound.body.truncated")}`;
  return `${text.slice(0, MAX_MESSAGE - more.length)}${more}`;
}

/** A new ticket's subject: without reply prefixes or another ticket's tag; never empty. */
function ticketSubject(subject: string, locale: Locale): string {
  return (bareSubject(subject) || translator(locale)("inbound.body.noSubject")).slice(0, 200);
}

async function answersOurMail(sql: Sql, references: readonly string[]): Promise<boolean> {
  if (references.length === 0) return false;
  const rows = await sql.query(`SELECT 1 AS yes FROM "OutboundMail" WHERE "messageId" = ANY($1::text[]) LIMIT 1`, [references]);
  return rows.length > 0;
}

async function alreadyRead(sql: Sql, mailId: string, messageId: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 AS yes FROM "InboundMail" WHERE "messageId" = $1 AND "id" <> $2 AND "status" = 'processed' LIMIT 1`, [messageId, mailId]);
  return rows.length > 0;
}

async function floodWait(sql: Sql, mail: StoredMail, fromAddress: string, now: Date): Promise<Date | null> {
  const recent = await sql.query<{ processedAt: Date }>(
    `SELECT "processedAt" FROM "InboundMail"
      WHERE "fromAddress" = $1 AND "status" = 'processed' AND "processedAt" > $2::timestamp(3) AND "id" <> $3
      ORDER BY "processedAt" DESC LIMIT ${FLOOD.mails}`,
    [fromAddress, new Date(now.getTime() - FLOOD.windowMs).toISOString(), mail.id],
  );
  if (recent.length < FLOOD.mails) return null;
  const [{ ahead }] = await sql.query<{ ahead: number }>(
    `SELECT count(*)::int AS ahead FROM "InboundMail"
      WHERE "fromAddress" = $1 AND "status" = 'received' AND "outcome" = 'throttled' AND ("receivedAt", "id") < ($2::timestamp(3), $3)`,
    [fromAddress, mail.receivedAt.toISOString(), mail.id],
  );
  return throttledUntil(
    recent.map((r) => r.processedAt),
    ahead,
    now,
  );
}

/** Stores the mail's files as the sender's uploads, each on its own: a refused one (a program) does not lose the others. */
async function receiveMailFiles(db: Db, actor: AuthUser, files: MailFile[], now: Date) {
  const kept: string[] = [];
  const refused: { filename: string; reason: string }[] = [];
  for (const [i, file] of files.entries()) {
    if (i >= MAX_ATTACHMENTS) {
      refused.push({ filename: file.filename, reason: "validation.tooManyAttachments" });
      continue;
    }
    const incoming = await receiveFile(file.filename, (async function* () {
      yield file.content;
    })());
    if (incoming === "too_large") {
      refused.push({ filename: file.filename, reason: "validation.attachmentTooLarge" });
      continue;
    }
    try {
      const [stored] = await receiveUploads(db, actor, [incoming], now);
      kept.push(stored.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.push({ filename: file.filename, reason: error.details?.attachments?.[0] ?? error.messageKey });
    } finally {
      await discardFile(incoming.path);
    }
  }
  return { kept, refused };
}

const refusal = (reason: string) => (file: MailFile) => ({ filename: file.filename, reason });

interface Finish {
  status: InboundStatus;
  outcome?: InboundOutcome;
  error?: string;
  fromAddress: string | null;
  subject: string | null;
  messageId: string | null;
  ticketId?: string;
  messageRefId?: string | null;
  details?: InboundDetails;
}

/** Records what became of the mail (and counts the attempt). */
async function finish(sql: Sql, mailId: string, f: Finish, now: Date, done = true): Promise<InboundStatus> {
  await sql.query(
    `UPDATE "InboundMail" SET "status" = $2, "outcome" = $3, "error" = $4, "fromAddress" = $5, "subject" = $6, "messageId" = $7,
            "ticketId" = $8, "messageRefId" = $9, "details" = $10::jsonb, "attempts" = "attempts" + 1,
            "processedAt" = CASE WHEN $11::boolean THEN $12::timestamp(3) ELSE "processedAt" END
      WHERE "id" = $1`,
    [
      mailId,
      f.status,
      f.outcome ?? null,
      f.error ?? null,
      f.fromAddress,
      f.subject,
      f.messageId,
      f.ticketId ?? null,
      f.messageRefId ?? null,
      f.details ? JSON.stringify(f.details) : null,
      done,
      now.toISOString(),
    ],
  );
  return f.status;
}
