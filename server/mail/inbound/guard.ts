// Mail that must never open a ticket nor be answered: automatic replies (out of office, "we got your
// mail"), bounces and delivery reports, and our own mail coming back. Answering any of them could
// start two systems mailing each other for ever (RFC 3834). Pure: no I/O.

export type IgnoredAs = "auto_reply" | "bounce" | "loop";

export interface GuardFacts {
  /** A header's value by lower-case name (the first one), undefined when absent. */
  header(name: string): string | undefined;
  /** The top-level content type, lower case, e.g. "multipart/report". */
  contentType: string;
  /** Its report-type parameter, for multipart/report. */
  reportType?: string;
  /** SMTP's MAIL FROM: "" for a bounce (<>); null when not known (mail fetched by IMAP). */
  envelopeFrom: string | null;
  /** The From address, lower case; null when it has none. */
  from: string | null;
  subject: string;
  /** Whether an address is one of ours (the support address, its +tag forms, a mail channel): server/mail/addresses.ts isOwnAddress. */
  isOurs(address: string): boolean;
}

const BULK_PRECEDENCE = /^\s*(bulk|junk|list|auto_reply)\s*$/i;
const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)$/i;
/** Subjects mail programs give automatic replies that carry no header saying so. */
const AUTO_SUBJECT = new RegExp(
  String.raw`^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office( reply| autoreply)?|abwesenheitsnotiz|` +
    String.raw`réponse automatique|自动回复|自動回覆|自动答复|休假自动回复)\s*[:：]`,
  "i",
);
const DSN_SUBJECT =
  /^\s*(undeliverable|undelivered mail|delivery status notification|mail delivery failed|returned mail|failure notice|退信|系统退信|投递失败)/i;

/** Why this mail is to be left alone, or null when it may be read as someone writing to us. */
export function loopGuard(mail: GuardFacts): IgnoredAs | null {
  // Bounces and delivery reports first: they often also look automatic.
  if (mail.envelopeFrom === "" || /^\s*<\s*>\s*$/.test(mail.header("return-path") ?? "x")) return "bounce";
  if (mail.contentType === "multipart/report") return mail.reportType?.toLowerCase() === "disposition-notification" ? "auto_reply" : "bounce";
  const local = mail.from?.split("@")[0] ?? "";
  if (DAEMON.test(local) || (DSN_SUBJECT.test(mail.subject) && /daemon|postmaster|mail/i.test(local))) return "bounce";
  if (mail.from && mail.isOurs(mail.from)) return "loop";

  const autoSubmitted = mail.header("auto-submitted");
  if (autoSubmitted !== undefined && autoSubmitted.trim().toLowerCase().split(";")[0].trim() !== "no") return "auto_reply";
  if (BULK_PRECEDENCE.test(mail.header("precedence") ?? "")) return "auto_reply";
  if (mail.header("x-autoreply") !== undefined || mail.header("x-autorespond") !== undefined || mail.header("x-autoresponder") !== undefined) {
    return "auto_reply";
  }
  // "Do not answer me automatically" (Exchange): set on out-of-office replies and by other systems'
  // automatic mail (ours too); a person's mail program does not send it.
  if (/\b(all|oof|autoreply)\b/i.test(mail.header("x-auto-response-suppress") ?? "")) return "auto_reply";
  // Some programs say it only in the subject ("Automatic reply: …", "自动回复：…").
  if (AUTO_SUBJECT.test(mail.subject)) return "auto_reply";
  return null;
}
