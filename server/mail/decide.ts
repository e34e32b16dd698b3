// Which mails a ticket's change sends, and to whom: the rules of server/listeners/ticket-mail.ts as
// plain functions of the stored state (no I/O; tests/unit/mail-templates.test.ts, "who gets mail
// about a ticket"). Which addresses are ours is server/mail/addresses.ts.
// - a customer never gets mail about an internal note;
// - nobody gets mail about their own message (a customer's reply, by mail or portal, sends none);
// - nobody who cannot get mail does: deactivated accounts, customers without an address, and the
//   helpdesk's own addresses (two systems answering each other must never loop);
// - the requester reads their account's language, else the ticket's; staff read their own.
import { DEFAULT_LOCALE, isLocale, type Locale } from "../../app/i18n/config.ts";
import { isOwnAddress, type OwnAddresses } from "./addresses.ts";


export interface MailPerson {
  email: string | null;
  name: string | null;
  /** The account's language, when the person has an account they can sign in to; else null. */
  accountLocale: string | null;
  /** The account was deactivated: it gets no mail. */
  deactivated: boolean;
}

export interface MailTicketFacts {
  number: number;
  subject: string;
  /** The conversation's language (Ticket.language). */
  language: string;
  channel: string;
  requester: MailPerson & { userId: string | null };
  /** People copied on the ticket (TicketFollower): they get its public replies in Cc. */
  followers: MailPerson[];
}

export interface MailMessageFacts {
  kind: "public" | "internal";
  /** Null: the system wrote it (an automation's reply, a merge notice). */
  author: { id: string; role: string } | null;
}

function reachable(person: MailPerson, own: OwnAddresses): person is MailPerson & { email: string } {
  return !person.deactivated && !!person.email && person.email.includes("@") && !isOwnAddress(person.email, own);
}

/** The language of mail to the requester (and the followers copied on it). */
export function requesterLocale(ticket: Pick<MailTicketFacts, "language" | "requester">): Locale {
  if (isLocale(ticket.requester.accountLocale)) return ticket.requester.accountLocale;
  return isLocale(ticket.language) ? ticket.language : DEFAULT_LOCALE;
}

export function staffLocale(locale: string | null | undefined): Locale {
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

export interface CustomerRecipients {
  to: string;
  cc: string[];
  locale: Locale;
}

/**
 * The requester (To) and, when asked, the followers (Cc), leaving out whoever cannot or must not
 * get it. Null when the requester cannot be mailed: followers are copied on the requester's mail,
 * they are not written to on their own.
 */
export function customerRecipients(ticket: MailTicketFacts, own: OwnAddresses, options: { followers: boolean }): CustomerRecipients | null {
  if (!reachable(ticket.requester, own)) return null;
  const to = ticket.requester.email.trim().toLowerCase();
  const cc: string[] = [];
  if (options.followers) {
    for (const follower of ticket.followers) {
      if (!reachable(follower, own)) continue;
      const address = follower.email.trim().toLowerCase();
      if (address !== to && !cc.includes(address)) cc.push(address);
    }
  }
  return { to, cc, locale: requesterLocale(ticket) };
}

const isStaff = (role: string | null | undefined) => !!role && role !== "customer";

/** What a new ticket sends its requester: "we received it" when they filed it, or the agent's first message when staff filed it for them. */
export function mailForNewTicket(
  ticket: MailTicketFacts,
  filedBy: { id: string; role: string } | null,
  own: OwnAddresses,
): ({ kind: "request_received"; viaMail: boolean } | { kind: "opened_for_you" }) & CustomerRecipients | null {
  const recipients = customerRecipients(ticket, own, { followers: false });
  if (!recipients) return null;
  if (filedBy && isStaff(filedBy.role)) return { kind: "opened_for_you", ...recipients, cc: customerRecipients(ticket, own, { followers: true })!.cc };
  return { kind: "request_received", viaMail: ticket.channel === "email", ...recipients };
}

/**
 * What a message added to a ticket sends: a public message of staff or of the system goes to the
 * requester with the followers in Cc. Internal notes and customers' own messages send nothing.
 */
export function mailForMessage(
  ticket: MailTicketFacts,
  message: MailMessageFacts,
  own: OwnAddresses,
): ({ kind: "reply"; automatic: boolean } & CustomerRecipients) | null {
  if (message.kind !== "public") return null;
  if (message.author && !isStaff(message.author.role)) return null;
  // A staff member who is also the requester (testing their own helpdesk) wrote it: not to themselves.
  if (message.author && message.author.id === ticket.requester.userId) return null;
  const recipients = customerRecipients(ticket, own, { followers: true });
  return recipients ? { kind: "reply", automatic: message.author === null, ...recipients } : null;
}

/** The solved notice (with the survey link, if the ticket has an open survey) to the requester. */
export function mailForSolved(ticket: MailTicketFacts, own: OwnAddresses): ({ kind: "solved" } & CustomerRecipients) | null {
  const recipients = customerRecipients(ticket, own, { followers: false });
  return recipients ? { kind: "solved", ...recipients } : null;
}

/** A notification by mail to a staff member: when they want it and can get it. */
export function mailForNotification(
  recipient: { email: string | null; role: string; locale: string | null; deactivated: boolean },
  /** Their choice for the kind, else its default (server/notifications/service.ts emailPreference). */
  byMail: boolean,
  own: OwnAddresses,
): { to: string; locale: Locale } | null {
  if (!isStaff(recipient.role) || !byMail) return null;
  if (!reachable({ email: recipient.email, name: null, accountLocale: null, deactivated: recipient.deactivated }, own)) return null;
  return { to: recipient.email!.trim().toLowerCase(), locale: staffLocale(recipient.locale) };
}
