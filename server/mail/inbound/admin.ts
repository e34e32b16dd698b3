// Received mail for admins (settings.manage): the list (newest first, by status), one mail read
// again from its stored bytes (headers, the text the ticket got, the whole text, its files), the
// original .eml, and "try again" for a mail that failed once its cause is fixed.
import { z } from "zod";
import { assertCan, type AuthUser } from "../../auth/policy.ts";
import type { Db } from "../../db/client.ts";
import { sqlOf, transactionOf } from "../../db/client.ts";
import { DomainError, notFound } from "../../errors.ts";
import { scheduleJobs } from "../../jobs/schedule.ts";
import { CursorParamSchema, decodeKeyset, encodeKeyset, LimitParamSchema, type Page } from "../../pagination.ts";
import { parseInput } from "../../validation.ts";
import { parseInbound } from "./parse.ts";
import type { InboundDetails } from "./process.ts";
import { inboundJob } from "./store.ts";

export const INBOUND_STATUSES = ["received", "processed", "ignored", "failed"] as const;

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
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeKeyset({ createdAt: last.receivedAt, id: last.id }) : null };
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
}

const show = (a: { address: string; name: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);

export async function getInboundMail(db: Db, actor: AuthUser, id: string): Promise<InboundDetail> {
  assertCan(actor, "settings.manage");
  const [row] = await sqlOf(db).query<InboundSummary & { details: InboundDetails | null; raw: Buffer }>(
    `SELECT ${SUMMARY_COLUMNS}, m."details", m."raw" FROM ${SUMMARY_FROM} WHERE m."id" = $1`,
    [id],
  );
  if (!row) throw notFound("inbound.errors.mailNotFound");
  const { raw, ...summary } = row;
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

/** The mail as it arrived, byte for byte (an .eml file). */
export async function inboundRaw(db: Db, actor: AuthUser, id: string): Promise<{ raw: Buffer; filename: string }> {
  assertCan(actor, "settings.manage");
  const [row] = await sqlOf(db).query<{ raw: Buffer; receivedAt: Date }>(`SELECT "raw", "receivedAt" FROM "InboundMail" WHERE "id" = $1`, [id]);
  if (!row) throw notFound("inbound.errors.mailNotFound");
  return { raw: row.raw, filename: `mail-${row.receivedAt.toISOString().slice(0, 19).replace(/[-:T]/g, "")}-${id.slice(0, 8)}.eml` };
}

/** Reads a failed mail again, now (its cause fixed): it goes back to "received" with its job. */
export async function retryInboundMail(db: Db, actor: AuthUser, id: string, now = new Date()): Promise<InboundSummary> {
  assertCan(actor, "settings.manage");
  const sql = sqlOf(db);
  const [row] = await sql.query<{ status: string }>(`SELECT "status" FROM "InboundMail" WHERE "id" = $1`, [id]);
  if (!row) throw notFound("inbound.errors.mailNotFound");
  if (row.status !== "failed") throw new DomainError("conflict", "inbound.errors.notFailed");
  await transactionOf(db, async (tx) => {
    await tx.query(`UPDATE "InboundMail" SET "status" = 'received', "error" = NULL, "outcome" = NULL WHERE "id" = $1 AND "status" = 'failed'`, [id]);
    await scheduleJobs(tx, [inboundJob(id, now)]);
  });
  const [summary] = await sql.query<InboundSummary>(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE m."id" = $1`, [id]);
  return summary;
}
