// `npm start`'s process as a user runs it: boots embedded PostgreSQL and
// Meilisearch, stops cleanly on SIGTERM (servers included), keeps data across
// restarts, and refuses a bad configuration naming the variable.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, afterEach, describe, expect, inject, test } from "vitest";
import { processesUsing } from "../../server/embedded.ts";
import { freshDatabase } from "../support/services.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = path.join(root, ".data", "test-lifecycle");
const PORT = 3210;
const env: Record<string, string> = {
  PORT: String(PORT),
  DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: "54379",
  EMBEDDED_MEILI_PORT: "7751",
  // Mail in is tested elsewhere; another test process may hold the default port.
  INBOUND_SMTP_PORT: "0",
  NODE_ENV: "production",
};

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(extraEnv: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: { ...process.env, ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, like a program started in a terminal, so stop()
    // can send the signal to the whole group as Ctrl-C does.
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** A first start (database, migrations, demo data, search) takes 20-30 s on 2 busy cores. */
const START_MS = 90_000;
const BOOT_TEST_MS = START_MS + 30_000;

async function untilRunning(run: Run) {
  const deadline = Date.now() + START_MS;
  while (!run.output().includes("Helpdesk is running at")) {
    if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`did not start:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ctrl-C in a terminal signals the whole process group; a service manager sends SIGTERM. */
async function stop(run: Run, signal: "SIGINT" | "SIGTERM" = "SIGTERM") {
  if (signal === "SIGINT") process.kill(-run.child.pid!, "SIGINT");
  else run.child.kill("SIGTERM");
  return run.exited;
}

const api = async (p: string, init: RequestInit = {}) => {
  const res = await fetch(`http://localhost:${PORT}${p}`, {
    ...init,
    headers: { "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
};

let current: Run | undefined;
// A test that failed half-way must not leave its process for the next test to trip over.
afterEach(async () => {
  // The whole group: a start that failed half-way may have left its embedded servers in it.
  if (current && current.child.exitCode === null) await stop(current, "SIGINT");
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the helpdesk process", () => {
  test("starts on embedded servers, stops cleanly, and keeps its data", async () => {
    expect(fs.existsSync(path.join(root, "build/index.js")), "run `npm run build` first").toBe(true);
    fs.rmSync(dataDir, { recursive: true, force: true });

    current = start();
    await untilRunning(current);
    expect(current.output()).toContain("Empty database: loading demo data");
    expect(current.output()).toContain("customer@demo.helpdesk");
    const running = { state: "running", restarts: 0, lastExitAt: null };
    expect((await api("/healthz")).body).toEqual({
      status: "ok",
      database: "up",
      search: "up",
      embedded: { postgres: running, meilisearch: running },
    });

    const { body: auth } = await api("/api/v1/auth/token", {
      method: "POST",
      body: JSON.stringify({ email: "customer@demo.helpdesk", password: "demo1234" }),
    });
    const created = await api("/api/v1/tickets", {
      method: "POST",
      headers: { Authorization: `Bearer ${auth.token}` },
      body: JSON.stringify({
        type: "inquiry",
        category: "billing",
        subject: "Does my data survive a restart?",
        description: "Checking that a restart keeps everything I filed.",
      }),
    });
    expect(created.status).toBe(201);

    expect(await stop(current, "SIGINT")).toBe(0);
    expect(current.output()).toContain("Stopped.");
    // The app stopped PostgreSQL itself, in order: no connection was cut under it.
    expect(current.output()).not.toMatch(/terminating connection|Connection terminated/);
    expect(processesUsing(dataDir)).toEqual([]); // neither PostgreSQL nor Meilisearch is left
    await expect(fetch("http://127.0.0.1:7751/health")).rejects.toThrow();

    current = start();
    await untilRunning(current);
    expect(current.output()).not.toContain("loading demo data");
    const again = await api(`/api/v1/tickets/${created.body.number}`, {
      headers: { Authorization: `Bearer ${auth.token}` },
    });
    expect(again.status).toBe(200);
    expect(again.body.subject).toBe("Does my data survive a restart?");
    expect(await stop(current)).toBe(0);
  }, BOOT_TEST_MS);

  test("stops within seconds while clients keep keep-alive connections busy", async () => {
    current = start(); // the data of the test above: no demo data to load
    await untilRunning(current);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    let stop = false;
    const hammer = async () => {
      while (!stop) {
        const ok = await new Promise<boolean>((resolve) => {
          http
            .get(`http://localhost:${PORT}/healthz`, { agent }, (res) => {
              res.resume();
              res.on("end", () => resolve(true));
            })
            .on("error", () => resolve(false));
        });
        if (!ok) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const clients = Array.from({ length: 10 }, hammer);
    await new Promise((r) => setTimeout(r, 500)); // connections busy
    const signalled = Date.now();
    current.child.kill("SIGTERM");
    expect(await current.exited).toBe(0);
    const took = Date.now() - signalled;
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    expect(took).toBeLessThan(10_000);
    expect(current.output()).toContain("Stopped.");
  }, BOOT_TEST_MS);

  test("a wrong configuration value stops the start and names the variable", async () => {
    const run = start({ PORT: "eighty", SESSION_SECRET: "too-short" });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("PORT");
    expect(run.output()).toContain("SESSION_SECRET: must be at least 32 characters");
    expect(processesUsing(dataDir)).toEqual([]);
  });

  test("with DATABASE_URL and MEILI_URL set it uses those servers and starts nothing", async () => {
    const database = await freshDatabase();
    const otherDataDir = path.join(root, ".data", "test-lifecycle-external");
    fs.rmSync(otherDataDir, { recursive: true, force: true });
    try {
      current = start({
        DATA_DIR: otherDataDir,
        DATABASE_URL: database.url,
        MEILI_URL: inject("meiliUrl"),
        MEILI_MASTER_KEY: inject("meiliKey"),
        SESSION_SECRET: "a-session-secret-that-is-long-enough-0123",
        SEARCH_INDEX_PREFIX: "lifecycle_",
      });
      await untilRunning(current);
      expect(current.output()).not.toContain("Starting embedded");
      expect(fs.existsSync(path.join(otherDataDir, "postgres"))).toBe(false);
      expect((await api("/healthz")).body).toEqual({ status: "ok", database: "up", search: "up" });
      expect(await database.db.user.count()).toBeGreaterThan(0); // demo data went to the given database
      expect(await stop(current)).toBe(0);
    } finally {
      await database.drop();
      fs.rmSync(otherDataDir, { recursive: true, force: true });
    }
  }, BOOT_TEST_MS);
});
