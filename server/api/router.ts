// The versioned JSON API, mounted from the route descriptions in routes.ts:
// each route's schemas validate its params, query and body here, before the
// handler runs, with errors in the API's JSON format and the caller's language.
import express, { type Request, type RequestHandler } from "express";
import { db } from "../db/client.ts";
import { userForApiToken, type ApiCaller } from "../auth/api-tokens.ts";
import { allows, scopeFor } from "../auth/scopes.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { expressPath, routeScope, type ApiRoute } from "./contract.ts";
import { errorHandler } from "./http.ts";
import { API_ROUTES } from "./routes.ts";
import { earlierResult, idempotencyClaim, IdempotencyKeyTaken, type IdempotencyClaim } from "../idempotency.ts";

async function requireApiCaller(req: Request, route: ApiRoute): Promise<ApiCaller> {
  const header = req.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const caller = match ? await userForApiToken(db(), match[1], { ip: req.ip ?? null, route: routeName(route) }) : null;
  if (!caller) throw new DomainError("unauthorized", "errors.invalidToken");
  // Scopes only narrow: the service still asks the policy about the user.
  const scope = routeScope(route);
  if (!scope || !allows(caller.token.scopes, scope.resource, scope.access)) {
    throw new DomainError("forbidden", "errors.tokenScope", undefined, undefined, { scope: scope ? scopeFor(scope.resource, scope.access) : "*" });
  }
  return caller;
}

function handlerFor(route: ApiRoute): RequestHandler {
  return (req, res, next) => {
    (async () => {
      // Who first (401), what the token may do (403), then which resource (404), then the input (400).
      const caller = route.auth === "bearer" ? await requireApiCaller(req, route) : null;
      const user = caller?.user ?? null;
      let params;
      if (route.params) {
        const parsed = route.params.safeParse(req.params);
        // A path whose parameter cannot be valid names nothing.
        if (!parsed.success) throw notFound(route.notFoundKey);
        params = parsed.data;
      }
      const query = route.query ? parseInput(route.query, req.query) : undefined;
      const headers = route.headers ? parseInput(route.headers, req.headers) : undefined;
      const body = route.body ? parseInput(route.body, req.body ?? {}) : undefined;
      const ctx = { user, token: caller?.token ?? null, params, query, body, headers, req, res };
      const key = route.idempotent && user ? (headers as { "idempotency-key"?: string } | undefined)?.["idempotency-key"] : undefined;
      const result = key ? await idempotently(route, ctx, idempotencyClaim(user!.id, key, routeName(route), { params, body })) : await route.handle(ctx);
      if (!route.binary) res.status(route.status ?? 200).json(result);
    })().catch(next);
  };
}

const routeName = (route: ApiRoute) => `${route.method.toUpperCase()} ${route.path}`;

/** Runs a creating route once per Idempotency-Key; a retry gets what the first request created. */
async function idempotently(route: ApiRoute, ctx: Parameters<ApiRoute["handle"]>[0], claim: IdempotencyClaim) {
  const replay = async () => {
    const resourceId = await earlierResult(db(), claim);
    if (!resourceId) return null;
    ctx.res.set("Idempotent-Replayed", "true");
    return route.idempotent!.replay(ctx, resourceId);
  };
  const earlier = await replay();
  if (earlier !== null) return earlier;
  try {
    return await route.handle({ ...ctx, idempotency: claim });
  } catch (error) {
    // The same request, at the same moment, committed first.
    if (!(error instanceof IdempotencyKeyTaken)) throw error;
    const first = await replay();
    if (first === null) throw error;
    return first;
  }
}

export function apiRouter(routes: ApiRoute[] = API_ROUTES) {
  const api = express.Router();
  const json = express.json({ limit: "256kb" });
  // An upload's body is the file itself, whatever its type (a .json file is not a request body).
  for (const route of routes) api[route.method](expressPath(route.path), route.upload ? [] : [json], handlerFor(route));
  api.use((_req, _res, next) => next(notFound()));
  api.use(errorHandler);
  return api;
}
