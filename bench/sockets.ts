// `npm run bench:sockets [-- --sockets=10000 --rounds=20]`: live delivery
// from a customer's reply to many connected agent sockets spread over two
// web processes. Starts the helpdesk as `npm start` does (web process 1 and
// the worker, embedded PostgreSQL and Meilisearch, demo data) plus a second
// web-only process on the same database, then client processes: load clients
// hold most sockets open, and one sampling client holds SAMPLE sockets (half
// on each web process) and records when each receives the ticket's queue
// update. Each round the customer replies once through the API; latency is
// from just before sending the reply to each sampled socket's arrival.
// Writes bench/results/sockets.{json,md}. See bench/README.md.
import { fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadOrCreateSecrets } from "../server/embedded.ts";
import type { FromClient, ToClient } from "./socket-clients.ts";
import {
  AGENT,
  CUSTOMER,
  HttpClient,
  commit,
  cpuMsOf,
  interrupt,
  json,
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
  tail,
  targetFromEnv,
  untilRunning,
  write,
  type Target,
} from "./lib.ts";

const target: Target = targetFromEnv("SOCKETS", { port: 3302, pgPort: 54409, meiliPort: 7781, dataDir: path.join(root, ".data", "bench-sockets") });
const SECOND_PORT = target.port + 1;
/** Load clients: each holds its share of the sockets (a process holds ~2,500 comfortably). */
const LOAD_CLIENTS = 4;
/** Sockets whose arrivals are recorded, half on each web process. */
const SAMPLE = 200;
/** A sampled socket that has not heard of the reply this long after it was sent counts as missed. */
const ROUND_TIMEOUT_MS = 10_000;
const TARGET_P95_MS = 150;

const log = (line: string) => console.log(`[sockets] ${line}`);
const epochNow = () => performance.timeOrigin + performance.now();

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return fallback;
  const value = Number(arg.slice(name.length + 3).replace(/[_,]/g, ""));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a whole number above 0`);
  return value;
}

/** The second web process: ROLE=web on the first one's database and search. */
function startSecondWeb(): { child: ChildProcess; output: () => string; exited: Promise<void> } {
  const secrets = loadOrCreateSecrets(target.dataDir);
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts", "--role=web"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(SECOND_PORT),
      DATA_DIR: `${target.dataDir}-web2`,
      DATABASE_URL: `postgresql://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${target.pgPort}/helpdesk`,
      MEILI_URL: `http://127.0.0.1:${target.meiliPort}`,
      MEILI_MASTER_KEY: secrets.meiliMasterKey,
      SESSION_SECRET: secrets.sessionSecret,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-100_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", () => resolve())) };
}

interface Client {
  child: ChildProcess;
  next: (type: FromClient["type"]) => Promise<FromClient>;
  send: (message: ToClient) => void;
}

function startClient(count: number, offset: number, cookie: string, record: boolean): Client {
  const child = fork(path.join(root, "bench", "socket-clients.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, PORTS: `${target.port},${SECOND_PORT}`, COUNT: String(count), OFFSET: String(offset), COOKIE: cookie, RECORD: record ? "1" : "0" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<string, (message: FromClient) => void>();
  child.on("message", (message: FromClient) => {
    waiting.get(message.type)?.(message);
    waiting.delete(message.type);
  });
  return {
    child,
    send: (message) => child.send(message),
    next: (type) => new Promise((resolve) => waiting.set(type, resolve)),
  };
}

interface Round {
  received: number;
  missed: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

async function main() {
  stopOnSignals(log);
  const sockets = option("sockets", 10_000);
  const rounds = option("rounds", 20);
  const http = new HttpClient(target.port);
  if (await http.answers()) throw new Error(`something already answers on port ${target.port}`);
  fs.rmSync(target.dataDir, { recursive: true, force: true });
  fs.rmSync(`${target.dataDir}-web2`, { recursive: true, force: true });

  log(`starting the helpdesk on port ${target.port} (web and worker, demo data) and a second web process on ${SECOND_PORT}…`);
  const server = startServer(target);
  let web2: ReturnType<typeof startSecondWeb> | null = null;
  const clients: Client[] = [];
  try {
    await untilRunning(server);
    web2 = startSecondWeb();
    const deadline = Date.now() + 60_000;
    while (!web2.output().includes("Helpdesk is running at")) {
      if (web2.child.exitCode !== null) throw new Error(`the second web process exited:\n${tail(web2.output())}`);
      if (Date.now() > deadline || interrupt.aborted) throw new Error(`the second web process did not start:\n${tail(web2.output())}`);
      await sleep(200);
    }
    const web2Pid = web2.child.pid;

    const cookie = await http.sessionCookie(AGENT);
    const customerToken = await http.apiToken(CUSTOMER);
    const filed = await http.request("POST", "/api/v1/tickets", {
      ...json({ type: "inquiry", category: "technical", subject: "Socket fan-out", description: "Replied to once per round by the benchmark." }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${customerToken}` },
      keepBody: true,
    });
    if (filed.status !== 201) throw new Error(`filing the ticket: ${filed.status} ${filed.body}`);
    const number = (JSON.parse(filed.body) as { number: number }).number;

    const load = sockets - SAMPLE;
    log(`connecting ${sockets.toLocaleString("en")} agent sockets: ${LOAD_CLIENTS} load clients and one sampling client (${SAMPLE} sockets)…`);
    const connectStarted = Date.now();
    const sample = startClient(SAMPLE, 0, cookie, true);
    for (let i = 0; i < LOAD_CLIENTS; i++) clients.push(startClient(Math.floor(load / LOAD_CLIENTS) + (i < load % LOAD_CLIENTS ? 1 : 0), i, cookie, false));
    clients.push(sample);
    const ready = (await Promise.all(clients.map((c) => c.next("ready")))) as Extract<FromClient, { type: "ready" }>[];
    const connected = ready.reduce((sum, r) => sum + r.connected, 0);
    const failed = ready.reduce((sum, r) => sum + r.failed, 0);
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    log(`  ${connected.toLocaleString("en")} connected in ${connectSeconds.toFixed(1)} s${failed ? `, ${failed} failed (${ready.find((r) => r.firstError)?.firstError})` : ""}`);
    const sampled = ready.at(-1)!.connected;
    const memoryBefore = { web1: memoryOf(server.pid), web2: memoryOf(web2Pid) };

    const cpuBefore = { web1: cpuMsOf(server.pid), web2: cpuMsOf(web2Pid) };
    const all: number[] = [];
    const perRound: Round[] = [];
    let missedTotal = 0;
    for (let r = 0; r < rounds && !interrupt.aborted; r++) {
      sample.send({ type: "expect", number });
      await sleep(300);
      const sentAt = epochNow();
      const reply = await http.request("POST", `/api/v1/tickets/${number}/messages`, {
        ...json({ body: `Round ${r + 1}: any news?` }),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${customerToken}` },
      });
      if (reply.status !== 201) throw new Error(`reply ${r + 1}: ${reply.status}`);
      const until = Date.now() + ROUND_TIMEOUT_MS;
      for (;;) {
        sample.send({ type: "count" });
        const { received } = (await sample.next("count")) as Extract<FromClient, { type: "count" }>;
        if (received >= sampled || Date.now() > until) break;
        await sleep(50);
      }
      sample.send({ type: "report" });
      const { times } = (await sample.next("arrivals")) as Extract<FromClient, { type: "arrivals" }>;
      const latencies = times.map((t) => t - sentAt).sort((a, b) => a - b);
      all.push(...latencies);
      const missed = sampled - latencies.length;
      missedTotal += missed;
      perRound.push({
        received: latencies.length,
        missed,
        p50Ms: round(percentile(latencies, 50), 1),
        p95Ms: round(percentile(latencies, 95), 1),
        maxMs: round(latencies.at(-1) ?? NaN, 1),
      });
      log(`  round ${r + 1}: p50 ${perRound.at(-1)!.p50Ms} ms, p95 ${perRound.at(-1)!.p95Ms} ms, max ${perRound.at(-1)!.maxMs} ms${missed ? `, ${missed} missed` : ""}`);
      await sleep(700);
    }
    const cpuAfter = { web1: cpuMsOf(server.pid), web2: cpuMsOf(web2Pid) };
    const memoryAfter = { web1: memoryOf(server.pid), web2: memoryOf(web2Pid) };
    all.sort((a, b) => a - b);

    const results = {
      machine: machine(),
      commit: commit(),
      ranAt: new Date().toISOString(),
      sockets: { asked: sockets, connected, failed, sampled, connectSeconds: round(connectSeconds, 1), clients: clients.length },
      rounds: perRound,
      overall: {
        samples: all.length,
        missed: missedTotal,
        p50Ms: round(percentile(all, 50), 1),
        p95Ms: round(percentile(all, 95), 1),
        p99Ms: round(percentile(all, 99), 1),
        maxMs: round(all.at(-1) ?? NaN, 1),
        targetP95Ms: TARGET_P95_MS,
      },
      webProcesses: {
        cpuMsPerRound: {
          web1: cpuBefore.web1 !== null && cpuAfter.web1 !== null ? round((cpuAfter.web1 - cpuBefore.web1) / perRound.length, 1) : null,
          web2: cpuBefore.web2 !== null && cpuAfter.web2 !== null ? round((cpuAfter.web2 - cpuBefore.web2) / perRound.length, 1) : null,
        },
        memoryBefore,
        memoryAfter,
      },
    };
    write(path.join(resultsDir, "sockets.json"), `${JSON.stringify(results, null, 2)}\n`);
    write(path.join(resultsDir, "sockets.md"), report(results));
    log(`wrote bench/results/sockets.json and bench/results/sockets.md`);
  } finally {
    for (const client of clients) if (client.child.connected) client.send({ type: "close" });
    await sleep(500);
    for (const client of clients) if (client.child.exitCode === null) client.child.kill("SIGKILL");
    if (web2 && web2.child.exitCode === null) {
      web2.child.kill("SIGTERM");
      await Promise.race([web2.exited, sleep(10_000)]);
    }
    await stopServer(server, log);
    http.close();
  }
}

type Results = {
  machine: ReturnType<typeof machine>;
  commit: string | null;
  ranAt: string;
  sockets: { asked: number; connected: number; failed: number; sampled: number; connectSeconds: number; clients: number };
  rounds: Round[];
  overall: { samples: number; missed: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; targetP95Ms: number };
  webProcesses: {
    cpuMsPerRound: { web1: number | null; web2: number | null };
    memoryBefore: { web1: ReturnType<typeof memoryOf>; web2: ReturnType<typeof memoryOf> };
    memoryAfter: { web1: ReturnType<typeof memoryOf>; web2: ReturnType<typeof memoryOf> };
  };
};

function report(r: Results): string {
  const mb = (m: ReturnType<typeof memoryOf>) => (m ? `${m.rssMb} MB` : "–");
  const o = r.overall;
  return [
    "# Benchmark results: live delivery to many agent sockets over two web processes",
    "",
    `Machine: ${machineLine(r.machine)}.`,
    `Run: ${r.ranAt}, commit ${r.commit ?? "unknown"}.`,
    "",
    `${r.sockets.connected.toLocaleString("en")} agent sockets connected (of ${r.sockets.asked.toLocaleString("en")}; ${r.sockets.failed} failed) in ${r.sockets.connectSeconds} s, ` +
      `half on each of two web processes (the first also runs the worker), from ${r.sockets.clients} client processes; ` +
      `${r.sockets.sampled} of them sampled by a client process of their own. Each round the customer replies once through the API; ` +
      `each sampled socket records when the ticket's queue update reaches it.`,
    "",
    `**Reply → sampled agent sockets: p50 ${o.p50Ms} ms, p95 ${o.p95Ms} ms, p99 ${o.p99Ms} ms, max ${o.maxMs} ms** ` +
      `(${o.samples.toLocaleString("en")} arrivals over ${r.rounds.length} rounds, ${o.missed} missed; target p95 under ${o.targetP95Ms} ms: ${o.p95Ms < o.targetP95Ms ? "met" : "not met"}).`,
    "",
    markdownTable(
      ["Round", "Received", "Missed", "p50 ms", "p95 ms", "max ms"],
      r.rounds.map((x, i) => [String(i + 1), String(x.received), String(x.missed), String(x.p50Ms), String(x.p95Ms), String(x.maxMs)]),
    ),
    "",
    `Web processes: CPU per round (one reply delivered to every socket) ${r.webProcesses.cpuMsPerRound.web1 ?? "–"} ms and ${r.webProcesses.cpuMsPerRound.web2 ?? "–"} ms; ` +
      `RSS ${mb(r.webProcesses.memoryBefore.web1)} and ${mb(r.webProcesses.memoryBefore.web2)} with the sockets connected, ` +
      `${mb(r.webProcesses.memoryAfter.web1)} and ${mb(r.webProcesses.memoryAfter.web2)} after the rounds.`,
    "",
    "- Latency: from just before the reply's POST is written to the sampled socket's handler running, in epoch milliseconds shared by the processes of one machine.",
    "- Everything shares the machine's cores: the two web processes, the worker, PostgreSQL, Meilisearch and the client processes holding the sockets.",
    "",
  ].join("\n");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
