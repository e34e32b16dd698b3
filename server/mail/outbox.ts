// Mail the helpdesk sends: queued in the caller's transaction (a row and a send-mail job), so a mail
// goes out exactly when the change that causes it commits, and never from inside a web request.
// The job composes and sends it (server/mail/transport.ts), retried with backoff by the queue.
import { randomUUID } from "node:crypto";
import type { Sql } from "../db/sql.ts";
import { scheduleJobs } from "../jobs/schedule.ts";
import { mailDomain, mailSettings } from "./settings.ts";
import { newMessageId } from "./references.ts";

/** What a template rendered, kept with the mail until it is sent. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. RFC 3834's Auto-Submitted on automatic mail. */
  headers?: Record<string, string>;
  /** Where replies go (the support address with the ticket's token), when not the sender. */
  replyTo?: string;
  /** Message-IDs (without angle brackets) this mail answers, oldest first; the last is In-Reply-To. */
  references?: string[];
  /** Attachments by id (model Attachment): their bytes are read from the blob store when sent. */
  attachmentIds?: string[];
  /**
   * The one-time tokens its links carry (account mail): the copy kept here loses them once the
   * mail is sent (or given up on), so the table never holds a working link for long (withoutSecrets).
   */
  secrets?: string[];
}

/** What stands where a one-time token was, in the stored copy of a sent mail. */
export const REDACTED = "[redacted]";

/** The stored copy of a mail once sent: every one-time token replaced, wherever it appears (a link, its text, the subject). */
export function withoutSecrets(content: MailContent): MailContent {
  const { secrets = [], ...kept } = content;
  const scrub = (value: string) => secrets.reduce((text, secret) => (secret ? text.split(secret).join(REDACTED) : text), value);
  return {
    ...kept,
    subject: scrub(kept.subject),
    text: scrub(kept.text),
    html: scrub(kept.html),
    ...(kept.headers ? { headers: Object.fromEntries(Object.entries(kept.headers).map(([name, value]) => [name, scrub(value)])) } : {}),
  };
}

export interface QueuedMail {
  /** The template's name: request_received, reply, solved, password_reset, verify_email, invitation… */
  kind: string;
  to: string[];
  cc?: string[];
  content: MailContent;
  ticketId?: string | null;
  /** With a ticket: its number and reply token, carried in the Message-ID. */
  thread?: { number: number; token: string };
  /** One mail per cause and recipient: queuing the same key again does nothing. */
  dedupeKey?: string;
  /** Account mail (its links open an account): its stored copy loses `content.secrets` once sent; only admins who manage users read it. */
  sensitive?: boolean;
}

/** Queues mails in the caller's transaction; returns the ids of those queued (a repeated dedupeKey is skipped). */
export async function queueMails(sql: Sql, mails: readonly QueuedMail[], now = new Date()): Promise<string[]> {
  if (mails.length === 0) return [];
  const domain = mailDomain(mailSettings());
  const rows = mails.map((mail) => ({
    id: randomUUID(),
    kind: mail.kind,
    dedupeKey: mail.dedupeKey ?? null,
    messageId: newMessageId(domain, mail.thread),
    ticketId: mail.ticketId ?? null,
    to: mail.to,
    cc: mail.cc ?? [],
    subject: mail.content.subject,
    content: mail.content,
    sensitive: mail.sensitive ?? false,
  }));
  const queued = await sql.query<{ id: string; messageId: string; ticketId: string | null }>(
    `INSERT INTO "OutboundMail" ("id", "kind", "dedupeKey", "messageId", "ticketId", "to", "cc", "subject", "content", "sensitive", "createdAt")
     SELECT x.id, x.kind, x."dedupeKey", x."messageId", x."ticketId", ARRAY(SELECT jsonb_array_elements_text(x."to")),
            ARRAY(SELECT jsonb_array_elements_text(x.cc)), x.subject, x.content, x.sensitive, $2::timestamp(3)
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, kind text, "dedupeKey" text, "messageId" text, "ticketId" text, "to" jsonb, cc jsonb,
                                               subject text, content jsonb, sensitive boolean)
     ON CONFLICT ("dedupeKey") DO NOTHING
     RETURNING "id", "messageId", "ticketId"`,
    [JSON.stringify(rows), now.toISOString()],
  );
  // A reply that names this Message-ID threads into its ticket (server/mail/threading.ts).
  const threaded = queued.filter((row) => row.ticketId !== null);
  if (threaded.length > 0) {
    await sql.query(
      `INSERT INTO "MailReference" ("messageId", "ticketId", "direction", "createdAt")
       SELECT m, t, 'out', $3::timestamp(3) FROM unnest($1::text[], $2::text[]) AS x(m, t) ON CONFLICT DO NOTHING`,
      [threaded.map((row) => row.messageId), threaded.map((row) => row.ticketId), now.toISOString()],
    );
  }
  await scheduleJobs(
    sql,
    queued.map((row) => ({ task: "send-mail", payload: { mailId: row.id }, runAt: now, key: `mail:${row.id}` })),
  );
  return queued.map((row) => row.id);
}
