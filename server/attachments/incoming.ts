// Receiving a file's bytes from outside (a form part, an API body) into a
// temporary file, never more than the size limit: the upload is judged and
// stored from there (service.ts), and the temporary file removed.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IncomingFile } from "./service.ts";
import { MAX_ATTACHMENT_BYTES } from "./limits.ts";

const TEMP_DIR = path.join(os.tmpdir(), "helpdesk-uploads");

/**
 * Writes the bytes to a temporary file. Past the limit it stops writing and
 * only reads on (so the rest of a form still arrives), and answers "too_large".
 */
export async function receiveFile(filename: string, bytes: AsyncIterable<Uint8Array>): Promise<IncomingFile | "too_large"> {
  await fs.promises.mkdir(TEMP_DIR, { recursive: true });
  const filePath = path.join(TEMP_DIR, randomUUID());
  const out = fs.createWriteStream(filePath);
  let size = 0;
  try {
    for await (const chunk of bytes) {
      size += chunk.byteLength;
      if (size > MAX_ATTACHMENT_BYTES) continue;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  if (size > MAX_ATTACHMENT_BYTES) {
    await discardFile(filePath);
    return "too_large";
  }
  return { filename, path: filePath, size };
}

export async function discardFile(filePath: string): Promise<void> {
  await fs.promises.rm(filePath, { force: true });
}
