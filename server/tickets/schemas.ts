// Input schemas for tickets and messages, shared by the portal, the agent
// workspace and the API. Messages are i18n keys (see app/i18n).
import { z } from "zod";
import { CursorParamSchema, LimitParamSchema } from "../pagination.ts";
import { MAX_ATTACHMENTS } from "../attachments/limits.ts";

/** Uploads to send with a message (ids from POST /uploads or a form's files). */
export const AttachmentIdsSchema = z
  .array(z.uuid("validation.attachmentUnknown"), { error: "validation.attachmentUnknown" })
  .max(MAX_ATTACHMENTS, "validation.tooManyAttachments")
  .transform((ids) => [...new Set(ids)]);

export const TICKET_TYPES = ["complaint", "inquiry"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;

/** Ticket numbers are PostgreSQL integers: larger values are simply not found. */
export const MAX_TICKET_NUMBER = 2_147_483_647;
export const TicketNumberSchema = z.coerce.number().int().positive().max(MAX_TICKET_NUMBER);

/**
 * Values of custom ticket fields by key. Their own rules (which fields, which
 * values, required ones) depend on the fields defined now: the ticket service
 * checks them (server/fields/values.ts). The OpenAPI document describes each
 * field in place of this component (server/api/openapi.ts).
 */
export const TicketFieldsInputSchema = z
  .record(z.string(), z.unknown(), { error: "validation.fields" })
  .meta({ id: "TicketFieldsInput", description: "Custom field values by field key" });

export const NewTicketSchema = z.object({
  type: z.enum(TICKET_TYPES, { error: "validation.type" }),
  category: z.string({ error: "validation.category" }).trim().min(1, "validation.category"),
  subject: z
    .string({ error: "validation.subject" })
    .trim()
    .min(3, "validation.subject")
    .max(200, "validation.subjectTooLong"),
  description: z
    .string({ error: "validation.description" })
    .trim()
    .min(10, "validation.description")
    .max(20_000, "validation.descriptionTooLong"),
  attachments: AttachmentIdsSchema.default([]),
  fields: TicketFieldsInputSchema.optional(),
});

/** Staff and API clients may also set these when filing for a customer. */
export const StaffNewTicketSchema = NewTicketSchema.extend({
  requesterEmail: z.email("validation.email").optional(),
  priority: z.enum(PRIORITIES, { error: "validation.priority" }).optional(),
});
export type StaffNewTicketInput = z.infer<typeof StaffNewTicketSchema>;

/**
 * A ticket filed from a received mail (server/mail/inbound/): whatever its subject and text are,
 * within the lengths the columns and pages take (the inbound job shortens longer ones).
 */
export const MailNewTicketSchema = StaffNewTicketSchema.extend({
  subject: z.string({ error: "validation.subject" }).trim().min(1, "validation.subject").max(200, "validation.subjectTooLong"),
  description: z.string({ error: "validation.description" }).trim().min(1, "validation.description").max(20_000, "validation.descriptionTooLong"),
});

/** A ticket carries at most this many tags. */
export const MAX_TAGS = 20;

export const TagSchema = z
  .string({ error: "validation.tag" })
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u, "validation.tag");

export const TicketUpdateSchema = z
  .object({
    status: z.enum(STATUSES, { error: "validation.status" }).optional(),
    priority: z.enum(PRIORITIES, { error: "validation.priority" }).optional(),
    type: z.enum(TICKET_TYPES, { error: "validation.type" }).optional(),
    /** A user id, or null to unassign. */
    assigneeId: z.uuid("validation.assignee").nullable().optional(),
    /** A team id, or null for no team (untriaged). */
    teamId: z.uuid("validation.team").nullable().optional(),
    /** The full set of tags after the change. */
    tags: z
      .array(TagSchema)
      .max(MAX_TAGS, "validation.tooManyTags")
      .transform((tags) => [...new Set(tags)])
      .optional(),
    /** Tags to add and to remove, whatever else the ticket has (a colleague's tag change never conflicts with these). */
    addTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
    removeTags: z.array(TagSchema).max(MAX_TAGS, "validation.tooManyTags").optional(),
    /** Custom field values to set (null or "" clears one); fields not named are left as they are. */
    fields: TicketFieldsInputSchema.optional(),
    /** The ticket version the change is based on (the API also takes it as If-Match). */
    version: z.coerce.number({ error: "validation.version" }).int("validation.version").positive("validation.version").optional(),
  })
  .refine(
    (v) =>
      v.status !== undefined ||
      v.priority !== undefined ||
      v.type !== undefined ||
      v.assigneeId !== undefined ||
      v.teamId !== undefined ||
      v.tags !== undefined ||
      Object.keys(v.fields ?? {}).length > 0 ||
      (v.addTags?.length ?? 0) + (v.removeTags?.length ?? 0) > 0,
    { message: "validation.nothingToUpdate" },
  );

/** The longest message, in characters. */
export const MAX_MESSAGE = 20_000;

export const NewMessageSchema = z.object({
  body: z
    .string({ error: "validation.body" })
    .trim()
    .min(1, "validation.body")
    .max(MAX_MESSAGE, "validation.bodyTooLong"),
  kind: z.enum(["public", "internal"], { error: "validation.kind" }).default("public"),
  attachments: AttachmentIdsSchema.default([]),
  /**
   * The ticket's version when the writer started: if someone else replied or
   * changed the ticket since, the message is refused with what happened
   * (StaleReplyError), not sent blindly. Left out, the message always goes.
   */
  seenVersion: z.coerce.number({ error: "validation.version" }).int("validation.version").min(1, "validation.version").optional(),
});

export const TicketListQuerySchema = z.object({
  status: z.enum([...STATUSES, "active"], { error: "validation.status" }).optional(),
  view: z.enum(["all", "mine", "unassigned"], { error: "validation.view" }).default("all"),
  /** Newest first, the next SLA due time first (tickets with no running target last), or the latest change first. */
  sort: z.enum(["created", "due", "updated"], { error: "validation.sort" }).default("created"),
  limit: LimitParamSchema(200, 50),
  /** `nextCursor` of the previous page. */
  cursor: CursorParamSchema.optional(),
});

export const MessageListQuerySchema = z.object({
  limit: LimitParamSchema(200, 50),
  cursor: CursorParamSchema.optional(),
});
