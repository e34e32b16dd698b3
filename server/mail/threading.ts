// Which ticket a received mail belongs to (docs/decisions/024):
// (a) a Message-ID it answers (In-Reply-To, then References from the newest) that we sent or
//     received about a ticket (MailReference);
// (b) else a reply token clue (server/mail/references.ts tokenClues: Message-IDs, the addresses it was
//     sent to, its text with the quote) whose token is that ticket's token;
// (c) the subject's "[#123]" alone decides nothing: anyone can write it, so a mail with only that
//     (a forged From and a guessed number) becomes a new ticket instead of posting into someone's.
// Whether the mail answers a mail *we* sent about the ticket (our Message-ID, or its token) is told
// apart from one that names only a Message-ID a sender chose: that one may thread, but not add people.
import type { Sql } from "../db/sql.ts";
import { replyToken, tokenClues, type TokenClue } from "./references.ts";

export type ThreadedBy = "reference" | "token";

export interface ThreadFacts {
  /** Message-IDs the mail names, newest first (In-Reply-To, then References from the last). */
  references: readonly string[];
  /** Tickets of the Message-IDs we know (MailReference). */
  referencedTickets: ReadonlyMap<string, string>;
  /** Which of those we sent (MailReference direction "out"); the others were chosen by senders. */
  sentByUs?: ReadonlySet<string>;
  clues: readonly TokenClue[];
  /** The ticket id of each clue's number that exists. */
  ticketIdsByNumber: ReadonlyMap<number, string>;
  /** The reply token of a ticket (replyToken with our secret). */
  tokenOf(ticketId: string): string;
}

export interface Thread {
  ticketId: string;
  by: ThreadedBy;
  /** The mail answers a mail we sent about the ticket (our Message-ID or its reply token), not only one a sender chose. */
  answersOurMail: boolean;
}

/** Pure: the ticket a mail threads into, and by what; null for a new ticket. */
export function chooseThread(facts: ThreadFacts): Thread | null {
  const validToken = (clue: TokenClue, ticketId: string | undefined): ticketId is string => !!ticketId && facts.tokenOf(ticketId) === clue.token;
  for (const id of facts.references) {
    const ticketId = facts.referencedTickets.get(id);
    if (!ticketId) continue;
    const ours =
      facts.references.some((r) => facts.referencedTickets.get(r) === ticketId && !!facts.sentByUs?.has(r)) ||
      facts.clues.some((clue) => facts.ticketIdsByNumber.get(clue.number) === ticketId && validToken(clue, ticketId));
    return { ticketId, by: "reference", answersOurMail: ours };
  }
  for (const clue of facts.clues) {
    const ticketId = facts.ticketIdsByNumber.get(clue.number);
    if (validToken(clue, ticketId)) return { ticketId, by: "token", answersOurMail: true };
  }
  return null;
}

/** The Message-IDs a mail names, newest first, without angle brackets, each once. */
export function referencedIds(inReplyTo: string | undefined, references: string | readonly string[] | undefined): string[] {
  const ids = [
    ...(inReplyTo ? messageIdsIn(inReplyTo) : []),
    ...(typeof references === "string" ? messageIdsIn(references) : (references ?? []).flatMap(messageIdsIn)).reverse(),
  ];
  return [...new Set(ids)].slice(0, 100);
}

/** Message-IDs in a header value, without their angle brackets. */
export function messageIdsIn(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]);
  return bracketed.length > 0 ? bracketed : value.split(/\s+/).filter((v) => v.includes("@"));
}

/** Looks up (a) and (b) for a mail and decides; the ticket is followed to the one it was merged into. */
export async function findThread(
  sql: Sql,
  secret: string,
  mail: { references: readonly string[]; recipients: readonly string[]; fullText: string },
): Promise<Thread | null> {
  const referencedTickets = new Map<string, string>();
  const sentByUs = new Set<string>();
  if (mail.references.length > 0) {
    const rows = await sql.query<{ messageId: string; ticketId: string; direction: string }>(
      `SELECT "messageId", "ticketId", "direction" FROM "MailReference" WHERE "messageId" = ANY($1::text[])`,
      [mail.references],
    );
    for (const row of rows) {
      referencedTickets.set(row.messageId, row.ticketId);
      if (row.direction === "out") sentByUs.add(row.messageId);
    }
  }
  const clues = tokenClues({ references: mail.references, recipients: mail.recipients, text: mail.fullText }).slice(0, 20);
  const ticketIdsByNumber = new Map<number, string>();
  const numbers = clues.map((c) => c.number).filter((n) => n <= 2_147_483_647);
  // Also with a known Message-ID: a valid token then says the mail answers ours.
  if (numbers.length > 0) {
    const rows = await sql.query<{ id: string; number: number }>(`SELECT "id", "number" FROM "Ticket" WHERE "number" = ANY($1::int[])`, [numbers]);
    for (const row of rows) ticketIdsByNumber.set(row.number, row.id);
  }
  const found = chooseThread({ references: mail.references, referencedTickets, sentByUs, clues, ticketIdsByNumber, tokenOf: (id) => replyToken(secret, id) });
  if (!found) return null;
  // A merged ticket lives on in the one it was merged into.
  const [row] = await sql.query<{ id: string }>(
    `WITH RECURSIVE chain AS (
       SELECT "id", "mergedIntoId", 0 AS depth FROM "Ticket" WHERE "id" = $1
       UNION ALL
       SELECT t."id", t."mergedIntoId", c.depth + 1 FROM "Ticket" t JOIN chain c ON t."id" = c."mergedIntoId" WHERE c.depth < 10
     )
     SELECT "id" FROM chain WHERE "mergedIntoId" IS NULL ORDER BY depth LIMIT 1`,
    [found.ticketId],
  );
  return row ? { ...found, ticketId: row.id } : found;
}
