// Accounts by confirmed address, through the real outbox: "forgot password?" mails a single-use,
// one-hour link that sets a new password and ends every other session and token; sign-up answers
// the same for every address and mails what fits it; an address's requests show only once its
// account has confirmed the address (and then all of them); mails are throttled; staff
// invitations are mailed too. Links are read from the mails as delivered (the local sink, written
// by the server's own send-mail jobs): the copy the helpdesk keeps holds no working link.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { simpleParser } from "mailparser";
import { useLiveServer, waitFor } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { signIn } from "../../server/auth/accounts.ts";
import { getUser } from "../../server/auth/session.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { confirmAddress, openAccountLink, requestPasswordReset, resetPassword, sendConfirmationLink, signUpCustomer } from "../../server/auth/recovery.ts";
import { acceptInvitation, inviteUser } from "../../server/admin/users.ts";
import { deactivateUser } from "../../server/admin/users.ts";
import { createTicket, getTicket, listTickets } from "../../server/tickets/service.ts";
import type { MailContent } from "../../server/mail/outbox.ts";
import { mailSettings } from "../../server/mail/settings.ts";
import { action as resetAction } from "../../app/routes/reset-password.$token.tsx";
import { action as signupAction } from "../../app/routes/signup.tsx";
import { action as verifyAction } from "../../app/routes/verify.$token.tsx";

const { ctx, api, sessionCookie } = useLiveServer();

let made = 0;
/** A network address of its own per call: the per-network throttles stay out of the way unless a test is about them. */
const somewhere = () => ({ ip: `198.51.100.${++made}` });

/** A customer who signed up before (password set), confirmed unless told otherwise, with a customer profile. */
async function customer(email: string, { verified = true, password = PASSWORD } = {}) {
  const user = await ctx.db.user.create({
    data: { email, name: email.split("@")[0], role: "customer", passwordHash: await hashPassword(password), emailVerifiedAt: verified ? new Date() : null },
  });
  await ctx.db.customer.create({ data: { email, name: user.name, userId: user.id } });
  return user;
}

/** Someone who wrote in by mail: a contact account (no password, unconfirmed) with its profile. */
async function contact(email: string) {
  const user = await ctx.db.user.create({ data: { email, name: "Mail Writer", role: "customer", passwordHash: "" } });
  await ctx.db.customer.create({ data: { email, name: user.name, userId: user.id } });
  return user;
}

/** The account mails (not those about requests) sent to an address, oldest first. */
const mailsTo = (email: string) =>
  ctx.db.outboundMail.findMany({
    where: { to: { has: email }, kind: { in: ["password_reset", "verify_email", "already_registered", "invitation"] } },
    orderBy: { createdAt: "asc" },
  });

const contentOf = (mail: { content: unknown }) => mail.content as MailContent;

/** A mail once the server's send-mail job has sent it (into the local sink). */
const sent = (mail: { id: string }) =>
  waitFor(async () => {
    const row = await ctx.db.outboundMail.findUniqueOrThrow({ where: { id: mail.id } });
    return row.status === "sent" ? row : null;
  }, `mail ${mail.id} sent`);

/** The token of the link a mail carries to a page, as its reader follows it: from the mail delivered to their inbox (the sink). */
async function tokenIn(mail: { id: string }, page: "/reset-password/" | "/verify/" | "/invite/"): Promise<string> {
  const { sinkFile } = await sent(mail);
  const delivered = await simpleParser(fs.readFileSync(path.join(mailSettings().sinkDir, sinkFile!)));
  const found = new RegExp(`http://helpdesk\\.test${page}([A-Za-z0-9_-]+)`).exec(delivered.text ?? "");
  if (!found) throw new Error(`no ${page} link in: ${delivered.text}`);
  return found[1];
}

/** Every column of the mail's row, as text. */
const storedRow = async (mail: { id: string }) =>
  (await ctx.db.$queryRaw<{ row: string }[]>`SELECT m::text AS "row" FROM "OutboundMail" m WHERE m."id" = ${mail.id}`)[0].row;

const fileFor = (email: string, subject: string) =>
  createTicket(
    ctx.db,
    ctx.fx.agent,
    { type: "inquiry", category: "technical", subject, description: "Filed by an agent after a phone call.", requesterEmail: email },
    "agent",
  );

const me = async (id: string) => (await loadAuthUser(ctx.db, id)) as AuthUser;
const signedInAs = async (cookie: string) => (await getUser(new Request(`${ctx.server.url}/portal`, { headers: { Cookie: cookie } })))?.id ?? null;

/** Posts a page's form as a browser does, straight to the route's action. */
function formRequest(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(`${ctx.server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}
const context = { clientIp: "203.0.113.80", cspNonce: "" };

describe("forgot password", () => {
  test("the mailed link sets a new password once, ends every other session and token, and signs in", async () => {
    const user = await customer("reset.me@example.com");
    const otherBrowser = await sessionCookie(user.id);
    const token = (await api("/auth/token", { method: "POST", body: { email: user.email, password: PASSWORD } })).body.token as string;
    expect((await api("/me", { token })).status).toBe(200);

    await requestPasswordReset(ctx.db, { email: "Reset.Me@Example.com" }, somewhere());
    const [mail] = await mailsTo(user.email);
    expect(mail).toMatchObject({ kind: "password_reset", sensitive: true, to: [user.email] });
    expect(contentOf(mail).headers).toMatchObject({ "Auto-Submitted": "auto-generated" });
    const link = await tokenIn(mail, "/reset-password/");
    // Only a digest is stored: the table alone opens nothing.
    expect(await ctx.db.accountToken.count({ where: { tokenHash: link } })).toBe(0);
    expect(await openAccountLink(ctx.db, "reset_password", link)).toMatchObject({ email: user.email });

    // A typo in the second field changes nothing.
    const mismatch = (await resetAction({
      request: formRequest(`/reset-password/${link}`, { password: "brand-new-password", confirmPassword: "brand-new-passw0rd" }),
      params: { token: link },
      context,
    })) as {
      data: { fieldErrors: Record<string, string[]> };
      init: { status: number };
    };
    expect(mismatch.init.status).toBe(400);
    expect(mismatch.data.fieldErrors).toEqual({ confirmPassword: ["recovery.passwordMismatch"] });

    const done = (await resetAction({
      request: formRequest(`/reset-password/${link}`, { password: "brand-new-password", confirmPassword: "brand-new-password" }),
      params: { token: link },
      context,
    })) as Response;
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/portal");
    const fresh = done.headers.get("Set-Cookie")!.split(";")[0];
    expect(await signedInAs(fresh)).toBe(user.id);
    expect(await signedInAs(otherBrowser)).toBeNull();
    expect((await api("/me", { token })).status).toBe(401);

    await expect(signIn(ctx.db, { email: user.email, password: PASSWORD }, somewhere())).rejects.toMatchObject({ messageKey: "errors.badCredentials" });
    expect((await signIn(ctx.db, { email: user.email, password: "brand-new-password" }, somewhere())).id).toBe(user.id);

    // Used once: the same link again does nothing.
    expect(await openAccountLink(ctx.db, "reset_password", link)).toBeNull();
    await expect(resetPassword(ctx.db, link, { password: "third-password-x", confirmPassword: "third-password-x" }, somewhere())).rejects.toMatchObject({
      code: "gone",
      messageKey: "recovery.errors.linkInvalid",
    });
    expect((await signIn(ctx.db, { email: user.email, password: "brand-new-password" }, somewhere())).id).toBe(user.id);
    expect(await ctx.db.auditEntry.count({ where: { action: "user.password_reset", targetId: user.id } })).toBe(1);
  });

  test("a dead link is refused before the new password is even looked at (no hashing for it)", async () => {
    for (const token of ["not-a-token", "x".repeat(43)]) {
      await expect(resetPassword(ctx.db, token, { password: "short", confirmPassword: "other" }, somewhere())).rejects.toMatchObject({
        code: "gone",
        messageKey: "recovery.errors.linkInvalid",
      });
      await expect(confirmAddress(ctx.db, token, { password: "short", confirmPassword: "other" }, somewhere())).rejects.toMatchObject({ code: "gone" });
    }
  });

  test("a link expires after an hour, and a newer request replaces the older link", async () => {
    const user = await customer("late.reader@example.com");
    await requestPasswordReset(ctx.db, { email: user.email }, somewhere(), new Date(Date.now() - 61 * 60_000));
    const expired = await tokenIn((await mailsTo(user.email))[0], "/reset-password/");
    expect(await openAccountLink(ctx.db, "reset_password", expired)).toBeNull();
    await expect(resetPassword(ctx.db, expired, { password: "too-late-password", confirmPassword: "too-late-password" }, somewhere())).rejects.toMatchObject({
      code: "gone",
    });

    await requestPasswordReset(ctx.db, { email: user.email }, somewhere());
    await requestPasswordReset(ctx.db, { email: user.email }, somewhere());
    const [, older, newer] = await Promise.all((await mailsTo(user.email)).map((m) => tokenIn(m, "/reset-password/")));
    expect(await openAccountLink(ctx.db, "reset_password", older)).toBeNull();
    expect(await openAccountLink(ctx.db, "reset_password", newer)).toMatchObject({ email: user.email });
    // A reset link is no confirmation link, nor the other way round.
    expect(await openAccountLink(ctx.db, "verify_email", newer)).toBeNull();
  });

  test("unknown, deactivated and invited addresses get nothing, with the same answer; a contact may set a first password", async () => {
    const gone = await customer("closed.account@example.com");
    await deactivateUser(ctx.db, ctx.fx.admin, gone.id);
    const { account: invited } = await inviteUser(ctx.db, ctx.fx.admin, { email: "invited.agent@test.example", name: "Ina", role: "agent" });
    const writer = await contact("wrote.in@example.com");
    for (const email of ["nobody.here@example.com", gone.email, invited.email, writer.email]) {
      await expect(requestPasswordReset(ctx.db, { email }, somewhere())).resolves.toBeUndefined();
    }
    expect(await mailsTo("nobody.here@example.com")).toEqual([]);
    expect(await mailsTo(gone.email)).toEqual([]);
    expect((await mailsTo(invited.email)).map((m) => m.kind)).toEqual(["invitation"]);

    // Someone who only ever wrote by mail chooses a password from the reset link: the address is confirmed by it.
    const link = await tokenIn((await mailsTo(writer.email))[0], "/reset-password/");
    await resetPassword(ctx.db, link, { password: "first-ever-password", confirmPassword: "first-ever-password" }, somewhere());
    expect((await ctx.db.user.findUniqueOrThrow({ where: { id: writer.id } })).emailVerifiedAt).not.toBeNull();
    expect((await signIn(ctx.db, { email: writer.email, password: "first-ever-password" }, somewhere())).id).toBe(writer.id);
  });

  test("mails to one address are limited to a few an hour, silently; requests from one network address too, with an error", async () => {
    const user = await customer("inbox.flood@example.com");
    for (let i = 0; i < 5; i++) await requestPasswordReset(ctx.db, { email: user.email }, somewhere());
    expect(await mailsTo(user.email)).toHaveLength(3);

    const from = { ip: "192.0.2.200" };
    for (let i = 0; i < 10; i++) await requestPasswordReset(ctx.db, { email: `probe${i}@example.com` }, from);
    await expect(requestPasswordReset(ctx.db, { email: "probe-more@example.com" }, from)).rejects.toMatchObject({
      code: "rate_limited",
      messageKey: "recovery.errors.tooManyRequests",
    });
    await expect(requestPasswordReset(ctx.db, { email: "probe-more@example.com" }, { ip: "192.0.2.201" })).resolves.toBeUndefined();
  });
});

describe("sign-up by confirmed address", () => {
  test("answers the same for a new, a registered and a contact address, and mails what fits each", async () => {
    const registered = await customer("already.here@example.com");
    const writer = await contact("wrote.before@example.com");
    const answers = [];
    for (const [i, email] of ["brand.new@example.com", registered.email, writer.email].entries()) {
      const response = (await signupAction({
        request: formRequest("/signup", { name: "Someone", email, company: "" }),
        params: {},
        context: { ...context, clientIp: `203.0.113.${90 + i}` },
      })) as unknown;
      answers.push(response);
    }
    // The same kind of answer, naming only the address typed.
    expect(answers.map((a) => ({ ...(a as object), email: "…" }))).toEqual([
      { ok: true, email: "…" },
      { ok: true, email: "…" },
      { ok: true, email: "…" },
    ]);

    const [welcome] = await mailsTo("brand.new@example.com");
    expect(welcome).toMatchObject({ kind: "verify_email", sensitive: true });
    const made = await ctx.db.user.findUniqueOrThrow({ where: { email: "brand.new@example.com" }, include: { customer: true } });
    expect(made).toMatchObject({ role: "customer", passwordHash: "", emailVerifiedAt: null, name: "Someone" });
    expect(made.customer).not.toBeNull();

    const [known] = await mailsTo(registered.email);
    expect(known.kind).toBe("already_registered");
    expect(contentOf(known).text).toContain("http://helpdesk.test/login");
    expect(contentOf(known).text).toContain("http://helpdesk.test/forgot-password");
    // Nothing about the account changed.
    expect((await signIn(ctx.db, { email: registered.email, password: PASSWORD }, somewhere())).id).toBe(registered.id);

    expect((await mailsTo(writer.email)).map((m) => m.kind)).toEqual(["verify_email"]);
    expect(await ctx.db.user.count({ where: { email: { in: [registered.email, writer.email] } } })).toBe(2);
  });

  test("following the link sets the password and joins the address's earlier requests", async () => {
    const email = "had.requests@example.com";
    const earlier = await fileFor(email, "Invoice copy please");
    await signUpCustomer(ctx.db, { name: "Hana Requester", email, company: "Hana Co" }, "zh-CN", somewhere());
    const account = await ctx.db.user.findUniqueOrThrow({ where: { email } });
    // Not yet confirmed: nothing shows.
    expect((await listTickets(ctx.db, await me(account.id), {})).items).toEqual([]);

    const [mail] = await mailsTo(email);
    expect(mail.subject).toContain("确认");
    const link = await tokenIn(mail, "/verify/");
    expect(await openAccountLink(ctx.db, "verify_email", link)).toMatchObject({ email, offer: "choose_password" });
    await expect(confirmAddress(ctx.db, link, { password: "short", confirmPassword: "short" }, somewhere())).rejects.toMatchObject({
      details: { password: ["validation.passwordLength"] },
    });
    const { userId } = await confirmAddress(ctx.db, link, { password: "my-own-password", confirmPassword: "my-own-password" }, somewhere());
    expect(userId).toBe(account.id);

    const confirmed = await me(userId);
    expect(confirmed.emailUnconfirmed).toBe(false);
    expect((await listTickets(ctx.db, confirmed, {})).items.map((t) => t.number)).toEqual([earlier.number]);
    expect((await getTicket(ctx.db, confirmed, earlier.number)).ticket.subject).toBe("Invoice copy please");
    expect((await signIn(ctx.db, { email, password: "my-own-password" }, somewhere())).id).toBe(userId);
    // Once.
    await expect(confirmAddress(ctx.db, link, { password: "other-password-1", confirmPassword: "other-password-1" }, somewhere())).rejects.toMatchObject({
      code: "gone",
    });
  });

  test("an account from the old sign-up sees nothing until the address is confirmed, and confirming it takes the account from a squatter", async () => {
    // Mallory signed up with Vic's address under the old sign-up (a password, the address never confirmed).
    const squatted = await customer("vic.owner@example.com", { verified: false });
    const filed = await fileFor(squatted.email, "Contract renewal terms");
    const mallory = await me(squatted.id);
    expect(mallory).toMatchObject({ customerId: null, emailUnconfirmed: true });
    expect((await listTickets(ctx.db, mallory, {})).items).toEqual([]);
    await expect(getTicket(ctx.db, mallory, filed.number)).rejects.toMatchObject({ code: "not_found" });
    // The API signs it in, but shows nothing either.
    const malloryToken = (await api("/auth/token", { method: "POST", body: { email: squatted.email, password: PASSWORD } })).body.token as string;
    expect((await api("/me", { token: malloryToken })).body).toMatchObject({ customerId: null });
    expect((await api("/tickets", { token: malloryToken })).body.data).toEqual([]);
    expect((await api(`/tickets/${filed.number}`, { token: malloryToken })).status).toBe(404);
    const malloryBrowser = await sessionCookie(squatted.id);

    // Mallory asks for the link ("mail me the link"); it goes to Vic's inbox, and asks for a new password: never "confirm only".
    expect(await sendConfirmationLink(ctx.db, mallory)).toBe(true);
    const [mail] = await mailsTo(squatted.email);
    expect(contentOf(mail).text).toContain("choose a new password");
    const link = await tokenIn(mail, "/verify/");
    expect(await openAccountLink(ctx.db, "verify_email", link)).toMatchObject({ email: squatted.email, offer: "replace_password" });
    await expect(confirmAddress(ctx.db, link, {}, somewhere())).rejects.toMatchObject({ code: "validation_failed" });

    // Vic confirms from the page, with a password of their own, and is signed in.
    const done = (await verifyAction({
      request: formRequest(`/verify/${link}`, { password: "vics-own-password", confirmPassword: "vics-own-password" }),
      params: { token: link },
      context,
    })) as Response;
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/portal");
    expect(await signedInAs(done.headers.get("Set-Cookie")!.split(";")[0])).toBe(squatted.id);

    // Mallory's password, session and API token are worth nothing now.
    await expect(signIn(ctx.db, { email: squatted.email, password: PASSWORD }, somewhere())).rejects.toMatchObject({ messageKey: "errors.badCredentials" });
    expect(await signedInAs(malloryBrowser)).toBeNull();
    expect((await api("/me", { token: malloryToken })).status).toBe(401);
    expect((await api("/tickets", { token: malloryToken })).status).toBe(401);

    // Vic sees the address's requests; nothing more to confirm.
    expect((await signIn(ctx.db, { email: squatted.email, password: "vics-own-password" }, somewhere())).id).toBe(squatted.id);
    const vic = await me(squatted.id);
    expect((await listTickets(ctx.db, vic, {})).items.map((t) => t.number)).toEqual([filed.number]);
    expect(await sendConfirmationLink(ctx.db, vic)).toBe(false);
    expect(await ctx.db.auditEntry.findFirst({ where: { action: "user.email_verified", targetId: squatted.id } })).toMatchObject({
      data: { passwordReplaced: true, sessionsEnded: 1, tokensRevoked: 1 },
    });
  });

  test("mails per address are limited across sign-ups too; the answer stays the same", async () => {
    const email = "signs.up.often@example.com";
    for (let i = 0; i < 5; i++) {
      await expect(signUpCustomer(ctx.db, { name: "Often", email }, "en", somewhere())).resolves.toEqual({ email });
    }
    expect(await mailsTo(email)).toHaveLength(3);
    // Only the newest link works.
    const links = await Promise.all((await mailsTo(email)).map((m) => tokenIn(m, "/verify/")));
    expect(await openAccountLink(ctx.db, "verify_email", links[0])).toBeNull();
    expect(await openAccountLink(ctx.db, "verify_email", links[2])).not.toBeNull();
    expect(await ctx.db.user.count({ where: { email } })).toBe(1);
  });
});

describe("the copy the helpdesk keeps", () => {
  test("of a sent account mail holds no working link: no column of its row has the token, which only the delivered mail carries", async () => {
    await requestPasswordReset(ctx.db, { email: (await customer("kept.copy@example.com")).email }, somewhere());
    await signUpCustomer(ctx.db, { name: "Kept Copy", email: "kept.copy.new@example.com" }, "en", somewhere());
    const { token: invitation } = await inviteUser(ctx.db, ctx.fx.admin, { email: "kept.copy@test.example", name: "Kip", role: "agent" });
    const mails = [
      [(await mailsTo("kept.copy@example.com"))[0], "/reset-password/"],
      [(await mailsTo("kept.copy.new@example.com"))[0], "/verify/"],
      [(await mailsTo("kept.copy@test.example"))[0], "/invite/"],
    ] as const;
    for (const [mail, page] of mails) {
      // Until sent, the queued mail needs its link; once sent, the row keeps the words without it.
      const token = await tokenIn(mail, page);
      const row = await storedRow(mail);
      expect(row).not.toContain(token);
      expect(contentOf(await sent(mail)).text).toContain(`http://helpdesk.test${page}[redacted]`);
    }
    expect(await tokenIn(mails[2][0], "/invite/")).toBe(invitation);
  });
});

describe("staff invitations", () => {
  test("are mailed with the link the admin also sees once; joining confirms the address", async () => {
    const { account, token } = await inviteUser(ctx.db, ctx.fx.admin, {
      email: "new.colleague@test.example",
      name: "Nico",
      role: "supervisor",
      locale: "zh-CN",
    });
    const [mail] = await mailsTo(account.email);
    expect(mail).toMatchObject({ kind: "invitation", sensitive: true });
    expect(await tokenIn(mail, "/invite/")).toBe(token);
    expect(mail.subject).toContain(ctx.fx.admin.name);
    await acceptInvitation(ctx.db, token, { name: "Nico", password: "a-good-long-password" }, hashPassword);
    expect((await ctx.db.user.findUniqueOrThrow({ where: { id: account.id } })).emailVerifiedAt).not.toBeNull();
  });
});
