// Forms that carry files (a message with attachments): the text fields as
// FormData, the files as temporary files, judged and stored only when the
// action asks (storeFormFiles), and removed after the request.
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { ATTACHMENTS_FIELD, MAX_ATTACHMENTS } from "../../server/attachments/limits.ts";
import { attachmentRefused, dropUnsentUploads, receiveUploads, type IncomingFile } from "../../server/attachments/service.ts";
import { discardFile, receiveFile } from "../../server/attachments/incoming.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { db } from "../../server/db/client.ts";
import { DomainError } from "../../server/errors.ts";
import { readForm } from "./forms.server.ts";

/** A text field larger than this is not from our forms. */
const MAX_FIELD_BYTES = 256 * 1024;

export interface FormWithFiles {
  form: FormData;
  files: IncomingFile[];
  /** Why the files cannot be taken (checked before storing anything). */
  refused?: "validation.attachmentTooLarge" | "validation.tooManyAttachments";
  /** Uploads stored from this form (storeFormFiles). */
  stored: { user: AuthUser; ids: string[] } | null;
  /** Removes the temporary files, and the stored uploads no message took (it was refused): call when the action is done. */
  discard(): Promise<void>;
}

export async function readFormWithFiles(request: Request): Promise<FormWithFiles> {
  const files: IncomingFile[] = [];
  let refused: FormWithFiles["refused"];
  const result: Omit<FormWithFiles, "form"> = {
    files,
    stored: null,
    async discard() {
      await Promise.all(files.map((f) => discardFile(f.path)));
      if (result.stored) await dropUnsentUploads(db(), result.stored.user, result.stored.ids);
    },
  };
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    return { ...result, form: await readForm(request) };
  }
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (name === ATTACHMENTS_FIELD && filename !== undefined) {
      // A file input left empty still sends a part, without a name or bytes.
      if (filename === "") {
        for await (const _ of data);
        return undefined;
      }
      if (files.length >= MAX_ATTACHMENTS) {
        refused ??= "validation.tooManyAttachments";
        for await (const _ of data);
        return undefined;
      }
      const received = await receiveFile(filename, data);
      if (received === "too_large") refused ??= "validation.attachmentTooLarge";
      else files.push(received);
      return undefined;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > MAX_FIELD_BYTES) throw new Response("errors.validation", { status: 413 });
      chunks.push(chunk);
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
  };
  try {
    const form = await unstable_parseMultipartFormData(request, handler);
    return Object.assign(result, { form, refused });
  } catch (error) {
    await result.discard();
    if (error instanceof Response) throw error;
    if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
    // A broken multipart stream is the client's mistake: a 400, never a 500.
    throw new Response("errors.validation", { status: 400 });
  }
}

/** Stores the form's files as the user's uploads: the ids to send with their message. */
export async function storeFormFiles(user: AuthUser, upload: FormWithFiles): Promise<string[]> {
  if (upload.refused) throw attachmentRefused(upload.refused);
  const ids = (await receiveUploads(db(), user, upload.files)).map((a) => a.id);
  upload.stored = { user, ids };
  return ids;
}
