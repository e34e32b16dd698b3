// Signing up, signing in and changing one's password. Inputs are parsed
// with zod; messages are i18n keys.
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import { parseInput } from "../validation.ts";
import type pg from "pg";
import { runtimeSettings, singleton, takeSingleton } from "../runtime.ts";
import { createBoundedPool } from "../db/pool.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { recordAudit } from "../audit/log.ts";
import { endAllCredentials } from "./users.ts";
import { assertCan, type AuthUser } from "./policy.ts";
import { AvailabilitySchema, type Availability } from "./availability.ts";

export const SignInSchema = z.object({
  email: z.email("validation.email").transform((e) => e.toLowerCase()),
  password: z.string({ error: "validation.password" }).min(1, "validation.password"),
});

/** What a password must be, wherever one is chosen (sign-up, change). */
export const NewPasswordSchema = z
  .string({ error: "validation.passwordLength" })
  .min(8, "validation.passwordLength")
  .max(200, "validation.passwordTooLong");

const passwordChange = {
  currentPassword: z.string({ error: "validation.currentPassword" }).min(1, "validation.currentPassword"),
  newPassword: NewPasswordSchema,
};
const isNew = (v: { currentPassword: string; newPassword: string }) => v.newPassword !== v.currentPassword;

export const ChangePasswordSchema = z
  .object(passwordChange)
  .refine(isNew, { message: "validation.passwordUnchanged", path: ["newPassword"] });

/** The account page asks for the new password twice: a typo would otherwise lock its owner out. */
export const ChangePasswordFormSchema = z
  .object({ ...passwordChange, confirmPassword: z.string({ error: "validation.passwordMismatch" }) })
  .refine(isNew, { message: "validation.passwordUnchanged", path: ["newPassword"] })
  .refine((v) => v.confirmPassword === v.newPassword, { message: "validation.passwordMismatch", path: ["confirmPassword"] });

// Spending the same argon2 time on unknown emails keeps sign-in from
// revealing which addresses have accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Throttles, counted in PostgreSQL so that every app process counts together:
 * - failed sign-ins per email *and* network address: 10 in 15 minutes, then
 *   a 15-minute pause. Keyed on both, so someone guessing a password from
 *   their machine cannot lock the owner out of their account from theirs;
 * - failed sign-ins per network address, whatever the email: 50 an hour
 *   (one machine trying many accounts);
 * - sign-ups per network address: 5 an hour (server/auth/recovery.ts, with the
 *   mails to one address and the "forgot password?" requests of one network address).
 */
export const SIGN_IN_FAILURES_ALLOWED = 10;
const SIGN_IN_PAUSE_SECONDS = 15 * 60;
const FAILURES_PER_ADDRESS = 50;
export const SIGN_UPS_PER_ADDRESS = 5;

/** Where a request came from, as the server sees it (the socket's address, or the proxy's word when TRUST_PROXY says so). */
export interface RequestOrigin {
  ip: string;
}

const LIMITERS = ["signin-pair", "signin-ip", "signup-ip", "reset-ip", "account-mail"] as const;

export function limiter(name: (typeof LIMITERS)[number], points: number, duration: number) {
  const { databaseUrl } = runtimeSettings();
  const pool = singleton(`rateLimitPool:${databaseUrl}`, () =>
    createBoundedPool(databaseUrl, (e) => console.warn("[rate limits]", e.message), 2),
  );
  // A singleton so the web sign-in and the API token endpoint count together.
  return singleton(`${name}:${databaseUrl}`, () =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true, // by our migration
      keyPrefix: name,
      points,
      duration,
    }),
  );
}

const failedPairs = () => limiter("signin-pair", SIGN_IN_FAILURES_ALLOWED, SIGN_IN_PAUSE_SECONDS);
const failedFromAddress = () => limiter("signin-ip", FAILURES_PER_ADDRESS, 3600);
export const signUps = () => limiter("signup-ip", SIGN_UPS_PER_ADDRESS, 3600);

export const used = async (l: RateLimiterPostgres, key: string) => (await l.get(key))?.consumedPoints ?? 0;

/** At shutdown, before the database stops: the throttles' connections close in order. */
export async function closeRateLimits(): Promise<void> {
  const { databaseUrl } = runtimeSettings();
  for (const name of LIMITERS) takeSingleton(`${name}:${databaseUrl}`);
  await takeSingleton<pg.Pool>(`rateLimitPool:${databaseUrl}`)?.end();
}

/**
 * Wrong passwords for one account from one address are counted together,
 * whether they were tried at sign-in or as the "current password" of a
 * password change: both are guesses at the same secret.
 */
async function refuseWhilePaused(email: string, from: RequestOrigin, messageKey: string) {
  const pair = `${email}|${from.ip}`;
  if ((await used(failedPairs(), pair)) >= SIGN_IN_FAILURES_ALLOWED || (await used(failedFromAddress(), from.ip)) >= FAILURES_PER_ADDRESS) {
    throw new DomainError("rate_limited", messageKey);
  }
}

async function countWrongPassword(email: string, from: RequestOrigin) {
  const pair = `${email}|${from.ip}`;
  const failures = await failedPairs().penalty(pair, 1);
  await failedFromAddress().penalty(from.ip, 1);
  // The pause runs a full 15 minutes from the last allowed failure.
  if (failures.consumedPoints >= SIGN_IN_FAILURES_ALLOWED) await failedPairs().block(pair, SIGN_IN_PAUSE_SECONDS);
}

const forgetWrongPasswords = (email: string, from: RequestOrigin) => failedPairs().delete(`${email}|${from.ip}`);

export async function signIn(db: Db, raw: unknown, from: RequestOrigin) {
  const input = parseInput(SignInSchema, raw);
  // Refused unchecked and unrecorded while paused: a flood of guesses must not write a row each.
  await refuseWhilePaused(input.email, from, "errors.tooManySignIns");
  const user = await db.user.findUnique({ where: { email: input.email } });
  // A contact (someone who wrote in by mail, or signed up and has not chosen a password yet) and
  // invited staff have no password: refused like a wrong one, after the same hashing time.
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyPassword(await (dummyHash ??= hashPassword("not-a-real-password")), input.password).then(() => false);
  // A deactivated account gets the same answer as a wrong password: sign-in
  // does not tell anyone which accounts exist or what became of them. The
  // audit log (admins only) does say which it was.
  if (!user || !ok || user.deactivatedAt || user.invitedAt) {
    await countWrongPassword(input.email, from);
    const reason = !user ? "unknown_email" : user.deactivatedAt ? "deactivated" : "wrong_password";
    await recordAudit(db, { action: "signin.failed", actorId: user?.id ?? null, actorEmail: input.email, data: { reason }, ip: from.ip });
    throw new DomainError("unauthorized", "errors.badCredentials");
  }
  await forgetWrongPasswords(input.email, from);
  await recordAudit(db, { action: "signin.succeeded", actorId: user.id, actorEmail: input.email, ip: from.ip });
  return user;
}

/**
 * A signed-in user changes their password, proving they know the current
 * one (wrong guesses are throttled like sign-in). In one transaction: the new
 * hash, every session and API token the user had ended (this browser's or
 * token's too), and `replacement` run to issue the one credential that
 * carries on (a fresh session for the browser that asked, a fresh token for
 * an API client), which is returned.
 */
export async function changePassword<T>(
  db: Db,
  user: AuthUser,
  raw: unknown,
  from: RequestOrigin,
  replacement: (tx: Tx, userId: string) => Promise<T>,
  now = new Date(),
): Promise<T> {
  const input = parseInput(ChangePasswordSchema, raw);
  await refuseWhilePaused(user.email, from, "errors.tooManyPasswordAttempts");
  const wrongCurrent = () =>
    new DomainError("validation_failed", "errors.validation", { currentPassword: ["validation.currentPasswordWrong"] });
  const current = await db.user.findFirst({ where: { id: user.id, deactivatedAt: null }, select: { passwordHash: true } });
  if (!current || !(await verifyPassword(current.passwordHash, input.currentPassword))) {
    await countWrongPassword(user.email, from);
    throw wrongCurrent();
  }
  const passwordHash = await hashPassword(input.newPassword);
  const issued = await inTransaction(db, async (tx) => {
    // Only over the hash just checked: of two changes at once, the second
    // finds its "current password" is no longer current.
    const { count } = await tx.user.updateMany({
      where: { id: user.id, passwordHash: current.passwordHash, deactivatedAt: null },
      data: { passwordHash },
    });
    if (count === 0) throw wrongCurrent();
    const ended = await endAllCredentials(tx, user.id);
    const credential = await replacement(tx, user.id);
    await emit(tx, [{ type: "user.password_changed", actorId: user.id, at: now, data: { userId: user.id, ...ended } }]);
    return credential;
  });
  await forgetWrongPasswords(user.email, from);
  return issued;
}

/** Sets the person's own availability; a change is recorded as user.availability_changed. */
export async function setAvailability(db: Db, user: AuthUser, rawInput: unknown, now = new Date()): Promise<Availability> {
  assertCan(user, "tickets.assignable");
  const { availability } = parseInput(AvailabilitySchema, rawInput);
  return inTransaction(db, async (tx) => {
    const [before] = await tx.$queryRawUnsafe<{ availability: Availability }[]>(
      `SELECT "availability"::text AS "availability" FROM "User" WHERE "id" = $1 FOR UPDATE`,
      user.id,
    );
    if (!before || before.availability === availability) return availability;
    await tx.user.update({ where: { id: user.id }, data: { availability }, select: { id: true } });
    await emit(tx, [
      { type: "user.availability_changed", ticketId: null, customerId: null, actorId: user.id, at: now, data: { userId: user.id, from: before.availability, to: availability } },
    ]);
    return availability;
  });
}
