// The language a ticket is worked in. Two questions, one home:
// - the conversation's language, stored on the ticket when it is filed
//   (Ticket.language: what automatic assignment matches agents' skills
//   against): the ticket's own words tell, else the requester's language;
// - what the requester reads (merge notices, macro replies): the requester's
//   own choice when they have an account; otherwise the ticket's words.
import type { Tx } from "../db/client.ts";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../../app/i18n/config.ts";

const HAN = /\p{Script=Han}/u;
const HAN_CHARS = /\p{Script=Han}/gu;
const LATIN_WORDS = /\p{Script=Latin}+/gu;
/** Enough words to tell; a long first message is not read to its end (filing is the busiest write). */
const SAMPLE_CHARS = 2_000;

/**
 * Pure: the language of a text, or null when it has no words to tell by
 * (numbers, symbols, emoji). A Han character carries about as much as a word
 * of Latin letters, so each counts as one word: mostly Han words is Chinese
 * ("我的iPhone无法连接WiFi" is), otherwise English.
 */
export function detectLanguage(text: string): Locale | null {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const han = sample.match(HAN_CHARS)?.length ?? 0;
  const latin = sample.match(LATIN_WORDS)?.length ?? 0;
  if (han + latin === 0) return null;
  return han >= latin ? "zh-CN" : "en";
}

/**
 * Pure: a new ticket's language: what its subject and first message tell
 * (detectLanguage), and only when they cannot, the requester's own language
 * (null: no account), else the default.
 */
export function filingLanguage(spoken: Locale | null, requesterLocale: string | null | undefined): Locale {
  return spoken ?? (isLocale(requesterLocale) ? requesterLocale : DEFAULT_LOCALE);
}

/** Pure: the requester's account language if any, else guessed from the subject. */
export function languageOf(requesterLocale: string | null | undefined, subject: string): Locale {
  if (isLocale(requesterLocale)) return requesterLocale;
  return HAN.test(subject) ? "zh-CN" : DEFAULT_LOCALE;
}

export async function ticketLanguage(tx: Tx, ticket: { requesterId: string; subject: string }): Promise<Locale> {
  const customer = await tx.customer.findUnique({ where: { id: ticket.requesterId }, select: { user: { select: { locale: true } } } });
  return languageOf(customer?.user?.locale, ticket.subject);
}
