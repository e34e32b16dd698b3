// Signing up and signing in. Inputs are parsed with zod; messages are i18n keys.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { DomainError } from "../errors.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { singleton } from "../runtime.ts";
import { hashPassword, verifyPassword } from "./password.ts";

export const SignInSchema = z.object({
  email: z.email("validation.email").transform((e) => e.toLowerCase()),
  password: z.string({ error: "validation.password" }).min(1, "validation.password"),
});

export const SignUpSchema = z.object({
  name: z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(120, "validation.nameTooLong"),
  email: z.email("validation.email").transform((e) => e.toLowerCase()),
  password: z
    .string({ error: "validation.passwordLength" })
    .min(8, "validation.passwordLength")
    .max(200, "validation.passwordTooLong"),
  company: z.string().trim().max(120, "validation.companyTooLong").optional().default(""),
});

// Spending the same argon2 time on unknown emails keeps sign-in from
// revealing which addresses have accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Failed sign-ins per email address: 10 in 15 minutes, then a pause. Kept per
 * process (each app process counts its own): enough against password
 * guessing at human scale; a shared store comes with multi-process deploys.
 */
export const SIGN_IN_FAILURES_ALLOWED = 10;
const SIGN_IN_PAUSE_SECONDS = 15 * 60;
// A singleton so the web sign-in and the API token endpoint count together.
const failedSignIns = () =>
  singleton(
    "failedSignIns",
    () =>
      new RateLimiterMemory({ points: SIGN_IN_FAILURES_ALLOWED, duration: SIGN_IN_PAUSE_SECONDS }),
  );

export async function signIn(db: Db, raw: unknown) {
  const input = parseInput(SignInSchema, raw);
  const record = await failedSignIns().get(input.email);
  if (record && record.consumedPoints >= SIGN_IN_FAILURES_ALLOWED) {
    throw new DomainError("rate_limited", "errors.tooManySignIns");
  }
  const user = await db.user.findUnique({ where: { email: input.email } });
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyPassword(await (dummyHash ??= hashPassword("not-a-real-password")), input.password).then(() => false);
  if (!user || !ok) {
    const failures = await failedSignIns().penalty(input.email, 1);
    // The pause runs a full 15 minutes from the last allowed failure.
    if (failures.consumedPoints >= SIGN_IN_FAILURES_ALLOWED) {
      await failedSignIns().block(input.email, SIGN_IN_PAUSE_SECONDS);
    }
    throw new DomainError("unauthorized", "errors.badCredentials");
  }
  await failedSignIns().delete(input.email);
  return user;
}

export async function signUpCustomer(db: Db, raw: unknown, locale: string) {
  const input = parseInput(SignUpSchema, raw);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email } })) {
        throw new DomainError("conflict", "errors.validation", { email: ["validation.emailTaken"] });
      }
      // Someone who wrote in by email already has a customer record and a
      // history. Without proof that this person owns the address, linking
      // would hand that history to whoever signs up first.
      if (await tx.customer.findUnique({ where: { email: input.email } })) {
        throw new DomainError("conflict", "errors.validation", { email: ["validation.emailNeedsVerification"] });
      }
      const company = input.company
        ? await tx.company.upsert({ where: { name: input.company }, create: { name: input.company }, update: {} })
        : null;
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash, role: "customer", locale },
      });
      await tx.customer.create({
        data: { email: input.email, name: input.name, userId: user.id, companyId: company?.id },
      });
      return user;
    });
  } catch (error) {
    // Two sign-ups with one address at the same moment: the database decides.
    if (isUniqueViolation(error)) {
      throw new DomainError("conflict", "errors.validation", { email: ["validation.emailTaken"] });
    }
    throw error;
  }
}
