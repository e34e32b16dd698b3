// Sending a queued mail: composed as one MIME message (nodemailer's MailComposer) with its
// attachments read from the blob store, then handed to the SMTP server when one is configured,
// or kept as an .eml file in the local sink (DATA_DIR/mail/outbox) when none is.
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { Readable } from "node:stream";
import { singleton } from "../runtime.ts";
import type { MailContent } from "./outbox.ts";
import type { MailSettings } from "./settings.ts";

export interface SendableMail {
  id: string;
  messageId: string;
  to: string[];
  cc: string[];
  content: MailContent;
  createdAt: Date;
}

export interface SendableAttachment {
  filename: string;
  contentType: string;
  open(): Promise<Readable | null>;
}

/** The whole message as it goes out (RFC 5322), attachments included. */
export async function composeMail(
  mail: SendableMail,
  sender: { name: string; address: string },
  attachments: readonly SendableAttachment[],
): Promise<Buffer> {
  const references = mail.content.references ?? [];
  const parts = [];
  for (const attachment of attachments) {
    const content = await attachment.open();
    // A file gone from the store is left out rather than holding up the whole mail.
    if (content) parts.push({ filename: attachment.filename, contentType: attachment.contentType, content });
  }
  const composer = new MailComposer({
    from: { name: sender.name, address: sender.address },
    to: mail.to,
    cc: mail.cc.length > 0 ? mail.cc : undefined,
    replyTo: mail.content.replyTo,
    subject: mail.content.subject,
    text: mail.content.text,
    html: mail.content.html,
    messageId: `<${mail.messageId}>`,
    inReplyTo: references.length > 0 ? `<${references[references.length - 1]}>` : undefined,
    references: references.length > 0 ? references.map((id) => `<${id}>`) : undefined,
    headers: mail.content.headers,
    date: mail.createdAt,
    attachments: parts,
  });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}

/** Sends the message: over SMTP, or into the local sink (returns the sink file, relative to its folder). */
export async function deliver(settings: MailSettings, mail: SendableMail, raw: Buffer): Promise<{ sinkFile: string | null }> {
  if (settings.smtpUrl) {
    const transport = singleton(`smtp:${settings.smtpUrl}`, () => nodemailer.createTransport(settings.smtpUrl!));
    // Bounces come back to the support address, where the inbound side recognises them.
    await transport.sendMail({ envelope: { from: settings.from, to: [...mail.to, ...mail.cc] }, raw });
    return { sinkFile: null };
  }
  const day = mail.createdAt.toISOString().slice(0, 10);
  const sinkFile = path.join(day, `${mail.createdAt.toISOString().replace(/[:.]/g, "-")}-${mail.id}.eml`);
  const target = path.join(settings.sinkDir, sinkFile);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  // Written beside and renamed: a reader never sees half a message.
  await fs.promises.writeFile(`${target}.partial`, raw);
  await fs.promises.rename(`${target}.partial`, target);
  return { sinkFile };
}
