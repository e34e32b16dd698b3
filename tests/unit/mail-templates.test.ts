// What the helpdesk's mail says and to whom (server/mail/templates.ts, server/mail/decide.ts):
// in the reader's language, threaded (marker on top, reference line at the foot, subject tag,
// Reply-To and References), escaped, with RFC 3834 headers on automatic mail; and the rules of
// who gets mail about a ticket.
import { describe, expect, test } from "vitest";
import { notificationMail, replyMail, requestReceivedMail, solvedMail, type TicketThread } from "../../server/mail/templates.ts";
import {
  customerRecipients,
  mailForMessage,
  mailForNewTicket,
  mailForNotification,
  mailForSolved,
  type MailTicketFacts,
} from "../../server/mail/decide.ts";
import { isOwnAddress } from "../../server/mail/addresses.ts";
import { emailPreference } from "../../server/notifications/service.ts";
import { tokenClues } from "../../server/mail/references.ts";

const thread: TicketThread = {
  number: 42,
  token: "abcdefghijk2",
  subject: "Refund <not> received",
  replyTo: "support+t42-abcdefghijk2@helpdesk.test",
  references: ["first@mail.example", "ours.t42-abcdefghijk2@helpdesk.test"],
  link: "http://helpdesk.test/portal/tickets/42",
};
const base = { helpdeskName: "Acme Support", locale: "en" as const };

describe("request received", () => {
  test("names the number, links the request, quotes the customer, and is marked as an automatic mail", () => {
    const mail = requestReceivedMail({ ...base, ticket: thread, requesterName: "Ada", message: "My refund <b>never</b> came.\nOrder A-1", viaMail: false });
    expect(mail.subject).toBe("[#42] Refund <not> received");
    expect(mail.headers).toEqual({ "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" });
    expect(mail.replyTo).toBe(thread.replyTo);
    expect(mail.references).toEqual(thread.references);
    // The marker first, the reference line last: a reply's quote keeps the ticket's token.
    expect(mail.text.split("\n")[0]).toBe("##- Please type your reply above this line -##");
    expect(mail.text.trimEnd().split("\n").at(-1)).toBe("[#42-abcdefghijk2]");
    expect(mail.text).toContain("#42");
    expect(mail.text).toContain("> My refund <b>never</b> came.\n> Order A-1");
    expect(mail.text).toContain("http://helpdesk.test/portal/tickets/42");
    expect(tokenClues({ references: [], recipients: [], text: mail.text })).toEqual([{ number: 42, token: "abcdefghijk2" }]);
    // HTML: everything the customer wrote is escaped, the link is there, the subject too.
    expect(mail.html).toContain("My refund &lt;b&gt;never&lt;/b&gt; came.");
    expect(mail.html).not.toContain("<b>never</b>");
    expect(mail.html).toContain('href="http://helpdesk.test/portal/tickets/42"');
    expect(mail.html).toContain("<title>[#42] Refund &lt;not&gt; received</title>");
    expect(mail.html).toContain("[#42-abcdefghijk2]");
    expect(mail.html.indexOf("Please type your reply above this line")).toBeLessThan(mail.html.indexOf("My refund"));
  });

  test("answers a mail as an auto-reply, with Re: and the mail's own Message-ID to thread on", () => {
    const mail = requestReceivedMail({ ...base, ticket: thread, requesterName: null, message: "Hi", viaMail: true });
    expect(mail.subject).toBe("Re: [#42] Refund <not> received");
    expect(mail.headers?.["Auto-Submitted"]).toBe("auto-replied");
    expect(mail.text).toContain("Hello,");
  });

  test("never quotes a mailed request back: a forged From would have us relay its text to whoever it names", () => {
    const spam = "Cheap watches at http://spam.example";
    const mail = requestReceivedMail({ ...base, ticket: thread, requesterName: null, message: spam, viaMail: true });
    expect(mail.text).not.toContain("spam.example");
    expect(mail.html).not.toContain("spam.example");
    // Filed in the portal (signed in), the customer's own words are echoed as a receipt.
    expect(requestReceivedMail({ ...base, ticket: thread, requesterName: null, message: spam, viaMail: false }).text).toContain("spam.example");
  });

  test("speaks Chinese to a Chinese customer", () => {
    const mail = requestReceivedMail({ ...base, locale: "zh-CN", ticket: { ...thread, subject: "退款未到账" }, requesterName: "王美", message: "退款还没到。", viaMail: false });
    expect(mail.subject).toBe("[#42] 退款未到账");
    expect(mail.text.split("\n")[0]).toBe("##- 请在此行以上输入您的回复 -##");
    expect(mail.text).toContain("王美，您好：");
    expect(mail.text).toContain("您的请求编号为 #42。");
    expect(mail.html).toContain('lang="zh-CN"');
  });
});

describe("reply", () => {
  test("an agent's Markdown is drawn as the ticket page draws it, scripts and images dropped; the text keeps the source", () => {
    const mail = replyMail({
      ...base,
      ticket: thread,
      requesterName: "Ada",
      authorName: "Li Wei",
      body: "Thanks! **Refunded** today.\n\n![x](http://evil.example/p.png)\n\n<script>alert(1)</script>",
      format: "markdown",
      attachments: [{ id: "att-1", filename: "receipt.pdf" }],
    });
    expect(mail.subject).toBe("Re: [#42] Refund <not> received");
    // An agent wrote it: no RFC 3834 headers, so the customer's mail program treats it as a person's mail.
    expect(mail.headers).toBeUndefined();
    expect(mail.attachmentIds).toEqual(["att-1"]);
    expect(mail.html).toContain("<strong>Refunded</strong>");
    expect(mail.html).not.toContain("<script");
    expect(mail.html).not.toContain("<img");
    expect(mail.text).toContain("Li Wei wrote:");
    expect(mail.text).toContain("Thanks! **Refunded** today.");
    expect(mail.text).toContain("Attached: receipt.pdf");
    expect(mail.text.split("\n")[0]).toBe("##- Please type your reply above this line -##");
    expect(mail.text.trimEnd().endsWith("[#42-abcdefghijk2]")).toBe(true);
    expect(mail.references).toEqual(thread.references);
  });

  test("keeps at most the 20 latest references", () => {
    const many = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
    const mail = replyMail({ ...base, ticket: { ...thread, references: many }, requesterName: null, authorName: null, body: "x", format: "text", attachments: [] });
    expect(mail.references).toEqual(many.slice(10));
  });

  test("a ticket staff filed for the customer opens with 'we opened request #N for you'", () => {
    const mail = replyMail({ ...base, ticket: thread, requesterName: "Ada", authorName: "Li Wei", body: "As discussed on the phone…", format: "markdown", attachments: [], openedForYou: true });
    expect(mail.subject).toBe("[#42] Refund <not> received");
    expect(mail.text).toContain("We opened request #42 for you.");
  });

  test("a notice of the system (a merge) is plain text and marked automatic", () => {
    const mail = replyMail({ ...base, ticket: thread, requesterName: null, authorName: null, body: "Request #41 was merged *here*.", format: "text", attachments: [], automatic: true });
    expect(mail.headers?.["Auto-Submitted"]).toBe("auto-generated");
    expect(mail.html).toContain("Request #41 was merged *here*.");
    expect(mail.html).not.toContain("<em>");
  });
});

describe("solved", () => {
  test("carries the survey link when there is one, and none when there is not", () => {
    const link = "http://helpdesk.test/survey/tok_123";
    const mail = solvedMail({ ...base, ticket: thread, requesterName: "Ada", surveyLink: link });
    expect(mail.subject).toBe("[#42] Solved: Refund <not> received");
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.headers?.["Auto-Submitted"]).toBe("auto-generated");
    const without = solvedMail({ ...base, ticket: thread, requesterName: "Ada", surveyLink: null });
    expect(without.text).not.toContain("/survey/");
    expect(without.text).not.toContain("Rate our service");
  });

  test("in Chinese", () => {
    const mail = solvedMail({ ...base, locale: "zh-CN", ticket: thread, requesterName: null, surveyLink: "http://h/survey/x" });
    expect(mail.text).toContain("评价我们的服务: http://h/survey/x");
    expect(mail.text).toContain("已解决");
  });
});

describe("notifications to staff", () => {
  const common = { ...base, recipientName: "Li Wei", ticket: { number: 42, subject: "Printer" }, link: "http://h/agent/tickets/42", preferencesLink: "http://h/notifications" };

  test("say what happened, quote what was written, link the ticket and the settings; never threaded into the ticket", () => {
    const mail = notificationMail({ ...common, kind: "customer_replied", data: {}, excerpt: "Still broken.", requesterName: "Ada" });
    expect(mail.subject).toBe("[#42] The customer wrote back: Printer");
    expect(mail.text).toContain("Ada wrote back on ticket #42:");
    expect(mail.text).toContain("> Still broken.");
    expect(mail.text).toContain("http://h/agent/tickets/42");
    expect(mail.text).toContain("http://h/notifications");
    expect(mail.replyTo).toBeUndefined();
    expect(mail.references).toBeUndefined();
    expect(mail.text).not.toContain("Please type your reply above this line");
    expect(mail.headers?.["Auto-Submitted"]).toBe("auto-generated");
  });

  test("assigned by a person, or automatically; SLA warnings name the target and due time", () => {
    expect(notificationMail({ ...common, kind: "assigned", data: { by: "Sam" } }).text).toContain("Sam assigned ticket #42 to you.");
    expect(notificationMail({ ...common, kind: "assigned", data: { by: null, auto: "round_robin" } }).text).toContain("Ticket #42 was assigned to you automatically.");
    const warning = notificationMail({ ...common, kind: "sla_warning", data: { target: "first_response", dueAt: "2026-03-01T10:00:00.000Z" } });
    expect(warning.subject).toBe("[#42] SLA at risk: Printer");
    expect(warning.text).toMatch(/first response target of ticket #42 is at risk: due Mar 1, 2026, 10:00 AM UTC/);
    const zh = notificationMail({ ...common, locale: "zh-CN", kind: "sla_warning", data: { target: "first_response", dueAt: "2026-03-01T10:00:00.000Z" } });
    expect(zh.text).toContain("工单 #42 的首次响应目标即将超时");
  });
});

const person = (email: string | null, extra: Partial<MailTicketFacts["requester"]> = {}) => ({ email, name: "P", accountLocale: null, deactivated: false, userId: null, ...extra });
const ticket = (extra: Partial<MailTicketFacts> = {}): MailTicketFacts => ({
  number: 7,
  subject: "S",
  language: "en",
  channel: "portal",
  requester: person("ada@key.example", { userId: "u-ada", accountLocale: "en" }),
  followers: [person("cc1@x.example"), person("ADA@key.example"), person("gone@x.example", { deactivated: true })],
  ...extra,
});
const own = ["support@helpdesk.test", "billing@helpdesk.test"];
const agent = { id: "u-agent", role: "agent" };

describe("who gets mail about a ticket", () => {
  test("a customer's own request is acknowledged to them; one filed by staff is sent as the agent's message with followers in Cc", () => {
    expect(mailForNewTicket(ticket(), { id: "u-ada", role: "customer" }, own)).toEqual({ kind: "request_received", viaMail: false, to: "ada@key.example", cc: [], locale: "en" });
    expect(mailForNewTicket(ticket({ channel: "email" }), { id: "u-ada", role: "customer" }, own)).toMatchObject({ viaMail: true });
    expect(mailForNewTicket(ticket(), agent, own)).toEqual({ kind: "opened_for_you", to: "ada@key.example", cc: ["cc1@x.example"], locale: "en" });
  });

  test("public replies of staff and of the system go out; notes and customers' own messages never do", () => {
    expect(mailForMessage(ticket(), { kind: "public", author: agent }, own)).toEqual({ kind: "reply", automatic: false, to: "ada@key.example", cc: ["cc1@x.example"], locale: "en" });
    expect(mailForMessage(ticket(), { kind: "public", author: null }, own)).toMatchObject({ automatic: true });
    expect(mailForMessage(ticket(), { kind: "internal", author: agent }, own)).toBeNull();
    expect(mailForMessage(ticket(), { kind: "public", author: { id: "u-ada", role: "customer" } }, own)).toBeNull();
    // A follower writing back by mail is a customer too: nobody is mailed their own words.
    expect(mailForMessage(ticket(), { kind: "public", author: { id: "u-cc1", role: "customer" } }, own)).toBeNull();
    // Staff who are themselves the requester (trying their own helpdesk).
    expect(mailForMessage(ticket({ requester: person("li@x", { userId: "u-agent" }) }), { kind: "public", author: agent }, own)).toBeNull();
  });

  test("nobody who cannot get mail: deactivated, without an address, or one of our own addresses (no loops)", () => {
    expect(mailForSolved(ticket({ requester: person("ada@key.example", { deactivated: true }) }), own)).toBeNull();
    expect(mailForSolved(ticket({ requester: person(null) }), own)).toBeNull();
    expect(mailForSolved(ticket({ requester: person("") }), own)).toBeNull();
    expect(mailForSolved(ticket({ requester: person("Support+t7-abcdefghijk2@helpdesk.test") }), own)).toBeNull();
    expect(mailForSolved(ticket({ requester: person("billing@HELPDESK.test") }), own)).toBeNull();
    expect(mailForMessage(ticket({ followers: [person("support@helpdesk.test")] }), { kind: "public", author: agent }, own)).toMatchObject({ cc: [] });
    expect(isOwnAddress("support@helpdesk.test.evil.example", own)).toBe(false);
  });

  test("the requester reads their account's language, else the ticket's (a contact from mail has no account)", () => {
    expect(customerRecipients(ticket({ language: "zh-CN" }), own, { followers: false })?.locale).toBe("en");
    expect(customerRecipients(ticket({ language: "zh-CN", requester: person("w@x.example", { accountLocale: null }) }), own, { followers: false })?.locale).toBe("zh-CN");
    expect(customerRecipients(ticket({ language: "fr", requester: person("w@x.example") }), own, { followers: false })?.locale).toBe("en");
  });

  test("staff get notifications by mail as they chose, else by the kind's default", () => {
    const staff = { email: "Li@Test.example", role: "agent", locale: "zh-CN", deactivated: false };
    expect(emailPreference("assigned", null)).toBe(true);
    expect(emailPreference("sla_breach", null)).toBe(false);
    expect(emailPreference("sla_breach", true)).toBe(true);
    expect(emailPreference("customer_replied", false)).toBe(false);
    expect(mailForNotification(staff, true, own)).toEqual({ to: "li@test.example", locale: "zh-CN" });
    expect(mailForNotification(staff, false, own)).toBeNull();
    expect(mailForNotification({ ...staff, deactivated: true }, true, own)).toBeNull();
    expect(mailForNotification({ ...staff, role: "customer" }, true, own)).toBeNull();
  });
});
