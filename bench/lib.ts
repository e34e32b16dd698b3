// What `npm run bench` (bench/run.ts) and `npm run bench:soak` (bench/soak.ts)
// share: starting and stopping the real helpdesk on its own ports and data
// directory, keep-alive loopback HTTP with sign-in, percentiles, the machine
// description and writing result files.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { processesUsing, stopStaleServers } from "../server/embedded.ts";

export const root = path.resolve(import.meta.dirname, "..");
export const resultsDir = path.join(root, "bench", "results");

export const AGENT = { email: "agent@demo.helpdesk", password: "demo1234" };
export const CUSTOMER = { email: "customer@demo.helpdesk", password: "demo1234" };
export const SUPERVISOR = { email: "supervisor@demo.helpdesk", password: "demo1234" };
export const ADMIN = { email: "admin@demo.helpdesk", password: "demo1234" };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n");

// ------------------------------------------------------------- interruption

/** Set on Ctrl-C / SIGTERM: loops stop, the run fails, and the server is still stopped. */
export const interrupt = { aborted: false };

export function stopOnSignals(log: (line: string) => void) {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.aborted) return;
    interrupt.aborted = true;
    log(`${signal}: stopping…`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

// ---------------------------------------------------------------- the server

/** Where a benchmark's own helpdesk runs, apart from a development server. */
export interface Target {
  port: number;
  pgPort: number;
  meiliPort: number;
  dataDir: string;
  /** The built-in inbound SMTP server's port (`<PREFIX>_SMTP_PORT`); off when unset. */
  smtpPort?: number;
}

/**
 * A run's ports and data directory: the defaults, or `<PREFIX>_PORT`,
 * `<PREFIX>_PG_PORT`, `<PREFIX>_MEILI_PORT` and `<PREFIX>_DATA_DIR` from the
 * environment (e.g. BENCH_PORT=3701), for a machine where the defaults are taken.
 */
export function targetFromEnv(prefix: string, defaults: Target, env: NodeJS.ProcessEnv = process.env): Target {
  const port = (name: string, fallback: number) => {
    const raw = env[`${prefix}_${name}`];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${prefix}_${name} must be a port number, not "${raw}"`);
    return value;
  };
  const dir = env[`${prefix}_DATA_DIR`];
  return {
    port: port("PORT", defaults.port),
    pgPort: port("PG_PORT", defaults.pgPort),
    meiliPort: port("MEILI_PORT", defaults.meiliPort),
    smtpPort: defaults.smtpPort === undefined ? undefined : port("SMTP_PORT", defaults.smtpPort),
    dataDir: dir ? path.resolve(root, dir) : defaults.dataDir,
  };
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

export interface Server {
  target: Target;
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
  /** The pid of the node process running server/index.ts (as written to <dataDir>/helpdesk.pid). */
  pid?: number;
}

/** Runs the helpdesk as `npm start` does (role all, embedded servers, production build). */
export function startServer(target: Target): Server {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(target.port),
      DATA_DIR: target.dataDir,
      EMBEDDED_PG_PORT: String(target.pgPort),
      EMBEDDED_MEILI_PORT: String(target.meiliPort),
      INBOUND_SMTP_PORT: String(target.smtpPort ?? 0),
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { target, child, output: () => output, exited };
}

export async function untilRunning(server: Server) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!server.output().includes("Helpdesk is running at")) {
    if (interrupt.aborted) throw new Error("interrupted");
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited during start-up:\n${tail(server.output())}`);
    }
    if (Date.now() > deadline) throw new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s:\n${tail(server.output())}`);
    await sleep(200);
  }
  // The server writes its own pid (the node process tsx spawned) into the data directory.
  const pid = Number(fs.readFileSync(path.join(server.target.dataDir, "helpdesk.pid"), "utf8"));
  if (Number.isInteger(pid) && pid > 0) server.pid = pid;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM and wait; if it hangs, kill it and whatever embedded servers it left behind. */
export async function stopServer(server: Server, log: (line: string) => void) {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill("SIGTERM");
    const stopped = await Promise.race([server.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      log(`the server did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      if (alive(server.pid)) process.kill(server.pid!, "SIGKILL");
      server.child.kill("SIGKILL");
      await server.exited;
    }
  }
  if (alive(server.pid)) {
    process.kill(server.pid!, "SIGKILL");
    for (let i = 0; i < 50 && alive(server.pid); i++) await sleep(100);
  }
  // Embedded PostgreSQL / Meilisearch still running from our data directory (only after a kill).
  if (processesUsing(server.target.dataDir).length > 0) log("stopping leftover embedded servers");
  await stopStaleServers(server.target.dataDir);
}

export interface Memory {
  rssMb: number;
  peakRssMb: number;
}

export function memoryOf(pid: number | undefined): Memory | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: round(kb("VmRSS") / 1024, 1), peakRssMb: round(kb("VmHWM") / 1024, 1) };
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times (100 on Linux, asked once). */
let clockTicks: number | undefined;

/**
 * CPU time (user and system) a process has used so far, in ms; null when it
 * cannot be read. Differences over a scenario give the server's CPU per
 * request, which another load on the machine changes far less than latency.
 */
export function cpuMsOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ requests

const REQUEST_TIMEOUT_MS = 30_000;

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Account {
  email: string;
  password: string;
}

export const json = (body: unknown) => ({
  headers: { "Content-Type": "application/json", Accept: "application/json" },
  body: JSON.stringify(body),
});

/** Loopback HTTP to one port over keep-alive connections. */
export class HttpClient {
  /** The Origin check compares against Host, so forms need both to agree. */
  readonly host: string;
  private agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly port: number) {
    this.host = `localhost:${port}`;
  }

  /** One request; the body is read to its end (and kept only with keepBody). */
  request(
    method: string,
    urlPath: string,
    options: { headers?: Record<string, string>; body?: string; keepBody?: boolean } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Host: this.host, ...options.headers };
      if (options.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(options.body));
      const req = http.request(
        { host: "127.0.0.1", port: this.port, method, path: urlPath, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => {
            if (options.keepBody) chunks.push(chunk);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  /** True when something already answers on the port (a run must not measure someone else's server). */
  answers(): Promise<boolean> {
    return this.request("GET", "/healthz").then(
      () => true,
      () => false,
    );
  }

  async apiToken(account: Account): Promise<string> {
    const res = await this.request("POST", "/api/v1/auth/token", { ...json(account), keepBody: true });
    if (res.status !== 201) throw new Error(`POST /api/v1/auth/token for ${account.email}: ${res.status} ${res.body}`);
    return (JSON.parse(res.body) as { token: string }).token;
  }

  /** Signs in through the login form, as a browser does; returns "helpdesk_session=…". */
  async sessionCookie(account: Account): Promise<string> {
    const res = await this.request("POST", "/login", {
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: `http://${this.host}` },
      body: new URLSearchParams({ ...account }).toString(),
      keepBody: true,
    });
    const cookie = (res.headers["set-cookie"] ?? [])
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("helpdesk_session="));
    if (res.status < 300 || res.status >= 400 || !cookie) {
      throw new Error(`POST /login for ${account.email}: ${res.status}, no session cookie\n${res.body.slice(0, 500)}`);
    }
    return cookie;
  }

  close() {
    this.agent.destroy();
  }
}

/** A ticket the demo customer files in "technical", so it reaches Li Wei (Technical Support) live. */
export function ticketBody(subject: string) {
  return json({ type: "inquiry", category: "technical", subject, description: "Created by the benchmark run." });
}

// -------------------------------------------------------------------- report

export interface Machine {
  cpu: string;
  cores: number;
  totalMemoryGb: number;
  node: string;
  os: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    totalMemoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((n) => round(n)),
  };
}

export function commit(): string | null {
  const out = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  return out.status === 0 ? out.stdout.trim() : null;
}

export const machineLine = (m: Machine) => `${m.cpu}, ${m.cores} cores, ${m.totalMemoryGb} GB RAM, Node ${m.node}, ${m.os}`;

/** Writes through a temporary file, so an interrupted run never leaves half a result. */
export function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}
