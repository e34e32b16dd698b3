// Macros: a canned public reply and/or internal note, in each language, with
// placeholders, plus changes to the ticket (status, priority, type, team,
// assignee, tags). Applying one is a single command (server/macros/service.ts);
// these are its rules as plain functions, no I/O.
import { z } from "zod";
import { LOCALES, type Locale } from "../../app/i18n/config.ts";
import { PRIORITIES, STATUSES, TagSchema, TICKET_TYPES, MAX_TAGS } from "../tickets/schemas.ts";

/** What a macro's text may name, filled in for the ticket it is applied to. */
export const MACRO_PLACEHOLDERS = ["customer.name", "customer.email", "ticket.number", "ticket.subject", "agent.name"] as const;
export type MacroPlaceholder = (typeof MACRO_PLACEHOLDERS)[number];
export type PlaceholderValues = Record<MacroPlaceholder, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholders a text names that macros do not know (a typo would otherwise reach the customer as "{{custmer.name}}"). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !(MACRO_PLACEHOLDERS as readonly string[]).includes(name));
}

/** The text with its placeholders filled in. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (match, name: string) => values[name as MacroPlaceholder] ?? match);
}

export const MAX_MACRO_TEXT = 20_000;

const MacroTextSchema = z
  .string({ error: "validation.macroText" })
  .trim()
  .max(MAX_MACRO_TEXT, "validation.bodyTooLong")
  .refine((text) => unknownPlaceholders(text).length === 0, { message: "validation.macroPlaceholder" })
  .optional()
  // An empty box means "no text in this language".
  .transform((text) => (text ? text : undefined));

/** One text per language; a language left out uses the other. */
export const MacroTextsSchema = z.object(Object.fromEntries(LOCALES.map((l) => [l, MacroTextSchema])) as Record<Locale, typeof MacroTextSchema>);
export type MacroTexts = Partial<Record<Locale, string>>;

/** "me": whoever applies the macro. */
export const ME = "me";

export const MacroActionsSchema = z.object({
  // A macro never takes a ticket back to "new": that status means nobody has looked yet.
  status: z.enum(STATUSES, { error: "validation.status" }).exclude(["new"], { error: "validation.status" }).optional(),
  priority: z.enum(PRIORITIES, { error: "validation.priority" }).optional(),
  type: z.enum(TICKET_TYPES, { error: "validation.type" }).optional(),
  /** A team id, or null for no team. */
  teamId: z.uuid("validation.team").nullable().optional(),
  /** A user id, "me", or null to unassign. */
  assigneeId: z.union([z.literal(ME), z.uuid("validation.assignee")], { error: "validation.assignee" }).nullable().optional(),
  addTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
  removeTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
});
export type MacroActions = z.output<typeof MacroActionsSchema>;

const hasText = (texts: MacroTexts | null | undefined) => !!texts && Object.values(texts).some(Boolean);
const hasActions = (actions: MacroActions) =>
  Object.entries(actions).some(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));

export const MacroInputSchema = z
  .object({
    name: z.string({ error: "validation.macroName" }).trim().min(1, "validation.macroName").max(80, "validation.macroName"),
    /** Shared with all staff (needs macros.manage), or the author's own. */
    shared: z.boolean({ error: "validation.shared" }).optional(),
    reply: MacroTextsSchema.nullable().default(null),
    note: MacroTextsSchema.nullable().default(null),
    actions: MacroActionsSchema.default({}),
  })
  .refine((m) => hasText(m.reply) || hasText(m.note) || hasActions(m.actions), { message: "validation.macroEmpty" });
export type MacroInput = z.input<typeof MacroInputSchema>;

/** The text for a ticket in `locale`: that language's, else the other's. */
export function textIn(texts: MacroTexts | null, locale: Locale): string | null {
  if (!texts) return null;
  return texts[locale] ?? LOCALES.map((l) => texts[l]).find(Boolean) ?? null;
}

/** The macro's changes as a ticket update, "me" being the person applying it. */
export function actionsAsUpdate(actions: MacroActions, userId: string) {
  const { assigneeId, ...rest } = actions;
  return {
    ...rest,
    ...(assigneeId === undefined ? {} : { assigneeId: assigneeId === ME ? userId : assigneeId }),
  };
}
