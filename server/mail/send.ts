// The send-mail job: one queued mail, composed and sent (server/mail/transport.ts). A failure is
// recorded on the mail and thrown, so the queue tries again with backoff; after the last attempt
// the mail is marked failed (shown at /admin/mail). Account mail keeps no working link once it
// has left: the same update that marks it sent (or failed for good) stores it without its tokens.
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { currentSettings } from "../admin/settings.ts";
import { blobStore } from "../attachments/service.ts";
import { withoutSecrets, type MailContent } from "./outbox.ts";
import { mailSettings } from "./settings.ts";
import { composeMail, deliver } from "./transport.ts";

export async function sendQueuedMail(db: Db, mailId: string, attempt: { number: number; last: boolean }): Promise<"sent" | "already_sent" | "gone"> {
  const mail = await db.outboundMail.findUnique({ where: { id: mailId } });
  if (!mail) return "gone";
  if (mail.status === "sent") return "already_sent";
  const content = mail.content as unknown as MailContent;
  const settings = mailSettings();
  // The recipient's copy is the only one that opens anything: ours loses the one-time tokens.
  const redacted = () => {
    if (!mail.sensitive) return {};
    const kept = withoutSecrets(content);
    return { content: kept as unknown as Prisma.InputJsonValue, subject: kept.subject };
  };
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
      data: { status: "sent", sentAt: new Date(), sinkFile, attempts: attempt.number, lastError: null, ...redacted() },
    });
    return "sent";
  } catch (error) {
    await db.outboundMail.update({
      where: { id: mailId },
      data: {
        status: attempt.last ? "failed" : "queued",
        attempts: attempt.number,
        lastError: (error as Error).message.slice(0, 1000),
        // Given up on: nothing will send it again, so its link goes too.
        ...(attempt.last ? redacted() : {}),
      },
    });
    throw error;
  }
}
