// Custom ticket fields: what an admin may define, and the rules for their
// values (validation, normalisation, comparison, labels). Pure and safe for
// the browser: the portal form, the agent page, views, the API, the OpenAPI
// document and (later) routing rules all read values through these functions,
// so a value means the same thing everywhere.
//
// Stored values (Ticket.fields, JSONB) are normalised: text as trimmed
// strings, numbers as JSON numbers, dropdowns as one of the field's option
// values, dates as "YYYY-MM-DD", checkboxes as booleans. An unset field has no
// key; an unticked checkbox counts as false whether or not it was ever set.
import { z } from "zod";

export const FIELD_TYPES = ["text", "number", "dropdown", "date", "checkbox"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Who a form or answer is for: customers see and set customer-visible fields only. */
export type Audience = "customer" | "staff";

export type FieldValue = string | number | boolean;
export type FieldValues = Record<string, FieldValue>;

export interface FieldOption {
  value: string;
  en: string;
  zh: string;
}

/** A field as stored (TicketField), options parsed. */
export interface FieldDefinition {
  id: string;
  key: string;
  labelEn: string;
  labelZh: string;
  type: FieldType;
  options: FieldOption[];
  required: boolean;
  customerVisible: boolean;
  position: number;
  active: boolean;
}

/** Limits: fields in all, options of a dropdown, characters of a text value, size of a number. */
export const MAX_FIELDS = 100;
export const MAX_OPTIONS = 100;
export const MAX_TEXT = 500;
export const MAX_NUMBER = 1e15;

// ---------------------------------------------------------------------------
// Definitions, as admins write them.

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const FieldKeySchema = z.string({ error: "validation.fieldKey" }).trim().regex(FIELD_KEY, "validation.fieldKey");
const OptionValueSchema = z
  .string({ error: "validation.fieldOptionValue" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "validation.fieldOptionValue");
const LabelSchema = z.string({ error: "validation.fieldLabel" }).trim().min(1, "validation.fieldLabel").max(80, "validation.fieldLabel");

export const FieldOptionSchema = z.object({ value: OptionValueSchema, en: LabelSchema, zh: LabelSchema });

const OptionsSchema = z
  .array(FieldOptionSchema, { error: "validation.fieldOptions" })
  .max(MAX_OPTIONS, "validation.fieldOptionsTooMany")
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.forEach((option, i) => {
      if (seen.has(option.value)) ctx.addIssue({ code: "custom", path: [i, "value"], message: "validation.fieldOptionDuplicate" });
      seen.add(option.value);
    });
  });

const definitionFields = {
  labelEn: LabelSchema,
  labelZh: LabelSchema,
  options: OptionsSchema,
  required: z.boolean({ error: "validation.fieldFlag" }),
  customerVisible: z.boolean({ error: "validation.fieldFlag" }),
};

/** A new field. Its key and type are fixed once made: values are stored under the key, in the type's shape. */
export const NewFieldSchema = z
  .object({
    key: FieldKeySchema,
    type: z.enum(FIELD_TYPES, { error: "validation.fieldType" }),
    ...definitionFields,
    options: definitionFields.options.default([]),
    required: definitionFields.required.default(false),
    customerVisible: definitionFields.customerVisible.default(false),
  })
  .superRefine((field, ctx) => checkOptions(field.type, field.options, ctx));
export type NewField = z.output<typeof NewFieldSchema>;

/** A change to a field: labels, options, whether it is required and who sees it, archived or not. */
export const FieldChangeSchema = z
  .object({ ...definitionFields, active: z.boolean({ error: "validation.fieldFlag" }) })
  .partial()
  .refine((change) => Object.values(change).some((v) => v !== undefined), { message: "validation.nothingToUpdate" });
export type FieldChange = z.output<typeof FieldChangeSchema>;

/** The order of the fields: every field's id once, first to last. */
export const FieldOrderSchema = z.object({
  ids: z.array(z.uuid("validation.fieldOrder"), { error: "validation.fieldOrder" }).min(1, "validation.fieldOrder").max(MAX_FIELDS, "validation.fieldOrder"),
});

/** A dropdown needs options; other types take none. */
export function checkOptions(type: FieldType, options: FieldOption[], ctx: { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void }) {
  if (type === "dropdown" && options.length === 0) ctx.addIssue({ code: "custom", path: ["options"], message: "validation.fieldOptionsNeeded" });
  if (type !== "dropdown" && options.length > 0) ctx.addIssue({ code: "custom", path: ["options"], message: "validation.fieldOptionsNotAllowed" });
}

// ---------------------------------------------------------------------------
// Which fields are asked, and how they are named.

/** The fields an audience is asked and shown, in their order: active ones, customer-visible only for customers. */
export function fieldsFor(definitions: readonly FieldDefinition[], audience: Audience): FieldDefinition[] {
  return definitions
    .filter((d) => d.active && (audience === "staff" || d.customerVisible))
    .sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
}

const isZh = (language: string) => language.startsWith("zh");

/** The field's label in the reader's language. */
export function fieldLabel(definition: Pick<FieldDefinition, "labelEn" | "labelZh">, language: string): string {
  return isZh(language) ? definition.labelZh : definition.labelEn;
}

/** A dropdown option's label in the reader's language (the value itself if the option is gone). */
export function optionLabel(definition: Pick<FieldDefinition, "options">, value: string, language: string): string {
  const option = definition.options.find((o) => o.value === value);
  return option ? (isZh(language) ? option.zh : option.en) : value;
}

/** A value as a reader sees it: option labels for dropdowns; yes/no words for checkboxes come from the caller. */
export function displayValue(
  definition: Pick<FieldDefinition, "type" | "options">,
  value: FieldValue,
  language: string,
  words: { yes: string; no: string },
): string {
  if (definition.type === "dropdown") return optionLabel(definition, String(value), language);
  if (definition.type === "checkbox") return value === true ? words.yes : words.no;
  return String(value);
}

// ---------------------------------------------------------------------------
// Values: parsing outside input into stored values.

const blank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim() === "");
const TRUE_WORDS = ["true", "on", "1", "yes"];
const FALSE_WORDS = ["false", "off", "0", "no"];
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The zod schema of one field's value (not blank: blank means "unset"), normalising it to what is stored. */
export function valueSchema(definition: Pick<FieldDefinition, "type" | "options">): z.ZodType<FieldValue> {
  switch (definition.type) {
    case "text":
      return z.string({ error: "validation.fieldText" }).trim().max(MAX_TEXT, "validation.fieldTextTooLong");
    case "number":
      return z
        .union([z.number({ error: "validation.fieldNumber" }), z.string({ error: "validation.fieldNumber" }).trim().regex(NUMBER, "validation.fieldNumber")], {
          error: "validation.fieldNumber",
        })
        .transform(Number)
        .pipe(z.number({ error: "validation.fieldNumber" }).refine((n) => Math.abs(n) <= MAX_NUMBER, "validation.fieldNumber"));
    case "dropdown": {
      const values = definition.options.map((o) => o.value);
      return z
        .string({ error: "validation.fieldOption" })
        .trim()
        .refine((v) => values.includes(v), "validation.fieldOption");
    }
    case "date":
      return z.string({ error: "validation.fieldDate" }).trim().pipe(z.iso.date("validation.fieldDate"));
    case "checkbox":
      return z.union(
        [
          z.boolean({ error: "validation.fieldCheckbox" }),
          z
            .string({ error: "validation.fieldCheckbox" })
            .trim()
            .toLowerCase()
            .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v), "validation.fieldCheckbox")
            .transform((v) => TRUE_WORDS.includes(v)),
        ],
        { error: "validation.fieldCheckbox" },
      );
  }
}

/** Is a field with this value filled in, as "required" means it? (A required checkbox must be ticked.) */
export function isFilled(definition: Pick<FieldDefinition, "type">, value: FieldValue | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return definition.type === "checkbox" ? value === true : true;
}

/**
 * The values someone sends, parsed against the fields their audience is asked:
 * - `file` (a new ticket): required fields must be filled; blank ones are left out;
 * - `update`: only the fields sent change; blank (or null) clears one, which a required field refuses
 *   once filled. With the ticket's `current` values, a value sent back as it is stored is no change and
 *   is not checked again (a whole form sends every field, some of them filled before a rule changed).
 * A key the audience is not asked (unknown, archived, or staff-only for a customer) is refused on that key.
 * Errors are i18n keys on the field's key.
 */
export function fieldValuesSchema(
  definitions: readonly FieldDefinition[],
  audience: Audience,
  mode: "file" | "update",
  current?: FieldValues,
) {
  const asked = new Map(fieldsFor(definitions, audience).map((d) => [d.key, d]));
  return z
    .record(z.string(), z.unknown(), { error: "validation.fields" })
    .optional()
    .transform((input, ctx) => {
      const out: Record<string, FieldValue | null> = {};
      const refused = new Set<string>();
      const refuse = (key: string, message: string) => {
        refused.add(key);
        ctx.addIssue({ code: "custom", path: [key], message });
      };
      for (const [key, raw] of Object.entries(input ?? {})) {
        const definition = asked.get(key);
        if (!definition) {
          refuse(key, "validation.fieldUnknown");
          continue;
        }
        if (blank(raw)) {
          if (mode === "update") out[key] = null;
          continue;
        }
        if (mode === "update" && current?.[key] !== undefined && typeof raw !== "object" && String(raw).trim() === String(current[key])) continue;
        const parsed = valueSchema(definition).safeParse(raw);
        if (!parsed.success) {
          refuse(key, parsed.error.issues[0]?.message ?? "validation.fields");
          continue;
        }
        out[key] = parsed.data;
      }
      for (const definition of asked.values()) {
        if (!definition.required || refused.has(definition.key)) continue;
        // Filing: every required field; updating: a required field sent blank may not empty a filled one.
        const given = input !== undefined && definition.key in out;
        const emptied = given && (current === undefined || isFilled(definition, current[definition.key]));
        if ((mode === "file" || emptied) && !isFilled(definition, out[definition.key])) refuse(definition.key, "validation.fieldRequired");
      }
      return out;
    });
}

/** The values of a new ticket: what `fieldValuesSchema(…, "file")` gave, without unset ones. */
export function filedValues(parsed: Record<string, FieldValue | null>): FieldValues {
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, FieldValue] => entry[1] !== null));
}

// ---------------------------------------------------------------------------
// The values as documentation (the OpenAPI document describes each field).

/** One field's value as stored and sent: what the document says about it. */
function documentedValue(definition: FieldDefinition): z.ZodType {
  switch (definition.type) {
    case "text":
      return z.string().max(MAX_TEXT);
    case "number":
      return z.number();
    case "dropdown":
      return z.enum(definition.options.map((o) => o.value) as [string, ...string[]]);
    case "date":
      return z.iso.date();
    case "checkbox":
      return z.boolean();
  }
}

function documentedDescription(definition: FieldDefinition, direction: "response" | "request"): string {
  const parts = [`${definition.labelEn} (${definition.labelZh}).`];
  if (definition.type === "dropdown") parts.push(`One of: ${definition.options.map((o) => `\`${o.value}\` (${o.en} / ${o.zh})`).join(", ")}.`);
  if (definition.type === "date") parts.push("A day, YYYY-MM-DD.");
  if (direction === "request") {
    if (definition.required) parts.push(definition.type === "checkbox" ? "Required when filing: must be true." : "Required when filing.");
    if (!definition.customerVisible) parts.push("Staff only: customers cannot set it.");
    else parts.push("Customers may set it.");
    parts.push("On an update, null clears it.");
  } else if (!definition.customerVisible) {
    parts.push("Staff only.");
  }
  return parts.join(" ");
}

/**
 * The values of the active fields an audience sees, as a zod schema for the
 * OpenAPI document: a strict object with one optional property per field
 * (its type, the options of a dropdown, its label in both languages).
 * `request` describes what staff may send (null clears a value).
 */
export function documentedValuesSchema(definitions: readonly FieldDefinition[], audience: Audience, direction: "response" | "request") {
  const shape: Record<string, z.ZodType> = {};
  for (const definition of fieldsFor(definitions, audience)) {
    const value = documentedValue(definition);
    shape[definition.key] = (direction === "request" ? z.union([value, z.null()]) : value)
      .meta({ description: documentedDescription(definition, direction) })
      .optional();
  }
  return z.strictObject(shape);
}

// ---------------------------------------------------------------------------
// Comparing and reading stored values.

/** Do two values of a field mean the same? (An unset checkbox is an unticked one.) */
export function sameFieldValue(a: FieldValue | null | undefined, b: FieldValue | null | undefined): boolean {
  const norm = (v: FieldValue | null | undefined) => (v === false || v === undefined ? null : v);
  return norm(a) === norm(b);
}

/** Does a ticket's stored value match a filter's value (equality; `false` matches an unticked or unset checkbox)? */
export function fieldMatches(stored: unknown, wanted: FieldValue): boolean {
  if (wanted === false) return stored !== true;
  return stored === wanted;
}

/** A ticket's stored values (JSON of unknown shape) as a map of values; anything else is dropped. */
export function storedValues(raw: unknown): FieldValues {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter(
      (entry): entry is [string, FieldValue] => ["string", "number", "boolean"].includes(typeof entry[1]),
    ),
  );
}

/**
 * The values an audience may see, for the fields it is shown (active ones;
 * customer-visible only for customers), each still valid for its field (a
 * removed option or a hand-edited row is left out rather than shown wrong).
 */
export function visibleValues(definitions: readonly FieldDefinition[], raw: unknown, audience: Audience): FieldValues {
  const values = storedValues(raw);
  const out: FieldValues = {};
  for (const definition of fieldsFor(definitions, audience)) {
    const value = values[definition.key];
    if (value === undefined) continue;
    const parsed = valueSchema(definition).safeParse(value);
    // Only values already in stored shape: "5" is not the number 5.
    if (parsed.success && parsed.data === value) out[definition.key] = value;
  }
  return out;
}

/** The values to store after an update: changed keys set, nulls removed. */
export function applyValues(current: FieldValues, changes: Record<string, FieldValue | null>): FieldValues {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

// ---------------------------------------------------------------------------
// The stale-form rule for custom fields (as tickets/changes.ts planUpdate does for the built-in ones).

/** One custom field's change as the log records it (ticket.field_changed). */
export interface FieldValueChange {
  key: string;
  from: FieldValue | null;
  to: FieldValue | null;
  actorId: string | null;
  at: Date;
  version?: number;
}

/**
 * Which requested field values to apply, and which collide with someone else's
 * change since the version the requester saw. Mirrors planUpdate: from a
 * whole form, a value sent back as it was at that version is one the requester
 * did not change; a value they change that someone else changed meanwhile is
 * a conflict; without a version everything that differs is applied.
 */
export function planFieldUpdate(
  current: FieldValues,
  requested: Record<string, FieldValue | null>,
  seen: { changesSince: FieldValueChange[]; actorId: string; wholeForm: boolean } | null,
): { apply: Record<string, FieldValue | null>; conflicts: FieldValueChange[] } {
  const apply: Record<string, FieldValue | null> = {};
  const conflicts: FieldValueChange[] = [];
  for (const [key, wanted] of Object.entries(requested)) {
    if (sameFieldValue(wanted, current[key])) continue;
    if (seen) {
      const since = seen.changesSince.filter((c) => c.key === key);
      // Undo the changes since, newest first: the value at the version seen.
      const then = since.length > 0 ? since[0].from : current[key];
      if (seen.wholeForm && sameFieldValue(wanted, then)) continue;
      const theirs = since.filter((c) => c.actorId !== seen.actorId);
      if (theirs.length > 0) {
        conflicts.push(...theirs);
        continue;
      }
    }
    apply[key] = wanted;
  }
  return { apply, conflicts };
}
