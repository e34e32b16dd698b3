// How the mail channel compares addresses, and which are the helpdesk's own: the one home of these
// rules for mail going out (server/mail/decide.ts: never mail ourselves) and mail coming in
// (server/mail/inbound/: mail from ourselves is a loop; our addresses never become followers).
// Pure functions, and one loader of our addresses.
import type { Sql } from "../db/sql.ts";

/** The addresses the helpdesk itself sends from and receives at, as mailboxOf gives them. */
export type OwnAddresses = readonly string[];

/** "Support+t12-abc@Example.com" and "support@example.com" are the same mailbox for our purposes: lower case, no "+tag". */
export function mailboxOf(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf("+");
  return `${plus === -1 ? local : local.slice(0, plus)}${lower.slice(at)}`;
}

/** Whether an address is one of ours: mailing it, or reading mail from it, would be talking to ourselves. */
export function isOwnAddress(address: string, own: OwnAddresses): boolean {
  const box = mailboxOf(address);
  return own.some((mine) => mailboxOf(mine) === box);
}

/** Our addresses: the support address (MAIL_FROM) and every address set up at /admin/mail/addresses, enabled or not. */
export function ownAddresses(supportAddress: string, channelAddresses: readonly string[]): OwnAddresses {
  return [...new Set([supportAddress, ...channelAddresses].map(mailboxOf))];
}

/** Loads our addresses (ownAddresses): the support address given (mailSettings().from) and the mail channels'. */
export async function loadOwnAddresses(sql: Sql, supportAddress: string): Promise<OwnAddresses> {
  const channels = await sql.query<{ address: string }>(`SELECT "address" FROM "MailChannel"`);
  return ownAddresses(supportAddress, channels.map((c) => c.address));
}
