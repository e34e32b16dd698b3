import type { z } from "zod";
import { DomainError } from "./errors.ts";

/** Field errors keyed by field name; messages are i18n keys. */
export type FieldErrors = Record<string, string[]>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** Parses outside input or throws a DomainError carrying the field errors. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new DomainError("validation_failed", "errors.validation", fieldErrors(result.error));
  return result.data;
}

/** Prisma's "unique constraint failed" (P2002), e.g. two inserts racing for one email. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
