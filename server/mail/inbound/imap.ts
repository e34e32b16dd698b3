// Mailboxes the helpdesk polls (poll-mailboxes, once a minute), for teams whose mail lives on
// another server: each enabled mail channel with IMAP settings. Every unseen message is stored with
// its job (store.ts) and marked \Seen only after that committed: a crash in between fetches it again,
// and the copy is then left alone as a duplicate (same Message-ID). The fetch itself does not mark it
// seen (imapflow reads with BODY.PEEK).
import { ImapFlow } from "imapflow";
import type { Db } from "../../db/client.ts";
import { sqlOf, transactionOf } from "../../db/client.ts";
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

/** Polls every enabled mailbox; one failing (wrong password, server down) is recorded on it and does not stop the rest. */
export async function pollMailboxes(db: Db, now = new Date()): Promise<{ channelId: string; stored: number; error: string | null }[]> {
  const sql = sqlOf(db);
  const mailboxes = await sql.query<Mailbox>(
    `SELECT "id", "address", "imapHost", "imapPort", "imapSecure", "imapUser", "imapPassword", "imapFolder"
       FROM "MailChannel" WHERE "enabled" AND "imapHost" IS NOT NULL ORDER BY "address"`,
  );
  const results = [];
  for (const mailbox of mailboxes) {
    let stored = 0;
    let error: string | null = null;
    try {
      stored = await pollMailbox(db, mailbox);
    } catch (e) {
      error = ((e as Error)?.message ?? String(e)).slice(0, 1000);
    }
    await sql.query(`UPDATE "MailChannel" SET "lastPolledAt" = $2::timestamp(3), "lastError" = $3 WHERE "id" = $1`, [mailbox.id, now.toISOString(), error]);
    results.push({ channelId: mailbox.id, stored, error });
  }
  return results;
}

async function pollMailbox(db: Db, mailbox: Mailbox): Promise<number> {
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
  });
  // A connection that dies later reports here; the poll itself fails through its own await.
  client.on("error", () => {});
  await client.connect();
  let stored = 0;
  try {
    const lock = await client.getMailboxLock(mailbox.imapFolder);
    try {
      const unseen = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of unseen.slice(0, BATCH)) {
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
  return stored;
}
