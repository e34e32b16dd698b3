// Receiving a file's bytes from outside (a form part, an API body) into a
// temporary file, never more than the size limit: the upload is judged and
// stored from there (service.ts), and the temporary file removed.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { attachmentRefused, type IncomingFile } from "./service.ts";
import { pipeline } from "node:stream/promises";
import { MAX_ATTACHMENT_BYTES } from "./limits.ts";

const TEMP_DIR = path.join(os.tmpdir(), "helpdesk-uploads");

/** Past this, a body is not a file that went a little over the limit but an abuse: stop reading. */
const GIVE_UP_BYTES = 2 * MAX_ATTACHMENT_BYTES;

/**
 * Writes the bytes to a temporary file. Past the limit it stops writing and
 * only reads on (so the rest of a form still arrives), and answers
 * "too_large"; far past it, it stops reading. The temporary file is removed
 * whatever goes wrong.
 */
export async function receiveFile(filename: string, bytes: AsyncIterable<Uint8Array>): Promise<IncomingFile | "too_large"> {
  await fs.promises.mkdir(TEMP_DIR, { recursive: true });
  const filePath = path.join(TEMP_DIR, randomUUID());
  let size = 0;
  async function* counted(source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > GIVE_UP_BYTES) throw tooLarge();
      if (size <= MAX_ATTACHMENT_BYTES) yield chunk;
    }
  }
  try {
    await pipeline(bytes, counted, fs.createWriteStream(filePath));
  } catch (error) {
    await discardFile(filePath);
    throw error;
  }
  if (size > MAX_ATTACHMENT_BYTES) {
    await discardFile(filePath);
    return "too_large";
  }
  return { filename, path: filePath, size };
}

export const tooLarge = () => attachmentRefused("validation.attachmentTooLarge");

export async function discardFile(filePath: string): Promise<void> {
  await fs.promises.rm(filePath, { force: true });
}
