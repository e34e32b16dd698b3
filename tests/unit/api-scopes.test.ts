// Token scopes: write includes read, "*" allows everything, unknown scopes
// allow nothing, and a token can only make tokens narrower than itself.
import { describe, expect, test } from "vitest";
import { ALL_SCOPES, allows, API_RESOURCES, covers, normalizeScopes, resourcesFor, ScopesSchema } from "../../server/auth/scopes.ts";
import { ROLE_PERMISSIONS, type Role } from "../../server/auth/policy.ts";
import { routeScope, type ApiRoute } from "../../server/api/contract.ts";

describe("allows", () => {
  test("a read scope reads its resource only; a write scope reads and writes it", () => {
    expect(allows(["tickets:read"], "tickets", "read")).toBe(true);
    expect(allows(["tickets:read"], "tickets", "write")).toBe(false);
    expect(allows(["tickets:read"], "macros", "read")).toBe(false);
    expect(allows(["tickets:write"], "tickets", "read")).toBe(true);
    expect(allows(["tickets:write"], "tickets", "write")).toBe(true);
    expect(allows(["tickets:write"], "sla", "read")).toBe(false);
  });

  test('"*" allows every resource; nothing and unknown strings allow nothing', () => {
    for (const resource of API_RESOURCES) {
      expect(allows(["*"], resource, "write")).toBe(true);
      expect(allows([], resource, "read")).toBe(false);
      expect(allows(["tickets:admin", "everything", `${resource}:READ`], resource, "read")).toBe(false);
    }
  });
});

describe("normalizeScopes", () => {
  test('"*" stands alone, a write stands for its read, resources come in a fixed order', () => {
    expect(normalizeScopes(["tickets:read", "*"])).toEqual(["*"]);
    expect(normalizeScopes(["sla:read", "tickets:read", "tickets:write", "tickets:read"])).toEqual(["tickets:write", "sla:read"]);
    expect(normalizeScopes(["bogus"])).toEqual([]);
  });
});

describe("covers", () => {
  test("a token may make a token that allows no more than itself", () => {
    expect(covers(["*"], ["*"])).toBe(true);
    expect(covers(["*"], ["admin:write"])).toBe(true);
    expect(covers(["tickets:write"], ["tickets:read"])).toBe(true);
    expect(covers(["tickets:write", "account:write"], ["tickets:write", "account:read"])).toBe(true);
    expect(covers(["tickets:read"], ["tickets:write"])).toBe(false);
    expect(covers(["account:write"], ["*"])).toBe(false);
    expect(covers(["account:write"], ["macros:read"])).toBe(false);
    expect(covers(["*"], ["nonsense"])).toBe(false);
  });
});

describe("ScopesSchema", () => {
  test("takes known scopes and writes them plainly; refuses none and unknown ones with message keys", () => {
    expect(ScopesSchema.parse(["macros:read", "macros:write"])).toEqual(["macros:write"]);
    expect(ScopesSchema.safeParse([]).error?.issues[0].message).toBe("validation.scopes");
    expect(ScopesSchema.safeParse(["tickets:delete"]).error?.issues[0].message).toBe("validation.scope");
    expect(ScopesSchema.safeParse("tickets:read").error?.issues[0].message).toBe("validation.scopes");
    expect(ALL_SCOPES).toContain("account:write");
  });
});

describe("resourcesFor", () => {
  const offered = (role: Role) => resourcesFor((p) => ROLE_PERMISSIONS[role].includes(p));
  test("a customer is offered what they can use; an admin everything", () => {
    expect(offered("customer")).toEqual(["tickets", "customers", "account"]);
    expect(offered("agent")).toEqual(["tickets", "macros", "customers", "notifications", "account"]);
    expect(offered("admin")).toEqual([...API_RESOURCES]);
  });
});

describe("routeScope", () => {
  const route = (r: Partial<ApiRoute>) => ({ method: "get", path: "/x", auth: "bearer", ...r }) as ApiRoute;
  test("GET reads, other methods write, unless the route says; open routes need no scope", () => {
    expect(routeScope(route({ resource: "tickets" }))).toEqual({ resource: "tickets", access: "read" });
    expect(routeScope(route({ resource: "tickets", method: "patch" }))).toEqual({ resource: "tickets", access: "write" });
    expect(routeScope(route({ resource: "sla", method: "post", access: "read" }))).toEqual({ resource: "sla", access: "read" });
    expect(routeScope(route({ auth: "none" } as Partial<ApiRoute>))).toBeNull();
  });
});
