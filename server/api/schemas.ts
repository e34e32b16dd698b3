// Response bodies of /api/v1 as zod schemas. They name the OpenAPI
// components (`.openapi("Name")`) and type what handlers may return.
// Objects are strict (additionalProperties: false), so the contract test
// fails when a response grows a field the document does not declare, e.g. a
// staff-only field reaching a customer.
//
// Timestamps are z.date(): handlers return Dates, JSON sends ISO 8601 strings,
// and the document says `string, format: date-time`.
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../tickets/schemas.ts";
import { RUN_STATES, TICKET_SLA_STATES } from "../sla/state.ts";
import { TARGETS } from "../sla/clock.ts";
import { ESCALATION_RECIPIENTS } from "../sla/policy.ts";
import { FIELD_NAMES } from "../tickets/changes.ts";
import { NOTIFICATION_KINDS, type NotificationKind } from "../notifications/service.ts";
import { ALL_SCOPES, type Scope } from "../auth/scopes.ts";

extendZodWithOpenApi(z);

/**
 * `schema | null` for a named schema. zod-to-openapi renders `.nullable()` of
 * a $ref as allOf [ref, {type: [object, null]}], which rejects null; a union
 * renders as anyOf [ref, {type: null}], which is right.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

const Timestamp = z.date();
const Uuid = z.uuid();

export const ApiError = z
  .strictObject({
    error: z.strictObject({
      code: z.string().openapi({ examples: ["validation_failed", "not_found", "unauthorized"] }),
      message: z.string().openapi({ description: "In the caller's language (Accept-Language: en or zh-CN)" }),
      details: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .openapi({ description: "Messages per input field (`_form` for the whole input)" }),
    }),
  })
  .openapi("Error");

export const Token = z.strictObject({ token: z.string(), expiresAt: Timestamp }).openapi("Token");

export const TokenScope = z
  .enum(ALL_SCOPES as [Scope, ...Scope[]])
  .openapi("TokenScope", { description: '"<resource>:read", "<resource>:write" (which includes read), or "*" for everything the token\'s user may do' });

export const TokenInfo = z
  .strictObject({
    id: Uuid,
    name: z.string().openapi({ description: "As its owner named it; empty for a token from POST /auth/token" }),
    scopes: z.array(TokenScope),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    lastUsedAt: orNull(Timestamp).openapi({ description: "Recorded at most once a minute" }),
  })
  .openapi("TokenInfo", { description: "One of your API tokens (the token itself is shown only when made)" });
export const TokenPage = z.strictObject({ data: z.array(TokenInfo), nextCursor: orNull(z.string()) }).openapi("TokenPage");

export const Me = z
  .strictObject({
    id: Uuid,
    email: z.email(),
    name: z.string(),
    role: z.enum(["customer", "agent", "supervisor", "admin"]),
    customerId: orNull(Uuid).openapi({
      description: "Set for customers whose email address is confirmed: their customer profile (null until then: no tickets show)",
    }),
  })
  .openapi("Me");

const Ref = z.strictObject({ id: Uuid, name: z.string() }).openapi("Ref");

/**
 * Custom field values by key. The served document describes each active field
 * in place of these two components (server/api/openapi.ts, from the
 * definitions now): customers see customer-visible fields only.
 */
const FieldValue = z.union([z.string(), z.number(), z.boolean()]);
export const CustomerTicketFields = z
  .record(z.string(), FieldValue)
  .openapi("CustomerTicketFields", { description: "Custom field values by field key: the fields shown to customers" });
export const StaffTicketFields = z
  .record(z.string(), FieldValue)
  .openapi("StaffTicketFields", { description: "Custom field values by field key: every active field" });

/** What everybody who may see a ticket sees. */
const customerTicketFields = {
  number: z.number().int(),
  id: Uuid,
  type: z.enum(TICKET_TYPES),
  channel: z.enum(["portal", "email", "api", "agent"]),
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES),
  subject: z.string(),
  category: z.string().openapi({ description: "Category key" }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  firstResponseDueAt: orNull(Timestamp).openapi({ description: "When the first response is due (null when met, paused or not set)" }),
  resolutionDueAt: orNull(Timestamp).openapi({ description: "When the resolution is due (null when solved, paused or not set)" }),
  replyDueAt: orNull(Timestamp).openapi({ description: "When the team's next reply is due: the first response, or the answer to the customer's latest message" }),
  firstRespondedAt: orNull(Timestamp),
  solvedAt: orNull(Timestamp),
  fields: CustomerTicketFields,
};

const SlaTargetRun = z
  .strictObject({
    target: z.enum(TARGETS),
    cycle: z.number().int().positive().openapi({ description: "1 for the target's first run on the ticket; next response and periodic update run again with each exchange" }),
    state: z.enum(RUN_STATES),
    startedAt: Timestamp,
    dueAt: orNull(Timestamp).openapi({ description: "Null while the clock stands still with time left" }),
    atRiskAt: orNull(Timestamp),
    fulfilledAt: orNull(Timestamp),
    pausedSince: orNull(Timestamp),
    warnedAt: orNull(Timestamp).openapi({ description: "When the warning was recorded" }),
    breachedAt: orNull(Timestamp).openapi({ description: "When the breach was recorded" }),
  })
  .openapi("SlaTargetRun");

/** What staff see on top. */
const staffTicketFields = {
  ...customerTicketFields,
  fields: StaffTicketFields,
  version: z
    .number()
    .int()
    .positive()
    .openapi({ description: "Goes up with every change. Send it back as `If-Match` (or `version`) with an update to be told about others' changes." }),
  tags: z.array(z.string()),
  sla: z.enum(TICKET_SLA_STATES).openapi({ description: "The worst state of the running SLA targets; met or missed once none runs" }),
  slaDueAt: orNull(Timestamp).openapi({ description: "The earliest due time of a running SLA target" }),
  slaTargets: z.array(SlaTargetRun).openapi({ description: "The current run of each SLA target of the ticket's policy" }),
  requester: z.strictObject({
    id: Uuid,
    name: z.string(),
    email: z.email(),
    tier: z.enum(["key", "growth", "standard"]),
  }),
  assignee: orNull(Ref),
  team: orNull(Ref),
};

export const CustomerTicket = z
  .strictObject(customerTicketFields)
  .openapi("CustomerTicket", { description: "A ticket as its requester sees it." });
export const StaffTicket = z
  .strictObject(staffTicketFields)
  .openapi("StaffTicket", { description: "A ticket as staff see it: with tags, SLA state, requester, assignee and team." });
export const Ticket = z
  .union([StaffTicket, CustomerTicket])
  .openapi("Ticket", { description: "Customers get CustomerTicket, staff StaffTicket." }, { unionPreferredType: "oneOf" });

/** One change someone else made to a ticket since a version (the stale-update and stale-reply answers). */
const FieldChange = z.strictObject({
  field: z.union([z.enum(FIELD_NAMES), z.string().regex(/^fields\.[a-z][a-z0-9_]*$/)]).openapi({ description: 'A property, or a custom field as "fields.<key>"' }),
  from: z.unknown(),
  to: z.unknown(),
  actorId: orNull(Uuid),
  at: Timestamp,
});
const ErrorBase = { code: z.string(), message: z.string(), details: z.record(z.string(), z.array(z.string())).optional() };

export const StaleTicketError = z
  .strictObject({
    error: z.strictObject({
      ...ErrorBase,
      current: StaffTicket.optional().openapi({ description: "The ticket as it is now (when the update was based on an old version)" }),
      changes: z
        .array(FieldChange)
        .optional()
        .openapi({ description: "Others' changes since that version to the fields this update changes" }),
    }),
  })
  .openapi("ConflictError", { description: "An Error; after a stale update it also carries `current` and `changes`." });

export const ListenerStatus = z
  .strictObject({
    name: z.string(),
    backlog: z.number().int().openapi({ description: "Events after its position (not all of them concern it)" }),
    attempts: z.number().int().openapi({ description: "Failed attempts at the event it is retrying" }),
    lastError: orNull(z.string()),
    retryAt: orNull(Timestamp),
    leasedBy: orNull(z.string()).openapi({ description: "The process running it" }),
    deadLetters: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi("ListenerStatus");
export const ListenerStatusPage = z
  .strictObject({ data: z.array(ListenerStatus), nextCursor: orNull(z.string()) })
  .openapi("ListenerStatusPage");

export const DeadLetter = z
  .strictObject({
    id: z.string(),
    listener: z.string(),
    error: z.string(),
    attempts: z.number().int(),
    createdAt: Timestamp,
    replayRequestedAt: orNull(Timestamp).openapi({ description: "Set while a replay is asked for and not yet done" }),
    event: orNull(
      z.strictObject({ id: z.string(), type: z.string(), ticketId: orNull(Uuid), at: Timestamp, data: z.unknown() }),
    ),
  })
  .openapi("DeadLetter", { description: "An event a listener gave up on after its retries" });
export const DeadLetterPage = z
  .strictObject({ data: z.array(DeadLetter), nextCursor: orNull(z.string()) })
  .openapi("DeadLetterPage");

export const Attachment = z
  .strictObject({
    id: Uuid,
    filename: z.string(),
    contentType: z.string().openapi({ description: "Read from the file's bytes when it was uploaded, not from its name." }),
    size: z.number().int().openapi({ description: "In bytes." }),
  })
  .openapi("Attachment", { description: "Download with GET /attachments/{id}." });

export const UploadRefusedError = z
  .strictObject({
    error: z.strictObject({
      ...ErrorBase,
      filename: z.string().optional().openapi({ description: "The refused file, when one was (too large, empty, a program, not what its name says)" }),
    }),
  })
  .openapi("UploadRefusedError", { description: "An Error; when a file was refused it also names it." });

export const Message = z
  .strictObject({
    id: Uuid,
    kind: z.enum(["public", "internal"]),
    body: z.string(),
    createdAt: Timestamp,
    author: orNull(z.strictObject({ id: Uuid, name: z.string(), role: z.enum(["customer", "agent", "supervisor", "admin"]) })),
    attachments: z.array(Attachment),
  })
  .openapi("Message", { description: "Customers never receive internal notes." });

export const StaleReplyError = z
  .strictObject({
    error: z.strictObject({
      ...ErrorBase,
      messages: z
        .array(Message)
        .optional()
        .openapi({ description: "What others wrote since that version (staff only: customers are never held back)" }),
      changes: z.array(FieldChange).optional().openapi({ description: "Others' changes to the ticket since that version" }),
    }),
  })
  .openapi("StaleReplyError", { description: "An Error; when the ticket moved on since the version a message was written on, what happened." });

const TicketSurvey = z
  .strictObject({
    rating: orNull(z.number().int()),
    comment: orNull(z.string()),
    respondedAt: orNull(Timestamp),
    token: orNull(z.string()).openapi({ description: "The one-time survey token: only for the requester, while it can be answered" }),
  })
  .openapi("TicketSurvey");

const detailFields = { messages: z.array(Message), survey: orNull(TicketSurvey) };
export const TicketDetail = z
  .union([
    z.strictObject({ ...staffTicketFields, ...detailFields }).openapi("StaffTicketDetail"),
    z.strictObject({ ...customerTicketFields, ...detailFields }).openapi("CustomerTicketDetail"),
  ])
  .openapi("TicketDetail", { description: "A ticket with its thread and survey." }, { unionPreferredType: "oneOf" });

const nextCursor = orNull(z.string()).openapi({ description: "Pass as `cursor` for the next page; null on the last page" });

export const TicketPage = z
  .strictObject({
    data: z.array(Ticket),
    nextCursor,
    total: z.number().int().openapi({ description: "Tickets matching the filter, counted up to 10,000 (see totalCapped)" }),
    totalCapped: z
      .boolean()
      .openapi({ description: "True when more than 10,000 tickets match: total is then 10,000, a lower bound" }),
  })
  .openapi("TicketPage");

export const MessagePage = z.strictObject({ data: z.array(Message), nextCursor }).openapi("MessagePage");

export const SurveyByToken = z
  .strictObject({
    ticketNumber: z.number().int(),
    subject: z.string(),
    answered: z.boolean(),
    expired: z.boolean(),
    rating: orNull(z.number().int()),
  })
  .openapi("Survey");

export const SurveyAnswer = z.strictObject({ rating: z.number().int().min(1).max(5) }).openapi("SurveyAnswer");

const Band = z.enum(["healthy", "at_risk", "critical"]);
export const CustomerHealth = z
  .strictObject({
    score: z.number().int().min(0).max(100),
    band: Band,
    components: z.array(
      z.strictObject({
        key: z.enum(["csat", "complaints", "sla_breaches", "open_backlog"]),
        weight: z.number(),
        value: z.number().openapi({ description: "0-100: how healthy this component alone looks" }),
        contribution: z.number().openapi({ description: "Points it adds to the score (weight × value)" }),
        lost: z.number().openapi({ description: "Points it costs the score against a perfect 100 (weight × (100 − value))" }),
        reasons: z
          .array(
            z.strictObject({
              ticketNumber: z.number().int(),
              rating: z.number().int().min(1).max(5).optional().openapi({ description: "The CSAT rating (csat)" }),
              days: z.number().int().optional().openapi({ description: "Days the ticket has waited (open_backlog)" }),
              points: z.number().openapi({ description: "Points of the score it costs" }),
            }),
          )
          .openapi({ description: "What costs the points, ticket by ticket, most first (a few at most)" }),
        unrated: z.literal(true).optional().openapi({ description: "csat only: no ratings yet, the component holds a default" }),
      }),
    ),
    updatedAt: Timestamp,
    history: z.array(z.strictObject({ score: z.number().int(), band: Band, reason: z.string(), createdAt: Timestamp })),
  })
  .openapi("CustomerHealth");

export const ArticleHit = z
  .strictObject({
    id: z.string(),
    slug: z.string(),
    locale: z.string().openapi({ examples: ["en", "zh-CN"] }),
    title: z.string(),
    excerpt: z.string(),
    highlight: z.string().optional().openapi({ description: "Safe HTML: a body snippet with matches in <mark>" }),
  })
  .openapi("ArticleHit");

export const ArticleSearchPage = z
  .strictObject({ data: z.array(ArticleHit), nextCursor, total: z.number().int().openapi({ description: "Estimated matches" }) })
  .openapi("ArticleSearchPage");

export const TicketHit = z
  .strictObject({
    number: z.number().int(),
    subject: z.string(),
    subjectHighlight: z.string().optional().openapi({ description: "Safe HTML: the subject with matches in <mark>" }),
    status: z.enum(STATUSES),
    priority: z.enum(PRIORITIES),
    sla: z.enum(TICKET_SLA_STATES),
    slaDueAt: orNull(Timestamp),
    updatedAt: Timestamp,
    requester: z.strictObject({ name: z.string(), email: z.string() }),
    assignee: orNull(z.string()).openapi({ description: "The assignee's name" }),
    team: orNull(z.string()).openapi({ description: "The team's name" }),
    highlight: z
      .strictObject({ html: z.string(), internal: z.boolean().openapi({ description: "The match is in an internal note" }) })
      .optional()
      .openapi({ description: "Safe HTML: where the conversation matched, with matches in <mark>" }),
  })
  .openapi("TicketHit");

export const TicketSearchPage = z
  .strictObject({
    data: z.array(TicketHit),
    nextCursor,
    total: z.number().int().openapi({ description: "Estimated matches" }),
    ignored: z
      .array(z.string())
      .openapi({ description: "Operators that were not applied: a value they cannot take (`status:opne`) or nobody by that name" }),
  })
  .openapi("TicketSearchPage");

export const BulkResults = z
  .strictObject({
    results: z.array(
      z.strictObject({
        number: z.number().int(),
        ok: z.boolean(),
        error: z.string().optional().openapi({ description: "Why this ticket could not be changed, in the caller's language" }),
      }),
    ),
  })
  .openapi("BulkResults");

const MacroTexts = z
  .strictObject({ en: z.string().optional(), "zh-CN": z.string().optional() })
  .openapi("MacroTexts", { description: "The text per language; a ticket in a language without one gets the other" });

export const Macro = z
  .strictObject({
    id: Uuid,
    name: z.string(),
    shared: z.boolean().openapi({ description: "Shared with all staff (kept by those who manage macros), else the caller's own" }),
    reply: orNull(MacroTexts).openapi({ description: "A public reply, with placeholders such as {{customer.name}}" }),
    note: orNull(MacroTexts).openapi({ description: "An internal note" }),
    actions: z
      .strictObject({
        status: z.enum(STATUSES).optional(),
        priority: z.enum(PRIORITIES).optional(),
        type: z.enum(TICKET_TYPES).optional(),
        teamId: Uuid.nullable().optional(),
        assigneeId: z.string().nullable().optional().openapi({ description: 'A user id, "me" (whoever applies it) or null to unassign' }),
        addTags: z.array(z.string()).optional(),
        removeTags: z.array(z.string()).optional(),
      })
      .openapi("MacroActions"),
    usageCount: z.number().int(),
    lastUsedAt: Timestamp.nullable(),
    updatedAt: Timestamp.openapi({ description: "Send it back as `macroUpdatedAt` when applying, to be refused if the macro changed since" }),
    editable: z.boolean().openapi({ description: "Whether the caller may change or remove it" }),
  })
  .openapi("Macro");

export const MacroList = z.strictObject({ data: z.array(Macro) }).openapi("MacroList");

export const OpenApiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) })
  .openapi("OpenApiDocument");

export const SlaPreview = z
  .strictObject({
    dueAt: z.string().openapi({
      description: "When the time runs out, as ISO 8601 with the calendar's own offset (e.g. 2026-11-24T14:00:00+01:00)",
    }),
  })
  .openapi("SlaPreview");

const WallTime = z.string().openapi({ example: "09:00", description: '"HH:MM" from 00:00 to 24:00' });
export const Calendar = z
  .strictObject({
    id: Uuid,
    name: z.string(),
    timezone: z.string().openapi({ example: "Europe/Berlin" }),
    hours: z
      .partialRecord(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), z.array(z.tuple([WallTime, WallTime])))
      .openapi({ description: "Open periods per weekday; an end before its start runs past midnight" }),
    holidays: z.array(z.string()).openapi({ description: '"YYYY-MM-DD" once, "--MM-DD" every year' }),
    builtIn: z.boolean().openapi({ description: "The always-open calendar every installation has: it cannot be changed or removed" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Calendar");

export const CalendarPage = z.strictObject({ data: z.array(Calendar), nextCursor: z.string().nullable() }).openapi("CalendarPage");

const TargetSpec = z.strictObject({ minutes: z.number().int(), business: z.boolean() });
export const SlaPolicy = z
  .strictObject({
    id: Uuid,
    name: z.string(),
    position: z.number().int().openapi({ description: "Lower is tried first; the first enabled policy whose conditions all hold applies" }),
    enabled: z.boolean(),
    types: z.array(z.enum(["complaint", "inquiry"])).openapi({ description: "Conditions: an empty list matches anything" }),
    priorities: z.array(z.enum(["low", "normal", "high", "urgent"])),
    tiers: z.array(z.enum(["key", "growth", "standard"])),
    channels: z.array(z.enum(["portal", "email", "api", "agent"])),
    categoryIds: z.array(Uuid),
    teamIds: z.array(Uuid),
    calendarId: Uuid.openapi({ description: "Business minutes count on this calendar" }),
    pauseOnHold: z.boolean(),
    atRiskShare: z.number(),
    atRiskMinutesBefore: z.number().int().nullable(),
    targets: z
      .partialRecord(
        z.enum(["low", "normal", "high", "urgent"]),
        z.partialRecord(z.enum(["first_response", "next_response", "periodic_update", "resolution"]), TargetSpec),
      )
      .openapi({ description: "Per priority: each target's minutes, business (the calendar's open hours) or calendar minutes" }),
    escalations: z
      .array(
        z.strictObject({
          on: z.enum(["at_risk", "breached"]),
          afterMinutes: z.number().int().openapi({ description: "After the breach (0 for at risk)" }),
          notify: z.array(z.enum(ESCALATION_RECIPIENTS)).openapi({ description: "\"team\": the ticket's team, while nobody is assigned" }),
          raisePriorityTo: orNull(z.enum(["low", "normal", "high", "urgent"])).openapi({ description: "Raised to this priority, never lowered" }),
          assignTeamId: orNull(Uuid),
          assignAgentId: orNull(Uuid),
          addTags: z.array(z.string()),
        }),
      )
      .openapi({ description: "Levels fired once per run of each target, in the order they fall due" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("SlaPolicy");

export const SlaPolicyList = z.strictObject({ data: z.array(SlaPolicy) }).openapi("SlaPolicyList");

const KINDS = Object.keys(NOTIFICATION_KINDS) as [NotificationKind, ...NotificationKind[]];
const NotificationKinds = z.enum(KINDS);

export const Notification = z
  .strictObject({
    id: Uuid,
    kind: NotificationKinds,
    ticketId: orNull(Uuid),
    ticket: orNull(z.strictObject({ number: z.number().int(), subject: z.string() })),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: "What happened, by kind: for SLA kinds target, dueAt, policy, on and afterMinutes; for the others `by` (who) and `messageId`" }),
    createdAt: Timestamp,
    readAt: orNull(Timestamp),
  })
  .openapi("Notification");

export const NotificationPage = z
  .strictObject({ data: z.array(Notification), unread: z.number().int(), nextCursor: orNull(z.string()) })
  .openapi("NotificationPage");

export const UnreadCount = z.strictObject({ unread: z.number().int() }).openapi("UnreadCount");

export const NotificationPreferences = z
  .strictObject(
    Object.fromEntries(KINDS.map((kind) => [kind, z.strictObject({ inApp: z.boolean(), email: z.boolean() })])) as Record<
      NotificationKind,
      z.ZodObject<{ inApp: z.ZodBoolean; email: z.ZodBoolean }>
    >,
  )
  .openapi("NotificationPreferences");

export const SlaRecompute = z
  .strictObject({
    recompute: orNull(
      z.strictObject({
        id: Uuid,
        reason: z.string().openapi({ description: "What asked for it: policy:<id>, policy:order or calendar:<id>" }),
        requestedAt: Timestamp,
        startedAt: orNull(Timestamp),
        finishedAt: orNull(Timestamp),
        total: z.number().int().openapi({ description: "Worked tickets when it started" }),
        done: z.number().int(),
        changed: z.number().int().openapi({ description: "Tickets whose SLA targets changed" }),
      }),
    ),
  })
  .openapi("SlaRecompute");
