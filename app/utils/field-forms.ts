// Custom ticket fields in HTML forms: reading their values from a form (the
// portal's new-ticket form, the agent's properties, the view editor) and a
// definition from the admin editor. Pure; the services validate what comes
// out (server/fields/values.ts).

/** Form inputs carrying field values are named `<prefix><key>`. */
export const FIELD_INPUT_PREFIX = "fields.";
/** The view editor's filter inputs. */
export const FILTER_INPUT_PREFIX = "fieldFilter.";

/**
 * Field values from a form, by key: the last value of each name (a checkbox
 * sends a hidden "false" before its own "true", so an unticked box says no).
 * With `skipBlank`, empty values are left out (a filter left empty is "any").
 */
export function fieldsFromForm(form: FormData, prefix = FIELD_INPUT_PREFIX, skipBlank = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (!name.startsWith(prefix) || typeof value !== "string") continue;
    const key = name.slice(prefix.length);
    if (skipBlank && value.trim() === "") delete out[key];
    else out[key] = value;
  }
  return out;
}

/** A stable name made from an English label: "Order number" → "order_number" (empty when nothing is left). */
export function slugify(label: string, separator: "_" | "-" = "_"): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^[${separator}0-9]+|[${separator}]+$`, "g"), "")
    .slice(0, 40);
}

/** The admin editor's form as the input of createField / updateField. */
export function fieldDefinitionFromForm(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const values = form.getAll("optionValue").map(String);
  const en = form.getAll("optionEn").map(String);
  const zh = form.getAll("optionZh").map(String);
  const options = values
    .map((value, i) => ({ value: value.trim(), en: (en[i] ?? "").trim(), zh: (zh[i] ?? "").trim() }))
    .filter((o) => o.value || o.en || o.zh)
    .map((o) => ({ ...o, value: o.value || slugify(o.en, "_") }));
  const type = text("type");
  return {
    key: text("key") || slugify(text("labelEn")),
    labelEn: text("labelEn"),
    labelZh: text("labelZh"),
    type,
    // Option rows are on the form whatever the type: only a dropdown keeps them.
    options: type === "dropdown" ? options : [],
    required: form.get("required") === "on",
    customerVisible: form.get("customerVisible") === "on",
  };
}
