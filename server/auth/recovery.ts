// Accounts by confirmed address: signing up without a password (the mailed link confirms the
// address and lets the person choose one), "forgot password?", and confirming the address of an
// account made before confirmation existed. Every mail is queued in the transaction that issues
// its link (server/mail/account-mail.ts), and only a SHA-256 of the link's token is stored
// (AccountToken). The rules themselves are in recovery-rules.ts; decision 024 says why.
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { recordAudit } from "../audit/log.ts";
import { currentSettings } from "../admin/settings.ts";
import { helpdeskName, queueAccountMail } from "../mail/account-mail.ts";
import { hashPassword } from "./password.ts";
import { endAllCredentials } from "./users.ts";
import { limiter, NewPasswordSchema, signUps, SIGN_UPS_PER_ADDRESS, used, type RequestOrigin } from "./accounts.ts";
import type { AuthUser, Role } from "./policy.ts";
import {
  ACCOUNT_TOKEN_PATTERN,
  accountFacts,
  confirmationOffer,
  MAILS_PER_ADDRESS_PER_HOUR,
  mayUseLink,
  needsConfirmation,
  newLinkToken,
  RESET_REQUESTS_PER_NETWORK_ADDRESS_PER_HOUR,
  sendsResetLink,
  signUpMail,
  TOKEN_LIFETIME_MS,
  tokenDigest,
  tokenState,
  type AccountPurpose,
} from "./recovery-rules.ts";

const Email = z
  .email("validation.email")
  .max(320, "validation.email")
  .transform((e) => e.toLowerCase());

/** Sign-up asks no password: the person chooses it on the page the mailed link opens. */
export const SignUpSchema = z.object({
  name: z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(120, "validation.nameTooLong"),
  email: Email,
  company: z.string().trim().max(120, "validation.companyTooLong").optional().default(""),
});

export const ForgotPasswordSchema = z.object({ email: Email });

/** A password chosen from a mailed link, typed twice: nobody is there to tell them about a typo. */
export const ChooseNewPasswordSchema = z
  .object({ password: NewPasswordSchema, confirmPassword: z.string({ error: "recovery.passwordMismatch" }) })
  .refine((v) => v.password === v.confirmPassword, { message: "recovery.passwordMismatch", path: ["confirmPassword"] });

const linkInvalid = () => new DomainError("gone", "recovery.errors.linkInvalid");

const resetRequests = () => limiter("reset-ip", RESET_REQUESTS_PER_NETWORK_ADDRESS_PER_HOUR, 3600);
const accountMails = () => limiter("account-mail", MAILS_PER_ADDRESS_PER_HOUR, 3600);

/**
 * Takes one of the hour's mails to this address, counted whether or not it has an account (so
 * the count says nothing about it); false once they are used up.
 */
async function takeMailToAddress(email: string): Promise<boolean> {
  if ((await used(accountMails(), email)) >= MAILS_PER_ADDRESS_PER_HOUR) return false;
  await accountMails().penalty(email, 1);
  return true;
}

const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  locale: true,
  passwordHash: true,
  deactivatedAt: true,
  invitedAt: true,
  emailVerifiedAt: true,
} as const;

/** The account with this address, its row locked: two requests at once issue their links one after the other. */
async function lockedUserByEmail(tx: Tx, email: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE "email" = ${email} FOR UPDATE`;
  return row ? tx.user.findUniqueOrThrow({ where: { id: row.id }, select: USER_SELECT }) : null;
}

async function lockedUser(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT 1 AS locked FROM "User" WHERE "id" = ${id} FOR UPDATE`;
  return tx.user.findUnique({ where: { id }, select: USER_SELECT });
}

/** Issues a link: the account's unused older links for the same purpose stop working (one good link at a time). */
async function issueAccountToken(tx: Tx, userId: string, purpose: AccountPurpose, now: Date): Promise<string> {
  const token = newLinkToken();
  await tx.accountToken.deleteMany({ where: { userId, purpose, usedAt: null } });
  await tx.accountToken.create({
    data: { userId, purpose, tokenHash: tokenDigest(token), createdAt: now, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]) },
  });
  return token;
}

/**
 * "Forgot password?": always the same answer. Mails a reset link (valid one hour, single use) to
 * an account with a password, or to a contact without one (who sets their first password this
 * way); nothing to a deactivated account, invited staff, or an unknown address. Throttled per
 * network address (an error: it says nothing about the address) and per address (silently).
 */
export async function requestPasswordReset(db: Db, raw: unknown, from: RequestOrigin, now = new Date()): Promise<void> {
  const { email } = parseInput(ForgotPasswordSchema, raw);
  if ((await used(resetRequests(), from.ip)) >= RESET_REQUESTS_PER_NETWORK_ADDRESS_PER_HOUR) {
    throw new DomainError("rate_limited", "recovery.errors.tooManyRequests");
  }
  await resetRequests().penalty(from.ip, 1);
  if (!(await takeMailToAddress(email))) return;
  const name = await helpdeskName(db);
  await inTransaction(db, async (tx) => {
    const user = await lockedUserByEmail(tx, email);
    if (!user || !sendsResetLink(accountFacts(user))) return;
    const token = await issueAccountToken(tx, user.id, "reset_password", now);
    await queueAccountMail(tx, user, { kind: "password_reset", name: user.name, token }, name, now);
  });
}

/**
 * Sign-up: always answers the same (the address the mail went to), whether or not the address
 * is known; what the mail says depends on it (recovery-rules.ts signUpMail). A new address
 * becomes a contact account (no password, not confirmed) with its customer profile, or takes
 * over the profile of someone who wrote in or was filed for; its requests show only once the
 * mailed link confirms the address.
 */
export async function signUpCustomer(db: Db, raw: unknown, locale: string, from: RequestOrigin, now = new Date()): Promise<{ email: string }> {
  if (!(await currentSettings(db)).customerSignup) throw new DomainError("forbidden", "errors.signupClosed");
  const input = parseInput(SignUpSchema, raw);
  if ((await used(signUps(), from.ip)) >= SIGN_UPS_PER_ADDRESS) throw new DomainError("rate_limited", "errors.tooManySignUps");
  await signUps().penalty(from.ip, 1);
  const answer = { email: input.email };
  if (!(await takeMailToAddress(input.email))) return answer;
  const name = await helpdeskName(db);
  try {
    await inTransaction(db, async (tx) => {
      const existing = await lockedUserByEmail(tx, input.email);
      const mail = signUpMail(existing ? accountFacts(existing) : null);
      if (mail === null) return;
      if (mail === "already_registered") {
        await queueAccountMail(tx, existing!, { kind: mail, name: existing!.name }, name, now);
        return;
      }
      const contact =
        existing ??
        (await tx.user.create({
          data: { email: input.email, name: input.name, passwordHash: "", role: "customer", locale, createdAt: now },
          select: USER_SELECT,
        }));
      await ensureCustomerProfile(tx, contact, input.company, now);
      const token = await issueAccountToken(tx, contact.id, "verify_email", now);
      await queueAccountMail(tx, contact, { kind: "verify_email", name: contact.name, token, replacesPassword: false }, name, now);
    });
  } catch (error) {
    // Two sign-ups with one new address at the same moment: the other one made the account and sent the mail.
    if (!isUniqueViolation(error)) throw error;
  }
  return answer;
}

/**
 * A contact's customer profile: the one it has, else the one of its address without an account
 * (someone who wrote in, or whom an agent filed for: that history is theirs once they confirm
 * the address), else a new one.
 */
async function ensureCustomerProfile(tx: Tx, user: { id: string; email: string; name: string }, company: string, now: Date): Promise<void> {
  if (await tx.customer.findUnique({ where: { userId: user.id }, select: { id: true } })) return;
  const companyId = company ? (await tx.company.upsert({ where: { name: company }, create: { name: company }, update: {}, select: { id: true } })).id : null;
  const profile = await tx.customer.findUnique({ where: { email: user.email }, select: { id: true, userId: true, companyId: true } });
  if (!profile) {
    await tx.customer.create({ data: { email: user.email, name: user.name, userId: user.id, companyId, createdAt: now } });
  } else if (profile.userId === null) {
    await tx.customer.update({ where: { id: profile.id }, data: { userId: user.id, companyId: profile.companyId ?? companyId } });
  }
}

/** What a mailed link opens, while it is good; null when it is not (used, replaced, expired, unknown, or the account closed). */
export async function openAccountLink(db: Tx, purpose: AccountPurpose, token: string, now = new Date()) {
  if (!ACCOUNT_TOKEN_PATTERN.test(token)) return null;
  const row = await db.accountToken.findUnique({
    where: { tokenHash: tokenDigest(token) },
    select: { purpose: true, expiresAt: true, usedAt: true, user: { select: USER_SELECT } },
  });
  if (!row || tokenState(row, purpose, now) !== "valid") return null;
  const facts = accountFacts(row.user);
  if (!mayUseLink(facts)) return null;
  return { email: row.user.email, name: row.user.name, offer: confirmationOffer(facts) };
}

/** Uses a link up (of two submissions at once, one wins) and returns its account, locked; throws when it is no good. */
async function useLink(tx: Tx, purpose: AccountPurpose, token: string, now: Date) {
  if (!ACCOUNT_TOKEN_PATTERN.test(token)) throw linkInvalid();
  const tokenHash = tokenDigest(token);
  const { count } = await tx.accountToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw linkInvalid();
  const { userId } = await tx.accountToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
  const user = await lockedUser(tx, userId);
  if (!user || !mayUseLink(accountFacts(user))) throw linkInvalid();
  return user;
}

/**
 * Sets a new password from a reset link, in one transaction: the password, the link used up
 * (and the account's other unused links ended), the address confirmed (they read mail there),
 * every session and API token ended, the event and the audit entry. The page then signs them in.
 * The link is checked before the password is hashed: a dead link costs no hashing.
 */
export async function resetPassword(db: Db, token: string, raw: unknown, from: RequestOrigin, now = new Date()): Promise<{ userId: string; role: Role }> {
  if (!(await openAccountLink(db, "reset_password", token, now))) throw linkInvalid();
  const passwordHash = await hashPassword(parseInput(ChooseNewPasswordSchema, raw).password);
  return inTransaction(db, async (tx) => {
    const user = await useLink(tx, "reset_password", token, now);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now }, select: { id: true } });
    await tx.accountToken.deleteMany({ where: { userId: user.id, usedAt: null } });
    const ended = await endAllCredentials(tx, user.id);
    await emit(tx, [{ type: "user.password_changed", actorId: user.id, at: now, data: { userId: user.id, ...ended } }]);
    await recordAudit(tx, {
      action: "user.password_reset",
      actorId: user.id,
      actorEmail: user.email,
      target: { type: "user", id: user.id },
      data: { ...ended, addressConfirmed: user.emailVerifiedAt === null },
      ip: from.ip,
      at: now,
    });
    return { userId: user.id, role: user.role };
  });
}

/**
 * Confirms an address from its mailed link, always with a password chosen there (asked twice):
 * a contact's first one, or, for an account from the old sign-up, a new one that replaces the
 * password whoever made the account set. Either way every session and API token of the account
 * ends, as after a reset: an address squatter (signed up with someone else's address, then asked
 * for this link) loses the account to the address's owner before its requests show. The account
 * then sees every request made from the address; its live connections re-join their rooms.
 */
export async function confirmAddress(db: Db, token: string, raw: unknown, from: RequestOrigin, now = new Date()): Promise<{ userId: string; role: Role }> {
  if (!(await openAccountLink(db, "verify_email", token, now))) throw linkInvalid();
  const passwordHash = await hashPassword(parseInput(ChooseNewPasswordSchema, raw).password);
  return inTransaction(db, async (tx) => {
    const user = await useLink(tx, "verify_email", token, now);
    const facts = accountFacts(user);
    await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: user.emailVerifiedAt ?? now, passwordHash }, select: { id: true } });
    await tx.accountToken.deleteMany({ where: { userId: user.id, usedAt: null } });
    const ended = await endAllCredentials(tx, user.id);
    await emit(tx, [
      { type: "user.password_changed", actorId: user.id, at: now, data: { userId: user.id, ...ended } },
      ...(facts.verified ? [] : [{ type: "user.access_changed" as const, actorId: user.id, at: now, data: { userId: user.id, changed: ["customerId"] } }]),
    ]);
    await recordAudit(tx, {
      action: "user.email_verified",
      actorId: user.id,
      actorEmail: user.email,
      target: { type: "user", id: user.id },
      data: { passwordSet: true, passwordReplaced: facts.hasPassword, ...ended },
      ip: from.ip,
      at: now,
    });
    return { userId: user.id, role: user.role };
  });
}

/**
 * The portal's "mail me the link" for a signed-in customer whose address is not confirmed yet
 * (an account made before confirmation existed). The link goes to the address, and its reader
 * chooses the account's password (confirmAddress): being signed in proves nothing about the
 * address. Its own account: a throttle says so. Returns false when there is nothing to confirm.
 */
export async function sendConfirmationLink(db: Db, user: AuthUser, now = new Date()): Promise<boolean> {
  const account = await db.user.findUnique({ where: { id: user.id }, select: USER_SELECT });
  if (!account || !needsConfirmation(accountFacts(account))) return false;
  if (!(await takeMailToAddress(account.email))) throw new DomainError("rate_limited", "recovery.errors.tooManyMails");
  const name = await helpdeskName(db);
  await inTransaction(db, async (tx) => {
    const token = await issueAccountToken(tx, account.id, "verify_email", now);
    const replacesPassword = confirmationOffer(accountFacts(account)) === "replace_password";
    await queueAccountMail(tx, account, { kind: "verify_email", name: account.name, token, replacesPassword }, name, now);
  });
  return true;
}
