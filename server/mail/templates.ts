// What the helpdesk's mail says, in the reader's language (en or zh-CN), as HTML and plain text.
// Pure: every input is given (names, links, the ticket's thread); nothing is read here. The words
// are app/i18n/mail.*.ts, read directly (no i18next instance: mail is rendered in workers).
// Mail about a ticket opens with the "reply above this line" marker, ends with the ticket's
// reference line and carries its threading (subject tag, Reply-To, References): see
// server/mail/references.ts. Automatic mail carries RFC 3834's headers so that other systems'
// auto-replies do not answer it (and two systems cannot loop). Account mail (reset, confirmation,
// invitation) is server/mail/account-templates.ts.
import type { Locale } from "../../app/i18n/config.ts";
import { mailEn } from "../../app/i18n/mail.en.ts";
import { mailZhCN } from "../../app/i18n/mail.zh-CN.ts";
import { renderMessageHtml } from "../text/markdown.ts";
import type { MailContent } from "./outbox.ts";
import { referenceLine, replySubject, subjectWithNumber } from "./references.ts";

type Strings = typeof mailEn;
const STRINGS: Record<Locale, Strings> = { en: mailEn, "zh-CN": mailZhCN };

export function mailStrings(locale: Locale): Strings {
  return STRINGS[locale] ?? mailEn;
}

/** RFC 3834: mail no person wrote. Outlook/Exchange honour X-Auto-Response-Suppress. */
export const AUTO_GENERATED: Readonly<Record<string, string>> = { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" };
/** RFC 3834: an automatic answer to a mail someone sent (the request-received answer to a mail). */
export const AUTO_REPLIED: Readonly<Record<string, string>> = { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" };

/** Every template: the reader's language and the helpdesk's name (HelpdeskSettings.name). */
export interface MailBase {
  locale: Locale;
  helpdeskName: string;
}

/** A ticket's mail thread, as the listener works it out (server/listeners/ticket-mail.ts). */
export interface TicketThread {
  number: number;
  /** The ticket's reply token (server/mail/references.ts replyToken). */
  token: string;
  subject: string;
  /** The support address with the ticket's token (replyAddress). */
  replyTo: string;
  /** Message-IDs of the ticket's earlier mail, in and out, oldest first (without <>). */
  references: string[];
  /** The ticket in the portal, for the requester. */
  link: string;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `{{name}}` filled in; the templates themselves hold no markup, so the result is escaped as a whole. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A moment in mail: the reader's language, in UTC (people have no time zone of their own here). */
export function formatInstant(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return "—";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "—";
  return `${new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(at)} UTC`;
}


// ---------------------------------------------------------------------------------------------
// Layout: a mail is a list of blocks, drawn once as HTML and once as text.

export type Block =
  | { kind: "p"; text: string; muted?: boolean }
  | { kind: "button"; label: string; href: string }
  /** Text as the person typed it (a customer's message): kept as written, line breaks and all. */
  | { kind: "plain"; text: string; quoted?: boolean }
  /** A staff message: its Markdown drawn as the app draws it; the text part keeps the source. */
  | { kind: "markdown"; source: string };

interface Layout extends MailBase {
  subject: string;
  blocks: Block[];
  /** Mail about a ticket: the marker on top and the reference line at the foot. */
  thread?: { number: number; token: string };
  /** Automatic mail says so at its foot. */
  automatic?: boolean;
  /** A line of its own at the foot (e.g. where to change notification settings). */
  footer?: { text: string; href?: string };
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif";
const MUTED = "color:#6b7280;font-size:12px;line-height:1.5;";

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "p":
      return `<p style="margin:0 0 14px;${block.muted ? MUTED : ""}">${escapeHtml(block.text)}</p>`;
    case "button":
      return (
        `<p style="margin:18px 0;"><a href="${escapeHtml(block.href)}" style="display:inline-block;background:#2457c5;color:#ffffff;` +
        `padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;">${escapeHtml(block.label)}</a></p>` +
        `<p style="margin:0 0 14px;${MUTED}word-break:break-all;"><a href="${escapeHtml(block.href)}" style="color:#2457c5;">${escapeHtml(block.href)}</a></p>`
      );
    case "plain":
      return block.quoted
        ? `<blockquote style="margin:0 0 14px;padding:4px 12px;border-left:3px solid #d1d5db;color:#374151;white-space:pre-wrap;">${escapeHtml(block.text)}</blockquote>`
        : `<div style="margin:0 0 14px;white-space:pre-wrap;">${escapeHtml(block.text)}</div>`;
    case "markdown":
      // The same sanitised Markdown as the ticket page (server/text/markdown.ts): no scripts, no images.
      return `<div style="margin:0 0 14px;">${renderMessageHtml(block.source)}</div>`;
  }
}

function blockText(block: Block): string {
  switch (block.kind) {
    case "p":
      return block.text;
    case "button":
      return `${block.label}: ${block.href}`;
    case "plain":
      return block.quoted ? block.text.split(/\r?\n/).map((line) => `> ${line}`).join("\n") : block.text;
    case "markdown":
      return block.source.trim();
  }
}

export function render(layout: Layout): { html: string; text: string } {
  const s = mailStrings(layout.locale);
  const foot: string[] = [fill(s.signature, { helpdesk: layout.helpdeskName })];
  if (layout.automatic) foot.push(fill(s.automatic, { helpdesk: layout.helpdeskName }));
  const reference = layout.thread ? referenceLine(layout.thread) : null;

  const textParts: string[] = [];
  if (layout.thread) textParts.push(s.marker, "");
  for (const block of layout.blocks) textParts.push(blockText(block), "");
  textParts.push("-- ", ...foot);
  if (layout.footer) textParts.push(layout.footer.href ? `${layout.footer.text} ${layout.footer.href}` : layout.footer.text);
  if (reference) textParts.push("", reference);
  const text = `${textParts.join("\n")}\n`;

  const footerHtml = [
    ...foot.map((line) => `<div>${escapeHtml(line)}</div>`),
    layout.footer
      ? `<div style="margin-top:8px;">${escapeHtml(layout.footer.text)}${layout.footer.href ? ` <a href="${escapeHtml(layout.footer.href)}" style="color:#6b7280;">${escapeHtml(layout.footer.href)}</a>` : ""}</div>`
      : "",
    reference ? `<div style="margin-top:8px;color:#9ca3af;">${escapeHtml(reference)}</div>` : "",
  ].join("");
  const html =
    `<!DOCTYPE html><html lang="${layout.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(layout.subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f4f6;">` +
    `<div style="max-width:640px;margin:0 auto;padding:16px;font-family:${FONT};font-size:15px;line-height:1.6;color:#111827;">` +
    (layout.thread ? `<div style="${MUTED}margin:0 0 12px;">${escapeHtml(s.marker)}</div>` : "") +
    `<div style="background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:20px 22px;">${layout.blocks.map(blockHtml).join("")}</div>` +
    `<div style="${MUTED}margin:14px 2px 0;">${footerHtml}</div>` +
    `</div></body></html>`;
  return { html, text };
}

function greeting(s: Strings, name: string | null | undefined): Block {
  return { kind: "p", text: name?.trim() ? fill(s.greeting, { name: name.trim() }) : s.greetingNoName };
}

function ticketMail(
  base: MailBase,
  ticket: TicketThread,
  subject: string,
  blocks: Block[],
  extra: { headers?: Record<string, string>; attachmentIds?: string[]; automatic?: boolean },
): MailContent {
  const { html, text } = render({ ...base, subject, blocks, thread: ticket, automatic: extra.automatic });
  return {
    subject,
    text,
    html,
    replyTo: ticket.replyTo,
    // At most the 20 latest: enough to thread; long References headers get cut by some servers.
    references: ticket.references.slice(-20),
    ...(extra.headers ? { headers: { ...extra.headers } } : {}),
    ...(extra.attachmentIds && extra.attachmentIds.length > 0 ? { attachmentIds: [...extra.attachmentIds] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Mail about tickets, to the requester (and followers)

/** The answer to a new request the customer filed (portal, API or mail): its number and a link to it. */
export function requestReceivedMail(
  input: MailBase & {
    ticket: TicketThread;
    requesterName: string | null;
    /** The customer's first message, as they wrote it (plain text). */
    message: string | null;
    /** The request came by mail: the answer is an auto-reply to that mail (and says "Re:"). */
    viaMail: boolean;
  },
): MailContent {
  const s = mailStrings(input.locale);
  const tagged = subjectWithNumber(input.ticket.number, input.ticket.subject);
  const subject = input.viaMail ? replySubject(tagged) : tagged;
  // Not for a request that came by mail: anyone can write any From, and quoting their text back to
  // it would make us relay whatever they wrote to whoever they named (backscatter).
  const message = input.viaMail ? "" : (input.message?.trim() ?? "");
  const blocks: Block[] = [
    greeting(s, input.requesterName),
    { kind: "p", text: s.requestReceived.intro },
    { kind: "p", text: fill(s.requestReceived.number, { number: input.ticket.number }) },
    ...(message
      ? ([
          { kind: "p", text: s.requestReceived.yourMessage },
          { kind: "plain", text: message.length > 4000 ? `${message.slice(0, 4000)}…` : message, quoted: true },
        ] as Block[])
      : []),
    { kind: "p", text: s.requestReceived.replyHint },
    { kind: "button", label: s.requestReceived.view, href: input.ticket.link },
  ];
  return ticketMail(input, input.ticket, subject, blocks, { headers: { ...(input.viaMail ? AUTO_REPLIED : AUTO_GENERATED) }, automatic: true });
}

/**
 * A public message for the requester: an agent's reply, an automation's, or a notice of the system
 * (a merge). Staff write Markdown (drawn as on the ticket page); notices are plain text.
 * `openedForYou`: the first message of a ticket an agent filed for the customer.
 */
export function replyMail(
  input: MailBase & {
    ticket: TicketThread;
    requesterName: string | null;
    /** Who wrote it (null: the helpdesk itself, e.g. a merge notice). */
    authorName: string | null;
    body: string;
    format: "markdown" | "text";
    attachments: readonly { id: string; filename: string }[];
    openedForYou?: boolean;
    /** No person wrote it (an automation's reply, a notice): RFC 3834 headers. */
    automatic?: boolean;
  },
): MailContent {
  const s = mailStrings(input.locale);
  const tagged = subjectWithNumber(input.ticket.number, input.ticket.subject);
  const subject = input.openedForYou ? tagged : replySubject(tagged);
  const blocks: Block[] = [
    ...(input.openedForYou ? [greeting(s, input.requesterName), { kind: "p", text: fill(s.reply.openedForYou, { number: input.ticket.number }) } as Block] : []),
    ...(input.authorName ? [{ kind: "p", text: fill(s.reply.wrote, { name: input.authorName }), muted: true } as Block] : []),
    input.format === "markdown" ? { kind: "markdown", source: input.body } : { kind: "plain", text: input.body.trim() },
    ...(input.attachments.length > 0
      ? [{ kind: "p", text: fill(s.reply.attachments, { names: input.attachments.map((a) => a.filename).join(", ") }), muted: true } as Block]
      : []),
    { kind: "p", text: `${s.reply.replyHint} ${s.reply.view}`, muted: true },
    { kind: "button", label: s.reply.viewButton, href: input.ticket.link },
  ];
  return ticketMail(input, input.ticket, subject, blocks, {
    headers: input.automatic ? { ...AUTO_GENERATED } : undefined,
    attachmentIds: input.attachments.map((a) => a.id),
    automatic: input.automatic,
  });
}

/** The request was solved: a link to rate the service (the CSAT survey), when the ticket has one. */
export function solvedMail(input: MailBase & { ticket: TicketThread; requesterName: string | null; surveyLink: string | null }): MailContent {
  const s = mailStrings(input.locale);
  const subject = subjectWithNumber(input.ticket.number, fill(s.solved.subject, { subject: input.ticket.subject }));
  const blocks: Block[] = [
    greeting(s, input.requesterName),
    { kind: "p", text: fill(s.solved.intro, { number: input.ticket.number, subject: input.ticket.subject }) },
    ...(input.surveyLink ? ([{ kind: "p", text: s.solved.rate }, { kind: "button", label: s.solved.rateButton, href: input.surveyLink }] as Block[]) : []),
    { kind: "p", text: s.solved.reopen },
    { kind: "p", text: `${s.solved.view}: ${input.ticket.link}`, muted: true },
  ];
  return ticketMail(input, input.ticket, subject, blocks, { headers: { ...AUTO_GENERATED }, automatic: true });
}

// ---------------------------------------------------------------------------------------------
// Notifications to staff

export const MAIL_NOTIFICATION_KINDS = ["assigned", "customer_replied", "mention", "sla_warning", "sla_breach", "sla_escalation", "rule"] as const;
export type MailNotificationKind = (typeof MAIL_NOTIFICATION_KINDS)[number];

/** A notification (server/notifications/) by mail: what happened, a short excerpt, a link to the ticket. */
export function notificationMail(
  input: MailBase & {
    kind: MailNotificationKind;
    recipientName: string | null;
    ticket: { number: number; subject: string };
    /** The notification's data: by, auto, rule, target, dueAt… */
    data: Record<string, unknown>;
    /** The customer's reply or the note that mentions the reader (plain text), when there is one. */
    excerpt?: string | null;
    requesterName?: string | null;
    /** The ticket in the agent's workspace, and the reader's notification settings. */
    link: string;
    preferencesLink: string;
  },
): MailContent {
  const s = mailStrings(input.locale);
  const n = s.notification;
  const str = (key: string) => (typeof input.data[key] === "string" && (input.data[key] as string).trim() ? (input.data[key] as string) : null);
  const target = str("target");
  const values = {
    number: input.ticket.number,
    by: str("by") ?? str("rule") ?? n.someone,
    rule: str("rule") ?? "",
    requester: input.requesterName?.trim() || n.someone,
    target: target && target in n.targets ? n.targets[target as keyof typeof n.targets] : (target ?? ""),
    due: formatInstant(input.locale, str("dueAt")),
  };
  const line = input.kind === "assigned" && str("auto") && !str("rule") ? n.body.assignedAuto : n.body[input.kind];
  const subject = subjectWithNumber(input.ticket.number, fill(n.subject[input.kind], { subject: input.ticket.subject }));
  const excerpt = input.excerpt?.trim();
  const blocks: Block[] = [
    greeting(s, input.recipientName),
    { kind: "p", text: fill(line, values) },
    ...(excerpt ? [{ kind: "plain", text: excerpt.length > 1500 ? `${excerpt.slice(0, 1500)}…` : excerpt, quoted: true } as Block] : []),
    { kind: "button", label: n.open, href: input.link },
  ];
  const { html, text } = render({ ...input, subject, blocks, automatic: true, footer: { text: n.preferences, href: input.preferencesLink } });
  return { subject, text, html, headers: { ...AUTO_GENERATED } };
}
