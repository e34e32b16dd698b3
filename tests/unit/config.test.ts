import { describe, expect, test } from "vitest";
import { blobStoreConfig, ConfigError, parseEnv } from "../../server/config.ts";
import { localeFromAcceptLanguage } from "../../app/i18n/config.ts";
import { retryDelayMs } from "../../server/events/durable.ts";

describe("parseEnv", () => {
  test("defaults give a local, embedded set-up", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.MEILI_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe(".data");
  });
  test("a wrong value stops the start with the variable's name", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgresql/);
    expect(() => parseEnv({ SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET/);
  });
  test("empty variables count as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});

describe("attachment storage settings", () => {
  test("without S3 settings, attachments are kept under the data directory", () => {
    expect(blobStoreConfig(parseEnv({}), "/srv/helpdesk")).toEqual({ kind: "disk", dir: "/srv/helpdesk/attachments" });
  });

  test("a bucket with its settings gives an S3 store, the prefix as a folder", () => {
    const env = parseEnv({
      S3_BUCKET: "helpdesk-files",
      S3_ENDPOINT: "http://minio.internal:9000",
      S3_REGION: "eu-central-1",
      S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
      S3_SECRET_ACCESS_KEY: "secret-example",
      S3_FORCE_PATH_STYLE: "true",
      S3_PREFIX: "install-a",
    });
    expect(blobStoreConfig(env, "/srv/helpdesk")).toEqual({
      kind: "s3",
      bucket: "helpdesk-files",
      endpoint: "http://minio.internal:9000",
      region: "eu-central-1",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "secret-example",
      forcePathStyle: true,
      prefix: "install-a/",
    });
    // Only the bucket: AWS, its default region and credentials, keys at the top of the bucket.
    expect(blobStoreConfig(parseEnv({ S3_BUCKET: "helpdesk-files" }), "/srv/helpdesk")).toEqual({
      kind: "s3",
      bucket: "helpdesk-files",
      endpoint: undefined,
      region: "us-east-1",
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
      prefix: "",
    });
  });

  test("a partial set stops the start with what is missing, rather than keeping files on this machine", () => {
    // Settings for a bucket, but no bucket: each machine would keep its own files.
    expect(() => parseEnv({ S3_ENDPOINT: "http://minio.internal:9000", S3_ACCESS_KEY_ID: "AKIAEXAMPLE", S3_SECRET_ACCESS_KEY: "secret-example" })).toThrow(
      "S3_BUCKET: S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are set but S3_BUCKET is not",
    );
    expect(() => parseEnv({ S3_PREFIX: "install-a" })).toThrow("S3_BUCKET: S3_PREFIX is set but S3_BUCKET is not");
    // One credential without the other.
    expect(() => parseEnv({ S3_BUCKET: "helpdesk-files", S3_ACCESS_KEY_ID: "AKIAEXAMPLE" })).toThrow(
      /S3_SECRET_ACCESS_KEY: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither/,
    );
    expect(() => parseEnv({ S3_BUCKET: "helpdesk-files", S3_ENDPOINT: "minio.internal:9000" })).toThrow(/S3_ENDPOINT/);
    expect(() => parseEnv({ S3_BUCKET: "helpdesk-files", S3_PREFIX: "../other" })).toThrow(/S3_PREFIX: use letters/);
    // Empty values are unset, as everywhere.
    expect(blobStoreConfig(parseEnv({ S3_BUCKET: "", S3_ENDPOINT: "" }), "/d").kind).toBe("disk");
  });
});

describe("localeFromAcceptLanguage", () => {
  test("picks Chinese for any zh variant and respects q-values", () => {
    expect(localeFromAcceptLanguage("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("fr;q=1, en;q=0.5, zh;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en-GB")).toBe("en");
    expect(localeFromAcceptLanguage("fr")).toBeNull();
  });
});

describe("listener retry delay", () => {
  test("backs off exponentially and is capped at five minutes", () => {
    expect(retryDelayMs(1)).toBe(1000);
    expect(retryDelayMs(3)).toBe(4000);
    expect(retryDelayMs(30)).toBe(300_000);
  });
});
