// Configuration is read from the environment once, at start-up, and validated
// with zod: a wrong value stops the process with a message naming the variable.
import path from "node:path";
import { z } from "zod";
import type { BlobStoreConfig } from "./attachments/store.ts";
import type { MailSettings } from "./mail/settings.ts";

const port = z.coerce.number().int().min(1).max(65535);

export const ROLES = ["all", "web", "worker"] as const;
export type Role = (typeof ROLES)[number];

/** The S3 settings that mean something only with S3_BUCKET. */
const S3_SETTINGS = ["S3_ENDPOINT", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_FORCE_PATH_STYLE", "S3_PREFIX"] as const;

export const EnvSchema = z
  .object({
  /** Production unless said otherwise: `npm start` is what people deploy; `npm run dev` says development. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(3000),
  /** External PostgreSQL. When unset, an embedded server is started under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  /** External Meilisearch. When unset, an embedded server is started under DATA_DIR. */
  MEILI_URL: z.url({ protocol: /^https?$/ }).optional(),
  MEILI_MASTER_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  /** Signs session cookies. Generated and kept under DATA_DIR when unset. */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: port.default(54329),
  EMBEDDED_MEILI_PORT: port.default(7701),
  /** Load demo data into an empty database ("auto") or never. */
  SEED_DEMO_DATA: z.enum(["auto", "never"]).default("auto"),
  /** Prefix for Meilisearch index names, so several installs can share one server. */
  SEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9_]*$/, "use a-z, 0-9 and _ only").default(""),
  /**
   * Attachments go to an S3-compatible bucket when S3_BUCKET is set (needed
   * when several machines serve the app); otherwise under DATA_DIR/attachments.
   */
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** us-east-1 when unset. No S3 setting has a default here, so that one set without S3_BUCKET is noticed (blobStoreConfig fills them in). */
  S3_REGION: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Bucket in the path, not the host name: what MinIO and most S3-compatible servers want. */
  S3_FORCE_PATH_STYLE: z.stringbool().optional(),
  S3_PREFIX: z.string().regex(/^[A-Za-z0-9/_-]*$/, "use letters, digits, / _ and - only").optional(),
  LOG_REQUESTS: z.stringbool().default(false),
  /** What this process runs: HTTP and sockets (web), listeners and jobs (worker), or both (all). */
  ROLE: z.enum(ROLES, { error: "must be all, web or worker" }).default("all"),
  /** Set when a proxy in front sets X-Forwarded-For: the sign-in throttles then count by the client's address. */
  TRUST_PROXY: z.stringbool().default(false),
  /** Where people reach the helpdesk: links in mail (password reset, surveys, tickets) start with it. Default http://localhost:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The support address: mail is sent from it and customers write to it. */
  MAIL_FROM: z.email("must be an email address such as support@example.com").default("support@helpdesk.localhost"),
  /**
   * Real outbound mail: smtp://user:password@host:587 (STARTTLS) or smtps://…:465. Unset: every
   * mail is kept as an .eml file under DATA_DIR/mail/outbox and shown at /admin/mail.
   */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
  /** The built-in inbound SMTP server's port (0: off). Default 2525 when ROLE is all, off otherwise. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where the inbound SMTP server listens: loopback by default; 0.0.0.0 to receive mail from outside. */
  INBOUND_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  /** The largest mail the inbound server accepts, in megabytes. */
  INBOUND_MAX_MB: z.coerce.number().int().min(1).max(100).default(25),
  })
  // Embedded servers belong to one process; a deployment of several shares external ones.
  .refine((env) => env.ROLE === "all" || (env.DATABASE_URL && env.MEILI_URL), {
    path: ["ROLE"],
    message: "web and worker processes share an external PostgreSQL and Meilisearch: set DATABASE_URL and MEILI_URL",
  })
  .refine((env) => !env.S3_ACCESS_KEY_ID === !env.S3_SECRET_ACCESS_KEY, {
    path: ["S3_SECRET_ACCESS_KEY"],
    message: "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (to use the default AWS credentials)",
  })
  // S3 settings without a bucket would quietly keep attachments on this machine's disk: with several
  // machines, each would hold only the files uploaded to it.
  .superRefine((env, ctx) => {
    if (env.S3_BUCKET) return;
    const set = S3_SETTINGS.filter((name) => env[name] !== undefined);
    if (set.length === 0) return;
    ctx.addIssue({
      code: "custom",
      path: ["S3_BUCKET"],
      message: `${set.join(", ")} ${set.length === 1 ? "is" : "are"} set but S3_BUCKET is not: set S3_BUCKET to keep attachments in S3, or unset ${set.length === 1 ? "it" : "them"} to keep them under DATA_DIR/attachments`,
    });
  });

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {}

export function parseEnv(
  source: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv.slice(2),
): Env {
  // Treat empty strings as unset: `FOO= npm start` should mean "no FOO".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  // `--role=worker` on the command line wins over ROLE.
  const roleArg = argv.find((a) => a.startsWith("--role="));
  if (roleArg) cleaned.ROLE = roleArg.slice("--role=".length);
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Where attachments are kept, from the environment. */
export function blobStoreConfig(env: Env, dataDir: string): BlobStoreConfig {
  if (!env.S3_BUCKET) return { kind: "disk", dir: path.join(dataDir, "attachments") };
  return {
    kind: "s3",
    bucket: env.S3_BUCKET,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? "us-east-1",
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? false,
    // A prefix names a folder: "install-a" keeps keys under "install-a/".
    prefix: env.S3_PREFIX && !env.S3_PREFIX.endsWith("/") ? `${env.S3_PREFIX}/` : (env.S3_PREFIX ?? ""),
  };
}

/** The mail channel's settings, from the environment (server/mail/settings.ts). */
export function mailSettingsFrom(env: Env, dataDir: string): MailSettings {
  const inboundPort = env.INBOUND_SMTP_PORT ?? (env.ROLE === "all" ? 2525 : 0);
  return {
    from: env.MAIL_FROM.toLowerCase(),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    smtpUrl: env.SMTP_URL ?? null,
    sinkDir: path.join(dataDir, "mail", "outbox"),
    inboundMaxBytes: env.INBOUND_MAX_MB * 1024 * 1024,
    inbound: inboundPort > 0 ? { host: env.INBOUND_SMTP_HOST, port: inboundPort, maxBytes: env.INBOUND_MAX_MB * 1024 * 1024 } : null,
  };
}
