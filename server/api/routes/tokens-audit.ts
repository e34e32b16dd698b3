// API tokens (one's own, and everyone's for admins) and the audit log.
// Described as in routes.ts: thin handlers over the services, which check
// permissions themselves.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import {
  AdminTokenListQuerySchema,
  createApiToken,
  listAllApiTokens,
  listApiTokens,
  MAX_TOKEN_DAYS,
  NewTokenSchema,
  revokeAnyApiToken,
  revokeApiToken,
  TokenListQuerySchema,
} from "../../auth/api-tokens.ts";
import { AuditFilterSchema, AuditQuerySchema, exportAuditCsv, listAuditEntries } from "../../audit/service.ts";
import { AUDIT_ACTIONS } from "../../audit/log.ts";
import { csvHeaders } from "../../csv.ts";
import { db } from "../../db/client.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";
import { orNull, TokenInfo, TokenPage, TokenScope } from "../schemas.ts";

const Timestamp = z.date();

const CreatedToken = z
  .strictObject({
    token: z.string().openapi({ description: "The bearer token: shown this once, never again" }),
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(TokenScope),
    createdAt: Timestamp,
    expiresAt: Timestamp,
  })
  .openapi("CreatedToken");

const TokenOwner = z
  .strictObject({ id: z.uuid(), name: z.string(), email: z.email(), role: z.enum(["customer", "agent", "supervisor", "admin"]) })
  .openapi("TokenOwner");

// Its own object, not an extension: an extended component becomes allOf [TokenInfo, …], which the strict TokenInfo refuses.
const OwnedTokenInfo = z.strictObject({ ...TokenInfo.shape, owner: TokenOwner }).openapi("OwnedTokenInfo", { description: "A token with its owner, as admins see it" });
const OwnedTokenPage = z.strictObject({ data: z.array(OwnedTokenInfo), nextCursor: orNull(z.string()) }).openapi("OwnedTokenPage");

const AuditEntry = z
  .strictObject({
    id: z.string().openapi({ description: "Grows with each entry" }),
    at: Timestamp,
    action: z.string().openapi({ description: `One of ${AUDIT_ACTIONS.map((a) => `\`${a}\``).join(", ")}` }),
    actor: orNull(z.strictObject({ id: z.uuid(), name: z.string(), email: z.string() })).openapi({
      description: "Who did it; null when no account did (a failed sign-in for an unknown email) or the account is gone",
    }),
    actorEmail: orNull(z.string()).openapi({ description: "For sign-ins: the email given" }),
    target: orNull(z.strictObject({ type: z.string(), id: z.string(), label: orNull(z.string()) })),
    data: z.record(z.string(), z.unknown()).openapi({ description: "What changed (`before`, `after`) or the details of the action" }),
    ip: orNull(z.string()),
  })
  .openapi("AuditEntry");
const AuditPage = z.strictObject({ data: z.array(AuditEntry), nextCursor: orNull(z.string()) }).openapi("AuditPage");

const TokenId = z.object({ id: z.uuid() });
const ipOf = (req: { ip?: string }) => req.ip ?? null;

const FILTER_NOTE =
  "Filters: `actorId` (who did it), `action`, and `from` / `to` as days (both included) in `timeZone` (an IANA name; UTC unless given).";

export const TOKEN_AND_AUDIT_ROUTES: ApiRoute[] = [
  defineRoute({
    method: "get",
    path: "/tokens",
    auth: "bearer",
    resource: "account",
    summary: "Your API tokens, newest first: name, scopes, made, expires, last used (never the token itself)",
    query: TokenListQuerySchema,
    response: TokenPage,
    handle: async ({ user, query }) => {
      const page = await listApiTokens(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "post",
    path: "/tokens",
    auth: "bearer",
    resource: "account",
    summary: "Make a named, scoped API token for yourself; the answer is the only time the token is shown",
    description:
      `\`scopes\`: "<resource>:read" or "<resource>:write" for tickets, macros, customers, sla, notifications, admin, account; or "*". ` +
      `\`expiresInDays\`: 1 to ${MAX_TOKEN_DAYS} (30 unless given). A token cannot make one that allows more than itself (403). ` +
      "Scopes only narrow what you may do; they never add to it.",
    body: NewTokenSchema,
    status: 201,
    response: CreatedToken,
    handle: async ({ user, body, token, req }) => createApiToken(db(), user, body, { ip: ipOf(req), callerScopes: token.scopes }),
  }),

  defineRoute({
    method: "delete",
    path: "/tokens/{id}",
    auth: "bearer",
    resource: "account",
    summary: "Revoke one of your API tokens at once",
    params: TokenId,
    notFoundKey: "errors.tokenNotFound",
    response: TokenInfo,
    handle: async ({ user, params, req }) => {
      const { owner: _owner, ...token } = await revokeApiToken(db(), user, params.id, { ip: ipOf(req) });
      return token;
    },
  }),

  defineRoute({
    method: "get",
    path: "/admin/tokens",
    auth: "bearer",
    resource: "admin",
    summary: "Everyone's API tokens with their owners, newest first (admins)",
    description: "`userId` keeps one person's tokens. Never the tokens themselves.",
    query: AdminTokenListQuerySchema,
    response: OwnedTokenPage,
    handle: async ({ user, query }) => {
      const page = await listAllApiTokens(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "delete",
    path: "/admin/tokens/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Revoke anyone's API token at once (admins)",
    params: TokenId,
    notFoundKey: "errors.tokenNotFound",
    response: OwnedTokenInfo,
    handle: async ({ user, params, req }) => revokeAnyApiToken(db(), user, params.id, { ip: ipOf(req) }),
  }),

  defineRoute({
    method: "get",
    path: "/admin/audit",
    auth: "bearer",
    resource: "admin",
    summary: "The audit log, newest first (admins): configuration changes, sign-ins, tokens, exports",
    description: FILTER_NOTE,
    query: AuditQuerySchema,
    response: AuditPage,
    handle: async ({ user, query }) => {
      const page = await listAuditEntries(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),

  defineRoute({
    method: "get",
    path: "/admin/audit.csv",
    auth: "bearer",
    resource: "admin",
    summary: "The audit log as CSV, with the same filters (admins who may export data); the download is itself recorded",
    description: `${FILTER_NOTE} Columns: time, actor_name, actor_email, action, target_type, target_id, target, changes, ip.`,
    query: AuditFilterSchema,
    binary: true,
    binaryType: "text/csv",
    response: z.undefined(),
    handle: async ({ user, query, req, res }) => {
      const csv = await exportAuditCsv(db(), user, query, { ip: ipOf(req) });
      res.status(200).set(csvHeaders(csv.filename));
      await pipeline(Readable.from(csv.lines), res);
      return undefined;
    },
  }),
];
