// Where attachment bytes live: files under the data directory by default (one
// machine), or an S3-compatible bucket when configured (several machines
// share it). The database keeps only the key (model Attachment).
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

export interface BlobStore {
  /** Stores the file at `fromPath` under `key` (keys are never reused). */
  put(key: string, fromPath: string, contentType: string): Promise<void>;
  /** The bytes under `key`; null when there are none. */
  get(key: string): Promise<Readable | null>;
  /** Removes `key`; nothing happens when it is not there. */
  delete(key: string): Promise<void>;
}

export type BlobStoreConfig =
  | { kind: "disk"; dir: string }
  | {
      kind: "s3";
      bucket: string;
      /** Any S3-compatible service (MinIO, R2, Ceph…); AWS when unset. */
      endpoint?: string;
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      /** Bucket in the path rather than the host name, as most S3-compatible servers want. */
      forcePathStyle: boolean;
      /** Prepended to every key, so one bucket can hold several installs. */
      prefix: string;
    };

/** Files under one directory, two levels deep so no directory grows huge. */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private pathOf(key: string): string {
    if (!/^[a-z0-9][a-z0-9/-]*$/.test(key) || key.includes("..")) throw new Error(`Not a blob key: ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, fromPath: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // Written beside the target and renamed, so a reader never sees half a file.
    const partial = `${target}.partial`;
    try {
      await pipeline(fs.createReadStream(fromPath), fs.createWriteStream(partial));
      await fs.promises.rename(partial, target);
    } catch (error) {
      await fs.promises.rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const handle = await fs.promises.open(this.pathOf(key), "r");
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }
}

export async function openBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  if (config.kind === "disk") return new DiskBlobStore(config.dir);
  // Loaded only when configured: most installs never need the S3 client.
  const { S3BlobStore } = await import("./s3-store.ts");
  return new S3BlobStore(config);
}
