// One description per API route: method, path, auth, zod schemas for params,
// query, body and responses, and the handler. The Express router (router.ts)
// validates requests with these schemas and the OpenAPI document
// (openapi.ts) is generated from the same objects, so they cannot drift.
import type { Request, Response } from "express";
import type { z } from "zod";
import type { AuthUser } from "../auth/policy.ts";
import type { Access, ApiResource, Scope } from "../auth/scopes.ts";
import type { IdempotencyClaim } from "../idempotency.ts";

export type Auth = "none" | "bearer";
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 422 | 429 | 503;
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<A extends Auth, P, Q, B, H = undefined> {
  /** The token's user on bearer routes. */
  user: A extends "bearer" ? AuthUser : null;
  /** The bearer token itself: its id and what it may be used for. */
  token: A extends "bearer" ? { id: string; scopes: readonly Scope[] } : null;
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  headers: Parsed<H>;
  req: Request;
  /** For response headers (e.g. ETag); the body is what `handle` returns. */
  res: Response;
  /** On `idempotent` routes called with an Idempotency-Key: hand it to the command, which records it. */
  idempotency?: IdempotencyClaim;
}

/**
 * What a token needs for a route (server/auth/scopes.ts): every bearer route
 * names its resource; access is read for GET and write otherwise, unless the
 * route says (a POST that only computes reads).
 */
type TokenScope<A extends Auth> = A extends "bearer" ? { resource: ApiResource; access?: Access } : { resource?: never; access?: never };

export type RouteSpec<
  A extends Auth,
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  H extends z.ZodObject | undefined = undefined,
> = TokenScope<A> & RouteFields<A, P, Q, B, R, H>;

interface RouteFields<
  A extends Auth,
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  H extends z.ZodObject | undefined,
> {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI style: /tickets/{number}. */
  path: `/${string}`;
  auth: A;
  summary: string;
  description?: string;
  params?: P;
  /** Message key when a path parameter does not parse: such a path names nothing (404). */
  notFoundKey?: string;
  query?: Q;
  /** Request headers the route reads (lower-case names), e.g. `if-match`. */
  headers?: H;
  body?: B;
  /** The request body is a file's bytes (any content type), read by the handler from `req`; `body` is unused. */
  upload?: true;
  /**
   * The success body is a file's bytes: the handler writes them to `res`
   * itself (headers included) and returns undefined; `response` is unused.
   */
  binary?: true;
  /** The media type of a binary success body (application/octet-stream unless said), for the document. */
  binaryType?: string;
  /** The success status (200 unless said) and its body. */
  status?: 200 | 201 | 202;
  response: R;
  /**
   * Error statuses beyond those implied by the description (401 for bearer,
   * 404 for path parameters, 400 for a query or body).
   */
  errors?: ErrorStatus[];
  /** Error bodies that say more than the standard Error for some status. */
  errorBodies?: Partial<Record<ErrorStatus, z.ZodType>>;
  /** Returns the success body; failures are thrown as DomainError. */
  handle(ctx: RouteContext<A, P, Q, B, H>): Promise<z.input<R>>;
  /**
   * A creating route that takes an Idempotency-Key header (server/idempotency.ts):
   * `replay` answers a retry with what the first request created.
   */
  idempotent?: { replay(ctx: RouteContext<A, P, Q, B, H>, resourceId: string): Promise<z.input<R>> };
}

// The route list mixes routes of different types; the generics only matter
// while each one is written (defineRoute checks the handler against its schemas).
export type ApiRoute = RouteSpec<Auth, any, any, any, z.ZodType, any>;

export function defineRoute<
  A extends Auth,
  R extends z.ZodType,
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  H extends z.ZodObject | undefined = undefined,
>(spec: RouteSpec<A, P, Q, B, R, H>): ApiRoute {
  return spec as unknown as ApiRoute;
}

/** The scope a bearer route needs, e.g. { resource: "tickets", access: "write" }; null for open routes. */
export function routeScope(route: ApiRoute): { resource: ApiResource; access: Access } | null {
  if (route.auth !== "bearer" || !route.resource) return null;
  return { resource: route.resource, access: route.access ?? (route.method === "get" ? "read" : "write") };
}

/** Every error status the route can answer with, in order. */
export function errorStatuses(route: ApiRoute): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(route.errors ?? []);
  // 401 without a good token; 403 for a token whose scopes leave this route out.
  if (route.auth === "bearer") statuses.add(401).add(403);
  if (route.params) statuses.add(404);
  if (route.query || route.body || route.headers) statuses.add(400);
  if (route.idempotent) statuses.add(422);
  return [...statuses].sort((a, b) => a - b);
}

/** /tickets/{number} → /tickets/:number */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");
