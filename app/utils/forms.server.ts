// Turning domain errors into form responses: field errors (i18n keys) plus
// the values the user typed, so nothing they wrote is lost.
import { data } from "@remix-run/node";
import { DomainError } from "../../server/errors.ts";

export interface FormFailure {
  ok: false;
  formError: string;
  fieldErrors: Record<string, string[]>;
  values: Record<string, string>;
  /** The file a refusal is about (an attachment too large, a program…), to name it beside the message. */
  file?: string;
}

/** What the user typed, to show again; passwords (any field named so) are never sent back. */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !/password/i.test(key)) values[key] = value;
  }
  return values;
}

/** Returns a 4xx form response for a DomainError; rethrows anything else. */
export function formFailure(error: unknown, form: FormData) {
  if (!(error instanceof DomainError)) throw error;
  return data(formFailureBody(error, form), { status: error.status });
}

export function formFailureBody(error: DomainError, form: FormData): FormFailure {
  const file = typeof error.extra?.filename === "string" ? error.extra.filename : undefined;
  return { ok: false, formError: error.messageKey, fieldErrors: error.details ?? {}, values: formValues(form), ...(file ? { file } : {}) };
}

/** Throws a Response that the nearest error boundary shows in the user's language. */
export function asResponse(error: unknown): never {
  if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
  throw error;
}

/**
 * The request's form fields. A body that is not a form (JSON, garbage, a
 * broken multipart stream) is the client's mistake: a 400, never a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("errors.validation", { status: 400 });
  }
}
