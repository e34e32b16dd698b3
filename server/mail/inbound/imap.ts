// Mailboxes the helpdesk polls (poll-mailboxes, once a minute), for teams whose mail lives on
// another server: each enabled mail channel with IMAP settings. Every unseen message is stored with
// its job (store.ts) and marked \Seen only after that committed: a crash in between fetches it again,
// and the copy is then left alone as a duplicate (same Message-ID). The fetch itself does not mark it
// seen (imapflow reads with BODY.PEEK).
//
// A message over the size limit (INBOUND_MAX_MB) is not fetched: its size is read first, it is left
// unseen in the mailbox, and the address's last error names it, for an admin to deal with there.
// Polls never overlap (a slow mailbox can take longer than the minute): one runs at a time, across
// all processes, under an advisory lock; a poll that finds it taken does nothing.
import { ImapFlow } from "imapflow";
import type { Db } from "../../db/client.ts";
import { sqlOf, transactionOf } from "../../db/client.ts";
import { mailSettings } from "../settings.ts";
import { storeReceivedMail } from "./store.ts";

/** At most this many messages per mailbox and poll: a full mailbox is taken in over several minutes. */
const BATCH = 100;
const TIMEOUT_MS = 30_000;

interface Mailbox {
  id: string;
  address: string;
  imapHost: string;
  imapPort: number | null;
  imapSecure: boolean;
  imapUser: string | null;
  imapPassword: string | null;
  imapFolder: string;
}

export interface PollResult {
  channelId: string;
  stored: number;
  /** Messages left in the mailbox as too large. */
  tooLarge: number;
  error: string | null;
}

/**
 * Polls every enabled mailbox; one failing (wrong password, server down) is recorded on it and does
 * not stop the rest. Null when another poll is still running.
 */
export async function pollMailboxes(db: Db, options: { now?: Date; maxBytes?: number } = {}): Promise<PollResult[] | null> {
  const now = options.now ?? new Date();
  const maxBytes = options.maxBytes ?? mailSettings().inboundMaxBytes;
  // The lock's transaction writes nothing: it only holds the lock while the mailboxes are polled.
  return transactionOf(db, async (lock) => {
    const [{ locked }] = await lock.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('poll-mailboxes')) AS "locked"`);
    if (!locked) return null;
    const sql = sqlOf(db);
    const mailboxes = await sql.query<Mailbox>(
      `SELECT "id", "address", "imapHost", "imapPort", "imapSecure", "imapUser", "imapPassword", "imapFolder"
         FROM "MailChannel" WHERE "enabled" AND "imapHost" IS NOT NULL ORDER BY "address"`,
    );
    const results: PollResult[] = [];
    for (const mailbox of mailboxes) {
      let polled = { stored: 0, tooLarge: [] as string[] };
      let error: string | null = null;
      try {
        polled = await pollMailbox(db, mailbox, maxBytes);
      } catch (e) {
        error = ((e as Error)?.message ?? String(e)).slice(0, 1000);
      }
      error ??= polled.tooLarge.length > 0 ? tooLargeNote(polled.tooLarge, maxBytes) : null;
      await sql.query(`UPDATE "MailChannel" SET "lastPolledAt" = $2::timestamp(3), "lastError" = $3 WHERE "id" = $1`, [mailbox.id, now.toISOString(), error]);
      results.push({ channelId: mailbox.id, stored: polled.stored, tooLarge: polled.tooLarge.length, error });
    }
    return results;
  });
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function tooLargeNote(messages: string[], maxBytes: number): string {
  const listed = messages.slice(0, 3).join("; ");
  const more = messages.length > 3 ? `; and ${messages.length - 3} more` : "";
  return `Left unread in the mailbox, over the ${megabytes(maxBytes)} limit (INBOUND_MAX_MB): ${listed}${more}`.slice(0, 1000);
}

async function pollMailbox(db: Db, mailbox: Mailbox, maxBytes: number): Promise<{ stored: number; tooLarge: string[] }> {
  const client = new ImapFlow({
    host: mailbox.imapHost,
    port: mailbox.imapPort ?? (mailbox.imapSecure ? 993 : 143),
    secure: mailbox.imapSecure,
    auth: { user: mailbox.imapUser ?? mailbox.address, pass: mailbox.imapPassword ?? "" },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    // A server sending more than it said a message has is not held in memory either.
    maxLiteralSize: maxBytes + 64 * 1024,
    maxResponseSize: maxBytes + 16 * 1024 * 1024,
  });
  // A connection that dies later reports here; the poll itself fails through its own await.
  client.on("error", () => {});
  await client.connect();
  let stored = 0;
  const tooLarge: string[] = [];
  try {
    const lock = await client.getMailboxLock(mailbox.imapFolder);
    try {
      // Sizes first (and who sent what, to name a message left as too large): only what fits is fetched.
      const unseen = await client.fetchAll({ seen: false }, { uid: true, size: true, envelope: true }, { uid: true });
      unseen.sort((a, b) => a.uid - b.uid);
      const fitting = [];
      for (const message of unseen) {
        if ((message.size ?? 0) <= maxBytes) fitting.push(message.uid);
        else {
          const from = message.envelope?.from?.[0]?.address ?? "?";
          tooLarge.push(`"${(message.envelope?.subject ?? "").slice(0, 80)}" from ${from} (${megabytes(message.size ?? 0)})`);
        }
      }
      for (const uid of fitting.slice(0, BATCH)) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) continue;
        const raw = message.source;
        await transactionOf(db, (sql) => storeReceivedMail(sql, { via: "imap", channelId: mailbox.id, envelopeFrom: null, envelopeTo: [mailbox.address], raw }));
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
        stored += 1;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { stored, tooLarge };
}
