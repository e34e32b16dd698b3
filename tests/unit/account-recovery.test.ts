// The rules of accounts by confirmed address: which mail a sign-up or a "forgot password?" sends
// for each kind of account, when a mailed link still works, and what its page asks for.
import { describe, expect, test } from "vitest";
import {
  ACCOUNT_TOKEN_PATTERN,
  accountFacts,
  accountLink,
  confirmationOffer,
  mayUseLink,
  needsConfirmation,
  newLinkToken,
  sendsResetLink,
  signUpMail,
  TOKEN_LIFETIME_MS,
  tokenDigest,
  tokenState,
  type AccountFacts,
} from "../../server/auth/recovery-rules.ts";
import { accountMailContent } from "../../server/mail/account-templates.ts";
import { REDACTED, withoutSecrets } from "../../server/mail/outbox.ts";
import { requestReceivedMail } from "../../server/mail/templates.ts";

const account = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  role: "customer",
  hasPassword: true,
  deactivated: false,
  invited: false,
  verified: true,
  ...over,
});
const contact = account({ hasPassword: false, verified: false });

describe("what a sign-up mails", () => {
  test("a new address becomes a contact asked to confirm; a contact is asked to confirm; an account is told it exists", () => {
    expect(signUpMail(null)).toBe("new_contact");
    expect(signUpMail(contact)).toBe("verify_email");
    expect(signUpMail(account())).toBe("already_registered");
    // An account from the old sign-up (password, address never confirmed) signs in or resets.
    expect(signUpMail(account({ verified: false }))).toBe("already_registered");
    expect(signUpMail(account({ role: "agent" }))).toBe("already_registered");
  });

  test("deactivated accounts and invited staff get nothing", () => {
    expect(signUpMail(account({ deactivated: true }))).toBeNull();
    expect(signUpMail({ ...contact, deactivated: true })).toBeNull();
    expect(signUpMail(account({ role: "agent", hasPassword: false, invited: true, verified: false }))).toBeNull();
  });
});

describe("who gets a reset link", () => {
  test("accounts with a password and contacts (their first password); nobody else", () => {
    expect(sendsResetLink(account())).toBe(true);
    expect(sendsResetLink(account({ role: "admin" }))).toBe(true);
    expect(sendsResetLink(contact)).toBe(true);
    expect(sendsResetLink(null)).toBe(false);
    expect(sendsResetLink(account({ deactivated: true }))).toBe(false);
    expect(sendsResetLink(account({ role: "agent", hasPassword: false, invited: true }))).toBe(false);
  });
});

describe("confirming an address", () => {
  test("only active customers not yet confirmed are asked to", () => {
    expect(needsConfirmation(account({ verified: false }))).toBe(true);
    expect(needsConfirmation(contact)).toBe(true);
    expect(needsConfirmation(account())).toBe(false);
    expect(needsConfirmation(account({ role: "agent", verified: false }))).toBe(false);
    expect(needsConfirmation(account({ verified: false, deactivated: true }))).toBe(false);
  });

  test("a contact chooses a password; an account with one (the old sign-up, maybe a squatter's) replaces it: never only confirms", () => {
    expect(confirmationOffer(contact)).toBe("choose_password");
    expect(confirmationOffer(account({ verified: false }))).toBe("replace_password");
  });

  test("facts come from the stored row: an empty hash is no password", () => {
    const row = { role: "customer" as const, passwordHash: "", deactivatedAt: null, invitedAt: null, emailVerifiedAt: null };
    expect(accountFacts(row)).toEqual(contact);
    expect(accountFacts({ ...row, passwordHash: "$argon2id$…", emailVerifiedAt: new Date() })).toEqual(account());
  });
});

describe("mailed links", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const issued = (purpose: string, lifetime: number, usedAt: Date | null = null) => ({
    purpose,
    expiresAt: new Date(now.getTime() - 1_000 + lifetime),
    usedAt,
  });

  test("a reset link works for an hour, a confirmation link for two days, each once", () => {
    expect(TOKEN_LIFETIME_MS.reset_password).toBe(3_600_000);
    expect(TOKEN_LIFETIME_MS.verify_email).toBe(48 * 3_600_000);
    const reset = issued("reset_password", TOKEN_LIFETIME_MS.reset_password);
    expect(tokenState(reset, "reset_password", now)).toBe("valid");
    expect(tokenState(reset, "reset_password", new Date(now.getTime() + 3_600_000))).toBe("expired");
    expect(tokenState({ ...reset, usedAt: now }, "reset_password", now)).toBe("used");
    expect(tokenState(null, "reset_password", now)).toBe("unknown");
  });

  test("a link of one purpose does not open the other", () => {
    const confirm = issued("verify_email", TOKEN_LIFETIME_MS.verify_email);
    expect(tokenState(confirm, "verify_email", now)).toBe("valid");
    expect(tokenState(confirm, "reset_password", now)).toBe("unknown");
  });

  test("a deactivated account's links stop working", () => {
    expect(mayUseLink(account())).toBe(true);
    expect(mayUseLink(account({ deactivated: true }))).toBe(false);
  });

  test("tokens have one shape, only their digest is stored, and links point at the pages", () => {
    const token = "a".repeat(43);
    expect(ACCOUNT_TOKEN_PATTERN.test(token)).toBe(true);
    expect(ACCOUNT_TOKEN_PATTERN.test(`${token}/..`)).toBe(false);
    expect(tokenDigest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest(token)).not.toContain(token);
    expect(accountLink("https://help.example", "reset_password", token)).toBe(`https://help.example/reset-password/${token}`);
    expect(accountLink("https://help.example", "verify_email", token)).toBe(`https://help.example/verify/${token}`);
    expect(accountLink("https://help.example", "invitation", token)).toBe(`https://help.example/invite/${token}`);
    expect(accountLink("https://help.example", "sign_in")).toBe("https://help.example/login");
    expect(accountLink("https://help.example", "forgot_password")).toBe("https://help.example/forgot-password");
    const fresh = [newLinkToken(), newLinkToken()];
    expect(fresh.every((t) => ACCOUNT_TOKEN_PATTERN.test(t))).toBe(true);
    expect(fresh[0]).not.toBe(fresh[1]);
  });
});

describe("account mails", () => {
  test("are automatic mail in the recipient's language, with the link in text and HTML (escaped)", () => {
    const link = "https://help.example/reset-password/abc?x=1&y=2";
    const en = accountMailContent({ kind: "password_reset", name: "Ada <Admin>", link }, { locale: "en", helpdeskName: "Helpdesk" });
    expect(en.subject).toBe("Reset your password for Helpdesk");
    expect(en.headers).toMatchObject({ "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" });
    expect(en.text).toContain(link);
    expect(en.text).toContain("Hello Ada <Admin>,");
    expect(en.html).toContain('href="https://help.example/reset-password/abc?x=1&amp;y=2"');
    expect(en.html).toContain("Ada &lt;Admin&gt;");

    const zh = accountMailContent({ kind: "verify_email", name: "王美", link, replacesPassword: false }, { locale: "zh-CN", helpdeskName: "Acme 客服" });
    expect(zh.subject).toBe("确认您在Acme 客服的邮箱地址");
    expect(zh.text).toContain("王美，您好");
    expect(zh.html).toContain('lang="zh-CN"');
  });

  test("look like ticket mail: the same layout, signature and 'sent automatically' line, the helpdesk named as its admin set it", () => {
    const context = { locale: "zh-CN", helpdeskName: "Helpdesk" };
    const reset = accountMailContent({ kind: "password_reset", name: "王美", link: "https://h.example/reset-password/t" }, context);
    const ticket = requestReceivedMail({
      locale: "zh-CN",
      helpdeskName: "Helpdesk",
      ticket: { number: 7, token: "tok", subject: "S", replyTo: "support@h.example", references: [], link: "https://h.example/portal/tickets/7" },
      requesterName: "王美",
      message: null,
      viaMail: false,
    });
    // The helpdesk's name as set, untranslated, in both; the same foot in both.
    expect(reset.subject).toBe("重置您在Helpdesk的密码");
    const foot = (text: string) => text.split("\n-- \n")[1].split("\n").slice(0, 2);
    expect(foot(reset.text)).toEqual(["Helpdesk", "此邮件由 Helpdesk 自动发送。"]);
    expect(foot(reset.text)).toEqual(foot(ticket.text));
    expect(reset.text).toContain("设置新密码: https://h.example/reset-password/t");
    // The HTML page and its card are the ticket mail's.
    const shell = (html: string) => html.slice(0, html.indexOf("<title>"));
    expect(shell(reset.html)).toBe(shell(ticket.html));
    expect(reset.html).toContain('style="background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:20px 22px;"');
  });

  test("a confirmation link for an account that has a password says that choosing one replaces it", () => {
    const link = "https://h.example/verify/t";
    const mail = accountMailContent({ kind: "verify_email", name: "Vic", link, replacesPassword: true }, { locale: "en", helpdeskName: "Acme" });
    expect(mail.text).toContain("choose a new password: every other sign-in of the account ends");
  });

  test("the copy kept once sent loses the one-time token, wherever it appears", () => {
    const token = "b".repeat(43);
    const link = `https://h.example/reset-password/${token}`;
    const mail = accountMailContent({ kind: "password_reset", name: "Ada", link }, { locale: "en", helpdeskName: "Acme" });
    const kept = withoutSecrets({ ...mail, secrets: [token] });
    expect(JSON.stringify(kept)).not.toContain(token);
    expect(kept.text).toContain(`https://h.example/reset-password/${REDACTED}`);
    expect(kept).not.toHaveProperty("secrets");
    expect(kept.subject).toBe(mail.subject);
    // Without secrets nothing changes.
    expect(withoutSecrets(mail)).toEqual(mail);
  });

  test("'already registered' carries both the sign-in and the reset link; an invitation names the inviter and role", () => {
    const known = accountMailContent(
      { kind: "already_registered", name: "Ada", signInLink: "https://h.example/login", resetLink: "https://h.example/forgot-password" },
      { locale: "en", helpdeskName: "Helpdesk" },
    );
    expect(known.text).toContain("https://h.example/login");
    expect(known.text).toContain("https://h.example/forgot-password");
    const invited = accountMailContent(
      { kind: "invitation", name: "Jo", link: "https://h.example/invite/t", inviter: "Ari Admin", role: "agent" },
      { locale: "en", helpdeskName: "Acme Support" },
    );
    expect(invited.subject).toBe("Ari Admin invited you to Acme Support");
    expect(invited.text).toContain("as Agent");
  });
});
