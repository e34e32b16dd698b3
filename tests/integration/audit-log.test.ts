// The audit log as admins use it: sign-ins (and failed ones) with the email
// given and the address, token creation, and every CSV download are
// recorded; the log is filtered by person, action and days, paged newest
// first, shown in words, and downloaded as CSV by those who may export.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { recordAudit } from "../../server/audit/log.ts";
import { exportAuditCsv, listAuditEntries } from "../../server/audit/service.ts";
import { action as loginAction } from "../../app/routes/login.tsx";
import { loader as auditPage } from "../../app/routes/admin.audit.tsx";
import { loader as auditCsv } from "../../app/routes/admin_.audit[.]csv.tsx";
import { loader as slaCsv } from "../../app/routes/supervisor.sla-compliance[.]csv.tsx";

const { ctx, api, tokenFor, sessionCookie } = useLiveServer();

const context = { clientIp: "198.51.100.23", cspNonce: "" };
const pageRequest = (path: string, cookie: string, form?: Record<string, string>) =>
  new Request(`${ctx.server.url}${path}`, {
    method: form ? "POST" : "GET",
    headers: { Cookie: cookie, ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (r: Response) => r.status);

async function signInOnPage(email: string, password: string) {
  return loginAction({ request: pageRequest("/login", "", { email, password }), params: {}, context });
}

describe("what is recorded", () => {
  test("sign-ins and failed sign-ins, with the email given and the address, from the page and the API", async () => {
    await signInOnPage("li@test.example", PASSWORD);
    await signInOnPage("LI@test.example", "wrong-password");
    await signInOnPage("nobody@test.example", "whatever-it-is");
    expect((await api("/auth/token", { method: "POST", body: { email: "sup@test.example", password: PASSWORD } })).status).toBe(201);

    const entries = await ctx.db.auditEntry.findMany({ where: { action: { startsWith: "signin." } }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.action, e.actorId, e.actorEmail, e.ip, e.data])).toEqual([
      ["signin.succeeded", ctx.fx.agent.id, "li@test.example", "198.51.100.23", {}],
      ["signin.failed", ctx.fx.agent.id, "li@test.example", "198.51.100.23", { reason: "wrong_password" }],
      ["signin.failed", null, "nobody@test.example", "198.51.100.23", { reason: "unknown_email" }],
      ["signin.succeeded", ctx.fx.supervisor.id, "sup@test.example", expect.stringContaining("127.0.0.1"), {}],
    ]);
    // The token the API sign-in handed out is recorded as made, with all scopes.
    const made = await ctx.db.auditEntry.findFirstOrThrow({ where: { action: "token.created", actorId: ctx.fx.supervisor.id } });
    expect(made.data).toMatchObject({ name: "", scopes: ["*"], origin: "sign_in" });
  });

  test("a named token's creation, with its scopes", async () => {
    const res = await api("/tokens", { method: "POST", token: await tokenFor("bo@test.example"), body: { name: "Invoices", scopes: ["tickets:read"] } });
    const entry = await ctx.db.auditEntry.findFirstOrThrow({ where: { action: "token.created", targetId: res.body.id } });
    expect(entry).toMatchObject({ actorId: ctx.fx.billingAgent.id, targetType: "token", data: { name: "Invoices", scopes: ["tickets:read"], origin: "created" } });
  });

  test("the SLA compliance download, for those who may export data", async () => {
    const supervisor = await sessionCookie(ctx.fx.supervisor.id);
    const res = (await slaCsv({ request: pageRequest("/supervisor/sla-compliance.csv?from=2026-11-01&to=2026-11-02", supervisor), params: {}, context })) as Response;
    expect(res.status).toBe(200);
    expect((await res.text()).split("\n")[0]).toBe("day,team,agent,policy,target,due,met_on_time,share_on_time");
    const entry = await ctx.db.auditEntry.findFirstOrThrow({ where: { action: "export.csv", actorId: ctx.fx.supervisor.id } });
    expect(entry).toMatchObject({ ip: "198.51.100.23", data: { report: "sla-compliance", filter: { from: "2026-11-01", to: "2026-11-02", timeZone: "UTC" }, rows: 0 } });

    const agent = await sessionCookie(ctx.fx.agent.id);
    expect(await refusal(slaCsv({ request: pageRequest("/supervisor/sla-compliance.csv", agent), params: {}, context }))).toBe(403);
  });
});

describe("reading the log", () => {
  /** A person whose entries this test writes itself, at known times. */
  async function personWithHistory() {
    const user = await ctx.db.user.create({ data: { email: `history${Date.now()}@audit.example`, name: "Hana History", role: "agent", passwordHash: "x" } });
    const at = (iso: string) => new Date(iso);
    await recordAudit(ctx.db, [
      { action: "team.updated", actorId: user.id, target: { type: "team", id: ctx.fx.teams.support.id }, data: { before: { name: "Support" }, after: { name: "Help" } }, at: at("2026-03-01T23:30:00Z") },
      { action: "settings.updated", actorId: user.id, data: { before: { name: "Helpdesk" }, after: { name: "Acme help" } }, at: at("2026-03-02T00:30:00Z") },
      { action: "team.updated", actorId: user.id, target: { type: "team", id: ctx.fx.teams.billing.id }, data: { before: { name: "Billing" }, after: { name: "Money" } }, at: at("2026-03-03T12:00:00Z") },
      { action: "team.updated", actorId: ctx.fx.admin.id, target: { type: "team", id: ctx.fx.teams.support.id }, at: at("2026-03-02T08:00:00Z") },
    ]);
    return user;
  }

  test("filters by person, action and days in the reader's time zone, newest first, page by page without gaps", async () => {
    const hana = await personWithHistory();
    const admin = ctx.fx.admin;
    const list = async (filter: Record<string, unknown>) =>
      (await listAuditEntries(ctx.db, admin, { actorId: hana.id, ...filter })).items.map((e) => e.data.after && (e.data.after as { name: string }).name);

    expect(await list({})).toEqual(["Money", "Acme help", "Help"]);
    expect(await list({ action: "team.updated" })).toEqual(["Money", "Help"]);
    expect(await list({ from: "2026-03-02", to: "2026-03-02" })).toEqual(["Acme help"]);
    // 2 March in Shanghai (UTC+8) starts at 16:00 UTC on 1 March.
    expect(await list({ from: "2026-03-02", to: "2026-03-02", timeZone: "Asia/Shanghai" })).toEqual(["Acme help", "Help"]);
    expect(await list({ from: "2026-03-03" })).toEqual(["Money"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAuditEntries>> = await listAuditEntries(ctx.db, admin, { actorId: hana.id, limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    await expect(listAuditEntries(ctx.db, admin, { action: "coffee.made" })).rejects.toMatchObject({ details: { action: ["validation.auditAction"] } });
    await expect(listAuditEntries(ctx.db, admin, { from: "2026-03-05", to: "2026-03-01" })).rejects.toMatchObject({ details: { to: ["validation.dateRange"] } });
  });

  test("reading needs audit.view; the CSV needs data.export too", async () => {
    const role = await ctx.db.customRole.create({ data: { name: "Auditor", permissions: ["audit.view"] } });
    const auditor = await ctx.db.user.create({
      data: { email: "auditor@audit.example", name: "Ada Auditor", role: "agent", customRoleId: role.id, passwordHash: await hashPassword(PASSWORD) },
    });
    const asAuditor = (await loadAuthUser(ctx.db, auditor.id)) as AuthUser;
    expect((await listAuditEntries(ctx.db, asAuditor, {})).items.length).toBeGreaterThan(0);
    await expect(exportAuditCsv(ctx.db, asAuditor, {}, { ip: null })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listAuditEntries(ctx.db, ctx.fx.supervisor, {})).rejects.toMatchObject({ code: "forbidden" });
    // The API says the same.
    const token = await tokenFor("auditor@audit.example");
    expect((await api("/admin/audit", { token })).status).toBe(200);
    expect((await api("/admin/audit.csv", { token })).status).toBe(403);
    const cookie = await sessionCookie(auditor.id);
    const page = await auditPage({ request: pageRequest("/admin/audit", cookie), params: {}, context });
    expect(page.canExport).toBe(false);
    expect(await refusal(auditCsv({ request: pageRequest("/admin/audit.csv", cookie), params: {}, context }))).toBe(403);
  });
});

describe("the audit page", () => {
  test("shows entries with what changed, keeps its filters, and downloads the same filter as CSV, recorded", async () => {
    const hana = await ctx.db.user.create({ data: { email: "page@audit.example", name: "Pat Page", role: "supervisor", passwordHash: "x" } });
    await recordAudit(ctx.db, { action: "rule.updated", actorId: hana.id, target: { type: "rule", id: "r1" }, data: { before: { name: "VIP", priority: "high" }, after: { name: "=VIP", priority: "urgent" } } });
    const admin = await sessionCookie(ctx.fx.admin.id);

    const page = await auditPage({ request: pageRequest(`/admin/audit?actorId=${hana.id}&action=rule.updated&from=&to=`, admin), params: {}, context });
    expect(page.errors).toBeUndefined();
    expect(page.filter).toEqual({ actorId: hana.id, action: "rule.updated", from: "", to: "" });
    expect(page.people.map((p) => p.name)).toContain("Pat Page");
    expect(page.people.map((p) => p.email)).not.toContain("ada@key.example");
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]).toMatchObject({
      action: "rule.updated",
      actor: { name: "Pat Page" },
      target: { type: "rule", id: "r1", label: "=VIP" },
      lines: [
        { key: "name", before: "VIP", value: "=VIP" },
        { key: "priority", before: "high", value: "urgent" },
      ],
    });
    const badFilter = await auditPage({ request: pageRequest("/admin/audit?from=yesterday", admin), params: {}, context });
    expect(badFilter.errors).toEqual({ from: ["validation.date"] });
    expect(badFilter.entries).toEqual([]);

    const res = (await auditCsv({ request: pageRequest(`/admin/audit.csv?actorId=${hana.id}&action=`, admin), params: {}, context })) as Response;
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(2);
    // A value someone typed that starts like a formula stays text in a spreadsheet.
    expect(lines[1]).toContain(",Pat Page,page@audit.example,rule.updated,rule,r1,'=VIP,name: VIP → =VIP; priority: high → urgent,");
    expect(await ctx.db.auditEntry.findFirst({ where: { action: "export.csv", actorId: ctx.fx.admin.id }, orderBy: { id: "desc" } })).toMatchObject({
      ip: "198.51.100.23",
      data: { report: "audit-log", filter: { actorId: hana.id, timeZone: "UTC" }, rows: 1 },
    });

    const supervisor = await sessionCookie(ctx.fx.supervisor.id);
    expect(await refusal(auditPage({ request: pageRequest("/admin/audit", supervisor), params: {}, context }))).toBe(403);
  });

  test("a long log downloads whole, page after page", async () => {
    const bulk = await ctx.db.user.create({ data: { email: "bulk@audit.example", name: "Bulk Writer", role: "agent", passwordHash: "x" } });
    await recordAudit(
      ctx.db,
      Array.from({ length: 2500 }, (_, i) => ({ action: "settings.updated" as const, actorId: bulk.id, data: { n: i }, at: new Date(Date.UTC(2026, 0, 1) + i * 1000) })),
    );
    const csv = await exportAuditCsv(ctx.db, ctx.fx.admin, { actorId: bulk.id }, { ip: null });
    let text = "";
    for await (const chunk of csv.lines) text += chunk;
    const rows = text.trim().split("\n").slice(1);
    expect(csv.rows).toBe(2500);
    expect(rows).toHaveLength(2500);
    expect(rows[0]).toContain("n: 2499");
    expect(rows.at(-1)).toContain("n: 0");
  });
});
