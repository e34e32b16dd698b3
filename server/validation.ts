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

/** NUL (PostgreSQL cannot store it) and halves of a UTF-16 pair without the other half. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Paths of text values in outside input that cannot be stored as text. */
export function unstorableText(input: unknown, path: string[] = []): string[] {
  if (typeof input === "string") return UNSTORABLE.test(input) ? [path.join(".") || "_form"] : [];
  if (Array.isArray(input)) return input.flatMap((v, i) => unstorableText(v, [...path, String(i)]));
  if (input && typeof input === "object") {
    return Object.entries(input as Record<string, unknown>).flatMap(([k, v]) => unstorableText(v, [...path, k]));
  }
  return [];
}

/**
 * Parses outside input or throws a DomainError carrying the field errors.
 * Text that cannot be stored (a NUL, a broken surrogate pair) is refused
 * first, for every field of every form and API call.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const unstorable = unstorableText(input);
  if (unstorable.length > 0) {
    throw new DomainError(
      "validation_failed",
      "errors.validation",
      Object.fromEntries(unstorable.map((field) => [field, ["validation.invalidCharacters"]])),
    );
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new DomainError("validation_failed", "errors.validation", fieldErrors(result.error));
  return result.data;
}

/** Prisma's "unique constraint failed" (P2002), e.g. two inserts racing for one email. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
