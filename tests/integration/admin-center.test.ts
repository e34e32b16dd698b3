// The admin center's people, roles, teams and settings, as their users meet
// them: an invited person joins by the link (and not before, and only once);
// a custom role grants exactly what it lists, changes take effect at once,
// live connections included; no admin locks themselves out; every change is
// in the audit log; the settings change what customers can do.
import { describe, expect, test } from "vitest";
import { io } from "socket.io-client";
import { useLiveServer, waitFor } from "../support/live.ts";
import { forgetSingleton } from "../../server/runtime.ts";
import { signIn } from "../../server/auth/accounts.ts";
import { signUpCustomer } from "../../server/auth/recovery.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import { can, type AuthUser } from "../../server/auth/policy.ts";
import { acceptInvitation, inviteUser, openInvitation, updateAccount } from "../../server/admin/users.ts";
import { createRole, updateRole } from "../../server/admin/roles.ts";
import { createCategory, updateTeam } from "../../server/admin/teams.ts";
import { currentSettings, updateSettings } from "../../server/admin/settings.ts";
import { addMessage, createTicket, listTickets, updateTicket } from "../../server/tickets/service.ts";
import { loader as signupPage } from "../../app/routes/signup.tsx";

const { ctx, sessionCookie } = useLiveServer();
const from = { ip: "203.0.113.9" };
const me = async (id: string) => (await loadAuthUser(ctx.db, id)) as AuthUser;
const auditOf = (action: string) => ctx.db.auditEntry.findMany({ where: { action }, orderBy: { id: "asc" } });

describe("inviting people", () => {
  test("the invited person cannot sign in until they use the link, which works once; then they can", async () => {
    const { account, token } = await inviteUser(ctx.db, ctx.fx.admin, { email: "Joiner@Test.example", name: "Jo", role: "agent", teamIds: [ctx.fx.teams.support.id] }, from);
    expect(account).toMatchObject({ email: "joiner@test.example", status: "invited", teamIds: [ctx.fx.teams.support.id] });
    await expect(signIn(ctx.db, { email: "joiner@test.example", password: "" }, from)).rejects.toMatchObject({ details: { password: ["validation.password"] } });
    await expect(signIn(ctx.db, { email: "joiner@test.example", password: "anything-at-all" }, from)).rejects.toMatchObject({ messageKey: "errors.badCredentials" });
    expect(await openInvitation(ctx.db, token)).toMatchObject({ email: "joiner@test.example", name: "Jo" });

    await expect(acceptInvitation(ctx.db, token, { name: "Jo Joiner", password: "short" }, hashPassword)).rejects.toMatchObject({ details: { password: ["validation.passwordLength"] } });
    const { userId } = await acceptInvitation(ctx.db, token, { name: "Jo Joiner", password: "a-good-long-password" }, hashPassword, from);
    expect(userId).toBe(account.id);
    expect((await signIn(ctx.db, { email: "joiner@test.example", password: "a-good-long-password" }, from)).id).toBe(account.id);
    expect((await me(userId)).name).toBe("Jo Joiner");

    // Used once: the same link again (a second tab, a forwarded mail) no longer works.
    expect(await openInvitation(ctx.db, token)).toBeNull();
    await expect(acceptInvitation(ctx.db, token, { name: "Mallory", password: "another-long-password" }, hashPassword)).rejects.toMatchObject({ messageKey: "errors.invitationInvalid" });
    expect((await auditOf("user.invitation_accepted")).map((e) => e.targetId)).toEqual([account.id]);
  });

  test("an expired or replaced link does not work; an email already in use is refused", async () => {
    const now = new Date();
    const first = await inviteUser(ctx.db, ctx.fx.admin, { email: "late@test.example", name: "Late", role: "agent" }, from, now);
    expect(await openInvitation(ctx.db, first.token, new Date(now.getTime() + 8 * 86_400_000))).toBeNull();
    await expect(inviteUser(ctx.db, ctx.fx.admin, { email: "LATE@test.example", name: "Again", role: "agent" })).rejects.toMatchObject({ code: "conflict" });
    await expect(inviteUser(ctx.db, ctx.fx.supervisor, { email: "x@test.example", name: "X", role: "agent" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("custom roles", () => {
  test("a custom role grants exactly what it lists; changing it takes effect at once", async () => {
    const triage = await createRole(ctx.db, ctx.fx.admin, { name: "Triage only", permissions: ["workspace.use", "tickets.view_untriaged", "tickets.internal", "tickets.update"] }, from);
    const { account } = await inviteUser(ctx.db, ctx.fx.admin, { email: "triage@test.example", name: "Tri", role: "agent", customRoleId: triage.id });
    await ctx.db.user.update({ where: { id: account.id }, data: { invitedAt: null, passwordHash: await hashPassword("a-good-long-password") } });

    await createCategory(ctx.db, ctx.fx.admin, { key: "other", nameEn: "Other", nameZh: "其他" });
    const untriaged = await createTicket(ctx.db, ctx.fx.keyCustomer, { type: "inquiry", category: "other", subject: "Not sure where", description: "Who handles this kind of thing?" }, "portal");
    const filed = await createTicket(ctx.db, ctx.fx.keyCustomer, { type: "inquiry", category: "technical", subject: "Printer on fire", description: "It is on fire, please help." }, "portal");
    const triager = await me(account.id);
    expect(can(triager, "workspace.use")).toBe(true);
    expect(can(triager, "boards.view")).toBe(false);
    expect(can(triager, "tickets.assignable")).toBe(false);
    // Filed tickets go to the support team: not untriaged, so not visible to this role.
    const seen = await listTickets(ctx.db, triager, {});
    expect(seen.items.map((t) => t.number)).not.toContain(filed.number);
    expect(seen.items.map((t) => t.number)).toContain(untriaged.number);

    await updateRole(ctx.db, ctx.fx.admin, triage.id, { permissions: [...triage.permissions, "tickets.view_all", "boards.view"] }, from);
    const widened = await me(account.id);
    expect(can(widened, "boards.view")).toBe(true);
    expect((await listTickets(ctx.db, widened, {})).items.map((t) => t.number)).toContain(filed.number);

    const audit = await auditOf("role.updated");
    expect(audit.at(-1)?.data).toMatchObject({ after: { permissions: expect.arrayContaining(["tickets.view_all", "boards.view"]) } });
    // Its holder's live connection is told to rejoin with what the role now grants.
    const events = await ctx.db.domainEvent.findMany({ where: { type: "user.access_changed" } });
    expect(events.map((e) => (e.data as { userId: string }).userId)).toContain(account.id);
  });

  test("a role that sees tickets as staff must include internal notes; unknown permissions are refused", async () => {
    await expect(createRole(ctx.db, ctx.fx.admin, { name: "Blind", permissions: ["tickets.view_team"] })).rejects.toMatchObject({
      details: { permissions: ["validation.permissionNeedsInternal"] },
    });
    await expect(createRole(ctx.db, ctx.fx.admin, { name: "Sneaky", permissions: ["tickets.view_own"] })).rejects.toMatchObject({
      details: { permissions: ["validation.permissionUnknown"] },
    });
  });

  test("an admin cannot take account management away from themselves", async () => {
    await expect(updateAccount(ctx.db, ctx.fx.admin, ctx.fx.admin.id, { role: "supervisor" })).rejects.toMatchObject({ messageKey: "errors.cannotDemoteSelf" });
    const limited = await createRole(ctx.db, ctx.fx.admin, { name: "Limited admin", permissions: ["users.manage"] });
    await updateAccount(ctx.db, ctx.fx.admin, ctx.fx.admin.id, { customRoleId: limited.id });
    const stillAdmin = await me(ctx.fx.admin.id);
    await expect(updateRole(ctx.db, stillAdmin, limited.id, { permissions: [] })).rejects.toMatchObject({ messageKey: "errors.cannotDemoteSelf" });
    await updateAccount(ctx.db, stillAdmin, ctx.fx.admin.id, { customRoleId: null });
  });
});

describe("teams and access", () => {
  test("someone moved to another team sees its tickets at once, and their open pages reconnect to follow", async () => {
    const { account } = await inviteUser(ctx.db, ctx.fx.admin, { email: "mover@test.example", name: "Mo", role: "agent", teamIds: [ctx.fx.teams.support.id] });
    await ctx.db.user.update({ where: { id: account.id }, data: { invitedAt: null } });
    const billingTicket = await createTicket(ctx.db, ctx.fx.keyCustomer, { type: "inquiry", category: "billing", subject: "Invoice twice", description: "I was charged twice, see invoice." }, "portal");
    expect((await listTickets(ctx.db, await me(account.id), {})).items.map((t) => t.number)).not.toContain(billingTicket.number);

    const socket = io(ctx.server.url, { transports: ["websocket"], extraHeaders: { Cookie: await sessionCookie(account.id) }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => socket.once("connect", () => resolve()).once("connect_error", reject));
    const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));

    const team = await updateTeam(ctx.db, ctx.fx.admin, ctx.fx.teams.billing.id, { memberIds: [ctx.fx.billingAgent.id, account.id] }, from);
    expect(team.members.map((m) => m.id)).toContain(account.id);
    expect((await listTickets(ctx.db, await me(account.id), {})).items.map((t) => t.number)).toContain(billingTicket.number);
    expect(await closed).toBe("io server disconnect");
    socket.close();
    const audit = (await auditOf("team.updated")).at(-1);
    expect(audit?.data).toMatchObject({ after: { memberIds: expect.arrayContaining([account.id]) } });
  });
});

describe("settings", () => {
  test("closing sign-up refuses new customer accounts; the name and default language are kept", async () => {
    await updateSettings(ctx.db, ctx.fx.admin, { customerSignup: false, name: "Acme Care", defaultLocale: "zh-CN" }, from);
    expect(await currentSettings(ctx.db)).toMatchObject({ name: "Acme Care", defaultLocale: "zh-CN", customerSignup: false });
    await expect(signUpCustomer(ctx.db, { name: "New", email: "new@cust.example" }, "en", { ip: "198.51.100.1" })).rejects.toMatchObject({
      code: "forbidden",
      messageKey: "errors.signupClosed",
    });
    // The sign-up page says so instead of offering a form. (It reads through the server's own client, which
    // cached the settings a moment ago when it sent the invitation mails above: forget that copy.)
    forgetSingleton("helpdeskSettings");
    expect(await signupPage({ request: new Request(`${ctx.server.url}/signup`), params: {}, context: { clientIp: "198.51.100.1", cspNonce: "" } })).toEqual({ open: false });
    await updateSettings(ctx.db, ctx.fx.admin, { customerSignup: true, name: "Helpdesk", defaultLocale: "en" });
    expect((await signUpCustomer(ctx.db, { name: "New", email: "new@cust.example" }, "en", { ip: "198.51.100.1" })).email).toBe("new@cust.example");
    expect((await auditOf("settings.updated"))[0].data).toMatchObject({ before: { customerSignup: true }, after: { customerSignup: false } });
    await expect(updateSettings(ctx.db, ctx.fx.supervisor, { name: "Mine" })).rejects.toMatchObject({ code: "forbidden" });
  });

  test("without reopening by reply, a solved request takes no more replies from its requester", async () => {
    const ticket = await createTicket(ctx.db, ctx.fx.keyCustomer, { type: "inquiry", category: "technical", subject: "Done soon", description: "Please help with this one." }, "portal");
    await updateTicket(ctx.db, ctx.fx.agent, ticket.number, { status: "solved" });
    await updateSettings(ctx.db, ctx.fx.admin, { portalReopenByReply: false });
    await expect(addMessage(ctx.db, ctx.fx.keyCustomer, ticket.number, { body: "One more thing" })).rejects.toMatchObject({ messageKey: "errors.solvedNoReplies" });
    await updateSettings(ctx.db, ctx.fx.admin, { portalReopenByReply: true });
    await addMessage(ctx.db, ctx.fx.keyCustomer, ticket.number, { body: "One more thing" });
    await waitFor(async () => ((await ctx.db.ticket.findUnique({ where: { id: ticket.id } }))?.status === "open" ? true : null), "reopened");
  });
});
