// Both attachment stores must behave alike: the disk one against a temporary
// directory, the S3 one against a real S3-protocol server (s3rver) rather than
// a mock, so requests, signatures and error codes go over the wire.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import S3rver from "s3rver";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { DiskBlobStore, openBlobStore, type BlobStore, type BlobStoreConfig } from "../../server/attachments/store.ts";
import { S3BlobStore } from "../../server/attachments/s3-store.ts";

const bucket = "helpdesk-attachments";
let workDir: string;
let sample: { path: string; bytes: Buffer };
let s3rver: S3rver;
let s3Endpoint: string;

function s3Config(prefix: string, bucketName = bucket): Extract<BlobStoreConfig, { kind: "s3" }> {
  return {
    kind: "s3",
    bucket: bucketName,
    endpoint: s3Endpoint,
    region: "us-east-1",
    // s3rver's fixed account: signatures are checked against it.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
    prefix,
  };
}

beforeAll(async () => {
  workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "blob-store-test-"));
  // Several hundred KB of noise, an odd size: more than one stream chunk, nothing compressible.
  const bytes = crypto.randomBytes(300 * 1024 + 17);
  sample = { path: path.join(workDir, "upload.bin"), bytes };
  await fs.promises.writeFile(sample.path, bytes);

  s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: path.join(workDir, "s3rver"),
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await s3rver?.close();
  if (workDir) await fs.promises.rm(workDir, { recursive: true, force: true });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function newKey(): string {
  return `${crypto.randomBytes(1).toString("hex")}/${crypto.randomUUID()}`;
}

async function put(store: BlobStore, key: string, bytes: Buffer): Promise<void> {
  const from = path.join(workDir, `${crypto.randomUUID()}.bin`);
  await fs.promises.writeFile(from, bytes);
  await store.put(key, from, "application/octet-stream");
}

const kinds: { name: string; open: () => Promise<BlobStore> }[] = [
  { name: "disk", open: async () => new DiskBlobStore(path.join(workDir, "disk")) },
  // Through openBlobStore, so its lazy import of the S3 module is covered too.
  { name: "s3", open: () => openBlobStore(s3Config("install-a/")) },
];

describe.each(kinds)("$name blob store", ({ name, open }) => {
  let store: BlobStore;
  beforeAll(async () => {
    store = await open();
    expect(store).toBeInstanceOf(name === "s3" ? S3BlobStore : DiskBlobStore);
  });

  it("reads a stored file back byte for byte", async () => {
    const key = newKey();
    await store.put(key, sample.path, "application/pdf");
    const stream = await store.get(key);
    expect(stream).not.toBeNull();
    const read = await readAll(stream!);
    expect(read.length).toBe(sample.bytes.length);
    // equals() rather than toEqual: a mismatch in 300 KB should not print a 300 KB diff.
    expect(read.equals(sample.bytes)).toBe(true);
  });

  it("gives null for a key that was never stored", async () => {
    expect(await store.get(newKey())).toBeNull();
  });

  it("removes a deleted key, and deleting it again is harmless", async () => {
    const key = newKey();
    const other = newKey();
    await put(store, key, Buffer.from("to be deleted"));
    await put(store, other, Buffer.from("to be kept"));
    expect((await readAll((await store.get(key))!)).toString()).toBe("to be deleted");

    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
    // Only that key went.
    expect((await readAll((await store.get(other))!)).toString()).toBe("to be kept");
  });
});

describe("s3 blob store in a shared bucket", () => {
  it("keeps stores with different prefixes apart", async () => {
    const a = new S3BlobStore(s3Config("install-a/"));
    const b = new S3BlobStore(s3Config("install-b/"));
    const key = newKey();
    const onlyInA = newKey();
    await put(a, key, Buffer.from("from install a"));
    await put(b, key, Buffer.from("from install b"));
    await put(a, onlyInA, Buffer.from("a alone"));

    expect((await readAll((await a.get(key))!)).toString()).toBe("from install a");
    expect((await readAll((await b.get(key))!)).toString()).toBe("from install b");
    expect(await b.get(onlyInA)).toBeNull();

    await b.delete(onlyInA);
    expect((await readAll((await a.get(onlyInA))!)).toString()).toBe("a alone");
    await a.delete(key);
    expect(await a.get(key)).toBeNull();
    expect((await readAll((await b.get(key))!)).toString()).toBe("from install b");
  });

  it("stores objects under the prefix with their content type", async () => {
    const store = new S3BlobStore(s3Config("install-c/"));
    const key = newKey();
    await store.put(key, sample.path, "image/png");

    const raw = new S3Client({
      endpoint: s3Endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    try {
      const listed = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "install-c/" }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual([`install-c/${key}`]);
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `install-c/${key}` }));
      expect(head.ContentType).toBe("image/png");
      expect(head.ContentLength).toBe(sample.bytes.length);
    } finally {
      raw.destroy();
    }
  });

  it("fails rather than answering null when the bucket does not exist", async () => {
    const store = new S3BlobStore(s3Config("install-a/", "no-such-bucket"));
    await expect(store.get(newKey())).rejects.toThrow(/bucket/i);
  });
});
