// `npm run bench:soak [-- --minutes=N]`: files tickets through the API at
// full rate for N minutes (default 10) while one agent's socket stays
// connected, and reports per minute whether live delivery keeps up: POST
// throughput and latency, how long each ticket takes to reach the agent's
// queue, what is still undelivered (the backlog), server memory and database
// connections. At the end it measures PostgreSQL's own insert rate for a
// ticket row as the write path's ceiling. Writes bench/results/soak.{json,md}.
// See bench/README.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { io as connectSocket, type Socket } from "socket.io-client";
import { LISTENER_STATUS_SQL, type ListenerStatus } from "../server/events/monitor.ts";
import {
  AGENT,
  CUSTOMER,
  HttpClient,
  commit,
  interrupt,
  machine,
  machineLine,
  markdownTable,
  memoryOf,
  percentile,
  resultsDir,
  root,
  round,
  sleep,
  startServer,
  stopOnSignals,
  stopServer,
  targetFromEnv,
  tail,
  ticketBody,
  untilRunning,
  write,
  type Machine,
  type Server,
  type Target,
} from "./lib.ts";

const target: Target = targetFromEnv("SOAK", { port: 3301, pgPort: 54399, meiliPort: 7771, dataDir: path.join(root, ".data", "soak") });
/** POSTs in flight at all times: the API's full rate on this machine, as in `npm run bench`. */
const CONCURRENCY = 10;
const SAMPLE_MS = 5_000;
/** A ticket whose queue event has not arrived this long after its POST's response counts as missed. */
const MISSED_AFTER_MS = 30_000;
/** How long the plain-SQL insert reference runs at the end. */
const SQL_SECONDS = 10;
/** Our own monitoring connection, left out of the connection count. */
const APP_NAME = "helpdesk-soak";

const log = (line: string) => console.log(`[soak] ${line}`);
const http = new HttpClient(target.port);

function parseMinutes(argv: string[]): number {
  const arg = argv.find((a) => a.startsWith("--minutes="));
  if (!arg) return 10;
  const minutes = Number(arg.slice("--minutes=".length));
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 120) {
    throw new Error(`--minutes must be a number of minutes above 0 (at most 120), not "${arg}"`);
  }
  return minutes;
}

// ------------------------------------------------------------------ the load

interface Filed {
  id: string;
  number: number;
  /** performance.now() at the end of the POST's response. */
  respondedAt: number;
  /** performance.now() when its queue:ticket reached the agent's socket. */
  arrivedAt?: number;
}

interface Bucket {
  filed: Filed[];
  /** Latency of every answered POST (2xx or not), ms. */
  latencies: number[];
  non2xx: number;
  errors: number;
}

class Run {
  readonly start = performance.now();
  readonly buckets: Bucket[];
  /** Tickets answered whose queue event has not arrived yet, by id. */
  readonly pending = new Map<string, Filed>();
  /** queue:ticket events that came before their POST's response (or are not ours), by id. */
  readonly early = new Map<string, number>();
  readonly socketLog: { atS: number; what: string }[] = [];
  firstFailure?: string;
  sent = 0;

  constructor(readonly minutes: number) {
    this.buckets = Array.from({ length: Math.ceil(minutes) }, () => ({ filed: [], latencies: [], non2xx: 0, errors: 0 }));
  }

  atS(t = performance.now()) {
    return (t - this.start) / 1000;
  }

  /** The minute a moment belongs to; a POST answered just after the end counts in the last minute. */
  bucket(t: number): Bucket {
    const index = Math.min(this.buckets.length - 1, Math.max(0, Math.floor((t - this.start) / 60_000)));
    return this.buckets[index];
  }

  note(text: string) {
    this.firstFailure ??= text.slice(0, 300);
  }

  /** A queue event: the first one for each of our tickets is its arrival; later updates are ignored. */
  arrived(ticket: { id: string }) {
    const now = performance.now();
    const filed = this.pending.get(ticket.id);
    if (filed) {
      filed.arrivedAt = now;
      this.pending.delete(ticket.id);
    } else if (!this.early.has(ticket.id)) {
      this.early.set(ticket.id, now);
    }
  }

  answered(ticket: { id: string; number: number }, respondedAt: number) {
    const filed: Filed = { id: ticket.id, number: ticket.number, respondedAt };
    const early = this.early.get(ticket.id);
    if (early !== undefined) {
      filed.arrivedAt = early; // the event beat the response: a negative lag
      this.early.delete(ticket.id);
    } else {
      this.pending.set(ticket.id, filed);
    }
    this.bucket(respondedAt).filed.push(filed);
  }

  /** Events of tickets that are not ours (or later updates of ours) are forgotten after a while. */
  forgetStrays(now: number) {
    for (const [id, at] of this.early) if (now - at > 120_000) this.early.delete(id);
  }
}

/** Keeps CONCURRENCY POSTs in flight as the customer until `endAt`. */
async function fileTickets(run: Run, customerToken: string, endAt: number) {
  const headers = { Authorization: `Bearer ${customerToken}` };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < endAt && !interrupt.aborted) {
        const body = ticketBody(`Soak ticket ${++run.sent}`);
        const t0 = performance.now();
        try {
          const res = await http.request("POST", "/api/v1/tickets", {
            body: body.body,
            headers: { ...body.headers, ...headers },
            keepBody: true,
          });
          const t1 = performance.now();
          const bucket = run.bucket(t1);
          bucket.latencies.push(t1 - t0);
          if (res.status !== 201) {
            bucket.non2xx++;
            run.note(`HTTP ${res.status} ${res.body}`);
            continue;
          }
          run.answered(JSON.parse(res.body) as { id: string; number: number }, t1);
        } catch (error) {
          run.bucket(performance.now()).errors++;
          run.note((error as Error).message);
          await sleep(100); // a refused connection must not spin
        }
      }
    }),
  );
}

/** The agent's live queue: one socket, as the browser opens it, reconnecting like a browser would. */
async function connectAgent(run: Run, cookie: string): Promise<Socket> {
  const socket: Socket = connectSocket(`http://127.0.0.1:${target.port}`, {
    transports: ["websocket"],
    extraHeaders: { Cookie: cookie },
    reconnection: true,
    timeout: 10_000,
  });
  socket.on("queue:ticket", (ticket: { id: string }) => run.arrived(ticket));
  socket.on("disconnect", (reason) => {
    if (reason === "io client disconnect") return; // ours, at the end
    run.socketLog.push({ atS: round(run.atS(), 1), what: `disconnected: ${reason}` });
    log(`agent socket disconnected (${reason}): events meanwhile are lost, as for a browser`);
  });
  socket.io.on("reconnect", () => run.socketLog.push({ atS: round(run.atS(), 1), what: "reconnected" }));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e) => reject(new Error(`socket connect: ${e.message}`)));
  });
  return socket;
}

// ------------------------------------------------------------------ sampling

interface Sample {
  atS: number;
  phase: "load" | "drain";
  /** Tickets answered whose queue event has not reached the agent yet. */
  socketBacklog: number;
  /** Age of the oldest of those: how far behind live delivery is right now, ms. */
  oldestPendingMs: number;
  /** Tickets past MISSED_AFTER_MS without their event, so far. */
  missedSoFar: number;
  /** The admin view of listeners (server/events/monitor.ts): events after each one's position. */
  durable: { name: string; backlog: number; deadLetters: number; lastError: string | null }[] | null;
  /** Highest DomainEvent id: events written so far. */
  eventsWritten: number | null;
  rssMb: number | null;
  /** Connections to the helpdesk database other than ours, and how many of them were running a query. */
  dbConnections: number | null;
  dbActive: number | null;
  /** CPU used since the previous sample, in % of one core (machine: all processes, all cores). */
  cpu: { server: number | null; postgres: number | null; bench: number | null; machine: number | null };
  loadAverage1m: number;
  error?: string;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, or null when it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (2nd field) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy time of all cores together since boot, in seconds (/proc/stat: everything but idle and iowait). */
function machineBusySeconds(): number {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal; guest time is already in user
  return (total - fields[3] - fields[4]) / CLOCK_TICKS;
}

/** The embedded PostgreSQL: its postmaster (first line of postmaster.pid) and every backend it forked. */
function postgresPids(): number[] {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(path.join(target.dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

/** Takes a sample every SAMPLE_MS until stopped; each reads its figures fresh from /proc and PostgreSQL. */
class Sampler {
  readonly samples: Sample[] = [];
  private stopped = false;
  private done?: Promise<void>;
  phase: Sample["phase"] = "load";
  private last = {
    at: performance.now(),
    server: 0,
    postgres: new Map<number, number>(),
    bench: process.cpuUsage(),
    machine: machineBusySeconds(),
  };

  constructor(
    private run: Run,
    private server: Server,
    private pool: pg.Pool,
  ) {}

  start() {
    this.last.server = cpuSeconds(this.server.pid!) ?? 0;
    for (const pid of postgresPids()) this.last.postgres.set(pid, cpuSeconds(pid) ?? 0);
    this.done = (async () => {
      // A first sample as the load starts: the baseline for events written per second.
      this.samples.push(await this.take());
      let next = this.run.start + SAMPLE_MS;
      while (!this.stopped) {
        await sleep(Math.max(0, next - performance.now()));
        if (this.stopped) break;
        next += SAMPLE_MS;
        const sample = await this.take();
        this.samples.push(sample);
        log(describe(sample));
        // A sample that took longer than the interval (a busy database) skips the ticks it overran.
        while (next < performance.now()) next += SAMPLE_MS;
      }
    })();
  }

  async stop(): Promise<Sample> {
    this.stopped = true;
    await this.done;
    const final = await this.take();
    this.samples.push(final);
    return final;
  }

  private cpu(now: number): Sample["cpu"] {
    const elapsedS = (now - this.last.at) / 1000;
    // Clock ticks are 10 ms: over less than a second the figures would be noise.
    const percent = (seconds: number) => (elapsedS < 1 ? null : round((seconds / elapsedS) * 100, 1));
    const serverNow = cpuSeconds(this.server.pid!);
    const server = serverNow === null ? null : percent(serverNow - this.last.server);
    if (serverNow !== null) this.last.server = serverNow;
    // Backends that ended since the last sample take their time with them; the pools keep theirs open.
    let pgSeconds = 0;
    const pgNow = new Map<number, number>();
    for (const pid of postgresPids()) {
      const seconds = cpuSeconds(pid);
      if (seconds === null) continue;
      pgNow.set(pid, seconds);
      pgSeconds += seconds - (this.last.postgres.get(pid) ?? 0);
    }
    this.last.postgres = pgNow;
    const benchNow = process.cpuUsage(this.last.bench);
    this.last.bench = process.cpuUsage();
    const machineNow = machineBusySeconds();
    const machine = percent(machineNow - this.last.machine);
    this.last.machine = machineNow;
    this.last.at = now;
    return {
      server,
      postgres: pgNow.size ? percent(pgSeconds) : null,
      bench: percent((benchNow.user + benchNow.system) / 1e6),
      machine,
    };
  }

  private async take(): Promise<Sample> {
    const now = performance.now();
    let oldest = now;
    let missedSoFar = 0;
    for (const filed of this.run.pending.values()) oldest = Math.min(oldest, filed.respondedAt);
    for (const bucket of this.run.buckets) {
      for (const f of bucket.filed) {
        if ((f.arrivedAt ?? now) - f.respondedAt > MISSED_AFTER_MS) missedSoFar++;
      }
    }
    this.run.forgetStrays(now);
    const sample: Sample = {
      atS: round(this.run.atS(now), 1),
      phase: this.phase,
      socketBacklog: this.run.pending.size,
      oldestPendingMs: round(now - oldest, 0),
      missedSoFar,
      durable: null,
      eventsWritten: null,
      rssMb: memoryOf(this.server.pid)?.rssMb ?? null,
      dbConnections: null,
      dbActive: null,
      cpu: this.cpu(now),
      loadAverage1m: round(os.loadavg()[0]),
    };
    try {
      const [listeners, events, connections] = await Promise.all([
        this.pool.query<ListenerStatus>(LISTENER_STATUS_SQL).then((r) => r.rows),
        this.pool.query<{ max: string | null }>(`SELECT max(id)::text AS max FROM "DomainEvent"`),
        this.pool.query<{ total: number; active: number }>(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active
           FROM pg_stat_activity WHERE datname = 'helpdesk' AND application_name <> $1`,
          [APP_NAME],
        ),
      ]);
      sample.durable = listeners.map((l) => ({
        name: l.name,
        backlog: l.backlog,
        deadLetters: l.deadLetters,
        lastError: l.lastError,
      }));
      sample.eventsWritten = Number(events.rows[0].max ?? 0);
      sample.dbConnections = connections.rows[0].total;
      sample.dbActive = connections.rows[0].active;
    } catch (error) {
      sample.error = (error as Error).message;
    }
    return sample;
  }
}

const durableBacklog = (s: Sample) => (s.durable ? s.durable.reduce((sum, l) => sum + l.backlog, 0) : null);

function describe(s: Sample): string {
  return (
    `${s.atS.toFixed(0).padStart(4)} s ${s.phase}: backlog ${s.socketBacklog} tickets (oldest ${s.oldestPendingMs} ms), ` +
    `missed ${s.missedSoFar}, durable ${durableBacklog(s) ?? "?"} events, RSS ${s.rssMb ?? "?"} MB, ` +
    `db ${s.dbConnections ?? "?"} conns (${s.dbActive ?? "?"} active), CPU server ${s.cpu.server ?? "?"}% pg ${s.cpu.postgres ?? "?"}% ` +
    `bench ${s.cpu.bench ?? "?"}% machine ${s.cpu.machine ?? "?"}%, load ${s.loadAverage1m}${s.error ? `, sample error: ${s.error}` : ""}`
  );
}

// ------------------------------------------------------- write-path ceiling

interface SqlCeiling {
  concurrency: number;
  seconds: number;
  rows: number;
  rowsPerS: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
  /** The API's tickets/s over the whole run divided by rowsPerS. */
  apiShare: number | null;
  statement: string;
}

const TICKET_INSERT = `INSERT INTO "Ticket" (id, type, channel, priority, subject, "requesterId", "categoryId", "teamId",
  "slaPolicyId", "createdAt", "updatedAt", "firstResponseDueAt", "resolutionDueAt")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)`;

/**
 * PostgreSQL's own rate for the core of a filed ticket: one INSERT of a
 * ticket row like those the API wrote (same foreign keys, indexes and
 * sequence), autocommitted, CONCURRENCY at once over pg. No message, no
 * events, no HTTP: the ceiling the API's write path is measured against.
 */
async function sqlCeiling(databaseUrl: string, lastNumber: number, apiRate: number): Promise<SqlCeiling> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY, application_name: APP_NAME });
  try {
    const { rows } = await pool.query<{
      type: string;
      channel: string;
      priority: string;
      requesterId: string;
      categoryId: string;
      teamId: string | null;
      slaPolicyId: string | null;
      firstResponseMs: number | null;
      resolutionMs: number | null;
    }>(
      `SELECT type::text, channel::text, priority::text, "requesterId", "categoryId", "teamId", "slaPolicyId",
              (extract(epoch FROM "firstResponseDueAt" - "createdAt") * 1000)::float8 AS "firstResponseMs",
              (extract(epoch FROM "resolutionDueAt" - "createdAt") * 1000)::float8 AS "resolutionMs"
       FROM "Ticket" WHERE number = $1`,
      [lastNumber],
    );
    if (rows.length === 0) throw new Error(`ticket #${lastNumber} not found for the SQL reference`);
    const t = rows[0];
    let n = 0;
    const insert = () => {
      const now = new Date();
      const due = (ms: number | null) => (ms === null ? null : new Date(now.getTime() + ms));
      return pool.query(TICKET_INSERT, [
        randomUUID(),
        t.type,
        t.channel,
        t.priority,
        `SQL reference ticket ${++n}`,
        t.requesterId,
        t.categoryId,
        t.teamId,
        t.slaPolicyId,
        now,
        due(t.firstResponseMs),
        due(t.resolutionMs),
      ]);
    };
    for (let i = 0; i < CONCURRENCY * 5; i++) await insert(); // connections and plans, not counted

    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const deadline = started + SQL_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline && !interrupt.aborted) {
          const t0 = performance.now();
          try {
            await insert();
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const rowsPerS = latencies.length / seconds;
    return {
      concurrency: CONCURRENCY,
      seconds: round(seconds, 1),
      rows: latencies.length,
      rowsPerS: round(rowsPerS, 1),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      errors,
      apiShare: rowsPerS > 0 ? round(apiRate / rowsPerS, 3) : null,
      statement: TICKET_INSERT.replace(/\s+/g, " "),
    };
  } finally {
    await pool.end();
  }
}

// -------------------------------------------------------------------- report

interface LagStats {
  /** Tickets answered 201. */
  tickets: number;
  /** From the POST's response to queue:ticket, ms; null when beyond the end of the run (never arrived). */
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** No event within MISSED_AFTER_MS (whether or not it came later). */
  missed: number;
  /** No event by the end of the run. */
  neverArrived: number;
}

function lagStats(filed: Filed[]): LagStats {
  // A ticket whose event never came counts as infinitely late, so missing events raise the percentiles.
  const lags = filed.map((f) => (f.arrivedAt === undefined ? Infinity : f.arrivedAt - f.respondedAt)).sort((a, b) => a - b);
  const ms = (v: number) => (Number.isFinite(v) ? round(v, 1) : null);
  return {
    tickets: filed.length,
    p50Ms: ms(percentile(lags, 50)),
    p95Ms: ms(percentile(lags, 95)),
    maxMs: ms(lags.at(-1) ?? NaN),
    missed: lags.filter((l) => l > MISSED_AFTER_MS).length,
    neverArrived: filed.filter((f) => f.arrivedAt === undefined).length,
  };
}

interface MinuteRow {
  minute: number;
  seconds: number;
  ticketsPerS: number;
  post: { answered: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; non2xx: number; errors: number };
  lag: LagStats;
  socketBacklog: { max: number; last: number; oldestPendingMaxMs: number } | null;
  durableBacklog: { max: number; last: number } | null;
  eventsPerS: number | null;
  rssMb: { max: number; last: number } | null;
  dbConnections: { max: number; last: number; activeMax: number } | null;
  cpuPercent: { server: number | null; postgres: number | null; bench: number | null; machine: number | null };
  loadAverage1m: number | null;
}

const maxOf = (values: number[]) => (values.length ? Math.max(...values) : NaN);
const meanOf = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const defined = <T>(values: (T | null | undefined)[]) => values.filter((v): v is T => v !== null && v !== undefined);

function minuteRow(run: Run, index: number, samples: Sample[], loadSeconds: number): MinuteRow {
  const bucket = run.buckets[index];
  const from = index * 60;
  const to = Math.min((index + 1) * 60, loadSeconds);
  // Samples inside this minute: the one due at its end belongs to it (it may come a little late), the one due at its start does not.
  const mine = samples.filter((s) => s.phase === "load" && s.atS > from + 0.5 && s.atS <= to + 0.5);
  const latencies = [...bucket.latencies].sort((a, b) => a - b);
  const series = (pick: (s: Sample) => number | null) => defined(mine.map(pick));
  const span = <T extends number>(values: T[]) => (values.length ? { max: maxOf(values), last: values.at(-1)! } : null);
  const socket = series((s) => s.socketBacklog);
  const durable = series(durableBacklog);
  const conns = series((s) => s.dbConnections);
  // Events written during this minute: the last sample before it to the last sample in it.
  const before = samples.filter((s) => s.atS <= from + 0.5 && s.eventsWritten !== null).at(-1);
  const lastIn = mine.filter((s) => s.eventsWritten !== null).at(-1);
  const cpu = (pick: (s: Sample) => number | null) => {
    const values = series(pick);
    return values.length ? round(meanOf(values), 0) : null;
  };
  return {
    minute: index + 1,
    seconds: round(to - from, 1),
    ticketsPerS: round(bucket.filed.length / (to - from), 1),
    post: {
      answered: latencies.length,
      p50Ms: round(percentile(latencies, 50), 1),
      p95Ms: round(percentile(latencies, 95), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      maxMs: round(latencies.at(-1) ?? NaN, 1),
      non2xx: bucket.non2xx,
      errors: bucket.errors,
    },
    lag: lagStats(bucket.filed),
    socketBacklog: socket.length
      ? { ...span(socket)!, oldestPendingMaxMs: maxOf(series((s) => s.oldestPendingMs)) }
      : null,
    durableBacklog: span(durable),
    eventsPerS:
      before?.eventsWritten != null && lastIn?.eventsWritten != null && lastIn.atS > before.atS
        ? round((lastIn.eventsWritten - before.eventsWritten) / (lastIn.atS - before.atS), 1)
        : null,
    rssMb: span(series((s) => s.rssMb)),
    dbConnections: conns.length ? { ...span(conns)!, activeMax: maxOf(series((s) => s.dbActive)) } : null,
    cpuPercent: {
      server: cpu((s) => s.cpu.server),
      postgres: cpu((s) => s.cpu.postgres),
      bench: cpu((s) => s.cpu.bench),
      machine: cpu((s) => s.cpu.machine),
    },
    loadAverage1m: mine.at(-1)?.loadAverage1m ?? null,
  };
}

/**
 * A backlog is bounded when its highest value in the last quarter of the run
 * is no more than 1.5 × its highest in the first half, or under `floor`
 * (what a healthy system holds anyway). A backlog that grows steadily has
 * doubled between those two points and fails.
 */
function boundedness(samples: { atS: number; value: number }[], loadSeconds: number, floor: number) {
  const firstHalf = samples.filter((s) => s.atS <= loadSeconds / 2).map((s) => s.value);
  const lastQuarter = samples.filter((s) => s.atS >= loadSeconds * 0.75).map((s) => s.value);
  const max = maxOf(samples.map((s) => s.value));
  const last = samples.at(-1)?.value ?? NaN;
  const lastQuarterMax = maxOf(lastQuarter);
  const firstHalfMax = maxOf(firstHalf);
  const bounded = Number.isFinite(lastQuarterMax) && lastQuarterMax <= Math.max(floor, 1.5 * (firstHalfMax || 0));
  return { bounded, max, last, firstHalfMax, lastQuarterMax, floor: round(floor, 0) };
}

interface Results {
  machine: Machine;
  date: string;
  commit: string | null;
  options: { minutes: number; concurrency: number; sampleS: number; missedAfterS: number };
  startupS: number;
  loadSeconds: number;
  minutes: MinuteRow[];
  totals: {
    sent: number;
    ticketsPerS: number;
    post: MinuteRow["post"];
    lag: LagStats;
    worstMinuteLagP95Ms: number | null;
    socketBacklog: ReturnType<typeof boundedness>;
    durableBacklog: ReturnType<typeof boundedness> | null;
    afterDrain: { waitedS: number; socketBacklog: number; durableBacklog: number | null };
    rssMb: { afterStart: number | null; max: number; last: number | null; peak: number | null };
    dbConnectionsMax: number;
    socketEvents: { atS: number; what: string }[];
  };
  sqlCeiling: SqlCeiling | null;
  verdicts: { lagP95Under1s: boolean; everyTicketArrived: boolean; backlogBounded: boolean; durableBacklogBounded: boolean | null; noErrors: boolean };
  samples: Sample[];
  serverLog: { warnings: { line: string; count: number; firstAtS: number }[]; tail: string };
  firstFailure?: string;
  notes: string[];
}

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits);
const lagFmt = (v: number | null) => (v === null ? "never" : v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v.toFixed(0));
/** A lag with its unit, for sentences. */
const lagText = (v: number | null) => (v === null ? "never" : Math.abs(v) < 10_000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(1)} s`);
const yesNo = (b: boolean) => (b ? "yes" : "no");

function tableText(results: Results): string {
  const header = [
    "Min",
    "Tickets",
    "/s",
    "POST p50",
    "p95",
    "p99",
    "non-2xx",
    "errors",
    "Lag p50",
    "Lag p95",
    "Lag max",
    "Missed",
    "Backlog max/end",
    "Oldest ms",
    "Durable max/end",
    "Events/s",
    "RSS MB",
    "DB conns",
    "CPU srv/pg/bench/all %",
    "Load",
  ];
  const row = (label: string, m: Omit<MinuteRow, "minute" | "seconds">) => [
    label,
    String(m.lag.tickets),
    fmt(m.ticketsPerS, 1),
    fmt(m.post.p50Ms),
    fmt(m.post.p95Ms),
    fmt(m.post.p99Ms),
    String(m.post.non2xx),
    String(m.post.errors),
    lagFmt(m.lag.p50Ms),
    lagFmt(m.lag.p95Ms),
    lagFmt(m.lag.maxMs),
    String(m.lag.missed),
    m.socketBacklog ? `${m.socketBacklog.max} / ${m.socketBacklog.last}` : "–",
    m.socketBacklog ? fmt(m.socketBacklog.oldestPendingMaxMs) : "–",
    m.durableBacklog ? `${m.durableBacklog.max} / ${m.durableBacklog.last}` : "–",
    fmt(m.eventsPerS, 0),
    m.rssMb ? fmt(m.rssMb.last) : "–",
    m.dbConnections ? `${m.dbConnections.last} (max ${m.dbConnections.max})` : "–",
    `${fmt(m.cpuPercent.server)} / ${fmt(m.cpuPercent.postgres)} / ${fmt(m.cpuPercent.bench)} / ${fmt(m.cpuPercent.machine)}`,
    fmt(m.loadAverage1m, 2),
  ];
  return markdownTable(
    header,
    results.minutes.map((m) => row(String(m.minute), m)),
  );
}

function verdictLines(results: Results): string[] {
  const t = results.totals;
  const v = results.verdicts;
  const lines = [
    `live lag p95 < 1 s: ${yesNo(v.lagP95Under1s)} (whole run p95 ${lagText(t.lag.p95Ms)}, p50 ${lagText(t.lag.p50Ms)}, max ${lagText(t.lag.maxMs)}; worst minute p95 ${lagText(t.worstMinuteLagP95Ms)})`,
    `every ticket reached the agent's queue: ${yesNo(v.everyTicketArrived)} (${t.lag.missed} of ${t.lag.tickets} later than ${MISSED_AFTER_MS / 1000} s, ${t.lag.neverArrived} never)`,
    `backlog bounded: ${yesNo(v.backlogBounded)} (max ${t.socketBacklog.max}, last ${t.socketBacklog.last} tickets; after the load ${t.afterDrain.socketBacklog} once ${t.afterDrain.waitedS} s had passed)`,
  ];
  if (t.durableBacklog) {
    lines.push(
      `durable listeners' backlog bounded: ${yesNo(v.durableBacklogBounded ?? false)} (max ${t.durableBacklog.max}, last ${t.durableBacklog.last} events; after the load ${t.afterDrain.durableBacklog ?? "?"})`,
    );
  }
  lines.push(`no errors or non-2xx: ${yesNo(v.noErrors)} (${t.post.non2xx} non-2xx, ${t.post.errors} errors)`);
  return lines;
}

function markdown(results: Results): string {
  const t = results.totals;
  const sql = results.sqlCeiling;
  const lines = [
    "# Soak benchmark results",
    "",
    `Machine: ${machineLine(results.machine)}.`,
    `Run: ${results.date}${results.commit ? `, commit ${results.commit}` : ""}; load average at start ` +
      `${results.machine.loadAverageAtStart.join(" / ")}; server started in ${results.startupS} s; ` +
      `${results.options.minutes} min of load (${results.loadSeconds} s), ${results.options.concurrency} POSTs in flight.`,
    "",
    "One run on one machine, client and server sharing its cores over loopback: a reference point. See bench/README.md.",
    "",
    "## Verdicts",
    "",
    ...verdictLines(results).map((l) => `- ${l}`),
    "",
    "## Per minute",
    "",
    tableText(results),
    "",
    "Times in ms. Tickets, POST and lag columns count the tickets whose POST was answered in that minute; backlog, " +
      "durable, events/s, RSS, DB conns, CPU and load come from the samples taken every " +
      `${results.options.sampleS} s during that minute (CPU: mean % of one core).`,
    "",
    "## Totals",
    "",
    `- ${t.sent} POSTs sent, ${t.lag.tickets} tickets filed: ${t.ticketsPerS} tickets/s; POST p50 ${fmt(t.post.p50Ms, 1)} ms, ` +
      `p95 ${fmt(t.post.p95Ms, 1)} ms, p99 ${fmt(t.post.p99Ms, 1)} ms, max ${fmt(t.post.maxMs, 1)} ms.`,
    `- Live lag (POST response → \`queue:ticket\` at the agent's socket): p50 ${lagText(t.lag.p50Ms)}, p95 ${lagText(t.lag.p95Ms)}, ` +
      `max ${lagText(t.lag.maxMs)}; ${t.lag.missed} missed (> ${MISSED_AFTER_MS / 1000} s), ${t.lag.neverArrived} never arrived.`,
    `- Server RSS: ${fmt(t.rssMb.afterStart)} MB after start, ${fmt(t.rssMb.max)} MB highest sample, ` +
      `${fmt(t.rssMb.last)} MB at the end (peak VmHWM ${fmt(t.rssMb.peak)} MB). Database connections (the app's): at most ${t.dbConnectionsMax}.`,
    `- Agent socket: ${t.socketEvents.length ? t.socketEvents.map((e) => `${e.what} at ${e.atS} s`).join("; ") : "stayed connected"}.`,
  ];
  if (sql) {
    lines.push(
      `- Write-path ceiling: PostgreSQL alone inserts ${sql.rowsPerS} ticket rows/s (one autocommitted INSERT each, ${sql.concurrency} at once ` +
        `over pg, ${sql.seconds} s, p50 ${sql.p50Ms} ms, p95 ${sql.p95Ms} ms). ` +
        `The API filed ${t.ticketsPerS}/s: ${sql.apiShare === null ? "?" : (sql.apiShare * 100).toFixed(1)} % of that.`,
    );
  }
  if (results.firstFailure) lines.push(`- First failure: \`${results.firstFailure.replace(/`/g, "'")}\``);
  if (results.serverLog.warnings.length) {
    lines.push("", "## Server warnings during the run", "");
    for (const w of results.serverLog.warnings) lines.push(`- ${w.count} × (first at ${w.firstAtS} s) \`${w.line.replace(/`/g, "'")}\``);
  }
  lines.push("", "## Notes", "", ...results.notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

// ---------------------------------------------------------------------- main

/** Server output lines after start-up that look like warnings or errors, counted by shape (digits folded). */
function watchServerLog(server: Server, run: () => Run | null) {
  const warnings = new Map<string, { line: string; count: number; firstAtS: number }>();
  let partial = "";
  const onData = (d: Buffer) => {
    const current = run();
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop() ?? "";
    if (!current) return;
    for (const line of lines) {
      if (!/\[|warn|error|fail|timeout|refused/i.test(line)) continue;
      const key = line.replace(/\d+/g, "N").slice(0, 200);
      const seen = warnings.get(key);
      if (seen) seen.count++;
      else warnings.set(key, { line: line.slice(0, 300), count: 1, firstAtS: round(current.atS(), 1) });
    }
  };
  server.child.stdout!.on("data", onData);
  server.child.stderr!.on("data", onData);
  return () => [...warnings.values()].slice(0, 30);
}

async function main(): Promise<number> {
  const minutes = parseMinutes(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, "build", "index.js"))) {
    console.error("[soak] build/index.js is missing: run `npm run build` first (`npm run bench:soak` does).");
    return 1;
  }
  if (await http.answers()) {
    console.error(`[soak] something already answers on port ${target.port}; stop it first.`);
    return 1;
  }

  const machineAtStart = machine();
  const date = new Date().toISOString();
  fs.rmSync(target.dataDir, { recursive: true, force: true });
  log(`starting the helpdesk on port ${target.port} (data in ${path.relative(root, target.dataDir)}; first start loads the demo data)…`);
  const bootStarted = performance.now();
  const server = startServer(target);
  stopOnSignals(log);
  let run: Run | null = null;
  const warnings = watchServerLog(server, () => run);

  let results: Results | null = null;
  let pool: pg.Pool | undefined;
  let socket: Socket | undefined;
  try {
    await untilRunning(server);
    const startupS = round((performance.now() - bootStarted) / 1000, 1);
    log(`running after ${startupS} s (server pid ${server.pid ?? "?"})`);
    await sleep(1000); // let the first upkeep pass and search indexing settle
    const afterStart = memoryOf(server.pid);

    const secrets = JSON.parse(fs.readFileSync(path.join(target.dataDir, "secrets.json"), "utf8")) as { postgresPassword: string };
    const databaseUrl = `postgresql://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${target.pgPort}/helpdesk`;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: APP_NAME, statement_timeout: 20_000 });

    const customerToken = await http.apiToken(CUSTOMER);
    const agentCookie = await http.sessionCookie(AGENT);
    run = new Run(minutes);
    socket = await connectAgent(run, agentCookie);

    log(`filing tickets for ${minutes} min, ${CONCURRENCY} in flight; a sample every ${SAMPLE_MS / 1000} s`);
    const sampler = new Sampler(run, server, pool);
    sampler.start();
    const endAt = run.start + minutes * 60_000;
    await fileTickets(run, customerToken, endAt);
    const loadSeconds = round(run.atS(), 1);
    if (interrupt.aborted) throw new Error("interrupted");

    // What is still on its way gets MISSED_AFTER_MS to arrive; samples go on meanwhile.
    sampler.phase = "drain";
    const drainStarted = performance.now();
    log(`load over after ${loadSeconds} s; waiting up to ${MISSED_AFTER_MS / 1000} s for ${run.pending.size} undelivered tickets`);
    while (run.pending.size > 0 && performance.now() - drainStarted < MISSED_AFTER_MS && !interrupt.aborted) await sleep(200);
    const waitedS = round((performance.now() - drainStarted) / 1000, 1);
    const final = await sampler.stop();
    log(describe(final));
    if (interrupt.aborted) throw new Error("interrupted");

    // Per minute, then the whole run.
    const samples = sampler.samples;
    const rows = run.buckets.map((_, i) => minuteRow(run!, i, samples, loadSeconds));
    const allFiled = run.buckets.flatMap((b) => b.filed);
    const allLatencies = run.buckets.flatMap((b) => b.latencies).sort((a, b) => a - b);
    const loadSamples = samples.filter((s) => s.phase === "load");
    const ticketsPerS = allFiled.length / loadSeconds;
    const eventSamples = loadSamples.filter((s) => s.eventsWritten !== null);
    const eventsPerS =
      eventSamples.length > 1
        ? (eventSamples.at(-1)!.eventsWritten! - eventSamples[0].eventsWritten!) / (eventSamples.at(-1)!.atS - eventSamples[0].atS)
        : 0;
    const lag = lagStats(allFiled);
    const minuteP95s = rows.map((r) => (r.lag.tickets === 0 ? 0 : (r.lag.p95Ms ?? Infinity)));
    const worst = maxOf(minuteP95s);
    // Floors: a 1 s lag at this rate is ~ticketsPerS tickets in flight (Little's law); the durable
    // listeners save their position after each batch, or every 5 s when nothing concerns them.
    const socketBacklog = boundedness(
      loadSamples.map((s) => ({ atS: s.atS, value: s.socketBacklog })),
      loadSeconds,
      ticketsPerS * 1,
    );
    const durableSeries = loadSamples.flatMap((s) => {
      const v = durableBacklog(s);
      return v === null ? [] : [{ atS: s.atS, value: v }];
    });
    const durable = durableSeries.length ? boundedness(durableSeries, loadSeconds, eventsPerS * 10) : null;
    const rssValues = defined(samples.map((s) => s.rssMb));
    const post: MinuteRow["post"] = {
      answered: allLatencies.length,
      p50Ms: round(percentile(allLatencies, 50), 1),
      p95Ms: round(percentile(allLatencies, 95), 1),
      p99Ms: round(percentile(allLatencies, 99), 1),
      maxMs: round(allLatencies.at(-1) ?? NaN, 1),
      non2xx: run.buckets.reduce((n, b) => n + b.non2xx, 0),
      errors: run.buckets.reduce((n, b) => n + b.errors, 0),
    };

    socket.disconnect();
    log(`write-path ceiling: plain INSERT of a ticket row, ${CONCURRENCY} at once, ${SQL_SECONDS} s`);
    const lastNumber = allFiled.at(-1)?.number;
    const sql = lastNumber === undefined ? null : await sqlCeiling(databaseUrl, lastNumber, ticketsPerS);
    if (interrupt.aborted) throw new Error("interrupted");

    results = {
      machine: machineAtStart,
      date,
      commit: commit(),
      options: { minutes, concurrency: CONCURRENCY, sampleS: SAMPLE_MS / 1000, missedAfterS: MISSED_AFTER_MS / 1000 },
      startupS,
      loadSeconds,
      minutes: rows,
      totals: {
        sent: run.sent,
        ticketsPerS: round(ticketsPerS, 1),
        post,
        lag,
        worstMinuteLagP95Ms: Number.isFinite(worst) ? round(worst, 1) : null,
        socketBacklog,
        durableBacklog: durable,
        afterDrain: { waitedS, socketBacklog: final.socketBacklog, durableBacklog: durableBacklog(final) },
        rssMb: {
          afterStart: afterStart?.rssMb ?? null,
          max: maxOf(rssValues),
          last: rssValues.at(-1) ?? null,
          peak: memoryOf(server.pid)?.peakRssMb ?? null,
        },
        dbConnectionsMax: maxOf(defined(samples.map((s) => s.dbConnections))),
        socketEvents: run.socketLog,
      },
      sqlCeiling: sql,
      verdicts: {
        lagP95Under1s: lag.p95Ms !== null && lag.p95Ms < 1000 && worst < 1000,
        everyTicketArrived: lag.missed === 0,
        backlogBounded: socketBacklog.bounded,
        durableBacklogBounded: durable?.bounded ?? null,
        noErrors: post.non2xx === 0 && post.errors === 0,
      },
      samples,
      serverLog: { warnings: warnings(), tail: tail(server.output(), 30) },
      notes: [
        "Load: the demo customer files inquiry/technical tickets through POST /api/v1/tickets (bearer token), " +
          `${CONCURRENCY} requests in flight over keep-alive loopback connections, for the whole run.`,
        "Live lag: from the end of each POST's response to the first `queue:ticket` event for that ticket at one agent socket " +
          "(Li Wei, Technical Support; socket.io-client over WebSocket with the session cookie from the login form). Negative: the event came first. " +
          `A ticket whose event never arrived counts as infinitely late in the percentiles; "missed" is later than ${MISSED_AFTER_MS / 1000} s.`,
        "Backlog: tickets answered whose queue event has not reached the agent's socket at the sample; oldest: the age of the oldest of them. " +
          'Durable: the admin view of listeners (events after each durable listener\'s position in "EventListener"), read from PostgreSQL.',
        "Bounded: the highest backlog in the last quarter of the run is at most 1.5 × the highest in the first half, " +
          "or under a floor (tickets: one second of filing; durable events: ten seconds of events written).",
        "DB conns: pg_stat_activity rows for database helpdesk, without the benchmark's own monitoring connection. " +
          "RSS: VmRSS of the server's node process; PostgreSQL and Meilisearch not included. " +
          "CPU: server node process, PostgreSQL (postmaster and backends), the benchmark process, and all: every process on the machine " +
          "(from /proc/stat), in % of one core; all minus the first three is Meilisearch and whatever else runs on the machine.",
      ],
    };
    if (run.firstFailure) results.firstFailure = run.firstFailure;
  } catch (error) {
    console.error(`[soak] failed: ${(error as Error).message}`);
    if (!interrupt.aborted) console.error(`[soak] server output (last lines):\n${tail(server.output())}`);
  } finally {
    socket?.disconnect();
    await pool?.end().catch(() => {});
    http.close();
    log("stopping the helpdesk…");
    await stopServer(server, log);
    fs.rmSync(target.dataDir, { recursive: true, force: true });
  }

  if (!results) return interrupt.aborted ? 130 : 1;
  const jsonFile = path.join(resultsDir, "soak.json");
  const mdFile = path.join(resultsDir, "soak.md");
  write(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  write(mdFile, markdown(results));
  console.log(`\n${machineLine(results.machine)}\n\n${tableText(results)}\n\n${verdictLines(results).join("\n")}\n`);
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
