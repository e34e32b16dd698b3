// How the helpdesk recognises replies to its own mail (docs/decisions/024). Every mail about a
// ticket carries the ticket's reply token three times over: in its Message-ID (mail programs copy
// it into In-Reply-To and References), in its Reply-To address (support+t123-token@…) and in a
// line at the foot of the text (kept in the quote of most replies). The token is an HMAC of the
// ticket's id: nobody can make one for a ticket without our secret, so a mail that merely says
// "From: the requester" and "[#123]" in its subject cannot post into ticket 123. Pure: no I/O.
import { createHmac, randomBytes } from "node:crypto";

const TOKEN_LENGTH = 12;

/** The ticket's reply token: 12 characters of [a-z2-7]; the same for every mail about the ticket. */
export function replyToken(secret: string, ticketId: string): string {
  const digest = createHmac("sha256", secret).update(`mail-reply:${ticketId}`).digest();
  return base32(digest).slice(0, TOKEN_LENGTH);
}

/** A fresh Message-ID (without angle brackets); about a ticket, it carries the ticket's number and token. */
export function newMessageId(domain: string, ticket?: { number: number; token: string }): string {
  const unique = base32(randomBytes(10));
  return ticket ? `${unique}.t${ticket.number}-${ticket.token}@${domain}` : `${unique}@${domain}`;
}

/** The address replies about a ticket go to: the support address with "+t<number>-<token>" added. */
export function replyAddress(supportAddress: string, ticket: { number: number; token: string }): string {
  const at = supportAddress.lastIndexOf("@");
  return `${supportAddress.slice(0, at)}+t${ticket.number}-${ticket.token}${supportAddress.slice(at)}`;
}

/** The line at the foot of a mail's text that names the ticket (kept in the quote of most replies). */
export function referenceLine(ticket: { number: number; token: string }): string {
  return `[#${ticket.number}-${ticket.token}]`;
}

/** The subject's ticket tag: "[#123] Refund not received". */
export function subjectWithNumber(number: number, subject: string): string {
  return `[#${number}] ${subject.replace(/^\s*\[#\d+\]\s*/, "")}`;
}

export interface TokenClue {
  number: number;
  token: string;
}

const CLUE = /(?:^|[^a-z0-9])t?(\d{1,10})-([a-z2-7]{12})(?![a-z0-9])/gi;

/**
 * Every "<number>-<token>" a mail carries: in the Message-IDs it refers to, the addresses it was
 * sent to (support+t123-token@…) and its text (the reference line, quoted). Only candidates:
 * each must still be checked against replyToken.
 */
export function tokenClues(sources: { references: readonly string[]; recipients: readonly string[]; text: string }): TokenClue[] {
  const found = new Map<string, TokenClue>();
  const scan = (value: string) => {
    for (const match of value.matchAll(CLUE)) {
      const clue = { number: Number(match[1]), token: match[2].toLowerCase() };
      found.set(`${clue.number}-${clue.token}`, clue);
    }
  };
  for (const id of sources.references) scan(id.split("@")[0]);
  for (const address of sources.recipients) scan(address.split("@")[0]);
  scan(sources.text);
  return [...found.values()];
}

/** The words mail programs put before a subject that answers or forwards a mail ("Re:", "AW:", "回复：", "Fwd:", "转发："). */
const REPLY_WORDS = ["re", "aw", "sv", "回复", "答复", "回覆"];
const FORWARD_WORDS = ["fw", "fwd", "wg", "转发", "轉寄"];
const prefix = (words: string[]) => new RegExp(`^\\s*(${words.join("|")})\\s*[:：]`, "i");
const REPLY_PREFIX = prefix(REPLY_WORDS);
const FORWARD_PREFIX = prefix(FORWARD_WORDS);
/** Any run of them, and of ticket tags ("Re: Fwd: [#12] Printer"). */
const PREFIXES = new RegExp(`^\\s*((${[...REPLY_WORDS, ...FORWARD_WORDS].join("|")})\\s*[:：]\\s*|\\[#\\d+\\]\\s*)+`, "i");

/** Whether a subject says the mail forwards another ("Fwd: …", "转发：…"). */
export function isForwardSubject(subject: string): boolean {
  return FORWARD_PREFIX.test(subject);
}

/** The subject of an answer: "Re: " before it, unless it already says it is one. */
export function replySubject(subject: string): string {
  return REPLY_PREFIX.test(subject) ? subject : `Re: ${subject}`;
}

/** A subject without reply and forward prefixes or ticket tags, its spaces collapsed ("Re: [#12] Printer" -> "Printer"). */
export function bareSubject(subject: string): string {
  return subject.replace(PREFIXES, "").replace(/\s+/g, " ").trim();
}

function base32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
