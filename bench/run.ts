// `npm run bench`: starts the real helpdesk (embedded PostgreSQL and
// Meilisearch, demo data, production Remix build) on its own ports and data
// directory, measures a bounded number of loopback requests per scenario,
// then the same rows as a filed ticket written by plain SQL for reference,
// and writes bench/results/latest.{json,md}. With `-- --tickets N` it first
// adds N tickets with seed:scale (kept as a snapshot for the next runs) and
// writes bench/results/latest-<N>.{json,md}. See bench/README.md.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { io as connectSocket, type Socket } from "socket.io-client";
import { loadOrCreateSecrets, startEmbeddedPostgres } from "../server/embedded.ts";
import { REFERENCE_CONCURRENCY, REFERENCE_SECONDS, writeReference, type WriteReference } from "./write-reference.ts";
import { benchSla, type SlaBench } from "./sla.ts";
import { ROUTING_RULES, setUpRouting, untilListenersIdle, type RoutingResult } from "./routing.ts";
import { inboundMail, type MailResult } from "./mail.ts";
import { SEARCH_QUERIES, savedViewFor, searchSenders, untilSearchIdle, untilTicketsIndexed, type Reindex } from "./workspace.ts";
import {
  ADMIN,
  AGENT,
  CUSTOMER,
  SUPERVISOR,
  HttpClient,
  commit,
  interrupt,
  json,
  machine,
  machineLine,
  markdownTable,
  memoryOf,
  cpuMsOf,
  percentile,
  resultsDir,
  root,
  round,
  sleep,
  startServer,
  stopOnSignals,
  stopServer,
  tail,
  targetFromEnv,
  ticketBody,
  untilRunning,
  write,
  type Machine,
  type Memory,
  type Reply,
  type Target,
} from "./lib.ts";

const target: Target = targetFromEnv("BENCH", { port: 3300, pgPort: 54389, meiliPort: 7761, smtpPort: 2725, dataDir: path.join(root, ".data", "bench") });
const dataDir = target.dataDir;

// ------------------------------------------------------------------- options

interface Options {
  /** Tickets seed:scale adds on top of the demo data; null: demo data only. */
  tickets: number | null;
  /** Seed a new snapshot even when a matching one exists. */
  reseed: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { tickets: null, reseed: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    if (flag === "--tickets") {
      const value = Number((inline ?? argv[++i] ?? "").replace(/[_,]/g, ""));
      if (!Number.isInteger(value) || value < 1) throw new Error("--tickets needs a whole number (e.g. --tickets 1000000)");
      options.tickets = value;
    } else if (flag === "--reseed") options.reseed = true;
    else throw new Error(`unknown option ${argv[i]} (use --tickets N, --reseed)`);
  }
  return options;
}

/** "1m" for 1,000,000, "250k" for 250,000: the suffix of the result files. */
const sizeLabel = (tickets: number) =>
  tickets % 1_000_000 === 0 ? `${tickets / 1_000_000}m` : tickets % 1_000 === 0 ? `${tickets / 1_000}k` : String(tickets);

// ------------------------------------------------------------- scale snapshot

interface SnapshotInfo {
  tickets: number;
  /** Migrations applied when it was seeded: a later schema means seeding again. */
  migrations: string[];
  seededAt: string;
  seedSeconds: number;
}

const migrationNames = () =>
  fs
    .readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

/**
 * The seeded data directory for `tickets`, made with seed:scale when missing,
 * made for other migrations, or when asked (--reseed). Seeding takes minutes;
 * copying the snapshot for a run takes seconds, and every run starts from the
 * same data.
 */
function ensureSnapshot(tickets: number, reseed: boolean): { dir: string; info: SnapshotInfo } {
  const dir = `${dataDir}-seed-${sizeLabel(tickets)}`;
  const infoFile = path.join(dir, "seed.json");
  const migrations = migrationNames();
  let info: SnapshotInfo | null = null;
  try {
    info = JSON.parse(fs.readFileSync(infoFile, "utf8")) as SnapshotInfo;
  } catch {
    info = null;
  }
  const why = reseed
    ? "--reseed"
    : !info
      ? "none yet"
      : info.tickets !== tickets
        ? `it has ${info.tickets} tickets`
        : info.migrations.join() !== migrations.join()
          ? "the migrations changed since it was seeded"
          : null;
  if (info && !why) {
    const days = (Date.now() - new Date(info.seededAt).getTime()) / 86_400_000;
    log(`using the snapshot in ${path.relative(root, dir)} (seeded ${info.seededAt}, ${days.toFixed(1)} days ago; --reseed makes a new one)`);
    return { dir, info };
  }
  log(`seeding a snapshot with ${tickets.toLocaleString("en-US")} tickets in ${path.relative(root, dir)} (${why}); this takes minutes…`);
  fs.rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const seeded = spawnSync(process.execPath, ["--import", "tsx", "prisma/seed-scale.ts", "--tickets", String(tickets)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATA_DIR: dir, EMBEDDED_PG_PORT: String(target.pgPort), DATABASE_URL: "" },
  });
  if (seeded.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`seed:scale failed (exit ${seeded.status ?? seeded.signal})`);
  }
  info = { tickets, migrations, seededAt: new Date().toISOString(), seedSeconds: round((performance.now() - started) / 1000, 1) };
  fs.writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  return { dir, info };
}

/** What the measured database holds (read once the server runs). */
interface Dataset {
  tickets: number;
  activeTickets: number;
  messages: number;
  events: number;
  databaseMb: number;
  /** Set in a scale run: how the tickets were added. */
  scale: { tickets: number; snapshot: string; seededAt: string; seedSeconds: number } | null;
}

const databaseUrlOf = () => {
  const secrets = loadOrCreateSecrets(dataDir);
  return `postgresql://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${target.pgPort}/helpdesk`;
};

async function readDataset(): Promise<Omit<Dataset, "scale">> {
  const client = new pg.Client({ connectionString: databaseUrlOf(), application_name: "bench-monitor" });
  await client.connect();
  try {
    // Large tables by the planner's estimate (counting ten million rows would take a while), small ones counted.
    const rows_ = (table: string) =>
      `CASE WHEN (SELECT reltuples FROM pg_class WHERE oid = '"${table}"'::regclass) < 1000000
            THEN (SELECT count(*) FROM "${table}") ELSE (SELECT reltuples FROM pg_class WHERE oid = '"${table}"'::regclass) END::bigint::int`;
    const { rows } = await client.query<Omit<Dataset, "scale">>(
      `SELECT ${rows_("Ticket")} AS tickets,
              (SELECT count(*) FROM "Ticket" WHERE status IN ('new', 'open', 'pending', 'on_hold'))::int AS "activeTickets",
              ${rows_("Message")} AS messages,
              ${rows_("DomainEvent")} AS events,
              round(pg_database_size(current_database()) / 1048576.0)::int AS "databaseMb"`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** SLA timers that fell due while a snapshot waited run first: let them finish before measuring. */
async function untilTimersSettled(maxMs = 60_000) {
  const client = new pg.Client({ connectionString: databaseUrlOf(), application_name: "bench-monitor" });
  await client.connect();
  try {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const { rows } = await client.query<{ due: number }>(
        `SELECT count(*)::int AS due FROM graphile_worker.jobs WHERE run_at <= now() AND attempts < max_attempts`,
      );
      if (rows[0].due === 0 || Date.now() > deadline || interrupt.aborted) return rows[0].due;
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}
const LIVE_SAMPLES = 30;
const LIVE_EVENT_TIMEOUT_MS = 5_000;

const log = (line: string) => console.log(`[bench] ${line}`);
const http = new HttpClient(target.port);
const request = http.request.bind(http);

let ticketSeq = 0;
const newTicketBody = () => ticketBody(`Bench ticket ${++ticketSeq}`);

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
  /** CPU time of the server's node process per counted request, ms (PostgreSQL and Meilisearch not included). */
  serverCpuMsPerRequest: number | null;
  limits: { maxRequests: number; maxSeconds: number; warmup: number };
  firstFailure?: string;
}

/**
 * Runs `send` with a fixed number of requests in flight until `maxRequests`
 * have been sent or `maxSeconds` have passed, whichever comes first. Latency is
 * from just before the request is written to the end of the response body.
 */
async function scenario(name: string, limits: Limits, send: () => Promise<Reply>, serverPid?: number): Promise<ScenarioResult> {
  log(`${name}: ${limits.concurrency} in flight, up to ${limits.maxRequests} requests or ${limits.maxSeconds} s`);
  let firstFailure: string | undefined;
  const note = (text: string) => (firstFailure ??= text.slice(0, 300));

  // Warm-up, not counted.
  let warm = 0;
  await Promise.all(
    Array.from({ length: Math.min(limits.concurrency, limits.warmup) }, async () => {
      while (warm < limits.warmup && !interrupt.aborted) {
        warm++;
        await send().catch(() => undefined);
      }
    }),
  );

  const latencies: number[] = [];
  let sent = 0;
  let non2xx = 0;
  let errors = 0;
  const cpuBefore = cpuMsOf(serverPid);
  const started = performance.now();
  const deadline = started + limits.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: limits.concurrency }, async () => {
      while (sent < limits.maxRequests && performance.now() < deadline && !interrupt.aborted) {
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
  const cpuAfter = cpuMsOf(serverPid);
  if (interrupt.aborted) throw new Error("interrupted");
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
    serverCpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && latencies.length + errors > 0
        ? round((cpuAfter - cpuBefore) / (latencies.length + errors), 1)
        : null,
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

/** The agent's live queue, open: counts the distinct tickets that reach it. */
async function agentWatching(agentCookie: string) {
  const socket: Socket = connectSocket(`http://127.0.0.1:${target.port}`, {
    transports: ["websocket"],
    extraHeaders: { Cookie: agentCookie },
    reconnection: false,
    timeout: 10_000,
  });
  const seen = new Set<number>();
  socket.on("queue:ticket", (ticket: { number: number }) => seen.add(ticket.number));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e) => reject(new Error(`socket connect: ${e.message}`)));
  });
  return {
    /** Waits (up to 10 s) until `expected` tickets have arrived; returns how many did. */
    async untilReached(expected: number): Promise<number> {
      const deadline = Date.now() + 10_000;
      while (seen.size < expected && Date.now() < deadline && !interrupt.aborted) await sleep(50);
      return seen.size;
    },
    close: () => socket.disconnect(),
  };
}

/** Files tickets one at a time as the customer and times their arrival at the agent's socket. */
async function liveDelivery(agentCookie: string, customerToken: string): Promise<LiveResult> {
  log(`live delivery: ${LIVE_SAMPLES} tickets, POST response → queue:ticket at the agent's socket`);
  const socket: Socket = connectSocket(`http://127.0.0.1:${target.port}`, {
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
    for (let i = 0; i < LIVE_SAMPLES && !interrupt.aborted; i++) {
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
    if (interrupt.aborted) throw new Error("interrupted");
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
  machine: Machine;
  date: string;
  commit: string | null;
  startupS: number;
  dataset: Dataset | null;
  scenarios: ScenarioResult[];
  liveDelivery: LiveResult | null;
  /** The rows of POST /api/v1/tickets written by plain SQL, and the API's share of that rate. */
  writeReference: WriteReference | null;
  /** The SLA engine: breaches of 10,000 tickets due in one minute, and a recompute of 100,000 (bench/sla.ts). */
  sla: SlaBench | null;
  /** The first start's full reindex of tickets for search (bench/workspace.ts). */
  reindex: Reindex | null;
  /** POST /api/v1/tickets with 50 routing rules and round-robin on: what the rules did, and the assignment's catch-up (bench/routing.ts). */
  routing: RoutingResult | null;
  /** Mail sent to the built-in inbound SMTP server → ticket in the agent's queue (bench/mail.ts). */
  mail: MailResult | null;
  serverMemory: { pid: number | null; afterStart: Memory | null; afterRun: Memory | null };
  notes: string[];
}

const SEARCH_API = "GET /api/v1/search/tickets (agent)";
const SEARCH_DIRECT = "↳ the same searches sent to Meilisearch directly";

const POST_TICKETS = "POST /api/v1/tickets (customer)";
const POST_TICKETS_ROUTED = `POST /api/v1/tickets (customer, ${ROUTING_RULES} rules, round-robin)`;

/** Tickets/s with the rules and round-robin divided by tickets/s without them (null unless both ran cleanly). */
function routingRatio(results: Results): number | null {
  const without = results.scenarios.find((s) => s.name === POST_TICKETS);
  const withRules = results.scenarios.find((s) => s.name === POST_TICKETS_ROUTED);
  if (!without || !withRules || without.non2xx + without.errors + withRules.non2xx + withRules.errors > 0) return null;
  return withRules.rps / without.rps;
}

function table(results: Results): string {
  const header = ["Scenario", "Conc.", "Requests", "Time (s)", "Req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "Server CPU ms/req", "non-2xx", "errors"];
  const ratio = routingRatio(results);
  const rows = results.scenarios.map((s) => [
    s.name === POST_TICKETS_ROUTED && ratio !== null ? `${s.name}: with/without ${ratio.toFixed(3)}` : s.name,
    String(s.concurrency),
    String(s.requests),
    s.durationS.toFixed(1),
    s.rps.toFixed(1),
    s.p50Ms.toFixed(1),
    s.p95Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    s.maxMs.toFixed(1),
    s.serverCpuMsPerRequest?.toFixed(1) ?? "?",
    String(s.non2xx),
    String(s.errors),
  ]);
  const reference = results.writeReference;
  if (reference) {
    // Beside the API's figure: the same rows, plain SQL.
    const at = results.scenarios.findIndex((s) => s.name === POST_TICKETS);
    rows.splice(at + 1, 0, [
      `↳ the same rows by plain SQL (one transaction per ticket)${reference.apiRatio !== null ? `: API/SQL ${reference.apiRatio.toFixed(3)}` : ""}`,
      String(reference.concurrency),
      String(reference.tickets),
      reference.seconds.toFixed(1),
      reference.ticketsPerS.toFixed(1),
      reference.p50Ms.toFixed(1),
      reference.p95Ms.toFixed(1),
      reference.p99Ms.toFixed(1),
      reference.maxMs.toFixed(1),
      "–",
      "–",
      String(reference.errors),
    ]);
  }
  const lines = [markdownTable(header, rows)];
  const searchApi = results.scenarios.find((s) => s.name === SEARCH_API);
  const searchDirect = results.scenarios.find((s) => s.name.startsWith(SEARCH_DIRECT));
  if (searchApi && searchDirect) {
    lines.push(
      "",
      `Ticket search: through the API p50 ${searchApi.p50Ms.toFixed(1)} ms, p95 ${searchApi.p95Ms.toFixed(1)} ms; the same searches (the agent's filter from the policy, ` +
        `the same attributes, queries ${SEARCH_QUERIES.map((q) => `“${q}”`).join(", ")}) sent to Meilisearch directly p50 ${searchDirect.p50Ms.toFixed(1)} ms, ` +
        `p95 ${searchDirect.p95Ms.toFixed(1)} ms: API/direct ${(searchApi.p50Ms / searchDirect.p50Ms).toFixed(2)} at p50, ${(searchApi.p95Ms / searchDirect.p95Ms).toFixed(2)} at p95.`,
    );
  }
  const without = results.scenarios.find((s) => s.name === POST_TICKETS);
  const withRules = results.scenarios.find((s) => s.name === POST_TICKETS_ROUTED);
  const routing = results.routing;
  if (without && withRules && routing) {
    const a = routing.assignment;
    lines.push(
      "",
      `Routing: POST /api/v1/tickets filed ${without.rps.toFixed(1)} tickets/s without rules (p50 ${without.p50Ms.toFixed(1)} ms, p95 ${without.p95Ms.toFixed(1)} ms) ` +
        `and ${withRules.rps.toFixed(1)} tickets/s with ${routing.rules} routing rules and round-robin on for ${routing.team} (p50 ${withRules.p50Ms.toFixed(1)} ms, p95 ${withRules.p95Ms.toFixed(1)} ms): ` +
        `with/without ${ratio !== null ? ratio.toFixed(3) : "?"}; server CPU ${without.serverCpuMsPerRequest ?? "?"} → ${withRules.serverCpuMsPerRequest ?? "?"} ms per ticket` +
        (routing.loadAverage1m ? ` (1-minute load average as each started: ${routing.loadAverage1m.without} and ${routing.loadAverage1m.with}). ` : ". ") +
        `${routing.matchingRules.length} of the ${routing.rules} rules hold for these tickets (${routing.matchingRules.map((r) => `“${r}”`).join(", ")}); the other ${routing.rules - routing.matchingRules.length} are evaluated and do not match.`,
      "",
      `Assignment catch-up: ${a.assigned.toLocaleString("en-US")} of the scenario's ${routing.tickets.toLocaleString("en-US")} tickets (warm-up included) assigned by round-robin ` +
        `(${routing.perAgent.map((p) => `${p.name} ${p.tickets}`).join(", ")}); ${a.waitingAtEnd.toLocaleString("en-US")} were still waiting when the scenario ended, ` +
        (a.caughtUp ? `and none ${a.catchUpS.toFixed(2)} s later.` : `and ${a.waitingLeft} still after ${a.catchUpS.toFixed(1)} s (timed out).`) +
        ` From filing to assignment p50 ${a.filingToAssignedP50Ms.toFixed(0)} ms, p95 ${a.filingToAssignedP95Ms.toFixed(0)} ms, max ${a.filingToAssignedMaxMs.toFixed(0)} ms. ` +
        `(Switching round-robin on first assigned the team's ${routing.switchOn.assigned.toLocaleString("en-US")} waiting tickets in ${routing.switchOn.seconds.toFixed(2)} s.)`,
    );
  }
  if (results.reindex) {
    lines.push(
      "",
      `Full reindex of tickets for search (the first start, index empty): ${results.reindex.tickets.toLocaleString("en-US")} tickets in ${results.reindex.seconds} s, ` +
        `${results.reindex.ticketsPerS.toLocaleString("en-US")} tickets/s (while the server was otherwise idle).`,
    );
  }
  if (reference) {
    lines.push(
      "",
      `Write path: POST /api/v1/tickets filed ${reference.apiRps?.toFixed(1) ?? "?"} tickets/s; PostgreSQL alone wrote the same rows ` +
        `for ${reference.ticketsPerS.toFixed(1)} tickets/s (${reference.concurrency} clients, ${reference.seconds.toFixed(1)} s; ` +
        `${reference.setting}): the API reaches ${reference.apiRatio !== null ? `${(reference.apiRatio * 100).toFixed(1)} %` : "?"} of it. ` +
        `Rows per ticket: ${reference.rows.slice(0, -1).join("; ")}.`,
    );
  }
  const live = results.liveDelivery;
  if (live) {
    lines.push(
      "",
      `Live delivery (POST /api/v1/tickets as the customer → \`queue:ticket\` at the agent's socket, one at a time, ${live.samples} samples, ${live.missed} missed):`,
      `after the POST's response p50 ${live.p50Ms.toFixed(1)} ms, p95 ${live.p95Ms.toFixed(1)} ms, max ${live.maxMs.toFixed(1)} ms;`,
      `after sending the POST p50 ${live.sinceRequestP50Ms.toFixed(1)} ms, p95 ${live.sinceRequestP95Ms.toFixed(1)} ms, max ${live.sinceRequestMaxMs.toFixed(1)} ms.`,
    );
  }
  const mail = results.mail;
  if (mail) {
    lines.push(
      "",
      `Inbound mail (${mail.mails} mails over ${mail.connections} SMTP connections to the built-in server, each from its own sender, → \`queue:ticket\` at the agent's socket): ` +
        `${mail.acceptedPerS} mails/s acknowledged (stored before the SMTP 250), ${mail.processedPerS} mails/s processed into tickets in the agent's open queue; ` +
        `from the acknowledgement to the ticket at the agent p50 ${mail.p50Ms.toFixed(1)} ms, p95 ${mail.p95Ms.toFixed(1)} ms, max ${mail.maxMs.toFixed(1)} ms (${mail.missed} missed; ` +
        `the burst queues behind itself). One mail at a time (${mail.paced.mails}, the next sent once the last arrived): p50 ${mail.paced.p50Ms.toFixed(1)} ms, ` +
        `p95 ${mail.paced.p95Ms.toFixed(1)} ms, max ${mail.paced.maxMs.toFixed(1)} ms (${mail.paced.missed} missed).`,
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

function datasetLine(d: Dataset | null): string {
  if (!d) return "Data: unknown.";
  const n = (x: number) => x.toLocaleString("en-US");
  const scale = d.scale
    ? ` (the demo data and ${n(d.scale.tickets)} tickets from \`npm run seed:scale\`, snapshot seeded ${d.scale.seededAt} in ${d.scale.seedSeconds} s)`
    : " (the demo data)";
  return `Data: ${n(d.tickets)} tickets, ${n(d.activeTickets)} active, about ${n(d.messages)} messages and ${n(d.events)} events, database ${n(d.databaseMb)} MB${scale}.`;
}

function slaLines(sla: SlaBench | null): string[] {
  if (!sla) return [];
  const f = sla.firing;
  const r = sla.recompute;
  return [
    "## SLA engine",
    "",
    `- **Firing**: ${f.tickets.toLocaleString("en-US")} tickets filed through the API in ${f.filingS} s under a one-minute first-response policy, their due times spread over ${f.dueSpreadS} s. ` +
      `Breach recorded after its due moment: p50 ${f.breach.p50Ms} ms, p99 ${f.breach.p99Ms} ms, max ${f.breach.maxMs} ms (${f.breach.recorded} recorded; target p99 under 5,000 ms). ` +
      `Warning after its at-risk moment: p50 ${f.warning.p50Ms} ms, p99 ${f.warning.p99Ms} ms (${f.warning.recorded}). Recorded twice: ${f.duplicates}.`,
    `- **Recompute**: one policy change through the API, then ${r.tickets.toLocaleString("en-US")} worked tickets recomputed in ${r.seconds} s (${r.ticketsPerS.toLocaleString("en-US")} tickets/s, ${r.changed.toLocaleString("en-US")} changed).`,
    "",
  ];
}

function markdown(results: Results): string {
  return [
    results.dataset?.scale ? `# Benchmark results: ${results.dataset.scale.tickets.toLocaleString("en-US")} tickets` : "# Benchmark results",
    "",
    `Machine: ${machineLine(results.machine)}.`,
    `Run: ${results.date}${results.commit ? `, commit ${results.commit}` : ""}; ` +
      `load average at start ${results.machine.loadAverageAtStart.join(" / ")}; server started in ${results.startupS} s.`,
    datasetLine(results.dataset),
    "",
    "One run on one machine, client and server sharing its cores over loopback: a reference point, not a target. See bench/README.md.",
    "",
    table(results),
    "",
    ...slaLines(results.sla),
    ...results.notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------- main

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`[bench] ${(error as Error).message}`);
    return 2;
  }
  if (!fs.existsSync(path.join(root, "build", "index.js"))) {
    console.error("[bench] build/index.js is missing: run `npm run build` first (`npm run bench` does).");
    return 1;
  }
  if (await http.answers()) {
    console.error(`[bench] something already answers on port ${target.port}; stop it first.`);
    return 1;
  }

  const results: Results = {
    machine: machine(),
    date: new Date().toISOString(),
    commit: commit(),
    startupS: 0,
    dataset: null,
    scenarios: [],
    liveDelivery: null,
    writeReference: null,
    sla: null,
    reindex: null,
    routing: null,
    mail: null,
    serverMemory: { pid: null, afterStart: null, afterRun: null },
    notes: [
      "Latency: from writing the request to the end of the response body, over keep-alive loopback connections; nearest-rank percentiles.",
      "Each scenario runs after a short uncounted warm-up and stops at its request cap or time cap, whichever comes first.",
      "GET /agent is sent with Accept-Encoding: gzip like a browser; the API requests ask for no compression.",
      "Server CPU: user and system time of the helpdesk's node process per counted request (PostgreSQL not included); less sensitive than latency to other work on the machine.",
      "The plain-SQL row runs after the helpdesk has stopped, on its PostgreSQL alone: see bench/README.md for the rows it writes.",
    ],
  };

  stopOnSignals(log);
  fs.rmSync(dataDir, { recursive: true, force: true });
  let scale: Dataset["scale"] = null;
  if (options.tickets !== null) {
    try {
      const snapshot = ensureSnapshot(options.tickets, options.reseed);
      log(`copying the snapshot to ${path.relative(root, dataDir)}…`);
      const copied = spawnSync("cp", ["-a", snapshot.dir, dataDir], { stdio: "inherit" });
      if (copied.status !== 0) throw new Error(`copying ${snapshot.dir} failed`);
      fs.rmSync(path.join(dataDir, "seed.json"), { force: true });
      scale = {
        tickets: options.tickets,
        snapshot: path.relative(root, snapshot.dir),
        seededAt: snapshot.info.seededAt,
        seedSeconds: snapshot.info.seedSeconds,
      };
    } catch (error) {
      console.error(`[bench] failed: ${(error as Error).message}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      return interrupt.aborted ? 130 : 1;
    }
  }
  log(
    `starting the helpdesk on port ${target.port} (data in ${path.relative(root, dataDir)}; ` +
      `${scale ? "the seeded snapshot" : "first start loads the demo data"})…`,
  );
  const bootStarted = performance.now();
  const server = startServer(target);

  let failed = false;
  let apiRps: number | null = null;
  try {
    await untilRunning(server);
    results.startupS = round((performance.now() - bootStarted) / 1000, 1);
    results.serverMemory.pid = server.pid ?? null;
    log(`running after ${results.startupS} s (server pid ${server.pid ?? "?"})`);
    if (scale) {
      const due = await untilTimersSettled();
      if (due > 0) log(`${due} timer jobs still due after 60 s; measuring anyway`);
    }
    const meili = new HttpClient(target.meiliPort);
    const meiliKey = loadOrCreateSecrets(dataDir).meiliMasterKey;
    results.reindex = await untilTicketsIndexed(server, meili, meiliKey, databaseUrlOf(), log);
    if (results.reindex) log(`  tickets indexed for search: ${results.reindex.tickets} in ${results.reindex.seconds} s (${results.reindex.ticketsPerS}/s)`);
    await sleep(1000); // let the first upkeep pass and search indexing settle
    results.dataset = { ...(await readDataset()), scale };
    log(datasetLine(results.dataset));
    results.serverMemory.afterStart = memoryOf(server.pid);

    const agentToken = await http.apiToken(AGENT);
    const customerToken = await http.apiToken(CUSTOMER);
    const agentCookie = await http.sessionCookie(AGENT);
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: "application/json" });

    const run = async (name: string, limits: Limits, send: () => Promise<Reply>) => {
      const result = await scenario(name, limits, send, server.pid);
      results.scenarios.push(result);
      if (result.non2xx || result.errors) log(`  ${result.non2xx} non-2xx, ${result.errors} errors; first: ${result.firstFailure}`);
      return result;
    };
    const quick = { concurrency: 10, maxSeconds: 8, warmup: 20 };

    await run("GET /healthz", { ...quick, maxRequests: 5000 }, () => request("GET", "/healthz"));
    await run("POST /api/v1/auth/token", { concurrency: 2, maxRequests: 100, maxSeconds: 8, warmup: 2 }, () =>
      request("POST", "/api/v1/auth/token", json(AGENT)),
    );
    await run("GET /api/v1/tickets?status=active&limit=50 (agent)", { ...quick, maxRequests: 2000 }, () =>
      request("GET", "/api/v1/tickets?status=active&limit=50", { headers: bearer(agentToken) }),
    );
    // An agent has the live queue open while tickets are filed, as in a working helpdesk:
    // live delivery runs and is counted, and every ticket must reach them.
    const filing = { ...quick, maxRequests: 4000, warmup: 50 };
    const fileTicket = () => {
      const body = newTicketBody();
      return request("POST", "/api/v1/tickets", { body: body.body, headers: { ...body.headers, ...bearer(customerToken) } });
    };
    const watcher = await agentWatching(agentCookie);
    const loadWithout = round(os.loadavg()[0]);
    let posted;
    try {
      posted = await run(POST_TICKETS, filing, fileTicket);
      const filed = posted.requests - posted.non2xx - posted.errors + posted.limits.warmup;
      const reached = await watcher.untilReached(filed);
      results.notes.push(
        `During ${POST_TICKETS} an agent's socket (Li Wei, Technical Support) was connected: ${reached} of the ${filed} tickets filed (warm-up included) reached it live.`,
      );
      log(`  ${reached} of ${filed} filed tickets reached the agent's socket`);
    } finally {
      watcher.close();
    }
    if (!posted.non2xx && !posted.errors) apiRps = posted.rps;

    // The same filing, same limits, with routing (bench/routing.ts): 50 enabled on-create rules evaluated
    // on every ticket (4 of them change it) and round-robin on for the team the tickets go to, set up
    // through the API as the admin and undone afterwards, so the scenarios after it run as before.
    const routing = await setUpRouting(http, await http.apiToken(ADMIN), databaseUrlOf(), log);
    try {
      // Start as idle as the scenario without rules did: the tickets filed and assigned so far indexed,
      // their notifications and timers done.
      await sleep(2_000);
      await untilSearchIdle(meili, meiliKey);
      const busy = await untilListenersIdle(databaseUrlOf());
      if (Object.keys(busy).length > 0) log(`  listeners' backlog before the scenario: ${JSON.stringify(busy)}`);
      const mark = await routing.mark();
      const watcher = await agentWatching(agentCookie);
      try {
        const loadWith = round(os.loadavg()[0]);
        const routed = await run(POST_TICKETS_ROUTED, filing, fileTicket);
        results.routing = await routing.untilAssigned(mark, performance.now());
        const r = results.routing;
        r.loadAverage1m = { without: loadWithout, with: loadWith };
        const a = r.assignment;
        log(
          `  assignment: ${a.assigned} of ${r.tickets} assigned; ${a.waitingAtEnd} waiting at the end, ` +
            (a.caughtUp ? `none after ${a.catchUpS} s` : `${a.waitingLeft} still after ${a.catchUpS} s`) +
            `; filing → assignment p50 ${a.filingToAssignedP50Ms} ms, p95 ${a.filingToAssignedP95Ms} ms`,
        );
        const filed = routed.requests - routed.non2xx - routed.errors + routed.limits.warmup;
        const reached = await watcher.untilReached(filed);
        const expected = r.matchingRules.slice().sort().join("\n");
        const ranExactly = r.applied.length === r.matchingRules.length && r.applied.map((x) => x.rule).sort().join("\n") === expected && r.applied.every((x) => x.tickets === r.tickets);
        results.notes.push(
          `${POST_TICKETS_ROUTED}: the same requests and limits as ${POST_TICKETS}, with ${r.rules} enabled on-create routing rules ` +
            `(conditions on words in English and Chinese, tier, channel, category, type, priority, language, company, tags, customer health and business hours; ` +
            `actions setting tags, priority and team, adding internal notes and notifying), of which exactly ${r.matchingRules.length} hold for its tickets and change them: ` +
            `${r.matchingRules.map((n) => `“${n}”`).join(", ")} (two tags, priority normal → high, an internal note); the other ${r.rules - r.matchingRules.length} are evaluated and do not match. ` +
            (ranExactly
              ? `Checked afterwards: each of its ${r.tickets} tickets ran exactly those ${r.matchingRules.length} rules`
              : `Checked afterwards, the rules that ran: ${r.applied.map((x) => `“${x.rule}” on ${x.tickets}`).join(", ") || "none"} of its ${r.tickets} tickets`) +
            ` (${r.changed.highPriority} at high priority, ${r.changed.tagged} with both tags, ${r.changed.withNote} with the note). ` +
            `Round-robin was on for ${r.team} (${routing.members.map((m) => m.name).join(", ")}: online, no capacity limit); ` +
            `Li Wei's socket was connected as above: ${reached} of the ${filed} tickets reached it live.`,
        );
        log(`  ${reached} of ${filed} filed tickets reached the agent's socket; rules run: ${r.applied.map((x) => `${x.rule} ×${x.tickets}`).join(", ")}`);
      } finally {
        watcher.close();
      }
    } finally {
      await routing.undo();
    }
    // The reads start on an idle server too: the tickets just filed indexed for search (at a million
    // tickets Meilisearch takes a while over them, on the same cores) and the listeners caught up.
    const settling = performance.now();
    await sleep(2_000);
    await untilSearchIdle(meili, meiliKey);
    const backlog = await untilListenersIdle(databaseUrlOf());
    log(`  idle again after ${round((performance.now() - settling) / 1000)} s${Object.keys(backlog).length > 0 ? `; listeners' backlog: ${JSON.stringify(backlog)}` : ""}`);
    await run("GET /api/v1/kb/search?q=password&locale=en", { ...quick, maxRequests: 2000 }, () =>
      request("GET", "/api/v1/kb/search?q=password&locale=en", { headers: { Accept: "application/json" } }),
    );
    await run("GET /agent (queue page, signed in)", { ...quick, maxRequests: 1000 }, () =>
      request("GET", "/agent", { headers: { Cookie: agentCookie, Accept: "text/html", "Accept-Encoding": "gzip" } }),
    );
    const view = await savedViewFor(databaseUrlOf(), AGENT.email);
    await run("GET /agent?view=<saved view> (high and urgent of my teams, next due first)", { ...quick, maxRequests: 1000 }, () =>
      request("GET", `/agent?view=${view}`, { headers: { Cookie: agentCookie, Accept: "text/html", "Accept-Encoding": "gzip" } }),
    );
    // Search: through the API, then the very same searches to Meilisearch directly, once the tickets
    // filed above are indexed (the listener has caught up and Meilisearch is idle).
    await sleep(2_000);
    await untilSearchIdle(meili, meiliKey);
    const search = await searchSenders(http, meili, meiliKey, databaseUrlOf(), AGENT.email, agentToken);
    await run(SEARCH_API, { ...quick, maxRequests: 2000 }, search.api);
    await run(`${SEARCH_DIRECT} (same filter and attributes)`, { ...quick, maxRequests: 2000 }, search.direct);
    meili.close();
    await sleep(500); // let the outbox relay drain the tickets filed above
    results.liveDelivery = await liveDelivery(agentCookie, customerToken);
    await sleep(1_000);
    results.mail = await inboundMail({ webPort: target.port, smtpPort: target.smtpPort!, agentCookie, log });
    const m = results.mail;
    log(`  ${m.mails} mails: accepted ${m.acceptedPerS}/s, processed ${m.processedPerS}/s; acknowledgement → agent's queue p50 ${m.p50Ms} ms, p95 ${m.p95Ms} ms (${m.missed} missed)`);
    log(`  one at a time: p50 ${m.paced.p50Ms} ms, p95 ${m.paced.p95Ms} ms (${m.paced.missed} missed)`);
    results.serverMemory.afterRun = memoryOf(server.pid);
    // Last: it adds 110,000 tickets.
    results.sla = await benchSla(http, databaseUrlOf(), { supervisor: await http.apiToken(SUPERVISOR), customer: customerToken }, log);
  } catch (error) {
    failed = true;
    console.error(`[bench] failed: ${(error as Error).message}`);
    if (!interrupt.aborted) console.error(`[bench] server output (last lines):\n${tail(server.output())}`);
  } finally {
    http.close();
    log("stopping the helpdesk…");
    await stopServer(server, log);
  }

  if (!failed) {
    // The write path's physical reference, on the same data with nothing else running.
    log(`plain SQL: the rows of a filed ticket, ${REFERENCE_CONCURRENCY} clients for about ${REFERENCE_SECONDS} s, on PostgreSQL alone…`);
    const secrets = loadOrCreateSecrets(dataDir);
    let postgres: { url: string; stop(): Promise<void> } | undefined;
    try {
      postgres = await startEmbeddedPostgres({
        dir: path.join(dataDir, "postgres"),
        port: target.pgPort,
        password: secrets.postgresPassword,
        database: "helpdesk",
      });
      results.writeReference = await writeReference(postgres.url, apiRps);
      const r = results.writeReference;
      log(`  ${r.ticketsPerS} tickets/s (p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, ${r.errors} errors); API/SQL ${r.apiRatio ?? "?"}`);
    } catch (error) {
      failed = true;
      console.error(`[bench] the plain-SQL reference failed: ${(error as Error).message}`);
    } finally {
      await postgres?.stop().catch(() => {});
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });

  if (failed) {
    if (results.scenarios.length) console.log(`\nPartial results (not written):\n\n${table(results)}\n`);
    return interrupt.aborted ? 130 : 1;
  }
  const name = options.tickets === null ? "latest" : `latest-${sizeLabel(options.tickets)}`;
  const jsonFile = path.join(resultsDir, `${name}.json`);
  const mdFile = path.join(resultsDir, `${name}.md`);
  write(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  write(mdFile, markdown(results));
  console.log(`\n${machineLine(results.machine)}\n${datasetLine(results.dataset)}\n\n${table(results)}\n`);
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
