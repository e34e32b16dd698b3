// On the embedded default, an embedded server that dies (a crash, kill -9,
// the OOM killer) is noticed, shown on /healthz and started again by the app
// itself: search and filing tickets work again with nobody stepping in, and
// the app still stops promptly afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { processesUsing } from "../../server/embedded.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = path.join(root, ".data", "test-supervise");
const PORT = Number(process.env.TEST_SUPERVISE_PORT ?? 3230);
const base = `http://localhost:${PORT}`;

let child: ChildProcess;
let output = "";
let exited: Promise<number | null>;

beforeAll(async () => {
  expect(fs.existsSync(path.join(root, "build/index.js")), "run `npm run build` first").toBe(true);
  fs.rmSync(dataDir, { recursive: true, force: true });
  child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(PORT),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: process.env.TEST_SUPERVISE_PG_PORT ?? "54449",
      EMBEDDED_MEILI_PORT: process.env.TEST_SUPERVISE_MEILI_PORT ?? "7781",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!output.includes("Helpdesk is running at")) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The embedded server's own process: `postgres -D <dir>` or `meilisearch --db-path <dir>/…`. */
function serverPid(kind: "postgres" | "meilisearch"): number {
  const flag = kind === "postgres" ? "-D" : "--db-path";
  const args = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const pids = processesUsing(dataDir).filter((pid) => args(pid).includes(flag));
  expect(pids).toHaveLength(1);
  return pids[0];
}

interface Health {
  status: "ok" | "degraded";
  database: "up" | "down";
  search: "up" | "down";
  embedded: Record<"postgres" | "meilisearch", { state: string; restarts: number; lastExitAt: string | null }>;
}

/** Asks /healthz until `ok` holds for its answer. */
async function healthUntil(what: string, ok: (h: Health) => boolean, ms: number): Promise<Health> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as Health;
    if (ok(health)) return health;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last /healthz: ${JSON.stringify(health)}\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const api = async (p: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
  const res = await fetch(`${base}/api/v1${p}`, {
    method: init.method ?? "GET",
    headers: { "Content-Type": "application/json", ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

test("a killed embedded Meilisearch or PostgreSQL is restarted, and search and tickets work again", async () => {
  const running = { state: "running", restarts: 0, lastExitAt: null };
  expect(await healthUntil("start", () => true, 0)).toEqual({
    status: "ok",
    database: "up",
    search: "up",
    embedded: { postgres: running, meilisearch: running },
  });
  const { body: auth } = await api("/auth/token", {
    method: "POST",
    body: { email: "customer@demo.helpdesk", password: "demo1234" },
  });

  // Meilisearch: down on /healthz at once, back within seconds, and searching works again.
  const meili = serverPid("meilisearch");
  process.kill(meili, "SIGKILL");
  const searchDown = await healthUntil(
    "search down",
    (h) => h.search === "down" && h.embedded.meilisearch.state === "restarting",
    5_000,
  );
  expect(searchDown).toMatchObject({ status: "degraded", database: "up", embedded: { meilisearch: { restarts: 0 } } });
  expect(searchDown.embedded.meilisearch.lastExitAt).not.toBeNull();
  const searchUp = await healthUntil("search up", (h) => h.search === "up" && h.embedded.meilisearch.state === "running", 20_000);
  expect(searchUp.embedded.meilisearch).toEqual({
    state: "running",
    restarts: 1,
    lastExitAt: searchDown.embedded.meilisearch.lastExitAt,
  });
  expect(serverPid("meilisearch")).not.toBe(meili);
  const found = await api("/kb/search?q=password&locale=en");
  expect(found.status).toBe(200);
  expect(found.body.data.length).toBeGreaterThan(0);
  expect(output).toContain("[embedded] Meilisearch exited unexpectedly (signal SIGKILL)");
  expect(output).toContain("[embedded] Meilisearch is running again (restart 1).");

  // PostgreSQL (the postmaster, leaving its pid file and shared memory behind): the same, then a ticket can be filed.
  const postgres = serverPid("postgres");
  process.kill(postgres, "SIGKILL");
  await healthUntil("database down", (h) => h.database === "down" && h.embedded.postgres.state === "restarting", 5_000);
  const databaseUp = await healthUntil(
    "database up",
    (h) => h.status === "ok" && h.embedded.postgres.state === "running",
    30_000,
  );
  expect(databaseUp.embedded.postgres).toMatchObject({ state: "running", restarts: 1 });
  expect(output).toContain("[embedded] PostgreSQL exited unexpectedly (signal SIGKILL)");
  expect(output).toContain("[embedded] PostgreSQL is running again (restart 1).");
  const ticket = {
    type: "inquiry",
    category: "billing",
    subject: "Filed after a crash",
    description: "The database was killed a moment ago.",
  };
  // The first request may meet a pooled connection that died with the server (a retryable 503); a retry gets a fresh one.
  const deadline = Date.now() + 15_000;
  let filed = await api("/tickets", { method: "POST", token: auth.token, body: ticket });
  while (filed.status !== 201 && Date.now() < deadline) {
    expect(filed.status).toBe(503);
    await new Promise((r) => setTimeout(r, 250));
    filed = await api("/tickets", { method: "POST", token: auth.token, body: ticket });
  }
  expect(filed.status).toBe(201);

  // Shutting down after the restarts is still prompt and leaves no server behind.
  const signalled = Date.now();
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
  expect(output).toContain("Stopped.");
  expect(processesUsing(dataDir)).toEqual([]);
}, 60_000);
