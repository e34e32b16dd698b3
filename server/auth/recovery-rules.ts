// The rules of accounts by confirmed address, without I/O (server/auth/recovery.ts applies them):
// which mail a sign-up or a "forgot password?" sends for an address, how long a mailed link
// lasts, whether a link is still good, what its page asks for, and the links mail carries.
import { randomBytes } from "node:crypto";

/** What a mailed link does (AccountToken.purpose). */
export type AccountPurpose = "verify_email" | "reset_password";

/**
 * How long a link works. A reset link is a key to the account: an hour is enough to open the
 * mail and short enough that an old mail left in an inbox is worth nothing. Confirming an
 * address after signing up may wait for tomorrow's mail round: two days.
 */
export const TOKEN_LIFETIME_MS: Record<AccountPurpose, number> = {
  reset_password: 60 * 60_000,
  verify_email: 48 * 60 * 60_000,
};

/**
 * Throttles of account mail, counted in PostgreSQL (server/auth/accounts.ts limiter):
 * - mails to one address, whatever asked for them (sign-up, "forgot password?", "send the link
 *   again"): 3 an hour, so nobody can fill someone's inbox from our address;
 * - "forgot password?" requests from one network address: 10 an hour (one machine trying many addresses).
 */
export const MAILS_PER_ADDRESS_PER_HOUR = 3;
export const RESET_REQUESTS_PER_NETWORK_ADDRESS_PER_HOUR = 10;

/** What we know of the account an address belongs to. */
export interface AccountFacts {
  role: "customer" | "agent" | "supervisor" | "admin";
  /** False for a contact (someone who wrote in by mail, or a sign-up not yet confirmed) and for invited staff. */
  hasPassword: boolean;
  deactivated: boolean;
  /** Staff invited who have not joined yet: their invitation is their way in. */
  invited: boolean;
  verified: boolean;
}

export const accountFacts = (user: {
  role: AccountFacts["role"];
  passwordHash: string;
  deactivatedAt: Date | null;
  invitedAt: Date | null;
  emailVerifiedAt: Date | null;
}): AccountFacts => ({
  role: user.role,
  hasPassword: user.passwordHash !== "",
  deactivated: user.deactivatedAt !== null,
  invited: user.invitedAt !== null,
  verified: user.emailVerifiedAt !== null,
});

/** Accounts that get no account mail at all: a deactivated one (an admin closed it), invited staff (they use their invitation). */
const silent = (account: AccountFacts) => account.deactivated || account.invited;

/** A link mailed earlier stops working once its account is deactivated (or, oddly, invited). */
export const mayUseLink = (account: AccountFacts) => !silent(account);

/**
 * The mail a sign-up with an address sends (the page answers the same whatever it is):
 * - no account: "new_contact" — a contact account is made and asked to confirm the address;
 * - a contact without password (wrote in before, or signed up and never confirmed): "verify_email";
 * - an account with a password: "already_registered" (sign in, or reset);
 * - deactivated or invited: nothing.
 */
export function signUpMail(account: AccountFacts | null): "new_contact" | "verify_email" | "already_registered" | null {
  if (!account) return "new_contact";
  if (silent(account)) return null;
  if (!account.hasPassword) return account.role === "customer" ? "verify_email" : null;
  return "already_registered";
}

/** Whether "forgot password?" mails this account a reset link (a contact may set its first password this way). */
export function sendsResetLink(account: AccountFacts | null): boolean {
  return account !== null && !silent(account) && (account.hasPassword || account.role === "customer");
}

/** Whether the portal's "send me the link" can mail this account a confirmation link: an active customer not yet confirmed. */
export function needsConfirmation(account: AccountFacts): boolean {
  return account.role === "customer" && !account.verified && !silent(account);
}

/**
 * What the confirmation page asks for: always a password. A contact chooses its first one. An
 * unconfirmed account that has one (the old sign-up took any address unchecked) may be a squatter's:
 * whoever reads the address's mail replaces that password, and every session and API token of the
 * account ends, before the address's requests show (never "confirm only").
 */
export const confirmationOffer = (account: AccountFacts): "choose_password" | "replace_password" =>
  account.hasPassword ? "replace_password" : "choose_password";

export type TokenState = "valid" | "expired" | "used" | "unknown";

/** Whether a stored link (found by its digest) may be used now, for this purpose. */
export function tokenState(row: { purpose: string; expiresAt: Date; usedAt: Date | null } | null, purpose: AccountPurpose, now: Date): TokenState {
  if (!row || row.purpose !== purpose) return "unknown";
  if (row.usedAt) return "used";
  if (row.expiresAt <= now) return "expired";
  return "valid";
}

/** The shape of the tokens we mail (32 random bytes, base64url): anything else is not looked up. */
export const ACCOUNT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new token for a mailed link (account links and staff invitations). */
export const newLinkToken = () => randomBytes(32).toString("base64url");

/** Only this is stored (AccountToken, Invitation): the tables themselves open no account. */
export { tokenDigest } from "./token-digest.ts";

/** The pages mailed links open: those of a one-time link end with its token. */
const PATHS = {
  reset_password: "/reset-password/",
  verify_email: "/verify/",
  invitation: "/invite/",
  sign_in: "/login",
  forgot_password: "/forgot-password",
} as const;

/** What a one-time link opens: an AccountToken's purpose, or a staff invitation. */
export type LinkPurpose = AccountPurpose | "invitation";

/** The link a mail carries (publicUrl without a trailing slash): a one-time link with its token, or a plain page. */
export function accountLink(publicUrl: string, purpose: LinkPurpose, token: string): string;
export function accountLink(publicUrl: string, page: "sign_in" | "forgot_password"): string;
export function accountLink(publicUrl: string, page: keyof typeof PATHS, token = ""): string {
  return `${publicUrl}${PATHS[page]}${token}`;
}
