// The send-mail job: one queued mail, composed and sent (server/mail/transport.ts). A failure is
// recorded on the mail and thrown, so the queue tries again with backoff; after the last attempt
// the mail is marked failed (shown at /admin/mail).
import type { Db } from "../db/client.ts";
import { currentSettings } from "../admin/settings.ts";
import { blobStore } from "../attachments/service.ts";
import type { MailContent } from "./outbox.ts";
import { mailSettings } from "./settings.ts";
import { composeMail, deliver } from "./transport.ts";

export async function sendQueuedMail(db: Db, mailId: string, attempt: { number: number; last: boolean }): Promise<"sent" | "already_sent" | "gone"> {
  const mail = await db.outboundMail.findUnique({ where: { id: mailId } });
  if (!mail) return "gone";
  if (mail.status === "sent") return "already_sent";
  const content = mail.content as unknown as MailContent;
  const settings = mailSettings();
  try {
    const files = content.attachmentIds?.length
      ? await db.attachment.findMany({ where: { id: { in: content.attachmentIds } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })
      : [];
    const store = files.length > 0 ? await blobStore() : null;
    const raw = await composeMail(
      { ...mail, content },
      { name: (await currentSettings(db)).name, address: settings.from },
      files.map((file) => ({ filename: file.filename, contentType: file.contentType, open: () => store!.get(file.storageKey) })),
    );
    const { sinkFile } = await deliver(settings, { ...mail, content }, raw);
    await db.outboundMail.update({
      where: { id: mailId },
      data: { status: "sent", sentAt: new Date(), sinkFile, attempts: attempt.number, lastError: null },
    });
    return "sent";
  } catch (error) {
    await db.outboundMail.update({
      where: { id: mailId },
      data: { status: attempt.last ? "failed" : "queued", attempts: attempt.number, lastError: (error as Error).message.slice(0, 1000) },
    });
    throw error;
  }
}
