// The mail channel's settings (from the environment: server/config.ts mailSettingsFrom).
import { runtimeSettings } from "../runtime.ts";

export interface MailSettings {
  /** The support address (lower-case): mail is sent from it, customers write to it. */
  from: string;
  /** Where people reach the helpdesk, without a trailing slash: links in mail start with it. */
  publicUrl: string;
  /** Real outbound SMTP (smtp:// or smtps://); null: the local sink keeps every mail as an .eml file. */
  smtpUrl: string | null;
  /** The local sink's folder (DATA_DIR/mail/outbox). */
  sinkDir: string;
  /** The largest mail taken in (INBOUND_MAX_MB), by the SMTP server or from an IMAP mailbox. */
  inboundMaxBytes: number;
  /** The built-in inbound SMTP server; null: off in this process. */
  inbound: { host: string; port: number; maxBytes: number } | null;
}

export function mailSettings(): MailSettings {
  return runtimeSettings().mail;
}

/** The domain of the support address: our Message-IDs and reply addresses use it. */
export function mailDomain(settings: MailSettings = mailSettings()): string {
  return settings.from.slice(settings.from.lastIndexOf("@") + 1);
}

/** The secret behind reply tokens (server/mail/references.ts): derived from the session secret. */
export function replyTokenSecret(): string {
  return `mail-reply-token:${runtimeSettings().sessionSecret}`;
}
