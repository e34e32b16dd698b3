// `npm run bench`: starts the real helpdesk (embedded PostgreSQL and
// Meilisearch, demo data, production Remix build) on its own ports and data
// directory, measures a bounded number of loopback requests per scenario, and
// writes bench/results/latest.{json,md}. See bench/README.md.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { processesUsing, stopStaleServers } from "../server/embedded.ts";
import { performance } from "node:perf_hooks";
import { io as connectSocket, type Socket } from "socket.io-client";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data", "bench");
const resultsDir = path.join(root, "bench", "results");
const PORT = 3300;
const HOST_HEADER = `localhost:${PORT}`; // the Origin check compares against Host
const env: Record<string, string> = {
  PORT: String(PORT),
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: "54389",
  EMBEDDED_MEILI_PORT: "7761",
  NODE_ENV: "production",
};
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const LIVE_SAMPLES = 30;
const LIVE_EVENT_TIMEOUT_MS = 5_000;

const AGENT = { email: "agent@demo.helpdesk", password: "demo1234" };
const CUSTOMER = { email: "customer@demo.helpdesk", password: "demo1234" };

let aborted = false;
const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the server

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
  /** The pid of the node process running server/index.ts (tsx runs it in a child). */
  pid?: number;
}

function startServer(): Server {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, output: () => output, exited };
}

async function untilRunning(server: Server) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!server.output().includes("Helpdesk is running at")) {
    if (aborted) throw new Error("interrupted");
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited during start-up:\n${tail(server.output())}`);
    }
    if (Date.now() > deadline) throw new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s:\n${tail(server.output())}`);
    await sleep(200);
  }
  // The server writes its own pid (the node process tsx spawned) into the data directory.
  const pid = Number(fs.readFileSync(path.join(dataDir, "helpdesk.pid"), "utf8"));
  if (Number.isInteger(pid) && pid > 0) server.pid = pid;
}

const tail = (text: string) => text.split("\n").slice(-40).join("\n");

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
async function stopServer(server: Server) {
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
  await stopLeftovers();
}

/** Embedded PostgreSQL / Meilisearch still running from our data directory (only after a kill). */
async function stopLeftovers() {
  if (processesUsing(dataDir).length > 0) log("stopping leftover embedded servers");
  await stopStaleServers(dataDir);
}

interface Memory {
  rssMb: number;
  peakRssMb: number;
}

function memoryOf(pid: number | undefined): Memory | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: round(kb("VmRSS") / 1024, 1), peakRssMb: round(kb("VmHWM") / 1024, 1) };
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ requests

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a keep-alive loopback connection; the body is read to its end. */
function request(
  method: string,
  urlPath: string,
  options: { headers?: Record<string, string>; body?: string; keepBody?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: HOST_HEADER, ...options.headers };
    if (options.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(options.body));
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path: urlPath, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        if (options.keepBody) chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const json = (body: unknown) => ({
  headers: { "Content-Type": "application/json", Accept: "application/json" },
  body: JSON.stringify(body),
});

async function apiToken(account: { email: string; password: string }): Promise<string> {
  const res = await request("POST", "/api/v1/auth/token", { ...json(account), keepBody: true });
  if (res.status !== 201) throw new Error(`POST /api/v1/auth/token for ${account.email}: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

/** Signs in through the login form, as a browser does; returns "helpdesk_session=…". */
async function sessionCookie(account: { email: string; password: string }): Promise<string> {
  const res = await request("POST", "/login", {
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: `http://${HOST_HEADER}` },
    body: new URLSearchParams(account).toString(),
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

let ticketSeq = 0;
const newTicketBody = () =>
  json({
    type: "inquiry",
    category: "technical",
    subject: `Bench ticket ${++ticketSeq}`,
    description: "Created by the benchmark run.",
  });

// ------------------------------------------------------------------ measuring

interface Limits {
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  /** Requests sent first and not counted (connections, caches, JIT). */
  warmup: number;
}

interface ScenarioResult {
  name: string;
  concurrency: number;
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  limits: { maxRequests: number; maxSeconds: number; warmup: number };
  firstFailure?: string;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs `send` with a fixed number of requests in flight until `maxRequests`
 * have been sent or `maxSeconds` have passed, whichever comes first. Latency is
 * from just before the request is written to the end of the response body.
 */
async function scenario(name: string, limits: Limits, send: () => Promise<Reply>): Promise<ScenarioResult> {
  log(`${name}: ${limits.concurrency} in flight, up to ${limits.maxRequests} requests or ${limits.maxSeconds} s`);
  let firstFailure: string | undefined;
  const note = (text: string) => (firstFailure ??= text.slice(0, 300));

  // Warm-up, not counted.
  let warm = 0;
  await Promise.all(
    Array.from({ length: Math.min(limits.concurrency, limits.warmup) }, async () => {
      while (warm < limits.warmup && !aborted) {
        warm++;
        await send().catch(() => undefined);
      }
    }),
  );

  const latencies: number[] = [];
  let sent = 0;
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + limits.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: limits.concurrency }, async () => {
      while (sent < limits.maxRequests && performance.now() < deadline && !aborted) {
        sent++;
        const t0 = performance.now();
        try {
          const res = await send();
          latencies.push(performance.now() - t0);
          if (res.status < 200 || res.status >= 300) {
            non2xx++;
            note(`HTTP ${res.status} ${res.body}`);
          }
        } catch (error) {
          errors++;
          note((error as Error).message);
        }
      }
    }),
  );
  const durationS = (performance.now() - started) / 1000;
  if (aborted) throw new Error("interrupted");
  latencies.sort((a, b) => a - b);
  const result: ScenarioResult = {
    name,
    concurrency: limits.concurrency,
    requests: latencies.length + errors,
    durationS: round(durationS),
    rps: round(latencies.length / durationS, 1),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
    non2xx,
    errors,
    limits: { maxRequests: limits.maxRequests, maxSeconds: limits.maxSeconds, warmup: limits.warmup },
  };
  if (firstFailure) result.firstFailure = firstFailure;
  return result;
}

interface LiveResult {
  samples: number;
  missed: number;
  /** From the end of the POST's response to the queue:ticket event (negative: the event came first). */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** From sending the POST to the event. */
  sinceRequestP50Ms: number;
  sinceRequestP95Ms: number;
  sinceRequestMaxMs: number;
}

/** Files tickets one at a time as the customer and times their arrival at the agent's socket. */
async function liveDelivery(agentCookie: string, customerToken: string): Promise<LiveResult> {
  log(`live delivery: ${LIVE_SAMPLES} tickets, POST response → queue:ticket at the agent's socket`);
  const socket: Socket = connectSocket(`http://127.0.0.1:${PORT}`, {
    transports: ["websocket"],
    extraHeaders: { Cookie: agentCookie },
    reconnection: false,
    timeout: 10_000,
  });
  const arrivals = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  socket.on("queue:ticket", (ticket: { number: number }) => {
    if (arrivals.has(ticket.number)) return; // later updates of the same ticket
    arrivals.set(ticket.number, performance.now());
    waiting.get(ticket.number)?.();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => reject(new Error(`socket connect: ${e.message}`)));
    });
    const afterResponse: number[] = [];
    const afterRequest: number[] = [];
    let missed = 0;
    for (let i = 0; i < LIVE_SAMPLES && !aborted; i++) {
      const ticket = newTicketBody();
      const t0 = performance.now();
      const res = await request("POST", "/api/v1/tickets", {
        body: ticket.body,
        headers: { ...ticket.headers, Authorization: `Bearer ${customerToken}` },
        keepBody: true,
      });
      const tResponse = performance.now();
      if (res.status !== 201) throw new Error(`POST /api/v1/tickets: ${res.status} ${res.body}`);
      const number = (JSON.parse(res.body) as { number: number }).number;
      if (!arrivals.has(number)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, LIVE_EVENT_TIMEOUT_MS);
          waiting.set(number, () => (clearTimeout(timer), resolve()));
        });
        waiting.delete(number);
      }
      const arrived = arrivals.get(number);
      if (arrived === undefined) {
        missed++;
        continue;
      }
      afterResponse.push(arrived - tResponse);
      afterRequest.push(arrived - t0);
      await sleep(50); // one ticket at a time: this measures delay, not backlog
    }
    if (aborted) throw new Error("interrupted");
    afterResponse.sort((a, b) => a - b);
    afterRequest.sort((a, b) => a - b);
    return {
      samples: afterResponse.length,
      missed,
      p50Ms: round(percentile(afterResponse, 50)),
      p95Ms: round(percentile(afterResponse, 95)),
      maxMs: round(afterResponse[afterResponse.length - 1] ?? NaN),
      sinceRequestP50Ms: round(percentile(afterRequest, 50)),
      sinceRequestP95Ms: round(percentile(afterRequest, 95)),
      sinceRequestMaxMs: round(afterRequest[afterRequest.length - 1] ?? NaN),
    };
  } finally {
    socket.disconnect();
  }
}

// -------------------------------------------------------------------- report

interface Results {
  machine: {
    cpu: string;
    cores: number;
    totalMemoryGb: number;
    node: string;
    os: string;
    loadAverageAtStart: number[];
  };
  date: string;
  commit: string | null;
  startupS: number;
  scenarios: ScenarioResult[];
  liveDelivery: LiveResult | null;
  serverMemory: { pid: number | null; afterStart: Memory | null; afterRun: Memory | null };
  notes: string[];
}

function machine(): Results["machine"] {
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

function commit(): string | null {
  const out = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  return out.status === 0 ? out.stdout.trim() : null;
}

const machineLine = (m: Results["machine"]) =>
  `${m.cpu}, ${m.cores} cores, ${m.totalMemoryGb} GB RAM, Node ${m.node}, ${m.os}`;

function table(results: Results): string {
  const header = ["Scenario", "Conc.", "Requests", "Time (s)", "Req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "non-2xx", "errors"];
  const rows = results.scenarios.map((s) => [
    s.name,
    String(s.concurrency),
    String(s.requests),
    s.durationS.toFixed(1),
    s.rps.toFixed(1),
    s.p50Ms.toFixed(1),
    s.p95Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    s.maxMs.toFixed(1),
    String(s.non2xx),
    String(s.errors),
  ]);
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
  const live = results.liveDelivery;
  if (live) {
    lines.push(
      "",
      `Live delivery (POST /api/v1/tickets as the customer → \`queue:ticket\` at the agent's socket, one at a time, ${live.samples} samples, ${live.missed} missed):`,
      `after the POST's response p50 ${live.p50Ms.toFixed(1)} ms, p95 ${live.p95Ms.toFixed(1)} ms, max ${live.maxMs.toFixed(1)} ms;`,
      `after sending the POST p50 ${live.sinceRequestP50Ms.toFixed(1)} ms, p95 ${live.sinceRequestP95Ms.toFixed(1)} ms, max ${live.sinceRequestMaxMs.toFixed(1)} ms.`,
    );
  }
  const mem = results.serverMemory;
  if (mem.afterRun) {
    lines.push(
      "",
      `Server process RSS (pid ${mem.pid}, node only; PostgreSQL and Meilisearch not included): ` +
        `${mem.afterStart?.rssMb ?? "?"} MB after start, ${mem.afterRun.rssMb} MB after the run (peak ${mem.afterRun.peakRssMb} MB).`,
    );
  }
  return lines.join("\n");
}

function markdown(results: Results): string {
  return [
    "# Benchmark results",
    "",
    `Machine: ${machineLine(results.machine)}.`,
    `Run: ${results.date}${results.commit ? `, commit ${results.commit}` : ""}; ` +
      `load average at start ${results.machine.loadAverageAtStart.join(" / ")}; server started in ${results.startupS} s.`,
    "",
    "One run on one machine, client and server sharing its cores over loopback: a reference point, not a target. See bench/README.md.",
    "",
    table(results),
    "",
    ...results.notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------------- main

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(root, "build", "index.js"))) {
    console.error("[bench] build/index.js is missing: run `npm run build` first (`npm run bench` does).");
    return 1;
  }
  if (await request("GET", "/healthz").then(() => true, () => false)) {
    console.error(`[bench] something already answers on port ${PORT}; stop it first.`);
    return 1;
  }

  const results: Results = {
    machine: machine(),
    date: new Date().toISOString(),
    commit: commit(),
    startupS: 0,
    scenarios: [],
    liveDelivery: null,
    serverMemory: { pid: null, afterStart: null, afterRun: null },
    notes: [
      "Latency: from writing the request to the end of the response body, over keep-alive loopback connections; nearest-rank percentiles.",
      "Each scenario runs after a short uncounted warm-up and stops at its request cap or time cap, whichever comes first.",
      "GET /agent is sent with Accept-Encoding: gzip like a browser; the API requests ask for no compression.",
    ],
  };

  fs.rmSync(dataDir, { recursive: true, force: true });
  log(`starting the helpdesk on port ${PORT} (data in ${path.relative(root, dataDir)}; first start loads the demo data)…`);
  const bootStarted = performance.now();
  const server = startServer();
  const onSignal = (signal: NodeJS.Signals) => {
    if (aborted) return;
    aborted = true;
    log(`${signal}: stopping…`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let failed = false;
  try {
    await untilRunning(server);
    results.startupS = round((performance.now() - bootStarted) / 1000, 1);
    results.serverMemory.pid = server.pid ?? null;
    log(`running after ${results.startupS} s (server pid ${server.pid ?? "?"})`);
    await sleep(1000); // let the first upkeep pass and search indexing settle
    results.serverMemory.afterStart = memoryOf(server.pid);

    const agentToken = await apiToken(AGENT);
    const customerToken = await apiToken(CUSTOMER);
    const agentCookie = await sessionCookie(AGENT);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: "application/json" });

    const run = async (name: string, limits: Limits, send: () => Promise<Reply>) => {
      const result = await scenario(name, limits, send);
      results.scenarios.push(result);
      if (result.non2xx || result.errors) log(`  ${result.non2xx} non-2xx, ${result.errors} errors; first: ${result.firstFailure}`);
    };
    const quick = { concurrency: 10, maxSeconds: 8, warmup: 20 };

    await run("GET /healthz", { ...quick, maxRequests: 5000 }, () => request("GET", "/healthz"));
    await run("POST /api/v1/auth/token", { concurrency: 2, maxRequests: 100, maxSeconds: 8, warmup: 2 }, () =>
      request("POST", "/api/v1/auth/token", json(AGENT)),
    );
    await run("GET /api/v1/tickets?status=active&limit=50 (agent)", { ...quick, maxRequests: 2000 }, () =>
      request("GET", "/api/v1/tickets?status=active&limit=50", { headers: bearer(agentToken) }),
    );
    await run("POST /api/v1/tickets (customer)", { ...quick, maxRequests: 500, warmup: 10 }, () => {
      const body = newTicketBody();
      return request("POST", "/api/v1/tickets", { body: body.body, headers: { ...body.headers, ...bearer(customerToken) } });
    });
    await run("GET /api/v1/kb/search?q=password&locale=en", { ...quick, maxRequests: 2000 }, () =>
      request("GET", "/api/v1/kb/search?q=password&locale=en", { headers: { Accept: "application/json" } }),
    );
    await run("GET /agent (queue page, signed in)", { ...quick, maxRequests: 1000 }, () =>
      request("GET", "/agent", { headers: { Cookie: agentCookie, Accept: "text/html", "Accept-Encoding": "gzip" } }),
    );
    await sleep(500); // let the outbox relay drain the tickets filed above
    results.liveDelivery = await liveDelivery(agentCookie, customerToken);
    results.serverMemory.afterRun = memoryOf(server.pid);
  } catch (error) {
    failed = true;
    console.error(`[bench] failed: ${(error as Error).message}`);
    if (!aborted) console.error(`[bench] server output (last lines):\n${tail(server.output())}`);
  } finally {
    agent.destroy();
    log("stopping the helpdesk…");
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  if (failed) {
    if (results.scenarios.length) console.log(`\nPartial results (not written):\n\n${table(results)}\n`);
    return aborted ? 130 : 1;
  }
  const jsonFile = path.join(resultsDir, "latest.json");
  const mdFile = path.join(resultsDir, "latest.md");
  write(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  write(mdFile, markdown(results));
  console.log(`\n${machineLine(results.machine)}\n\n${table(results)}\n`);
  log(`wrote ${path.relative(root, jsonFile)} and ${path.relative(root, mdFile)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
