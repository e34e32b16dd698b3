// Named, scoped API tokens as their users meet them: scopes only narrow what
// a token's user may do (a customer's token never acts as staff), a token is
// shown once and listed without its secret, its use is recorded, it stops at
// once when its owner is deactivated, and admins see and revoke anyone's.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { action as tokensAction, loader as tokensLoader } from "../../app/routes/account_.tokens.tsx";
import { action as adminTokensAction, loader as adminTokensLoader } from "../../app/routes/admin.tokens.tsx";

const { ctx, api, tokenFor, sessionCookie } = useLiveServer();

async function makeToken(signInToken: string, scopes: string[], name = `Token ${scopes.join(" ")}`) {
  const res = await api("/tokens", { method: "POST", token: signInToken, body: { name, scopes } });
  expect(res.status).toBe(201);
  return res.body as { token: string; id: string; name: string; scopes: string[] };
}

const fileTicket = (token: string, subject: string) =>
  api("/tickets", { method: "POST", token, body: { type: "inquiry", category: "technical", subject, description: "Filed from a script, long enough." } });

/** Runs a page's loader or action as a browser with this session would. */
const pageRequest = (path: string, cookie: string, form?: Record<string, string>) =>
  new Request(`${ctx.server.url}${path}`, {
    method: form ? "POST" : "GET",
    headers: { Cookie: cookie, ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
const context = { clientIp: "203.0.113.9", cspNonce: "" };

describe("scopes", () => {
  test("a read-only token reads tickets but cannot file one, and a token for other parts of the API is refused", async () => {
    const ada = await tokenFor("ada@key.example");
    const reader = await makeToken(ada, ["tickets:read"]);
    const before = await ctx.db.ticket.count();

    expect((await api("/tickets", { token: reader.token })).status).toBe(200);
    const refused = await fileTicket(reader.token, "Should not be filed");
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      "This API token does not allow this: it needs the scope “tickets:write”. Make a token with that scope, or use one with “*”.",
    );
    expect(await ctx.db.ticket.count()).toBe(before);

    const healthOnly = await makeToken(ada, ["customers:read"]);
    const zh = await api("/tickets", { token: healthOnly.token, lang: "zh-CN" });
    expect(zh.status).toBe(403);
    expect(zh.body.error.message).toContain("需要权限范围“tickets:read”");
    expect((await api(`/customers/${ctx.fx.keyCustomer.customerId}/health`, { token: healthOnly.token })).status).not.toBe(403);

    const writer = await makeToken(ada, ["tickets:write"]);
    expect((await fileTicket(writer.token, "Filed with a write token")).status).toBe(201);
    expect((await api("/tickets", { token: writer.token })).status).toBe(200);
  });

  test("a customer's token with every scope still cannot see or do staff things", async () => {
    const otto = await tokenFor("otto@std.example");
    const ottos = await fileTicket(otto, "Otto's own trouble");
    const everything = await makeToken(await tokenFor("ada@key.example"), ["*"]);

    const mine = await api("/tickets", { token: everything.token });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((t: { number: number }) => t.number)).not.toContain(ottos.body.number);
    expect((await api(`/tickets/${ottos.body.number}`, { token: everything.token })).status).toBe(404);
    for (const path of ["/macros", "/admin/audit", "/admin/tokens", "/search/tickets?q=trouble", "/sla/policies", `/customers/${ctx.fx.otherCustomer.customerId}/health`]) {
      const res = await api(path, { token: everything.token });
      expect(res.status, path).toBe(403);
      expect(res.body.error.message, path).toBe("You do not have access to this.");
    }
    // Even a scope made for staff work adds nothing a customer may not do.
    const adminScoped = await makeToken(await tokenFor("ada@key.example"), ["admin:write", "tickets:write"]);
    expect((await api("/admin/tokens", { token: adminScoped.token })).status).toBe(403);
    const patch = await api(`/tickets/${ottos.body.number}`, { method: "PATCH", token: adminScoped.token, body: { status: "closed" } });
    expect([403, 404]).toContain(patch.status);
  });
});

describe("a token's life", () => {
  test("its use is recorded at most once a minute, each time with an audit entry", async () => {
    const made = await makeToken(await tokenFor("li@test.example"), ["tickets:read"], "Queue watcher");
    const used = () => ctx.db.auditEntry.findMany({ where: { action: "token.used", targetId: made.id } });
    expect((await ctx.db.apiToken.findUniqueOrThrow({ where: { id: made.id } })).lastUsedAt).toBeNull();

    for (let i = 0; i < 3; i++) expect((await api("/tickets", { token: made.token })).status).toBe(200);
    const first = (await ctx.db.apiToken.findUniqueOrThrow({ where: { id: made.id } })).lastUsedAt!;
    expect(Date.now() - first.getTime()).toBeLessThan(60_000);
    const entries = await used();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: ctx.fx.agent.id, data: { name: "Queue watcher", route: "GET /tickets" } });

    // A minute later, the next use is written again.
    await ctx.db.apiToken.update({ where: { id: made.id }, data: { lastUsedAt: new Date(Date.now() - 61_000) } });
    expect((await api("/tickets", { token: made.token })).status).toBe(200);
    expect(await used()).toHaveLength(2);
    const listed = await api("/tokens", { token: await tokenFor("li@test.example") });
    expect(listed.body.data.find((t: { id: string }) => t.id === made.id).lastUsedAt).toEqual(expect.any(String));
  });

  test("a deactivated person's token stops working at once, even while the token itself remains; an expired one too", async () => {
    const user = await ctx.db.user.create({
      data: { email: "leaving@tokens.example", name: "Leaving Agent", role: "agent", passwordHash: await hashPassword(PASSWORD) },
    });
    const made = await makeToken(await tokenFor(user.email), ["tickets:read"]);
    expect((await api("/tickets", { token: made.token })).status).toBe(200);

    await ctx.db.user.update({ where: { id: user.id }, data: { deactivatedAt: new Date() } });
    expect(await ctx.db.apiToken.count({ where: { id: made.id } })).toBe(1);
    const refused = await api("/tickets", { token: made.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe("The API token is missing, expired or invalid.");

    const other = await makeToken(await tokenFor("li@test.example"), ["tickets:read"]);
    await ctx.db.apiToken.update({ where: { id: other.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await api("/tickets", { token: other.token })).status).toBe(401);
  });
});

describe("the account page", () => {
  test("makes a named, scoped token shown once, lists it without the secret, and revokes it", async () => {
    const cookie = await sessionCookie(ctx.fx.billingAgent.id);
    const made = (await tokensAction({
      request: pageRequest("/account/tokens", cookie, { intent: "create", name: "Nightly report", expiresInDays: "90", "scope.tickets": "read", "scope.sla": "write" }),
      params: {},
      context,
    })) as { ok: true; created: { name: string; token: string } };
    expect(made.created.name).toBe("Nightly report");
    expect(made.created.token).toMatch(/^hd_/);
    expect((await api("/tickets", { token: made.created.token })).status).toBe(200);
    expect((await api("/macros", { token: made.created.token })).status).toBe(403);

    const page = await tokensLoader({ request: pageRequest("/account/tokens", cookie), params: {}, context });
    const listed = page.tokens.find((t) => t.name === "Nightly report")!;
    expect(listed.scopes).toEqual(["tickets:read", "sla:write"]);
    expect(listed.expiresAt.getTime() - listed.createdAt.getTime()).toBe(90 * 86_400_000);
    expect(JSON.stringify(page)).not.toContain(made.created.token);
    expect(page.resources).toEqual(["tickets", "macros", "customers", "notifications", "account"]);

    const none = (await tokensAction({ request: pageRequest("/account/tokens", cookie, { intent: "create", name: "" }), params: {}, context })) as unknown as {
      data: { fieldErrors: Record<string, string[]> };
    };
    expect(none.data.fieldErrors).toEqual({ name: ["validation.tokenName"], scopes: ["validation.scopes"] });

    await tokensAction({ request: pageRequest("/account/tokens", cookie, { intent: "revoke", id: listed.id }), params: {}, context });
    expect((await api("/tickets", { token: made.created.token })).status).toBe(401);
    const revoked = await ctx.db.auditEntry.findFirstOrThrow({ where: { action: "token.revoked", targetId: listed.id } });
    expect(revoked).toMatchObject({ actorId: ctx.fx.billingAgent.id, ip: "203.0.113.9" });
  });
});

describe("the admin page", () => {
  test("lists everyone's tokens with their owners and revokes any; others may not open it", async () => {
    const made = await makeToken(await tokenFor("sup@test.example"), ["sla:write"], "SLA sync");
    const admin = await sessionCookie(ctx.fx.admin.id);
    const page = await adminTokensLoader({ request: pageRequest("/admin/tokens", admin), params: {}, context });
    const row = page.tokens.find((t) => t.id === made.id)!;
    expect(row).toMatchObject({ name: "SLA sync", scopes: ["sla:write"], owner: { email: "sup@test.example" } });
    expect(JSON.stringify(page)).not.toContain(made.token);

    const supervisor = await sessionCookie(ctx.fx.supervisor.id);
    const forbidden = await adminTokensLoader({ request: pageRequest("/admin/tokens", supervisor), params: {}, context }).catch((r: Response) => r);
    expect((forbidden as Response).status).toBe(403);
    const notAllowed = await adminTokensAction({ request: pageRequest("/admin/tokens", supervisor, { id: made.id }), params: {}, context }).catch((r: Response) => r);
    expect((notAllowed as Response).status).toBe(403);
    expect((await api("/sla/policies", { token: made.token })).status).toBe(200);

    const done = (await adminTokensAction({ request: pageRequest("/admin/tokens", admin, { id: made.id }), params: {}, context })) as { ok: true; owner: string };
    expect(done.owner).toBe("Sam Supervisor");
    expect((await api("/sla/policies", { token: made.token })).status).toBe(401);
    expect(await ctx.db.auditEntry.findFirst({ where: { action: "token.revoked", targetId: made.id } })).toMatchObject({
      actorId: ctx.fx.admin.id,
      data: { name: "SLA sync", owner: "sup@test.example" },
    });
  });
});
