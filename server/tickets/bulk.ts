// One change to many tickets: status, priority, assignee, team, tags, a
// macro, or a merge into one ticket. Each ticket is its own command (its own transaction,
// checks and events), so one that cannot be changed (closed, out of sight,
// changed meanwhile) is reported and the others go through. Callers that show
// progress send the tickets a slice at a time.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { DomainError, forbidden } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { MAX_TAGS, PRIORITIES, STATUSES, TagSchema, TicketNumberSchema, TICKET_TYPES } from "./schemas.ts";
import { updateTicket } from "./service.ts";
import { mergeTicket } from "./merge.ts";
import { applyMacro } from "../macros/service.ts";

/** Tickets per request; the workspace sends 10 at a time to show progress. */
export const MAX_BULK = 100;

export const BulkChangeSchema = z
  .object({
    status: z.enum(STATUSES, { error: "validation.status" }).optional(),
    priority: z.enum(PRIORITIES, { error: "validation.priority" }).optional(),
    type: z.enum(TICKET_TYPES, { error: "validation.type" }).optional(),
    /** A user id, or null to unassign. */
    assigneeId: z.uuid("validation.assignee").nullable().optional(),
    /** A team id, or null for no team. */
    teamId: z.uuid("validation.team").nullable().optional(),
    addTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
    removeTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
    /** Merge every ticket into this one (alone: a merge changes nothing else). */
    mergeInto: TicketNumberSchema.optional(),
    /** Apply this macro to every ticket (alone: the macro says what changes). */
    macroId: z.uuid("validation.macro").optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), {
    message: "validation.nothingToUpdate",
  })
  .refine((c) => c.mergeInto === undefined || Object.keys(c).every((k) => k === "mergeInto" || c[k as keyof typeof c] === undefined), {
    message: "validation.mergeAlone",
    path: ["mergeInto"],
  })
  .refine((c) => c.macroId === undefined || Object.keys(c).every((k) => k === "macroId" || c[k as keyof typeof c] === undefined), {
    message: "validation.macroAlone",
    path: ["macroId"],
  });

export const BulkInputSchema = z.object({
  numbers: z
    .array(TicketNumberSchema, { error: "validation.bulkTickets" })
    .min(1, "validation.bulkTickets")
    .max(MAX_BULK, "validation.bulkTooMany")
    .transform((numbers) => [...new Set(numbers)]),
  change: BulkChangeSchema,
});
export type BulkInput = z.input<typeof BulkInputSchema>;

export interface BulkResult {
  number: number;
  ok: boolean;
  /** Why it could not be done (an i18n key: errors.* or validation.*). */
  error?: string;
}

/** Applies the change to each ticket in turn; never throws for one ticket's refusal. */
export async function bulkChange(db: Db, user: AuthUser, rawInput: unknown, now = new Date()): Promise<BulkResult[]> {
  if (!can(user, "tickets.update")) throw forbidden();
  const { numbers, change } = parseInput(BulkInputSchema, rawInput);
  const { mergeInto, macroId, ...fields } = change;
  const results: BulkResult[] = [];
  for (const number of numbers) {
    try {
      if (mergeInto !== undefined) await mergeTicket(db, user, number, { into: mergeInto }, now);
      else if (macroId !== undefined) await applyMacro(db, user, number, macroId, {}, now);
      else await updateTicket(db, user, number, fields, now);
      results.push({ number, ok: true });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A field error names the reason better than "some fields need attention".
      const detail = error.details ? Object.values(error.details).flat()[0] : undefined;
      results.push({ number, ok: false, error: detail ?? error.messageKey });
    }
  }
  return results;
}
