// Sent mail for admins: the list (newest first, by status, kind and recipient) and each mail's
// headers need settings.manage; what a mail says needs more, since it is what the recipient reads:
// mail about tickets needs tickets.view_all, account mail (its links open an account: reset,
// confirmation, invitation) needs users.manage (mayReadMail). Account mail's stored copy loses its
// link once sent (server/mail/send.ts); with the local sink, its words (link included) are read
// from the .eml the sink kept, which stands for the recipient's inbox.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { simpleParser } from "mailparser";
import { assertCan, can, type AuthUser } from "../auth/policy.ts";
import { sqlOf, type Db } from "../db/client.ts";
import { forbidden, notFound } from "../errors.ts";
import { CursorParamSchema, decodeKeyset, keysetPage, LimitParamSchema, type Page } from "../pagination.ts";
import { parseInput } from "../validation.ts";
import type { MailContent } from "./outbox.ts";
import { mailSettings } from "./settings.ts";

export const OUTBOUND_STATUSES = ["queued", "sent", "failed"] as const;
/** The kinds there are (OutboundMail.kind): ticket mail (server/listeners/ticket-mail.ts) and account mail. */
export const OUTBOUND_KINDS = [
  "request_received",
  "ticket_opened",
  "reply",
  "solved",
  "notification",
  "password_reset",
  "verify_email",
  "already_registered",
  "invitation",
] as const;

export const OutboundListQuerySchema = z.object({
  status: z.enum(OUTBOUND_STATUSES, { error: "validation.status" }).optional(),
  kind: z.enum(OUTBOUND_KINDS, { error: "mail.validation.kind" }).optional(),
  /** Part of an address in To or Cc. */
  recipient: z.string({ error: "mail.validation.recipient" }).trim().min(1, "mail.validation.recipient").max(320, "mail.validation.recipient").optional(),
  limit: LimitParamSchema(100, 50),
  cursor: CursorParamSchema.optional(),
});

export interface OutboundSummary {
  id: string;
  kind: string;
  to: string[];
  cc: string[];
  subject: string;
  status: (typeof OUTBOUND_STATUSES)[number];
  attempts: number;
  lastError: string | null;
  sensitive: boolean;
  messageId: string;
  ticketNumber: number | null;
  /** Where it went: the local sink (an .eml kept) or an SMTP server; null while queued or failed. */
  delivery: "sink" | "smtp" | null;
  createdAt: Date;
  sentAt: Date | null;
}

const SUMMARY_COLUMNS = `m."id", m."kind", m."to", m."cc", m."subject", m."status", m."attempts", m."lastError", m."sensitive", m."messageId",
  t."number" AS "ticketNumber", CASE WHEN m."status" <> 'sent' THEN NULL WHEN m."sinkFile" IS NOT NULL THEN 'sink' ELSE 'smtp' END AS "delivery",
  m."createdAt", m."sentAt"`;
const SUMMARY_FROM = `"OutboundMail" m LEFT JOIN "Ticket" t ON t."id" = m."ticketId"`;

/** Sent (and queued, and failed) mail, newest first, a page at a time. */
export async function listOutboundMail(db: Db, actor: AuthUser, raw: unknown = {}): Promise<Page<OutboundSummary>> {
  assertCan(actor, "settings.manage");
  const query = parseInput(OutboundListQuerySchema, raw);
  const cursor = query.cursor ? decodeKeyset(query.cursor) : null;
  const recipient = query.recipient ? `%${query.recipient.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await sqlOf(db).query<OutboundSummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
      WHERE ($1::text IS NULL OR m."status" = $1)
        AND ($2::text IS NULL OR m."kind" = $2)
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM unnest(m."to" || m."cc") AS a(address) WHERE lower(a.address) LIKE $3))
        AND ($4::timestamp(3) IS NULL OR (m."createdAt", m."id") < ($4::timestamp(3), $5))
      ORDER BY m."createdAt" DESC, m."id" DESC
      LIMIT $6`,
    [query.status ?? null, query.kind ?? null, recipient, cursor?.createdAt.toISOString() ?? null, cursor?.id ?? null, query.limit + 1],
  );
  return keysetPage(rows, query.limit);
}

/** Who may read what a mail says (and its .eml): account mail opens accounts, ticket mail tells about any ticket. */
export const mayReadMail = (actor: AuthUser, mail: { sensitive: boolean }) => can(actor, mail.sensitive ? "users.manage" : "tickets.view_all");

export interface OutboundDetail extends OutboundSummary {
  /** The headers it went out with (besides From, To, Cc, Subject and Date). */
  headers: { name: string; value: string }[];
  /** Null when hidden (see `hidden`). */
  text: string | null;
  html: string | null;
  /**
   * Why the words are not shown: "permission" (the reader lacks tickets.view_all, or users.manage
   * for account mail), "link" (account mail not sent yet: it still holds its link).
   */
  hidden: "permission" | "link" | null;
  /** Account mail read from our copy: its one-time link was taken out once it was sent. */
  redacted: boolean;
  attachments: { filename: string; size: number }[];
  /** The .eml the local sink kept can be downloaded (by whoever may read the mail). */
  hasEml: boolean;
}

/** One mail with what it says, when the reader may read it (see mayReadMail). */
export async function getOutboundMail(db: Db, actor: AuthUser, id: string): Promise<OutboundDetail> {
  assertCan(actor, "settings.manage");
  if (!z.uuid().safeParse(id).success) throw notFound();
  const [row] = await sqlOf(db).query<OutboundSummary & { content: MailContent; sinkFile: string | null }>(
    `SELECT ${SUMMARY_COLUMNS}, m."content", m."sinkFile" FROM ${SUMMARY_FROM} WHERE m."id" = $1`,
    [id],
  );
  if (!row) throw notFound();
  const { content, sinkFile, ...summary } = row;
  const references = content.references ?? [];
  const headers = [
    ...(content.replyTo ? [{ name: "Reply-To", value: content.replyTo }] : []),
    { name: "Message-ID", value: `<${row.messageId}>` },
    ...(references.length > 0
      ? [
          { name: "In-Reply-To", value: `<${references[references.length - 1]}>` },
          { name: "References", value: references.map((r) => `<${r}>`).join(" ") },
        ]
      : []),
    ...Object.entries(content.headers ?? {}).map(([name, value]) => ({ name, value })),
  ];
  const attachments = content.attachmentIds?.length
    ? await db.attachment.findMany({
        where: { id: { in: content.attachmentIds } },
        select: { filename: true, size: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      })
    : [];
  const hidden = { text: null, html: null, redacted: false, hasEml: false };
  if (!mayReadMail(actor, row)) return { ...summary, headers, attachments, hidden: "permission", ...hidden };
  if (!row.sensitive) return { ...summary, headers, attachments, hidden: null, text: content.text, html: content.html, redacted: false, hasEml: sinkFile !== null };
  // Account mail: from the sink's .eml (the recipient's copy), else our copy once its link is gone.
  const eml = sinkFile ? await readSinkFile(sinkFile) : null;
  if (eml) {
    const parsed = await simpleParser(eml.bytes);
    return { ...summary, headers, attachments, hidden: null, text: parsed.text ?? "", html: parsed.html || null, redacted: false, hasEml: true };
  }
  if (row.status === "queued") return { ...summary, headers, attachments, hidden: "link", ...hidden };
  return { ...summary, headers, attachments, hidden: null, text: content.text, html: content.html, redacted: true, hasEml: false };
}

/** A file of the local sink (null: gone). The stored name is ours, but a path is still kept inside the sink. */
async function readSinkFile(sinkFile: string): Promise<{ filename: string; bytes: Buffer } | null> {
  const dir = path.resolve(mailSettings().sinkDir);
  const file = path.resolve(dir, sinkFile);
  if (!file.startsWith(`${dir}${path.sep}`)) return null;
  try {
    return { filename: path.basename(file), bytes: await fs.promises.readFile(file) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The .eml file the local sink kept for a mail (null: none, e.g. it went out over SMTP); as readable as the mail itself. */
export async function outboundEml(db: Db, actor: AuthUser, id: string): Promise<{ filename: string; bytes: Buffer } | null> {
  assertCan(actor, "settings.manage");
  if (!z.uuid().safeParse(id).success) throw notFound();
  const mail = await db.outboundMail.findUnique({ where: { id }, select: { sinkFile: true, sensitive: true } });
  if (!mail) throw notFound();
  if (!mayReadMail(actor, mail)) throw forbidden();
  return mail.sinkFile ? readSinkFile(mail.sinkFile) : null;
}

/** Sent mail rows older than `days` are removed (the .eml files stay where the sink keeps them). */
export async function pruneOutboundMail(db: Db, now = new Date(), days = 90): Promise<number> {
  const [row] = await sqlOf(db).query<{ removed: number }>(
    `WITH gone AS (DELETE FROM "OutboundMail" WHERE "createdAt" < $1::timestamp(3) AND "status" <> 'queued' RETURNING 1)
     SELECT count(*)::int AS "removed" FROM gone`,
    [new Date(now.getTime() - days * 86_400_000).toISOString()],
  );
  return row.removed;
}
