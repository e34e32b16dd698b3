// Received mail for admins (settings.manage): the list (newest first, by status), one mail read
// again from its stored bytes (headers, the text the ticket got, the whole text, its files), the
// original .eml, and "try again" for a mail that failed once its cause is fixed (or that has waited
// as received for minutes, its job lost). What a mail says is a ticket's content: reading it (the
// parsed mail, the .eml) takes tickets.view_all as well; without it only how it was handled shows.
// The stored bytes are kept INBOUND_RAW_DAYS days once a mail was handled (pruneInboundMail).
import { z } from "zod";
import { assertCan, can, type AuthUser } from "../../auth/policy.ts";
import type { Db } from "../../db/client.ts";
import { sqlOf, transactionOf } from "../../db/client.ts";
import { DomainError, notFound } from "../../errors.ts";
import { scheduleJobs } from "../../jobs/schedule.ts";
import { CursorParamSchema, decodeKeyset, keysetPage, LimitParamSchema, type Page } from "../../pagination.ts";
import { parseInput } from "../../validation.ts";
import { parseInbound } from "./parse.ts";
import type { InboundDetails } from "./process.ts";
import { inboundJob } from "./store.ts";

export const INBOUND_STATUSES = ["received", "processed", "ignored", "failed"] as const;

/** How long a handled mail's original bytes are kept; the row (who, when, what became of it) stays. */
export const INBOUND_RAW_DAYS = 90;

/** A mail still "received" after this long has lost its job (or its job gave up): it may be tried again. */
export const STUCK_AFTER_MS = 10 * 60_000;

const DAY_MS = 86_400_000;

export const InboundListQuerySchema = z.object({
  status: z.enum(INBOUND_STATUSES, { error: "validation.status" }).optional(),
  limit: LimitParamSchema(100, 50),
  cursor: CursorParamSchema.optional(),
});

export interface InboundSummary {
  id: string;
  via: string;
  channelAddress: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  size: number;
  receivedAt: Date;
  status: (typeof INBOUND_STATUSES)[number];
  outcome: string | null;
  error: string | null;
  attempts: number;
  fromAddress: string | null;
  subject: string | null;
  messageId: string | null;
  ticketNumber: number | null;
  processedAt: Date | null;
}

const SUMMARY_COLUMNS = `m."id", m."via", ch."address" AS "channelAddress", m."envelopeFrom", m."envelopeTo", m."size", m."receivedAt", m."status",
  m."outcome", m."error", m."attempts", m."fromAddress", m."subject", m."messageId", t."number" AS "ticketNumber", m."processedAt"`;
const SUMMARY_FROM = `"InboundMail" m LEFT JOIN "MailChannel" ch ON ch."id" = m."channelId" LEFT JOIN "Ticket" t ON t."id" = m."ticketId"`;

/** Received mail, newest first, a page at a time (never the bytes). */
export async function listInboundMail(db: Db, actor: AuthUser, raw: unknown = {}): Promise<Page<InboundSummary>> {
  assertCan(actor, "settings.manage");
  const query = parseInput(InboundListQuerySchema, raw);
  const cursor = query.cursor ? decodeKeyset(query.cursor) : null;
  const rows = await sqlOf(db).query<InboundSummary>(
    `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
      WHERE ($1::text IS NULL OR m."status" = $1)
        AND ($2::timestamp(3) IS NULL OR (m."receivedAt", m."id") < ($2::timestamp(3), $3))
      ORDER BY m."receivedAt" DESC, m."id" DESC
      LIMIT $4`,
    [query.status ?? null, cursor?.createdAt.toISOString() ?? null, cursor?.id ?? null, query.limit + 1],
  );
  return keysetPage(rows, query.limit, (m) => ({ createdAt: m.receivedAt, id: m.id }));
}

export interface InboundDetail extends InboundSummary {
  details: InboundDetails | null;
  /** Read again from the stored bytes; null when they cannot be read (then `readError` says why). */
  mail: {
    from: string | null;
    to: string[];
    cc: string[];
    date: Date | null;
    headerLines: string[];
    newText: string;
    fullText: string;
    charset: "labelled" | "detected";
    attachments: { filename: string; contentType: string; size: number }[];
  } | null;
  readError: string | null;
  /** The reader may not see what mails say (tickets.view_all): `mail` is null. */
  contentHidden: boolean;
  /** The original bytes were removed after INBOUND_RAW_DAYS days: `mail` is null. */
  rawPruned: boolean;
  /** It may be tried again (retryInboundMail): it failed, or has waited as received for minutes. */
  retryable: boolean;
}

const show = (a: { address: string; name: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);

export async function getInboundMail(db: Db, actor: AuthUser, id: string, now = new Date()): Promise<InboundDetail> {
  assertCan(actor, "settings.manage");
  const reads = can(actor, "tickets.view_all");
  const [row] = await sqlOf(db).query<InboundSummary & { details: InboundDetails | null; raw: Buffer | null; rawBytes: number }>(
    `SELECT ${SUMMARY_COLUMNS}, m."details", CASE WHEN $2::boolean THEN m."raw" END AS "raw", octet_length(m."raw") AS "rawBytes"
       FROM ${SUMMARY_FROM} WHERE m."id" = $1`,
    [id, reads],
  );
  if (!row) throw notFound("inbound.errors.mailNotFound");
  const { raw, rawBytes, ...rest } = row;
  const pruned = rawBytes === 0 && rest.size > 0;
  const summary = { ...rest, contentHidden: !reads, rawPruned: pruned, retryable: mayRetry({ ...rest, rawBytes }, now) };
  if (!reads || pruned || raw === null) return { ...summary, mail: null, readError: null };
  try {
    const parsed = await parseInbound(raw);
    return {
      ...summary,
      mail: {
        from: parsed.from ? show(parsed.from) : null,
        to: parsed.to.map(show),
        cc: parsed.cc.map(show),
        date: parsed.date,
        headerLines: parsed.headerLines,
        newText: parsed.newText,
        fullText: parsed.fullText,
        charset: parsed.charset,
        attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length })),
      },
      readError: null,
    };
  } catch (error) {
    return { ...summary, mail: null, readError: (error as Error).message };
  }
}

/** The mail as it arrived, byte for byte (an .eml file): for those who may read every ticket. */
export async function inboundRaw(db: Db, actor: AuthUser, id: string): Promise<{ raw: Buffer; filename: string }> {
  assertCan(actor, "settings.manage");
  assertCan(actor, "tickets.view_all");
  const [row] = await sqlOf(db).query<{ raw: Buffer; size: number; receivedAt: Date }>(
    `SELECT "raw", "size", "receivedAt" FROM "InboundMail" WHERE "id" = $1`,
    [id],
  );
  if (!row) throw notFound("inbound.errors.mailNotFound");
  if (row.raw.length === 0 && row.size > 0) throw new DomainError("gone", "inbound.errors.rawPruned", undefined, undefined, { days: String(INBOUND_RAW_DAYS) });
  return { raw: row.raw, filename: `mail-${row.receivedAt.toISOString().slice(0, 19).replace(/[-:T]/g, "")}-${id.slice(0, 8)}.eml` };
}

/** Whether a mail may be tried again: failed, or received and waiting for longer than a job would take (its job lost). */
export function mayRetry(mail: { status: string; receivedAt: Date; size: number; rawBytes: number }, now: Date): boolean {
  if (mail.rawBytes === 0 && mail.size > 0) return false;
  return mail.status === "failed" || (mail.status === "received" && now.getTime() - mail.receivedAt.getTime() > STUCK_AFTER_MS);
}

/**
 * Reads a mail again, now: one that failed (its cause fixed) goes back to "received" with its job;
 * one stuck as received gets its job again (reading a mail twice is safe: it is read once).
 */
export async function retryInboundMail(db: Db, actor: AuthUser, id: string, now = new Date()): Promise<InboundSummary> {
  assertCan(actor, "settings.manage");
  const sql = sqlOf(db);
  const [row] = await sql.query<{ status: string; receivedAt: Date; size: number; rawBytes: number }>(
    `SELECT "status", "receivedAt", "size", octet_length("raw") AS "rawBytes" FROM "InboundMail" WHERE "id" = $1`,
    [id],
  );
  if (!row) throw notFound("inbound.errors.mailNotFound");
  if (!mayRetry(row, now)) throw new DomainError("conflict", "inbound.errors.notFailed");
  await transactionOf(db, async (tx) => {
    await tx.query(`UPDATE "InboundMail" SET "status" = 'received', "error" = NULL, "outcome" = NULL WHERE "id" = $1 AND "status" IN ('failed', 'received')`, [id]);
    await scheduleJobs(tx, [inboundJob(id, now)]);
  });
  const [summary] = await sql.query<InboundSummary>(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m."id" = $1`, [id]);
  return summary;
}

/**
 * Clears the original bytes of mail handled (processed or left alone) more than `days` ago; the
 * row stays, so the list still says who wrote, when, and what became of it. Failed and waiting
 * mail keeps its bytes: someone still has to read it. In batches, each its own statement.
 */
export async function pruneInboundMail(db: Db, now = new Date(), days = INBOUND_RAW_DAYS): Promise<number> {
  const sql = sqlOf(db);
  const before = new Date(now.getTime() - days * DAY_MS).toISOString();
  let cleared = 0;
  for (;;) {
    const rows = await sql.query<{ id: string }>(
      `WITH batch AS (
         SELECT "id" FROM "InboundMail"
          WHERE "status" IN ('processed', 'ignored') AND "receivedAt" < $1::timestamp(3) AND octet_length("raw") > 0
          ORDER BY "receivedAt" LIMIT 100 FOR UPDATE SKIP LOCKED
       )
       UPDATE "InboundMail" m SET "raw" = '\\x'::bytea FROM batch WHERE m."id" = batch."id" RETURNING m."id"`,
      [before],
    );
    cleared += rows.length;
    if (rows.length < 100) return cleared;
  }
}
