// Reading a received mail (mailparser), with what it cannot do added: text parts without a charset
// label (and 8-bit subjects) are read in their detected charset (mime.ts, charset.ts), HTML is
// sanitised into text, and the new part of a reply is told from its quoted history (quotes.ts).
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from "mailparser";
import { htmlToText, cutHtmlQuote } from "./html.ts";
import { hasUnlabelledText, rawHeaderText, readBodies, walkMime } from "./mime.ts";
import { stripQuotes } from "./quotes.ts";
import { referencedIds } from "../threading.ts";
import { isForwardSubject } from "../references.ts";

export interface MailAddress {
  /** Lower case. */
  address: string;
  name: string;
}

export interface MailFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ParsedInbound {
  /** Without angle brackets; null when the mail has none. */
  messageId: string | null;
  /** Message-IDs it answers, newest first (In-Reply-To, then References). */
  references: string[];
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date: Date | null;
  /** Header lines as sent ("Name: value"), for people to read. */
  headerLines: string[];
  /** A header's value by lower-case name (the first one, as text). */
  header(name: string): string | undefined;
  contentType: string;
  reportType?: string;
  /** The whole text, quotes included (from the plain-text part, else from the HTML). */
  fullText: string;
  /** The new part: what the sender wrote in this mail, without the history and signature. */
  newText: string;
  /** Whether the mail had an HTML body. */
  hasHtml: boolean;
  /** How the text was read: "labelled" (as the mail says) or "detected" (no charset label: guessed). */
  charset: "labelled" | "detected";
  attachments: MailFile[];
}

const MAX_HEADER_LINES = 200;

export async function parseInbound(raw: Buffer): Promise<ParsedInbound> {
  const mail: ParsedMail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  let text = mail.text ?? null;
  let html = typeof mail.html === "string" ? mail.html : null;
  let subject = mail.subject ?? "";
  let charset: ParsedInbound["charset"] = "labelled";

  // mailparser reads unlabelled 8-bit text as UTF-8: GBK comes out as U+FFFD. Read it again.
  const root = walkMime(raw);
  if (hasUnlabelledText(root)) {
    const bodies = readBodies(root);
    if (bodies.text !== null && (text === null || text.includes("\uFFFD"))) text = bodies.text;
    if (bodies.html !== null && (html === null || html.includes("\uFFFD"))) html = bodies.html;
    charset = "detected";
  }
  if (subject.includes("\uFFFD")) subject = (rawHeaderText(root, "subject") ?? subject).trim();
  // A forwarded mail is all content: what was forwarded is what the sender wants us to read.
  const forwarded = isForwardSubject(subject);
  let fullText: string;
  let newText: string;
  // The plain-text part when there is one (mail programs quote there plainly), else the HTML.
  if (text !== null && text.trim() !== "") {
    fullText = text.replace(/\r\n?/g, "\n").trim();
    newText = forwarded ? fullText : stripQuotes(fullText).text;
  } else if (html !== null) {
    fullText = htmlToText(html);
    const cut = cutHtmlQuote(html);
    newText = forwarded ? fullText : stripQuotes(cut.cut ? htmlToText(cut.html) : fullText).text;
  } else {
    fullText = "";
    newText = "";
  }

  const headers = mail.headers;
  const header = (name: string) => headerText(headers.get(name));
  const [contentType, reportType] = contentTypeOf(headers.get("content-type"));
  return {
    messageId: mail.messageId ? mail.messageId.replace(/^<|>$/g, "").trim() || null : null,
    references: referencedIds(mail.inReplyTo, mail.references),
    from: addresses(mail.from)[0] ?? null,
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: subject.trim(),
    date: mail.date ?? null,
    headerLines: mail.headerLines.slice(0, MAX_HEADER_LINES).map((h) => h.line),
    header,
    contentType,
    reportType,
    fullText,
    newText,
    hasHtml: html !== null,
    charset,
    attachments: mail.attachments
      // A delivery report's own parts and attached mails' headers are not files anyone sent.
      .filter((a) => a.content.length > 0 && !["message/delivery-status", "message/disposition-notification", "text/rfc822-headers"].includes(a.contentType))
      .map((a, i) => ({
        filename: a.filename?.trim() || defaultName(a.contentType, i),
        contentType: a.contentType,
        content: a.content,
      })),
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const visit = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address && entry.address.includes("@")) out.push({ address: entry.address.trim().toLowerCase(), name: (entry.name ?? "").trim() });
    }
  };
  for (const item of list) visit(item.value);
  return out;
}

function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.length > 0 ? headerText(value[0] as HeaderValue) : undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && "value" in value) {
    const v = (value as { value: unknown; text?: string }).value;
    if (typeof v === "string") return v;
    return (value as { text?: string }).text ?? undefined;
  }
  return undefined;
}

function contentTypeOf(value: HeaderValue | undefined): [string, string | undefined] {
  if (value && typeof value === "object" && "value" in value && typeof (value as { value: unknown }).value === "string") {
    const structured = value as { value: string; params: Record<string, string> };
    return [structured.value.toLowerCase(), structured.params?.["report-type"]];
  }
  return ["text/plain", undefined];
}

function defaultName(contentType: string, index: number): string {
  const extensions: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "application/pdf": "pdf", "message/rfc822": "eml" };
  const extension = extensions[contentType] ?? (contentType === "text/plain" ? "txt" : undefined);
  return `attachment-${index + 1}${extension ? `.${extension}` : ""}`;
}
