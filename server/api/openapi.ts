// The OpenAPI 3.1 document of /api/v1, generated from the route descriptions
// (routes.ts): the same zod schemas validate requests and type responses.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { scopeFor } from "../auth/scopes.ts";
import { errorStatuses, routeScope, type ApiRoute, type ErrorStatus } from "./contract.ts";
import { ApiError } from "./schemas.ts";

const errorDescriptions: Record<ErrorStatus, string> = {
  400: "Invalid input: `details` names the fields",
  401: "Missing, expired or invalid bearer token (or wrong email and password)",
  403: "Not allowed for this user, or the token's scopes leave this route out",
  404: "Not found, or not visible to this user",
  409: "Conflicts with the current state",
  410: "Expired",
  422: "The Idempotency-Key was already used for a different request",
  429: "Too many attempts: wait and try again",
  503: "A service it depends on is unavailable",
};

const successDescriptions: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted: it happens shortly" };

const json = (schema: unknown) => ({ "application/json": { schema } }) as never;
const bytes = (type = "application/octet-stream") => ({ [type]: { schema: { type: "string", format: "binary" } } }) as never;

export function buildOpenApiDocument(routes: ApiRoute[]) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  for (const route of routes) {
    const status = route.status ?? 200;
    const responses: Record<string, { description: string; content: never }> = {
      [status]: { description: successDescriptions[status], content: route.binary ? bytes(route.binaryType) : json(route.response) },
    };
    for (const status of errorStatuses(route)) {
      responses[status] = { description: errorDescriptions[status], content: json(route.errorBodies?.[status] ?? ApiError) };
    }
    // The scope a token needs, as the security requirement's role and in words.
    const scope = routeScope(route);
    const needed = scope ? scopeFor(scope.resource, scope.access) : null;
    const scopeNote = scope
      ? `Token scope: \`${needed}\`${scope.access === "read" ? `, \`${scope.resource}:write\`` : ""} or \`*\`.`
      : undefined;
    registry.registerPath({
      method: route.method,
      path: route.path,
      summary: route.summary,
      description: [route.description, scopeNote].filter(Boolean).join("\n\n") || undefined,
      security: route.auth === "bearer" ? [{ [bearer.name]: needed ? [needed] : [] }] : [],
      ...(needed ? { "x-scope": needed } : {}),
      request: {
        params: route.params,
        query: route.query,
        headers: route.headers,
        body: route.upload ? { required: true, content: bytes() } : route.body ? { required: true, content: json(route.body) } : undefined,
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Helpdesk API",
      version: "1.0.0",
      description:
        "Tickets, messages, CSAT surveys, customer health and knowledge-base search. Get a token with POST /auth/token (it may do everything you may) or a narrower one with POST /tokens, and send it as `Authorization: Bearer <token>`. A token's scopes (`tickets:read`, `tickets:write`, … or `*`) say which routes it may call; each route names the scope it needs, and write includes read. Scopes only narrow: what the token's user may see and do still decides. Errors are `{ error: { code, message, details? } }` with messages in the caller's language (Accept-Language). Lists take `limit` and `cursor` and answer `{ data, nextCursor }`; `nextCursor` is null on the last page.",
    },
    servers: [{ url: "/api/v1" }],
  });
}
