// Attachment bytes in an S3-compatible bucket, for installs where several
// machines serve the same attachments. Loaded only when configured (see
// openBlobStore).
import fs from "node:fs";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { BlobStore, BlobStoreConfig } from "./store.ts";

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(config: Extract<BlobStoreConfig, { kind: "s3" }>) {
    this.bucket = config.bucket;
    this.prefix = config.prefix;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // Without both, the SDK's default chain (environment, profile, instance role) applies.
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
      // Since 3.729 the SDK adds CRC32 checksums to every upload (sending streams
      // as aws-chunked with a trailer) and checks them on download; many
      // S3-compatible servers reject or mangle that. Only operations that
      // demand a checksum get one.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private keyOf(key: string): string {
    return `${this.prefix}${key}`;
  }

  async put(key: string, fromPath: string, contentType: string): Promise<void> {
    // The length up front lets the SDK stream the file instead of buffering it.
    const { size } = await fs.promises.stat(fromPath);
    const body = fs.createReadStream(fromPath);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(key),
          Body: body,
          ContentLength: size,
          ContentType: contentType,
        }),
      );
    } finally {
      // A failed request can leave the stream unread, holding its file open.
      body.destroy();
    }
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      // In Node the SDK's body is the HTTP response itself; anything else means a browser build slipped in.
      if (!(Body instanceof Readable)) throw new Error(`Unexpected S3 body for ${key}`);
      return Body;
    } catch (error) {
      // Only a missing key: a missing bucket (also a 404) is a misconfiguration, not an empty slot.
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 whether or not the key was there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }
}
