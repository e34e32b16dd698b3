// Signing up and signing in. Inputs are parsed with zod; messages are i18n keys.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { DomainError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { hashPassword, verifyPassword } from "./password.ts";

export const SignInSchema = z.object({
  email: z.email("validation.email").transform((e) => e.toLowerCase()),
  password: z.string({ error: "validation.password" }).min(1, "validation.password"),
});

export const SignUpSchema = z.object({
  name: z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(120, "validation.name"),
  email: z.email("validation.email").transform((e) => e.toLowerCase()),
  password: z.string({ error: "validation.passwordLength" }).min(8, "validation.passwordLength").max(200),
  company: z.string().trim().max(120).optional().default(""),
});

// Spending the same argon2 time on unknown emails keeps sign-in from
// revealing which addresses have accounts.
let dummyHash: Promise<string> | undefined;

export async function signIn(db: Db, raw: unknown) {
  const input = parseInput(SignInSchema, raw);
  const user = await db.user.findUnique({ where: { email: input.email } });
  if (!user) {
    await verifyPassword(await (dummyHash ??= hashPassword("not-a-real-password")), input.password);
    throw new DomainError("unauthorized", "errors.badCredentials");
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new DomainError("unauthorized", "errors.badCredentials");
  }
  return user;
}

export async function signUpCustomer(db: Db, raw: unknown, locale: string) {
  const input = parseInput(SignUpSchema, raw);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email } })) {
      throw new DomainError("conflict", "errors.validation", { email: ["validation.emailTaken"] });
    }
    const company = input.company
      ? await tx.company.upsert({ where: { name: input.company }, create: { name: input.company }, update: {} })
      : null;
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "customer", locale },
    });
    // A customer who wrote in by email before signing up keeps their history.
    await tx.customer.upsert({
      where: { email: input.email },
      create: { email: input.email, name: input.name, userId: user.id, companyId: company?.id },
      update: { userId: user.id, name: input.name },
    });
    return user;
  });
}
