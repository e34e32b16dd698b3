// A received mail is kept before anyone is told it arrived: its row (the raw bytes, the envelope) and
// the inbound-mail job that reads it commit together, and only then does the SMTP server answer 250
// (or the IMAP poller mark it seen). Whatever happens to the job, the mail is there to read again.
import { randomUUID } from "node:crypto";
import type { Sql } from "../../db/sql.ts";
import { scheduleJobs } from "../../jobs/schedule.ts";

export interface ReceivedMail {
  via: "smtp" | "imap";
  channelId?: string | null;
  /** MAIL FROM ("" for a bounce's <>); null when not known (IMAP). */
  envelopeFrom: string | null;
  envelopeTo: string[];
  raw: Buffer;
}

/** Stores the mail and schedules its reading, in the caller's transaction; returns its id. */
export async function storeReceivedMail(sql: Sql, mail: ReceivedMail, now = new Date()): Promise<string> {
  const id = randomUUID();
  await sql.query(
    `INSERT INTO "InboundMail" ("id", "via", "channelId", "envelopeFrom", "envelopeTo", "raw", "size", "receivedAt")
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8::timestamp(3))`,
    [id, mail.via, mail.channelId ?? null, mail.envelopeFrom, mail.envelopeTo, mail.raw, mail.raw.length, now.toISOString()],
  );
  await scheduleJobs(sql, [inboundJob(id, now)]);
  return id;
}

/** The job that reads a received mail (one per mail: scheduling it again moves it). */
export const inboundJob = (mailId: string, runAt: Date) => ({ task: "inbound-mail" as const, payload: { mailId }, runAt, key: `inbound-mail:${mailId}` });
