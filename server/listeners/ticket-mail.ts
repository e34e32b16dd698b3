// After commit, durable: mail about tickets. A new request is acknowledged to the customer who
// filed it (or, filed by staff for them, sent as "we opened request #N for you"); a public message
// of staff or of the system goes to the requester with the followers in Cc, attachments included;
// a solved ticket sends its CSAT link; staff get their notifications by mail as they chose.
// Who gets what is decided by server/mail/decide.ts from the stored state; the words are
// server/mail/templates.ts. Each event's mails are queued in one small transaction with a
// dedupe key of event, kind and recipient, so a retried batch never sends anything twice.
import type { DurableListener } from "../events/durable.ts";
import type { StoredEvent } from "../events/types.ts";
import { db, sqlOf, transactionOf } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { currentSettings } from "../admin/settings.ts";
import { emailPreference } from "../notifications/service.ts";
import { queueMails, type QueuedMail } from "../mail/outbox.ts";
import { mailSettings, replyTokenSecret } from "../mail/settings.ts";
import { replyAddress, replyToken } from "../mail/references.ts";
import {
  mailForMessage,
  mailForNewTicket,
  mailForNotification,
  mailForSolved,
  type MailTicketFacts,
} from "../mail/decide.ts";
import { loadOwnAddresses, type OwnAddresses } from "../mail/addresses.ts";
import {
  MAIL_NOTIFICATION_KINDS,
  notificationMail,
  replyMail,
  requestReceivedMail,
  solvedMail,
  type MailNotificationKind,
  type TicketThread,
} from "../mail/templates.ts";

export const ticketMail: DurableListener = {
  name: "ticket-mail",
  on: ["ticket.created", "ticket.message_added", "ticket.status_changed", "notification.created"],
  async handle(events) {
    const sql = sqlOf(db());
    let context: MailContext | null = null;
    for (const event of events) {
      if (!mayMail(event)) continue;
      context ??= await mailContext(sql);
      const mails = await mailsFor(sql, context, event);
      if (mails.length > 0) await transactionOf(db(), (tx) => queueMails(tx, mails));
    }
  },
};

/** Events that can send anything, told without a query (most messages are notes or customers'). */
function mayMail(event: StoredEvent): boolean {
  switch (event.type) {
    case "ticket.created":
      return true;
    // Version 1: the filing's first message, which ticket.created answers.
    case "ticket.message_added":
      return event.data.kind === "public" && event.data.version !== 1;
    case "ticket.status_changed":
      return event.data.to === "solved" && event.data.from !== "solved";
    case "notification.created":
      return (MAIL_NOTIFICATION_KINDS as readonly string[]).includes(event.data.kind);
    default:
      return false;
  }
}

interface MailContext {
  helpdeskName: string;
  own: OwnAddresses;
  publicUrl: string;
  from: string;
}

async function mailContext(sql: Sql): Promise<MailContext> {
  const settings = mailSettings();
  return {
    helpdeskName: (await currentSettings(db())).name,
    own: await loadOwnAddresses(sql, settings.from),
    publicUrl: settings.publicUrl,
    from: settings.from,
  };
}

async function mailsFor(sql: Sql, context: MailContext, event: StoredEvent): Promise<QueuedMail[]> {
  const base = { helpdeskName: context.helpdeskName };
  const key = (kind: string, to: string) => `${event.id}:${kind}:${to}`;
  if (event.type === "notification.created") return notificationMails(sql, context, event);
  if (!event.ticketId) return [];
  const ticket = await ticketFacts(sql, event.ticketId);
  if (!ticket) return [];
  const thread = await threadOf(sql, context, ticket);
  const queued = (kind: string, to: string, cc: string[], content: QueuedMail["content"]): QueuedMail => ({
    kind,
    to: [to],
    cc,
    content,
    ticketId: ticket.id,
    thread: { number: ticket.number, token: thread.token },
    dedupeKey: key(kind, to),
  });

  if (event.type === "ticket.created") {
    const actor = event.actorId ? await userRole(sql, event.actorId) : null;
    const plan = mailForNewTicket(ticket, actor, context.own);
    if (!plan) return [];
    const first = await firstMessage(sql, ticket.id);
    if (plan.kind === "request_received") {
      if (await answeredEnough(sql, plan.to)) return [];
      return [
        queued(
          "request_received",
          plan.to,
          [],
          requestReceivedMail({ ...base, locale: plan.locale, ticket: thread, requesterName: ticket.requester.name, message: first?.body ?? null, viaMail: plan.viaMail }),
        ),
      ];
    }
    if (!first || first.kind !== "public") return [];
    const content = replyMail({
      ...base,
      locale: plan.locale,
      ticket: thread,
      requesterName: ticket.requester.name,
      authorName: first.authorName,
      body: first.body,
      format: first.authorRole && first.authorRole !== "customer" ? "markdown" : "text",
      attachments: await attachmentsOf(sql, first.id),
      openedForYou: true,
    });
    return [queued("ticket_opened", plan.to, plan.cc, content)];
  }

  if (event.type === "ticket.message_added") {
    const message = await messageFacts(sql, event.data.messageId);
    if (!message) return [];
    const plan = mailForMessage(ticket, { kind: message.kind, author: message.authorId ? { id: message.authorId, role: message.authorRole ?? "customer" } : null }, context.own);
    if (!plan) return [];
    const content = replyMail({
      ...base,
      locale: plan.locale,
      ticket: thread,
      requesterName: ticket.requester.name,
      authorName: message.authorName,
      // As the ticket page shows it (server/tickets/present.ts messageHtml): staff write Markdown.
      body: message.body,
      format: message.authorRole && message.authorRole !== "customer" ? "markdown" : "text",
      attachments: await attachmentsOf(sql, message.id),
      automatic: plan.automatic,
    });
    return [queued("reply", plan.to, plan.cc, content)];
  }

  if (event.type === "ticket.status_changed") {
    // Reopened (or merged away) before this ran: a "solved" mail would now be wrong.
    if (ticket.status !== "solved" && ticket.status !== "closed") return [];
    if (ticket.mergedIntoId) return [];
    const plan = mailForSolved(ticket, context.own);
    if (!plan) return [];
    const [survey] = await sql.query<{ token: string }>(
      `SELECT "token" FROM "Survey" WHERE "ticketId" = $1 AND "respondedAt" IS NULL AND "expiresAt" > now()`,
      [ticket.id],
    );
    const surveyLink = survey ? `${context.publicUrl}/survey/${encodeURIComponent(survey.token)}` : null;
    return [queued("solved", plan.to, [], solvedMail({ ...base, locale: plan.locale, ticket: thread, requesterName: ticket.requester.name, surveyLink }))];
  }
  return [];
}

/**
 * Automatic answers to one address in an hour, at most. A system that answers our answer with a new
 * mail (without Auto-Submitted and without naming our mail) makes a new request each time; past
 * this we stop answering it, and the exchange dies out instead of looping.
 */
export const AUTOMATIC_ANSWERS_PER_HOUR = 5;

async function answeredEnough(sql: Sql, address: string): Promise<boolean> {
  const [{ sent }] = await sql.query<{ sent: number }>(
    `SELECT count(*)::int AS "sent" FROM "OutboundMail"
      WHERE "kind" = 'request_received' AND $1 = ANY("to") AND "createdAt" > now() - interval '1 hour'`,
    [address],
  );
  return sent >= AUTOMATIC_ANSWERS_PER_HOUR;
}

async function notificationMails(sql: Sql, context: MailContext, event: Extract<StoredEvent, { type: "notification.created" }>): Promise<QueuedMail[]> {
  const [row] = await sql.query<{
    kind: string;
    data: Record<string, unknown>;
    email: string;
    name: string;
    role: string;
    locale: string;
    deactivated: boolean;
    choice: boolean | null;
    number: number | null;
    subject: string | null;
    requesterName: string | null;
  }>(
    `SELECT n."kind", n."data", u."email", u."name", u."role"::text AS "role", u."locale", u."deactivatedAt" IS NOT NULL AS "deactivated",
            p."email" AS "choice", t."number", t."subject", c."name" AS "requesterName"
       FROM "Notification" n
       JOIN "User" u ON u."id" = n."userId"
       LEFT JOIN "NotificationPreference" p ON p."userId" = n."userId" AND p."kind" = n."kind"
       LEFT JOIN "Ticket" t ON t."id" = n."ticketId"
       LEFT JOIN "Customer" c ON c."id" = t."requesterId"
      WHERE n."id" = $1`,
    [event.data.notificationId],
  );
  if (!row || row.number === null || row.subject === null) return [];
  const plan = mailForNotification({ email: row.email, role: row.role, locale: row.locale, deactivated: row.deactivated }, emailPreference(row.kind, row.choice), context.own);
  if (!plan) return [];
  // The customer's reply or the note that names the reader: the mail says what it is about.
  const messageId = typeof row.data.messageId === "string" ? row.data.messageId : null;
  const [message] = messageId ? await sql.query<{ body: string }>(`SELECT "body" FROM "Message" WHERE "id" = $1`, [messageId]) : [];
  const content = notificationMail({
    locale: plan.locale,
    helpdeskName: context.helpdeskName,
    kind: row.kind as MailNotificationKind,
    recipientName: row.name,
    ticket: { number: row.number, subject: row.subject },
    data: row.data,
    excerpt: message?.body ?? null,
    requesterName: row.requesterName,
    link: `${context.publicUrl}/agent/tickets/${row.number}`,
    preferencesLink: `${context.publicUrl}/notifications`,
  });
  // Not threaded into the ticket (no ticketId, no reply token): an agent's answer to a
  // notification must not become a message from "the customer".
  return [{ kind: "notification", to: [plan.to], content, dedupeKey: `${event.id}:notification:${plan.to}` }];
}

type TicketRow = MailTicketFacts & { id: string; status: string; mergedIntoId: string | null };

async function ticketFacts(sql: Sql, ticketId: string): Promise<TicketRow | null> {
  const [row] = await sql.query<{
    id: string;
    number: number;
    subject: string;
    language: string;
    channel: string;
    status: string;
    mergedIntoId: string | null;
    email: string;
    name: string;
    userId: string | null;
    locale: string | null;
    hasPassword: boolean | null;
    deactivated: boolean | null;
  }>(
    `SELECT t."id", t."number", t."subject", t."language", t."channel"::text AS "channel", t."status"::text AS "status", t."mergedIntoId",
            c."email", c."name", c."userId", u."locale", u."passwordHash" <> '' AS "hasPassword", u."deactivatedAt" IS NOT NULL AS "deactivated"
       FROM "Ticket" t JOIN "Customer" c ON c."id" = t."requesterId" LEFT JOIN "User" u ON u."id" = c."userId"
      WHERE t."id" = $1`,
    [ticketId],
  );
  if (!row) return null;
  const followers = await sql.query<{ email: string; name: string; deactivated: boolean | null }>(
    `SELECT c."email", c."name", u."deactivatedAt" IS NOT NULL AS "deactivated"
       FROM "TicketFollower" f JOIN "Customer" c ON c."id" = f."customerId" LEFT JOIN "User" u ON u."id" = c."userId"
      WHERE f."ticketId" = $1 ORDER BY f."createdAt", c."email"`,
    [ticketId],
  );
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    language: row.language,
    channel: row.channel,
    status: row.status,
    mergedIntoId: row.mergedIntoId,
    requester: {
      userId: row.userId,
      email: row.email,
      name: row.name,
      // A contact made from a mail has no password: the ticket's language says more than its default.
      accountLocale: row.hasPassword ? row.locale : null,
      deactivated: row.deactivated === true,
    },
    followers: followers.map((f) => ({ email: f.email, name: f.name, accountLocale: null, deactivated: f.deactivated === true })),
  };
}

/** The ticket's thread: token, Reply-To, the Message-IDs so far (the 20 latest, oldest first) and its portal link. */
async function threadOf(sql: Sql, context: MailContext, ticket: TicketRow): Promise<TicketThread> {
  const token = replyToken(replyTokenSecret(), ticket.id);
  const references = await sql.query<{ messageId: string }>(
    `SELECT "messageId" FROM (SELECT "messageId", "createdAt" FROM "MailReference" WHERE "ticketId" = $1 ORDER BY "createdAt" DESC, "messageId" DESC LIMIT 20) r
      ORDER BY "createdAt", "messageId"`,
    [ticket.id],
  );
  return {
    number: ticket.number,
    token,
    subject: ticket.subject,
    replyTo: replyAddress(context.from, { number: ticket.number, token }),
    references: references.map((r) => r.messageId),
    link: `${context.publicUrl}/portal/tickets/${ticket.number}`,
  };
}

async function userRole(sql: Sql, userId: string): Promise<{ id: string; role: string } | null> {
  const [row] = await sql.query<{ id: string; role: string }>(`SELECT "id", "role"::text AS "role" FROM "User" WHERE "id" = $1`, [userId]);
  return row ?? null;
}

interface MessageRow {
  id: string;
  kind: "public" | "internal";
  body: string;
  authorId: string | null;
  authorRole: string | null;
  authorName: string | null;
}

const MESSAGE_SQL = `SELECT m."id", m."kind"::text AS "kind", m."body", m."authorId", u."role"::text AS "authorRole", u."name" AS "authorName"
  FROM "Message" m LEFT JOIN "User" u ON u."id" = m."authorId"`;

async function messageFacts(sql: Sql, messageId: string): Promise<MessageRow | null> {
  const [row] = await sql.query<MessageRow>(`${MESSAGE_SQL} WHERE m."id" = $1`, [messageId]);
  return row ?? null;
}

async function firstMessage(sql: Sql, ticketId: string): Promise<MessageRow | null> {
  const [row] = await sql.query<MessageRow>(`${MESSAGE_SQL} WHERE m."ticketId" = $1 ORDER BY m."createdAt", m."id" LIMIT 1`, [ticketId]);
  return row ?? null;
}

async function attachmentsOf(sql: Sql, messageId: string): Promise<{ id: string; filename: string }[]> {
  return sql.query<{ id: string; filename: string }>(`SELECT "id", "filename" FROM "Attachment" WHERE "messageId" = $1 ORDER BY "createdAt", "id"`, [messageId]);
}
