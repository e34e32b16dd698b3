// What an API token may be used for: "<resource>:read", "<resource>:write" or
// "*". Pure: no I/O. Scopes only narrow: a route runs only when the token's
// scopes allow its resource and access, and then the policy (policy.ts)
// decides as it does for its user, so no scope makes a customer's token act
// as staff.
import { z } from "zod";
import type { Permission } from "./policy.ts";

/** The parts of /api/v1 a token can be limited to; every bearer route names one (server/api/contract.ts). */
export const API_RESOURCES = ["tickets", "macros", "customers", "sla", "notifications", "admin", "account"] as const;
export type ApiResource = (typeof API_RESOURCES)[number];

export type Access = "read" | "write";
export type Scope = "*" | `${ApiResource}:${Access}`;

export const ALL_SCOPES: readonly Scope[] = ["*", ...API_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`] as const)];

/** What a token from a sign-in (POST /auth/token) or a password change carries: everything its user may do. */
export const FULL_ACCESS: readonly Scope[] = ["*"];

export const scopeFor = (resource: ApiResource, access: Access): Scope => `${resource}:${access}`;

const isScope = (s: string): s is Scope => (ALL_SCOPES as readonly string[]).includes(s);

/** Do these scopes let a token at `resource` with `access`? Write includes read. Unknown strings allow nothing. */
export function allows(scopes: readonly string[], resource: ApiResource, access: Access): boolean {
  return scopes.includes("*") || scopes.includes(scopeFor(resource, "write")) || (access === "read" && scopes.includes(scopeFor(resource, "read")));
}

/**
 * The same allowance written plainly: "*" alone when present, each resource
 * once (its write standing for its read), in the order of API_RESOURCES.
 */
export function normalizeScopes(scopes: readonly string[]): Scope[] {
  if (scopes.includes("*")) return ["*"];
  const out: Scope[] = [];
  for (const resource of API_RESOURCES) {
    if (scopes.includes(scopeFor(resource, "write"))) out.push(scopeFor(resource, "write"));
    else if (scopes.includes(scopeFor(resource, "read"))) out.push(scopeFor(resource, "read"));
  }
  return out;
}

/** Does `granted` allow at least all that `requested` does? A token may only make tokens narrower than itself. */
export function covers(granted: readonly string[], requested: readonly string[]): boolean {
  return requested.every((scope) => {
    if (scope === "*") return granted.includes("*");
    const [resource, access] = scope.split(":") as [ApiResource, Access];
    return isScope(scope) && allows(granted, resource, access);
  });
}

/** A token's scopes as given by a person or a client: at least one known scope, then normalized. */
export const ScopesSchema = z
  .array(z.string({ error: "validation.scope" }).refine(isScope, "validation.scope"), { error: "validation.scopes" })
  .min(1, "validation.scopes")
  .max(ALL_SCOPES.length, "validation.scopes")
  .transform((scopes) => normalizeScopes(scopes));

/**
 * Resources worth offering someone when they make a token: those their
 * permissions can use at all (a customer is not offered "admin"). Offering is
 * all this decides; a scope they cannot use would simply allow nothing.
 */
export function resourcesFor(may: (permission: Permission) => boolean): ApiResource[] {
  const useful: Record<ApiResource, Permission[]> = {
    tickets: ["tickets.view_own", "tickets.view_assigned", "tickets.view_team", "tickets.view_untriaged", "tickets.view_all"],
    macros: ["workspace.use"],
    customers: ["customers.view_own", "customers.view_all"],
    sla: ["sla.manage"],
    notifications: ["notifications.read"],
    admin: ["system.monitor", "users.manage", "tokens.manage", "audit.view"],
    account: [],
  };
  return API_RESOURCES.filter((r) => r === "account" || useful[r].some(may));
}
