// Ending everything a user is signed in with: a password change ends every
// other session and every API token (the browser that asked carries on with
// a fresh session), and deactivation ends them all and keeps the account
// out until an admin lets it back in. Sockets of ended sessions close too.
import { describe, expect, test } from "vitest";
import { io, type Socket } from "socket.io-client";
import { handshake, until, useLiveServer, waitFor } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { hashPassword, verifyPassword } from "../../server/auth/password.ts";
import { getUser } from "../../server/auth/session.ts";
import { issueApiToken } from "../../server/auth/api-tokens.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import { deactivateUser } from "../../server/admin/users.ts";
import { action as accountAction } from "../../app/routes/account.tsx";

const { ctx, api, tokenFor, sessionCookie } = useLiveServer();

/** A staff account of its own per test, so that ending its sessions touches no other test. */
let made = 0;
async function newAgent(password = PASSWORD) {
  const email = `agent${++made}@accounts.example`;
  const user = await ctx.db.user.create({
    data: {
      email,
      name: `Agent ${made}`,
      role: "agent",
      passwordHash: await hashPassword(password),
      memberships: { create: [{ teamId: ctx.fx.teams.support.id }] },
    },
  });
  return { id: user.id, email };
}

const signedInAs = async (cookie: string) =>
  (await getUser(new Request(`${ctx.server.url}/portal`, { headers: { Cookie: cookie } })))?.id ?? null;

/** A socket opened with a session cookie; records when the server closes it. */
async function liveSocket(cookie: string) {
  const socket: Socket = io(ctx.server.url, { transports: ["websocket"], extraHeaders: { Cookie: cookie }, forceNew: true, reconnection: false });
  const state = { closedBy: null as string | null };
  socket.on("disconnect", (reason) => (state.closedBy = reason));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, state };
}

const opens = (cookie: string) => handshake(ctx.server.url, { Cookie: cookie });

/** Posts the account page's form the way a browser does, to the route's action. */
async function postAccountForm(cookie: string, fields: Record<string, string>, lang = "en") {
  const request = new Request(`${ctx.server.url}/account`, {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": lang },
    body: new URLSearchParams(fields),
  });
  return (await accountAction({ request, params: {}, context: { clientIp: "203.0.113.7", cspNonce: "" } })) as Response & {
    data?: { fieldErrors: Record<string, string[]>; values: Record<string, string> };
    init?: { status: number };
  };
}

const bodyOf = (result: unknown) => (result as { data: { fieldErrors: Record<string, string[]>; values: Record<string, string> } }).data;
const statusOf = (result: unknown) => (result as { init: { status: number } }).init.status;

describe("changing one's password", () => {
  test("ends every other session and every API token, and this browser carries on with a fresh session", async () => {
    const me = await newAgent();
    const here = await sessionCookie(me.id);
    const elsewhere = await sessionCookie(me.id);
    const [token1, token2] = [await tokenFor(me.email), await tokenFor(me.email)];
    const otherBrowser = await liveSocket(elsewhere);
    const thisBrowser = await liveSocket(here);
    const bystander = await sessionCookie(ctx.fx.agent.id);

    const res = await postAccountForm(here, { currentPassword: PASSWORD, newPassword: "a-brand-new-secret", confirmPassword: "a-brand-new-secret" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/account?changed");
    const fresh = res.headers.get("Set-Cookie")!.split(";")[0];
    expect(fresh).not.toBe(here);

    // The cookie that asked is replaced too: a copy of it, wherever it went, is worth nothing now.
    expect(await signedInAs(fresh)).toBe(me.id);
    expect(await signedInAs(here)).toBeNull();
    expect(await signedInAs(elsewhere)).toBeNull();
    expect(await ctx.db.session.count({ where: { userId: me.id } })).toBe(1);
    for (const token of [token1, token2]) expect((await api("/me", { token })).status).toBe(401);
    expect(await signedInAs(bystander)).toBe(ctx.fx.agent.id);

    // Sockets opened with the ended sessions are closed by the server; a new one with the fresh cookie opens.
    await until(() => otherBrowser.state.closedBy ?? undefined, "the other browser's socket to close");
    await until(() => thisBrowser.state.closedBy ?? undefined, "the old session's socket to close");
    expect(otherBrowser.state.closedBy).toBe("io server disconnect");
    expect(await opens(fresh)).toBe("connected");
    expect(await opens(elsewhere)).toBe("refused: unauthorized");

    // The new password signs in; the old one does not.
    expect((await api("/auth/token", { method: "POST", body: { email: me.email, password: "a-brand-new-secret" } })).status).toBe(201);
    expect((await api("/auth/token", { method: "POST", body: { email: me.email, password: PASSWORD } })).status).toBe(401);

    const [event] = await ctx.db.domainEvent.findMany({ where: { type: "user.password_changed", actorId: me.id } });
    expect(event.data).toEqual({ userId: me.id, sessionsEnded: 2, tokensRevoked: 2 });
  });

  test("a wrong current password is a field error in the reader's language, and nothing changes", async () => {
    const me = await newAgent();
    const cookie = await sessionCookie(me.id);
    const token = await tokenFor(me.email);
    const before = await ctx.db.user.findUniqueOrThrow({ where: { id: me.id } });

    const wrong = await postAccountForm(cookie, { currentPassword: "not-it", newPassword: "another-secret", confirmPassword: "another-secret" });
    expect(statusOf(wrong)).toBe(400);
    expect(bodyOf(wrong).fieldErrors).toEqual({ currentPassword: ["validation.currentPasswordWrong"] });
    // What was typed comes back, except the passwords.
    expect(bodyOf(wrong).values).toEqual({});

    const zh = await api("/me/password", { method: "POST", token, lang: "zh-CN", body: { currentPassword: "not-it", newPassword: "another-secret" } });
    expect(zh.status).toBe(400);
    expect(zh.body.error.details).toEqual({ currentPassword: ["当前密码不正确。"] });
    const en = await api("/me/password", { method: "POST", token, body: { currentPassword: "not-it", newPassword: "another-secret" } });
    expect(en.body.error.details).toEqual({ currentPassword: ["Your current password is not correct."] });

    const after = await ctx.db.user.findUniqueOrThrow({ where: { id: me.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(await signedInAs(cookie)).toBe(me.id);
    expect((await api("/me", { token })).status).toBe(200);
    expect(await ctx.db.domainEvent.count({ where: { type: "user.password_changed", actorId: me.id } })).toBe(0);
  });

  test("the new password follows the sign-up rules, is typed twice alike, and differs from the current one", async () => {
    const me = await newAgent();
    const cookie = await sessionCookie(me.id);
    const fieldErrors = async (fields: Record<string, string>) => {
      const result = await postAccountForm(cookie, fields);
      expect(statusOf(result)).toBe(400);
      return bodyOf(result).fieldErrors;
    };
    expect(await fieldErrors({ currentPassword: PASSWORD, newPassword: "short", confirmPassword: "short" })).toEqual({
      newPassword: ["validation.passwordLength"],
    });
    expect(await fieldErrors({ currentPassword: PASSWORD, newPassword: "long-enough-1", confirmPassword: "long-enough-2" })).toEqual({
      confirmPassword: ["validation.passwordMismatch"],
    });
    expect(await fieldErrors({ currentPassword: PASSWORD, newPassword: PASSWORD, confirmPassword: PASSWORD })).toEqual({
      newPassword: ["validation.passwordUnchanged"],
    });
    expect(await fieldErrors({ newPassword: "long-enough-1", confirmPassword: "long-enough-1" })).toEqual({
      currentPassword: ["validation.currentPassword"],
    });
    const row = await ctx.db.user.findUniqueOrThrow({ where: { id: me.id } });
    expect(await verifyPassword(row.passwordHash, PASSWORD)).toBe(true);
    expect(await signedInAs(cookie)).toBe(me.id);
  });

  test("wrong current passwords are paused like sign-in, and count with sign-in failures for the account", async () => {
    const me = await newAgent();
    const token = await tokenFor(me.email);
    const attempt = (currentPassword: string) =>
      api("/me/password", { method: "POST", token, body: { currentPassword, newPassword: "another-secret" } });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(400);
    const paused = await attempt(PASSWORD);
    expect(paused.status).toBe(429);
    expect(paused.body.error.message).toBe("Too many wrong passwords. Wait 15 minutes and try again.");
    // The same guesser at the sign-in door for this account is paused too.
    const signIn = await api("/auth/token", { method: "POST", body: { email: me.email, password: PASSWORD } });
    expect(signIn.status).toBe(429);
    // A browser elsewhere (another address) is not.
    const elsewhere = await postAccountForm(await sessionCookie(me.id), {
      currentPassword: PASSWORD,
      newPassword: "another-secret",
      confirmPassword: "another-secret",
    });
    expect(elsewhere.status).toBe(302);
  });

  test("through the API: the calling token is revoked with the rest and a fresh one comes back", async () => {
    const me = await newAgent();
    const [calling, other] = [await tokenFor(me.email), await tokenFor(me.email)];
    const cookie = await sessionCookie(me.id);
    const res = await api("/me/password", { method: "POST", token: calling, body: { currentPassword: PASSWORD, newPassword: "api-new-secret" } });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^hd_/);
    expect((await api("/me", { token: calling })).status).toBe(401);
    expect((await api("/me", { token: other })).status).toBe(401);
    expect((await api("/me", { token: res.body.token })).body.email).toBe(me.email);
    expect(await signedInAs(cookie)).toBeNull();
    expect(await ctx.db.apiToken.count({ where: { userId: me.id } })).toBe(1);
  });
});

describe("deactivating an account", () => {
  test("ends its sessions, tokens and sockets at once and keeps it from signing in, with the same answer as a wrong password", async () => {
    const target = await newAgent();
    const admin = await tokenFor("admin@test.example");
    const cookie = await sessionCookie(target.id);
    const token = await tokenFor(target.email);
    const live = await liveSocket(cookie);
    const ticket = await ctx.db.ticket.create({
      data: {
        type: "inquiry",
        channel: "portal",
        subject: "Assigned before deactivation",
        requesterId: ctx.fx.keyCustomer.customerId!,
        categoryId: (await ctx.db.category.findFirstOrThrow({ where: { key: "technical" } })).id,
        teamId: ctx.fx.teams.support.id,
        assigneeId: target.id,
      },
    });

    const res = await api(`/admin/users/${target.id}/deactivate`, { method: "POST", token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, email: target.email, deactivatedAt: expect.any(String) });
    expect(await signedInAs(cookie)).toBeNull();
    expect((await api("/me", { token })).status).toBe(401);
    expect(await ctx.db.session.count({ where: { userId: target.id } })).toBe(0);
    expect(await ctx.db.apiToken.count({ where: { userId: target.id } })).toBe(0);
    await until(() => live.state.closedBy ?? undefined, "the socket to close");

    const refused = await api("/auth/token", { method: "POST", body: { email: target.email, password: PASSWORD } });
    const unknown = await api("/auth/token", { method: "POST", body: { email: "nobody@accounts.example", password: PASSWORD } });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(unknown.body);

    // History stays: the ticket keeps its assignee, and the event says who did it.
    expect((await ctx.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBe(target.id);
    const [event] = await ctx.db.domainEvent.findMany({ where: { type: "user.deactivated" } });
    expect(event).toMatchObject({ actorId: ctx.fx.admin.id, data: { userId: target.id, sessionsEnded: 1, tokensRevoked: 1 } });

    // Asking again changes nothing.
    const again = await api(`/admin/users/${target.id}/deactivate`, { method: "POST", token: admin });
    expect(again.body.deactivatedAt).toBe(res.body.deactivatedAt);
    expect(await ctx.db.domainEvent.count({ where: { type: "user.deactivated" } })).toBe(1);
  });

  test("a session or token row left behind (a sign-in racing the deactivation) lets nobody in", async () => {
    const target = await newAgent();
    await deactivateUser(ctx.db, ctx.fx.admin, target.id);
    const leftover = await sessionCookie(target.id);
    const { token } = await issueApiToken(ctx.db, target.id);
    expect(await signedInAs(leftover)).toBeNull();
    expect((await api("/me", { token })).status).toBe(401);
    expect(await opens(leftover)).toBe("refused: unauthorized");
    expect(await loadAuthUser(ctx.db, target.id)).toBeNull();
  });

  test("a deactivated agent keeps their tickets but is neither offered nor accepted as a new assignee", async () => {
    const target = await newAgent();
    await deactivateUser(ctx.db, ctx.fx.admin, target.id);
    const agent = await tokenFor("li@test.example");
    const filed = await api("/tickets", {
      method: "POST",
      token: agent,
      body: { type: "inquiry", category: "technical", subject: "Who takes it?", description: "Long enough to be filed.", requesterEmail: "ada@key.example" },
    });
    const assign = await api(`/tickets/${filed.body.number}`, { method: "PATCH", token: agent, body: { assigneeId: target.id } });
    expect(assign.status).toBe(400);
    expect(assign.body.error.details).toHaveProperty("assigneeId");
  });

  test("admins only; never their own account; unknown accounts are not found", async () => {
    const target = await newAgent();
    const agent = await tokenFor("li@test.example");
    const supervisor = await tokenFor("sup@test.example");
    const admin = await tokenFor("admin@test.example");
    for (const token of [agent, supervisor]) {
      expect((await api(`/admin/users/${target.id}/deactivate`, { method: "POST", token })).status).toBe(403);
      expect((await api(`/admin/users/${target.id}/reactivate`, { method: "POST", token })).status).toBe(403);
      expect((await api("/admin/users", { token })).status).toBe(403);
    }
    expect(await signedInAs(await sessionCookie(target.id))).toBe(target.id);

    const self = await api(`/admin/users/${ctx.fx.admin.id}/deactivate`, { method: "POST", token: admin, lang: "zh-CN" });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toBe("不能停用您自己的账户。");
    expect((await api("/me", { token: admin })).status).toBe(200);

    expect((await api(`/admin/users/${crypto.randomUUID()}/deactivate`, { method: "POST", token: admin })).status).toBe(404);
    expect((await api("/admin/users/not-a-uuid/deactivate", { method: "POST", token: admin })).body.error.message).toBe(
      "That account does not exist.",
    );
  });

  test("reactivation lets the account sign in again; what it had before stays ended", async () => {
    const target = await newAgent();
    const admin = await tokenFor("admin@test.example");
    const oldToken = await tokenFor(target.email);
    await api(`/admin/users/${target.id}/deactivate`, { method: "POST", token: admin });

    const listed = await api(`/admin/users?email=${encodeURIComponent(target.email.toUpperCase())}`, { token: admin });
    expect(listed.body.data).toEqual([expect.objectContaining({ id: target.id, deactivatedAt: expect.any(String) })]);
    const deactivated = await api("/admin/users?status=deactivated", { token: admin });
    expect(deactivated.body.data.map((u: { id: string }) => u.id)).toContain(target.id);

    const res = await api(`/admin/users/${target.id}/reactivate`, { method: "POST", token: admin });
    expect(res.status).toBe(200);
    expect(res.body.deactivatedAt).toBeNull();
    expect((await api("/me", { token: oldToken })).status).toBe(401);
    const fresh = await tokenFor(target.email);
    expect((await api("/me", { token: fresh })).body.id).toBe(target.id);
    expect(await opens(await sessionCookie(target.id))).toBe("connected");
    await waitFor(
      async () => (await ctx.db.domainEvent.count({ where: { type: "user.reactivated", actorId: ctx.fx.admin.id } })) || null,
      "the reactivation event",
    );
  });
});
