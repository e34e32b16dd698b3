// Reading the admin center's forms into service inputs. Pure: the services
// parse the result with their zod schemas, so this only gathers values.

/** A text field, trimmed; undefined when the form lacks it. */
export function text(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : undefined;
}

/** Every checked value of a group of checkboxes sharing a name. */
export function checked(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
}

/** A single checkbox: true when sent. */
export const flag = (form: FormData, name: string) => form.get(name) === "on" || form.get(name) === "true";

/** A number field: null when empty, the text itself when it is not a number (the schema says why). */
export function numberOrNull(form: FormData, name: string): number | null | string {
  const value = text(form, name);
  if (!value) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

/** An id field where "" means none. */
export const idOrNull = (form: FormData, name: string) => text(form, name) || null;
