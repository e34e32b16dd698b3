// Every route of /api/v1, described once (see contract.ts). Handlers are thin:
// the router has authenticated the caller and parsed the input; they call the
// domain service (which checks permissions) and shape the JSON.
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { attachmentHeaders } from "../attachments/http.ts";
import { discardFile, receiveFile, tooLarge } from "../attachments/incoming.ts";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, PENDING_UPLOAD_HOURS } from "../attachments/limits.ts";
import { openAttachment, receiveUploads } from "../attachments/service.ts";
import { db } from "../db/client.ts";
import { ChangePasswordSchema, changePassword, SignInSchema, signIn } from "../auth/accounts.ts";
import { issueApiToken, issueSignInToken } from "../auth/api-tokens.ts";
import { TOKEN_AND_AUDIT_ROUTES } from "./routes/tokens-audit.ts";
import { ADMIN_ROUTES } from "./routes/admin.ts";
import { FIELD_ROUTES } from "./routes/fields.ts";
import { RULE_ROUTES } from "./routes/rules.ts";
import { AUTOMATION_ROUTES } from "./routes/automations.ts";
import { MAIL_OUTBOUND_ROUTES } from "./routes/mail-outbound.ts";
import { MAIL_INBOUND_ROUTES } from "./routes/mail-inbound.ts";
import { fieldDefinitions } from "../fields/service.ts";
import { withTicketFields } from "./field-document.ts";
import type { FieldDefinition } from "../fields/values.ts";
import { DomainError, notFound } from "../errors.ts";
import type { AuthUser } from "../auth/policy.ts";
import {
  DeadLetterIdSchema,
  DeadLetterQuerySchema,
  ListenerQuerySchema,
  listDeadLetters,
  listenerStatus,
  requestReplay,
} from "../events/monitor.ts";
import { getCustomerHealth } from "../health/service.ts";
import { ARTICLE_LOCALES } from "../kb/articles.ts";
import { CursorParamSchema, decodeOffset, encodeOffset, LimitParamSchema } from "../pagination.ts";
import { answerSurvey, getSurveyByToken, SurveyAnswerSchema, SurveyTokenSchema } from "../surveys/service.ts";
import {
  MessageListQuerySchema,
  NewMessageSchema,
  StaffNewTicketSchema,
  TicketListQuerySchema,
  TicketNumberSchema,
  TicketUpdateSchema,
} from "../tickets/schemas.ts";
import {
  addMessage,
  createTicket,
  getMessage,
  getTicket,
  getTicketSummary,
  listMessages,
  listTickets,
  StaleReplyError,
  StaleTicketError,
  updateTicket,
} from "../tickets/service.ts";
import { IdempotencyKeySchema } from "../idempotency.ts";
import {
  CalendarChangeSchema,
  CalendarListQuerySchema,
  NewCalendarSchema,
  NewPolicySchema,
  PolicyChangeSchema,
  PolicyOrderSchema,
  SlaPreviewSchema,
} from "../sla/schemas.ts";
import {
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getCalendar,
  getPolicy,
  listCalendars,
  listPolicies,
  previewDueTime,
  reorderPolicies,
  updateCalendar,
  updatePolicy,
} from "../sla/service.ts";
import { latestRecompute } from "../sla/recompute.ts";
import {
  getPreferences,
  listNotifications,
  liveNotification,
  markRead,
  MarkReadSchema,
  NotificationListQuerySchema,
  PreferencesSchema,
  setPreferences,
} from "../notifications/service.ts";
import { MAX_SEARCH_OFFSET, searchArticles } from "../../search/articles.ts";
import { searchTickets } from "../../search/tickets.ts";
import { mergeTicket, MergeSchema } from "../tickets/merge.ts";
import { bulkChange, BulkInputSchema, MAX_BULK } from "../tickets/bulk.ts";
import { MacroInputSchema, MACRO_PLACEHOLDERS } from "../macros/macros.ts";
import { applyMacro, ApplyMacroSchema, createMacro, deleteMacro, getMacro, listMacros, updateMacro } from "../macros/service.ts";
import { translator } from "../../app/i18n/i18n.ts";
import { apiLocale } from "./http.ts";
import { defineRoute, type ApiRoute } from "./contract.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { messageJson, ticketJson } from "./present.ts";
import * as S from "./schemas.ts";

const TicketParams = z.object({ number: TicketNumberSchema });

const KbSearchQuerySchema = z.object({
  q: z.string({ error: "validation.query" }).max(200, "validation.query").default(""),
  locale: z.enum(ARTICLE_LOCALES, { error: "validation.locale" }).optional(),
  limit: LimitParamSchema(50, 10),
  cursor: CursorParamSchema.optional(),
});

const TicketSearchQuerySchema = z.object({
  q: z.string({ error: "validation.query" }).max(500, "validation.query").default(""),
  limit: LimitParamSchema(50, 20),
  cursor: CursorParamSchema.optional(),
});

/** Search being down is a 503 with a message, never a 500. */
function searchUnavailable(error: unknown): never {
  if (error instanceof DomainError) throw error;
  console.warn("[search]", (error as Error).message);
  throw new DomainError("unavailable", "errors.searchUnavailable");
}

/** `If-Match: "<version>"`: the ticket version a change is based on. */
const IfMatchSchema = z
  .string()
  .regex(/^(W\/)?"?\d{1,9}"?$/, "validation.version")
  .transform((v) => Number(v.replace(/\D/g, "")));

/** One change someone else made, as both 409 bodies list it. */
const changeJson = ({ field, from, to, actorId, at }: StaleTicketError["changes"][number]) => ({ field, from, to, actorId, at });

/** A message refused as stale, as its 409 body (StaleReplyError): what others wrote and changed since. Other errors pass as they are. */
function staleReplyConflict(error: unknown): unknown {
  if (!(error instanceof StaleReplyError)) return error;
  return new DomainError("conflict", error.messageKey, undefined, { messages: error.messages.map(messageJson), changes: error.changes.map(changeJson) });
}

/** A change refused as stale, as its 409 body (StaleTicketError): the ticket now and others' changes to the same fields. Other errors pass as they are. */
async function staleTicketConflict(error: unknown, user: AuthUser): Promise<unknown> {
  if (!(error instanceof StaleTicketError)) return error;
  return new DomainError("conflict", error.messageKey, undefined, {
    current: ticketJson(error.ticket, user, new Date(), await ticketFields()),
    changes: error.changes.map(changeJson),
  });
}

const IdempotencyHeaders = z.object({ "idempotency-key": IdempotencyKeySchema.optional() });
const IDEMPOTENT_NOTE =
  "Send an `Idempotency-Key` header (e.g. a UUID) to make a retry safe: the same request sent again with the same key " +
  "within 24 hours answers with what the first one created (and `Idempotent-Replayed: true`) instead of creating it twice; " +
  "the same key with a different request is refused with 422.";

export const API_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/openapi.json",
    auth: "none",
    summary: "This document",
    response: S.OpenApiDocument,
    handle: async () => (openApiDocument(await ticketFields()) as unknown as z.input<typeof S.OpenApiDocument>),
  }),

  defineRoute({
    method: "post",
    path: "/auth/token",
    auth: "none",
    summary: "Exchange email and password for a bearer token",
    description:
      "Repeated failures for one email pause sign-in for 15 minutes (429). A customer whose email address is not confirmed yet " +
      "(an account from before confirmation existed) gets a token but sees and files no tickets (`customerId` is null in GET /me) " +
      "until they confirm the address from the link the portal mails them. Someone who only wrote in by mail has no password " +
      "and gets 401 like a wrong password: they choose one through the portal's sign-up or \"Forgot password?\".",
    body: SignInSchema,
    status: 201,
    response: S.Token,
    errors: [401, 429],
    handle: async ({ body, req }) => {
      const user = await signIn(db(), body, { ip: req.ip ?? "unknown" });
      const { token, expiresAt } = await issueSignInToken(db(), user.id, req.ip ?? null);
      return { token, expiresAt };
    },
  }),

  ...TOKEN_AND_AUDIT_ROUTES,
  ...ADMIN_ROUTES,
  ...FIELD_ROUTES,
  ...RULE_ROUTES,
  ...AUTOMATION_ROUTES,
  ...MAIL_OUTBOUND_ROUTES,
  ...MAIL_INBOUND_ROUTES,

  defineRoute({
    method: "get",
    path: "/me",
    auth: "bearer",
    resource: "account",
    summary: "The token's user",
    response: S.Me,
    handle: async ({ user }) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      customerId: user.customerId,
    }),
  }),

  defineRoute({
    method: "post",
    path: "/me/password",
    auth: "bearer",
    resource: "account",
    summary: "Change your password; every session and API token you had ends, and a new token is returned",
    description:
      "Needs the current password; wrong guesses are paused like sign-in (429). On success, in one step: the new password is set, " +
      "all your browser sessions end and all your API tokens are revoked, **the token making this call included**, and the answer " +
      "carries a fresh token to go on with. A token that leaked stops working with the rest.",
    body: ChangePasswordSchema,
    response: S.Token,
    errors: [429],
    handle: async ({ user, body, req }) => {
      const ip = req.ip ?? "unknown";
      // The token that carries on may do everything: knowing the password is worth what a sign-in is.
      const { token, expiresAt } = await changePassword(db(), user, body, { ip }, (tx, userId) => issueApiToken(tx, userId, { origin: "password_change", ip }));
      return { token, expiresAt };
    },
  }),

  defineRoute({
    method: "get",
    path: "/tickets",
    auth: "bearer",
    resource: "tickets",
    summary: "Tickets the caller may see, newest first",
    query: TicketListQuerySchema,
    response: S.TicketPage,
    handle: async ({ user, query }) => {
      const page = await listTickets(db(), user, query, { counts: true });
      const now = new Date();
      const fields = await ticketFields();
      return {
        data: page.items.map((t) => ticketJson(t, user, now, fields)),
        nextCursor: page.nextCursor,
        total: page.total ?? 0,
        totalCapped: page.totalCapped ?? false,
      };
    },
  }),

  defineRoute({
    method: "post",
    path: "/tickets",
    auth: "bearer",
    resource: "tickets",
    summary: "File a ticket",
    description:
      "Customers file for themselves (requesterEmail and priority are ignored); staff file for `requesterEmail`. " +
      IDEMPOTENT_NOTE,
    headers: IdempotencyHeaders,
    body: StaffNewTicketSchema,
    status: 201,
    response: S.Ticket,
    handle: async ({ user, body, idempotency }) => {
      const ticket = await createTicket(db(), user, body, "api", new Date(), { idempotency });
      return ticketJson(ticket, user, new Date(), await ticketFields());
    },
    idempotent: {
      replay: async ({ user }, ticketId) => ticketJson(await getTicketSummary(db(), user, ticketId), user, new Date(), await ticketFields()),
    },
  }),

  defineRoute({
    method: "get",
    path: "/tickets/{number}",
    auth: "bearer",
    resource: "tickets",
    summary: "A ticket with its messages and survey (customers never see internal notes)",
    params: TicketParams,
    notFoundKey: "errors.ticketNotFound",
    description: "Staff also get an `ETag` header with the ticket's version, to send back as `If-Match` with an update.",
    response: S.TicketDetail,
    handle: async ({ user, params, res }) => {
      const { ticket, messages, survey } = await getTicket(db(), user, params.number);
      const json = ticketJson(ticket, user, new Date(), await ticketFields());
      if ("version" in json) res.set("ETag", `"${json.version}"`);
      return { ...json, messages: messages.map(messageJson), survey };
    },
  }),

  defineRoute({
    method: "patch",
    path: "/tickets/{number}",
    auth: "bearer",
    resource: "tickets",
    summary: "Change status, priority, type, assignee, team, tags or custom fields (staff)",
    description:
      "With `If-Match: \"<version>\"` (or `version` in the body), a field this update changes that someone else changed since that version answers 409 with the current ticket and their changes, and nothing is saved; replies and changes to other fields do not block it. Without it, the update applies as sent.",
    params: TicketParams,
    notFoundKey: "errors.ticketNotFound",
    headers: z.object({ "if-match": IfMatchSchema.optional() }),
    body: TicketUpdateSchema,
    response: S.Ticket,
    errors: [403, 409],
    errorBodies: { 409: S.StaleTicketError },
    handle: async ({ user, params, body, headers, res }) => {
      try {
        const ticket = await updateTicket(db(), user, params.number, { ...body, version: headers["if-match"] ?? body.version });
        const json = ticketJson(ticket, user, new Date(), await ticketFields());
        if ("version" in json) res.set("ETag", `"${json.version}"`);
        return json;
      } catch (error) {
        throw await staleTicketConflict(error, user);
      }
    },
  }),

  defineRoute({
    method: "post",
    path: "/tickets/bulk",
    auth: "bearer",
    resource: "tickets",
    summary: "Change many tickets at once (staff)",
    description:
      `Up to ${MAX_BULK} tickets, each changed on its own: one that cannot be changed (closed, out of sight, not a valid change) is reported in \`results\` ` +
      "and the others go through. `change` sets status, priority, assignee, team, adds or removes tags, or (alone) applies the macro `macroId` " +
      "or merges each ticket into `mergeInto`.",
    body: BulkInputSchema,
    response: S.BulkResults,
    errors: [403],
    handle: async ({ user, body, req }) => {
      const t = translator(apiLocale(req));
      const results = await bulkChange(db(), user, body);
      return { results: results.map((r) => (r.ok ? { number: r.number, ok: true } : { number: r.number, ok: false, error: t(r.error!) })) };
    },
  }),

  defineRoute({
    method: "post",
    path: "/tickets/{number}/merge",
    auth: "bearer",
    resource: "tickets",
    summary: "Merge a duplicate into the ticket that carries on (staff)",
    description:
      "The ticket's messages move to `into`, in their place in time; the ticket is closed with a link to `into`; the requester is told on `into` in their language. " +
      "Both tickets must be of the same requester and not closed (409 otherwise). Answers with the ticket that carries on.",
    params: TicketParams,
    notFoundKey: "errors.ticketNotFound",
    body: MergeSchema,
    response: S.Ticket,
    errors: [403, 409],
    handle: async ({ user, params, body }) => ticketJson(await mergeTicket(db(), user, params.number, body), user, new Date(), await ticketFields()),
  }),

  defineRoute({
    method: "post",
    path: "/tickets/{number}/macros/{id}",
    auth: "bearer",
    resource: "tickets",
    summary: "Apply a macro to a ticket (staff)",
    description:
      "In one step: the macro's reply and note in the ticket's language with placeholders filled in (or `reply` / `note` as given, an empty one sends none), " +
      "then its changes; `attachments` (ids from POST /uploads) go with the reply, or with the note when no reply goes. " +
      "With `If-Match: \"<version>\"` (or `version`), the version the agent started from: when the macro writes a reply or note, and someone else wrote " +
      "or changed the ticket since, it answers 409 with their messages and changes, as POST /tickets/{number}/messages does; a macro that only changes fields " +
      "answers 409 when someone else changed the same field since. Either way nothing is written and the use is not counted; " +
      "with `macroUpdatedAt`, so does a macro changed since. " +
      "Answers with the ticket.",
    params: z.object({ number: TicketNumberSchema, id: z.uuid() }),
    notFoundKey: "errors.macroNotFound",
    headers: z.object({ "if-match": IfMatchSchema.optional() }),
    body: ApplyMacroSchema,
    response: S.Ticket,
    errors: [403, 409],
    errorBodies: { 409: z.union([S.StaleReplyError, S.StaleTicketError]) },
    handle: async ({ user, params, body, headers }) => {
      try {
        const ticket = await applyMacro(db(), user, params.number, params.id, { ...body, version: headers["if-match"] ?? body.version });
        return ticketJson(ticket, user, new Date(), await ticketFields());
      } catch (error) {
        throw await staleTicketConflict(staleReplyConflict(error), user);
      }
    },
  }),

  defineRoute({
    method: "get",
    path: "/macros",
    auth: "bearer",
    resource: "macros",
    summary: "The macros the caller may apply: shared ones and their own, the most used first (staff)",
    response: S.MacroList,
    errors: [403],
    handle: async ({ user }) => ({ data: await listMacros(db(), user) }),
  }),

  defineRoute({
    method: "post",
    path: "/macros",
    auth: "bearer",
    resource: "macros",
    summary: "Create a macro (staff; shared ones need the right to manage macros)",
    description: `Texts may use the placeholders ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}; another one is refused.`,
    body: MacroInputSchema,
    status: 201,
    response: S.Macro,
    errors: [403, 409],
    handle: async ({ user, body }) => createMacro(db(), user, body),
  }),

  defineRoute({
    method: "get",
    path: "/macros/{id}",
    auth: "bearer",
    resource: "macros",
    summary: "One macro",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.macroNotFound",
    response: S.Macro,
    errors: [403],
    handle: async ({ user, params }) => getMacro(db(), user, params.id),
  }),

  defineRoute({
    method: "patch",
    path: "/macros/{id}",
    auth: "bearer",
    resource: "macros",
    summary: "Replace a macro's name, texts, changes and sharing",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.macroNotFound",
    body: MacroInputSchema,
    response: S.Macro,
    errors: [403],
    handle: async ({ user, params, body }) => updateMacro(db(), user, params.id, body),
  }),

  defineRoute({
    method: "delete",
    path: "/macros/{id}",
    auth: "bearer",
    resource: "macros",
    summary: "Remove a macro; tickets it was applied to keep its name in their timeline",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.macroNotFound",
    response: S.Macro,
    errors: [403],
    handle: async ({ user, params }) => {
      const macro = await getMacro(db(), user, params.id);
      await deleteMacro(db(), user, params.id);
      return macro;
    },
  }),

  defineRoute({
    method: "get",
    path: "/tickets/{number}/messages",
    auth: "bearer",
    resource: "tickets",
    summary: "Messages of a ticket, oldest first",
    params: TicketParams,
    notFoundKey: "errors.ticketNotFound",
    query: MessageListQuerySchema,
    response: S.MessagePage,
    handle: async ({ user, params, query }) => {
      const page = await listMessages(db(), user, params.number, query);
      return { data: page.items.map(messageJson), nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "post",
    path: "/tickets/{number}/messages",
    auth: "bearer",
    resource: "tickets",
    summary: "Reply publicly, or add an internal note (staff)",
    description:
      "With `If-Match: \"<version>\"` (or `seenVersion` in the body), the version the message was written on: if someone else wrote " +
      "or changed the ticket since, it answers 409 with their messages and changes, and nothing is sent. " +
      IDEMPOTENT_NOTE,
    params: TicketParams,
    notFoundKey: "errors.ticketNotFound",
    headers: IdempotencyHeaders.extend({ "if-match": IfMatchSchema.optional() }),
    body: NewMessageSchema,
    status: 201,
    response: S.Message,
    errors: [403, 409],
    errorBodies: { 409: S.StaleReplyError },
    handle: async ({ user, params, body, headers, idempotency }) => {
      try {
        const seenVersion = headers["if-match"] ?? body.seenVersion;
        return messageJson(await addMessage(db(), user, params.number, { ...body, seenVersion }, new Date(), { idempotency }));
      } catch (error) {
        throw staleReplyConflict(error);
      }
    },
    idempotent: {
      replay: async ({ user, params }, messageId) => messageJson(await getMessage(db(), user, params.number, messageId)),
    },
  }),

  defineRoute({
    method: "post",
    path: "/uploads",
    auth: "bearer",
    resource: "tickets",
    summary: "Upload a file to attach to your next message or ticket",
    description:
      `The body is the file's bytes (any Content-Type), at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB; \`filename\` names it. ` +
      "The type is read from the bytes: programs, and files whose bytes are not what their name says (a `.pdf` that is not a PDF), are refused. " +
      `Send the returned \`id\` in \`attachments\` of POST /tickets or POST /tickets/{number}/messages (up to ${MAX_ATTACHMENTS} a message); ` +
      `until then only you can read it, and it is removed after ${PENDING_UPLOAD_HOURS} hours.`,
    query: z.object({ filename: z.string({ error: "validation.filename" }).trim().min(1, "validation.filename").max(255, "validation.filename") }),
    upload: true,
    status: 201,
    response: S.Attachment,
    errors: [429],
    errorBodies: { 400: S.UploadRefusedError },
    handle: async ({ user, query, req }) => {
      if (Number(req.get("Content-Length")) > MAX_ATTACHMENT_BYTES) throw tooLarge();
      const file = await receiveFile(query.filename, req);
      if (file === "too_large") throw tooLarge();
      try {
        const [stored] = await receiveUploads(db(), user, [file]);
        return stored;
      } finally {
        await discardFile(file.path);
      }
    },
  }),

  defineRoute({
    method: "get",
    path: "/attachments/{id}",
    auth: "bearer",
    resource: "tickets",
    summary: "Download an attachment",
    description: "For whoever may read its message (customers never get an internal note's files), or its uploader before it is sent.",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.attachmentNotFound",
    binary: true,
    response: z.undefined(),
    handle: async ({ user, params, res }) => {
      const file = await openAttachment(db(), user, params.id);
      res.set(attachmentHeaders(file, { download: true }));
      await pipeline(file.body, res);
      return undefined;
    },
  }),

  defineRoute({
    method: "get",
    path: "/surveys/{token}",
    auth: "none",
    summary: "A CSAT survey by its one-time token",
    params: z.object({ token: SurveyTokenSchema }),
    notFoundKey: "errors.surveyNotFound",
    response: S.SurveyByToken,
    handle: async ({ params }) => (await getSurveyByToken(db(), params.token)),
  }),

  defineRoute({
    method: "post",
    path: "/surveys/{token}",
    auth: "none",
    summary: "Answer a CSAT survey (once)",
    params: z.object({ token: SurveyTokenSchema }),
    notFoundKey: "errors.surveyNotFound",
    body: SurveyAnswerSchema,
    status: 201,
    response: S.SurveyAnswer,
    errors: [409, 410],
    handle: async ({ params, body }) => {
      const result = await answerSurvey(db(), params.token, body);
      return { rating: result.rating };
    },
  }),

  defineRoute({
    method: "get",
    path: "/admin/listeners",
    auth: "bearer",
    resource: "admin",
    summary: "After-commit listeners: position, backlog, retries, dead letters (admins)",
    query: ListenerQuerySchema,
    response: S.ListenerStatusPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listenerStatus(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "get",
    path: "/admin/dead-letters",
    auth: "bearer",
    resource: "admin",
    summary: "Events a listener gave up on after its retries, newest first (admins)",
    query: DeadLetterQuerySchema,
    response: S.DeadLetterPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listDeadLetters(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "post",
    path: "/admin/dead-letters/{id}/replay",
    auth: "bearer",
    resource: "admin",
    summary: "Try a dead letter again, once its cause is fixed (admins); the listener does so within seconds",
    params: DeadLetterIdSchema,
    status: 202,
    response: S.DeadLetter,
    errors: [403],
    handle: async ({ user, params }) => requestReplay(db(), user, params.id),
  }),


  defineRoute({
    method: "get",
    path: "/customers/{id}/health",
    auth: "bearer",
    resource: "customers",
    summary: "A customer's health score, components and history (staff, or the customer)",
    params: z.object({ id: z.uuid() }),
    response: S.CustomerHealth,
    errors: [403],
    handle: async ({ user, params }) => {
      // The service checks the user against the policy (403) itself.
      const health = await getCustomerHealth(db(), user, params.id);
      if (!health) throw notFound();
      return health;
    },
  }),

  defineRoute({
    method: "get",
    path: "/kb/search",
    auth: "none",
    summary: "Search published help articles",
    description: "Articles in `locale` come first; other languages only when it has none.",
    query: KbSearchQuerySchema,
    response: S.ArticleSearchPage,
    errors: [503],
    handle: async ({ query }) => {
      // Search pages by offset; the cursor hides that from clients.
      const offset = query.cursor ? decodeOffset(query.cursor, MAX_SEARCH_OFFSET) : 0;
      const result = await searchArticles({ query: query.q, locale: query.locale, limit: query.limit, offset }).catch(searchUnavailable);
      const next = offset + query.limit;
      return {
        data: result.hits,
        total: result.total,
        nextCursor: result.hasMore && next <= MAX_SEARCH_OFFSET ? encodeOffset(next) : null,
      };
    },
  }),

  defineRoute({
    method: "get",
    path: "/search/tickets",
    auth: "bearer",
    resource: "tickets",
    summary: "Search the tickets the caller may see (staff)",
    description:
      "Free text (typos forgiven, English and Chinese) over subject, conversation, requester, company, tags and number; " +
      "internal notes only for those who may read them. Operators narrow it: `status:open` (or `status:active`), `priority:urgent`, " +
      "`type:complaint`, `tag:refund`, `assignee:me` / `assignee:none` / `assignee:<email or name>`, `requester:<email>`, " +
      "`team:<key or name>`, `category:<key>`, `#123`; the same operator twice means either value, `-tag:spam` means without. " +
      "Without free text, the most recently updated first. Customers may not search tickets.",
    query: TicketSearchQuerySchema,
    response: S.TicketSearchPage,
    errors: [403, 503],
    handle: async ({ user, query }) => {
      const offset = query.cursor ? decodeOffset(query.cursor, MAX_SEARCH_OFFSET) : 0;
      const result = await searchTickets(db(), user, { q: query.q, limit: query.limit, offset }).catch(searchUnavailable);
      const next = offset + query.limit;
      return {
        data: result.hits.map((hit) => ({
          number: hit.number,
          subject: hit.subject,
          subjectHighlight: hit.subjectHtml,
          status: hit.status,
          priority: hit.priority,
          sla: hit.slaState,
          slaDueAt: hit.slaDueAt,
          updatedAt: hit.updatedAt,
          requester: { name: hit.requesterName, email: hit.requesterEmail },
          assignee: hit.assigneeName,
          team: hit.teamName,
          highlight: hit.snippet ? { html: hit.snippet.html, internal: hit.snippet.inNote } : undefined,
        })),
        total: result.total,
        nextCursor: result.hasMore && next <= MAX_SEARCH_OFFSET ? encodeOffset(next) : null,
        ignored: result.invalid,
      };
    },
  }),

  defineRoute({
    method: "get",
    path: "/sla/calendars",
    auth: "bearer",
    resource: "sla",
    summary: "Business calendars, by name (supervisors and admins)",
    query: CalendarListQuerySchema,
    response: S.CalendarPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listCalendars(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "post",
    path: "/sla/calendars",
    auth: "bearer",
    resource: "sla",
    summary: "Set up a business calendar (supervisors and admins)",
    description: "A name, and a calendar as in POST /sla/preview. A name already taken is a 400 on `name`.",
    body: NewCalendarSchema,
    status: 201,
    response: S.Calendar,
    errors: [403],
    handle: async ({ user, body }) => createCalendar(db(), user, body),
  }),

  defineRoute({
    method: "get",
    path: "/sla/calendars/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "One business calendar (supervisors and admins)",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.calendarNotFound",
    response: S.Calendar,
    errors: [403],
    handle: async ({ user, params }) => getCalendar(db(), user, params.id),
  }),

  defineRoute({
    method: "patch",
    path: "/sla/calendars/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "Change a business calendar's name, zone, hours or holidays (supervisors and admins)",
    description: "The fields given replace the stored ones; the calendar they make together is checked as a whole. The built-in always-open calendar cannot be changed (409).",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.calendarNotFound",
    body: CalendarChangeSchema,
    response: S.Calendar,
    errors: [403, 409],
    handle: async ({ user, params, body }) => updateCalendar(db(), user, params.id, body),
  }),

  defineRoute({
    method: "delete",
    path: "/sla/calendars/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "Remove a business calendar (supervisors and admins)",
    description: "Answers with the calendar removed. The built-in always-open calendar, and a calendar SLA policies use, cannot be removed (409).",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.calendarNotFound",
    response: S.Calendar,
    errors: [403, 409],
    handle: async ({ user, params }) => deleteCalendar(db(), user, params.id),
  }),

  defineRoute({
    method: "get",
    path: "/notifications",
    auth: "bearer",
    resource: "notifications",
    summary: "The caller's notifications, newest first, with how many are unread (staff)",
    query: NotificationListQuerySchema,
    response: S.NotificationPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listNotifications(db(), user, query);
      return {
        data: page.items.map((n) => ({ ...liveNotification(n), createdAt: n.createdAt, readAt: n.readAt })),
        unread: page.unread,
        nextCursor: page.nextCursor,
      };
    },
  }),

  defineRoute({
    method: "post",
    path: "/notifications/read",
    auth: "bearer",
    resource: "notifications",
    summary: "Mark the caller's notifications read: `{ ids }` or `{ all: true }`",
    body: MarkReadSchema,
    response: S.UnreadCount,
    errors: [403],
    handle: async ({ user, body }) => markRead(db(), user, body),
  }),

  defineRoute({
    method: "get",
    path: "/notifications/preferences",
    auth: "bearer",
    resource: "notifications",
    summary: "Which kinds of notification the caller gets in the app, and which of those also by mail",
    response: S.NotificationPreferences,
    errors: [403],
    handle: async ({ user }) => getPreferences(db(), user),
  }),

  defineRoute({
    method: "patch",
    path: "/notifications/preferences",
    auth: "bearer",
    resource: "notifications",
    summary: "Choose which kinds of notification the caller gets in the app and by mail (the kinds and channels named change)",
    body: PreferencesSchema,
    response: S.NotificationPreferences,
    errors: [403],
    handle: async ({ user, body }) => setPreferences(db(), user, body),
  }),

  defineRoute({
    method: "get",
    path: "/sla/recompute",
    auth: "bearer",
    resource: "sla",
    summary: "Progress of recomputing the worked tickets' SLA after the last policy or calendar change (supervisors and admins)",
    response: S.SlaRecompute,
    errors: [403],
    handle: async ({ user }) => ({ recompute: await latestRecompute(db(), user) }),
  }),

  defineRoute({
    method: "get",
    path: "/sla/policies",
    auth: "bearer",
    resource: "sla",
    summary: "Every SLA policy, in the order they are tried (supervisors and admins)",
    response: S.SlaPolicyList,
    errors: [403],
    handle: async ({ user }) => ({ data: await listPolicies(db(), user) }),
  }),

  defineRoute({
    method: "post",
    path: "/sla/policies",
    auth: "bearer",
    resource: "sla",
    summary: "Set up an SLA policy; it is tried last (supervisors and admins)",
    description:
      "Conditions are lists (`types`, `priorities`, `tiers`, `channels`, `categoryIds`, `teamIds`); an empty list matches anything. " +
      "`targets` gives per priority `first_response`, `next_response`, `periodic_update` and `resolution`, each `{ minutes, business }`: " +
      "business minutes count on the calendar's open hours, others are calendar minutes.",
    body: NewPolicySchema,
    status: 201,
    response: S.SlaPolicy,
    errors: [403],
    handle: async ({ user, body }) => createPolicy(db(), user, body),
  }),

  defineRoute({
    method: "post",
    path: "/sla/policies/order",
    auth: "bearer",
    resource: "sla",
    summary: "Put the SLA policies in the order to try them (supervisors and admins)",
    description: "`ids`: every policy's id once, first to last. Answers with the policies in their new order.",
    body: PolicyOrderSchema,
    response: S.SlaPolicyList,
    errors: [403],
    handle: async ({ user, body }) => ({ data: await reorderPolicies(db(), user, body) }),
  }),

  defineRoute({
    method: "get",
    path: "/sla/policies/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "One SLA policy (supervisors and admins)",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.policyNotFound",
    response: S.SlaPolicy,
    errors: [403],
    handle: async ({ user, params }) => getPolicy(db(), user, params.id),
  }),

  defineRoute({
    method: "patch",
    path: "/sla/policies/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "Change an SLA policy, or turn it on or off (supervisors and admins)",
    description: "The fields given replace the stored ones. Tickets filed from now on follow the change.",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.policyNotFound",
    body: PolicyChangeSchema,
    response: S.SlaPolicy,
    errors: [403],
    handle: async ({ user, params, body }) => updatePolicy(db(), user, params.id, body),
  }),

  defineRoute({
    method: "delete",
    path: "/sla/policies/{id}",
    auth: "bearer",
    resource: "sla",
    summary: "Remove an SLA policy no ticket counts under (supervisors and admins)",
    description: "A policy a ticket counts under, closed tickets included, cannot be removed (409): turn it off instead.",
    params: z.object({ id: z.uuid() }),
    notFoundKey: "errors.policyNotFound",
    response: S.SlaPolicy,
    errors: [403, 409],
    handle: async ({ user, params }) => deletePolicy(db(), user, params.id),
  }),

  defineRoute({
    method: "post",
    path: "/sla/preview",
    auth: "bearer",
    resource: "sla",
    access: "read", // computes a due time, changes nothing
    summary: "When a clock of N business minutes that starts at T runs out (supervisors and admins)",
    description:
      "`calendar` is a calendar given in full (IANA `timezone`; `hours` per weekday `mon`…`sun` as `[start, end]` periods, " +
      '"24:00" ending a day, an end before its start running past midnight; `holidays` as "YYYY-MM-DD", or "--MM-DD" every year) ' +
      "or the id of a stored one. Time counts only inside open periods and outside `pauses`; a clock that starts while closed starts " +
      "at the next opening; time that runs out at a closing time is due then. docs/sla-clocks.md has every rule.",
    body: SlaPreviewSchema,
    response: S.SlaPreview,
    errors: [403, 404],
    handle: async ({ user, body }) => previewDueTime(db(), user, body),
  }),
];

/** The custom ticket field definitions now (kept in memory while they do not change: server/fields/service.ts). */
const ticketFields = () => fieldDefinitions(db());

let routesDocument: ReturnType<typeof buildOpenApiDocument> | undefined;
let document: { fields: readonly FieldDefinition[]; document: ReturnType<typeof buildOpenApiDocument> } | undefined;
/**
 * The routes do not change while the process runs: their document is built
 * once. The custom fields do: their part is built again when the definitions
 * change (fieldDefinitions gives the same array while they do not).
 */
export const openApiDocument = (fields: readonly FieldDefinition[] = []) => {
  routesDocument ??= buildOpenApiDocument(API_ROUTES);
  if (document?.fields !== fields) document = { fields, document: withTicketFields(routesDocument, fields) };
  return document.document;
};
