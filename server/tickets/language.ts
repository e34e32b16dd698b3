// The language a ticket is worked in: what the requester reads (merge
// notices, macro replies) and, later, what routing matches agents' languages
// against. The requester's own choice when they have an account; otherwise
// the ticket's own words tell (Han characters: Chinese).
import type { Tx } from "../db/client.ts";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../../app/i18n/config.ts";

const HAN = /\p{Script=Han}/u;

/** Pure: the requester's account language if any, else guessed from the subject. */
export function languageOf(requesterLocale: string | null | undefined, subject: string): Locale {
  if (isLocale(requesterLocale)) return requesterLocale;
  return HAN.test(subject) ? "zh-CN" : DEFAULT_LOCALE;
}

export async function ticketLanguage(tx: Tx, ticket: { requesterId: string; subject: string }): Promise<Locale> {
  const customer = await tx.customer.findUnique({ where: { id: ticket.requesterId }, select: { user: { select: { locale: true } } } });
  return languageOf(customer?.user?.locale, ticket.subject);
}
