// Attachments: files a customer or agent sends with a message. A file is
// uploaded first (stored, judged by its bytes, owned by its uploader and by
// nobody else), then claimed by the message it is sent with, in that
// message's transaction. From then on whoever may read the message may read
// the file, and nobody else: an internal note's files never reach a
// customer, because they follow the note (docs/decisions/017).
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { fileTypeFromFile } from "file-type";
import { can, type AuthUser } from "../auth/policy.ts";
import type { Db } from "../db/client.ts";
import { sqlOf } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { DomainError, forbidden, notFound } from "../errors.ts";
import { runtimeSettings, singleton } from "../runtime.ts";
import { cleanFilename, judgeContent, looksLikeText } from "./content.ts";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_PENDING_UPLOADS, PENDING_UPLOAD_HOURS, type AttachmentView } from "./limits.ts";
import { openBlobStore, type BlobStore } from "./store.ts";

export function blobStore(): Promise<BlobStore> {
  const config = runtimeSettings().blobStore;
  return singleton(`blob-store:${JSON.stringify(config)}`, () => openBlobStore(config));
}

/** A file received from outside (a form, the API, later mail), waiting in a temporary file. */
export interface IncomingFile {
  filename: string;
  path: string;
  size: number;
}

/** A refused attachment, as a field error of `attachments` naming the file when one is to blame. */
export const attachmentRefused = (key: string, filename?: string) =>
  new DomainError("validation_failed", "errors.validation", { attachments: [key] }, filename ? { filename } : undefined);

/** The first bytes of a file, to tell text from binary. */
async function headOf(path: string): Promise<Uint8Array> {
  const handle = await fs.promises.open(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Stores files for this user to send with their next message: all of them,
 * or none when one is refused (too large, empty, a program, or not what its
 * name says).
 */
export async function receiveUploads(db: Db, user: AuthUser, files: IncomingFile[], now = new Date()): Promise<AttachmentView[]> {
  if (!can(user, "tickets.reply")) throw forbidden();
  if (files.length === 0) return [];
  if (files.length > MAX_ATTACHMENTS) throw attachmentRefused("validation.tooManyAttachments");
  const judged = [];
  for (const file of files) {
    const filename = cleanFilename(file.filename);
    if (file.size === 0) throw attachmentRefused("validation.attachmentEmpty", filename);
    if (file.size > MAX_ATTACHMENT_BYTES) throw attachmentRefused("validation.attachmentTooLarge", filename);
    const detected = await fileTypeFromFile(file.path);
    const verdict = judgeContent(filename, detected, looksLikeText(await headOf(file.path)));
    if (!verdict.ok) throw attachmentRefused(verdict.reason === "program" ? "validation.attachmentProgram" : "validation.attachmentMismatch", filename);
    judged.push({ file, filename, contentType: verdict.contentType });
  }
  const sql = sqlOf(db);
  const since = new Date(now.getTime() - PENDING_UPLOAD_HOURS * 3_600_000);
  const [{ pending }] = await sql.query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM "Attachment" WHERE "uploaderId" = $1 AND "messageId" IS NULL AND "createdAt" > $2::timestamp(3)`,
    [user.id, since.toISOString()],
  );
  if (pending + files.length > MAX_PENDING_UPLOADS) throw new DomainError("rate_limited", "errors.tooManyUploads");

  const store = await blobStore();
  const rows = judged.map((j) => ({
    id: randomUUID(),
    filename: j.filename,
    contentType: j.contentType,
    size: j.file.size,
    storageKey: `${now.toISOString().slice(0, 7)}/${randomUUID()}`,
    path: j.file.path,
  }));
  const stored: string[] = [];
  try {
    for (const row of rows) {
      await store.put(row.storageKey, row.path, row.contentType);
      stored.push(row.storageKey);
    }
    await sql.query(
      `INSERT INTO "Attachment" ("id", "uploaderId", "filename", "contentType", "size", "storageKey", "createdAt")
       SELECT a.id, $1, a.filename, a."contentType", a.size, a."storageKey", $2::timestamp(3)
         FROM jsonb_to_recordset($3::jsonb) AS a(id text, filename text, "contentType" text, size int, "storageKey" text)`,
      [user.id, now.toISOString(), JSON.stringify(rows.map(({ path: _, ...row }) => row))],
    );
  } catch (error) {
    await Promise.allSettled(stored.map((key) => store.delete(key)));
    throw error;
  }
  return rows.map(({ id, filename, contentType, size }) => ({ id, filename, contentType, size }));
}

/**
 * Sends uploads with a message, inside the message's transaction: only the
 * writer's own uploads that no message has taken yet.
 */
export async function claimAttachments(sql: Sql, user: AuthUser, messageId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  if (ids.length > MAX_ATTACHMENTS) throw attachmentRefused("validation.tooManyAttachments");
  const claimed = await sql.query<{ id: string }>(
    `UPDATE "Attachment" SET "messageId" = $1 WHERE "id" = ANY($2::text[]) AND "uploaderId" = $3 AND "messageId" IS NULL RETURNING "id"`,
    [messageId, ids, user.id],
  );
  if (claimed.length !== new Set(ids).size) throw attachmentRefused("validation.attachmentUnknown");
}

export interface OpenedAttachment extends AttachmentView {
  body: Readable;
}

/**
 * An attachment's bytes for someone who may read it: its uploader before it
 * is sent; afterwards whoever may read its message. Anyone else is told it
 * does not exist, so ids cannot be probed.
 */
export async function openAttachment(db: Db, user: AuthUser, id: string): Promise<OpenedAttachment> {
  const attachment = await db.attachment.findUnique({
    where: { id },
    select: {
      id: true,
      filename: true,
      contentType: true,
      size: true,
      storageKey: true,
      uploaderId: true,
      message: { select: { kind: true, ticket: { select: { requesterId: true, teamId: true, assigneeId: true } } } },
    },
  });
  if (!attachment || !mayRead(user, attachment)) throw notFound("errors.attachmentNotFound");
  const body = await (await blobStore()).get(attachment.storageKey);
  if (!body) throw notFound("errors.attachmentNotFound");
  return { id, filename: attachment.filename, contentType: attachment.contentType, size: attachment.size, body };
}

function mayRead(
  user: AuthUser,
  a: { uploaderId: string; message: { kind: string; ticket: { requesterId: string; teamId: string | null; assigneeId: string | null } } | null },
): boolean {
  if (!a.message) return a.uploaderId === user.id;
  const action = a.message.kind === "internal" ? "tickets.internal" : "tickets.view";
  return can(user, action, a.message.ticket);
}

/** Removes these uploads of this user if no message took them (the message they came with was refused). */
export async function dropUnsentUploads(db: Db, user: AuthUser, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await sqlOf(db).query<{ storageKey: string }>(
    `DELETE FROM "Attachment" WHERE "id" = ANY($1::text[]) AND "uploaderId" = $2 AND "messageId" IS NULL RETURNING "storageKey"`,
    [ids, user.id],
  );
  const store = await blobStore();
  await Promise.all(rows.map((r) => store.delete(r.storageKey)));
}

/** Removes uploads that were never sent with a message (the form was left, the API client gave up). */
export async function pruneUnsentUploads(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - PENDING_UPLOAD_HOURS * 3_600_000);
  const store = await blobStore();
  let removed = 0;
  for (;;) {
    // The row goes first: a blob without a row is garbage nobody can reach; a row without a blob is a broken link.
    const rows = await sqlOf(db).query<{ storageKey: string }>(
      `DELETE FROM "Attachment" WHERE "id" IN (
         SELECT "id" FROM "Attachment" WHERE "messageId" IS NULL AND "createdAt" < $1::timestamp(3) LIMIT 500
       ) AND "messageId" IS NULL -- checked again: a message may have claimed it meanwhile
       RETURNING "storageKey"`,
      [before.toISOString()],
    );
    await Promise.all(rows.map((r) => store.delete(r.storageKey)));
    removed += rows.length;
    if (rows.length < 500) return removed;
  }
}
