// Scale-out as deployed: two web processes and one worker, each started the
// way production starts them (`node server/index.ts` with ROLE), on one
// PostgreSQL and one Meilisearch. A ticket filed through one web process
// reaches a socket on the other; timers and durable listeners run in the
// worker, and each effect happens once.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { liveClient, record, until, waitFor } from "../support/live.ts";
import { forgetSingleton, runtimeSettings } from "../../server/runtime.ts";
import { createTicket } from "../../server/tickets/service.ts";
import { COUNT_MAX_AGE_MS } from "../../server/tickets/counts.ts";
import { searchArticles } from "../../search/articles.ts";

const root = path.resolve(import.meta.dirname, "../..");
const WEB_PORTS = [3221, 3222];

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
const procs: Proc[] = [];

function start(role: "web" | "worker", port?: number): Proc {
  const settings = runtimeSettings();
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts", `--role=${role}`], {
    cwd: root,
    env: {
      ...process.env,
      ...(port ? { PORT: String(port) } : {}),
      DATABASE_URL: settings.databaseUrl,
      MEILI_URL: settings.meiliUrl,
      MEILI_MASTER_KEY: settings.meiliKey,
      SESSION_SECRET: settings.sessionSecret,
      SEARCH_INDEX_PREFIX: settings.searchIndexPrefix,
      SEED_DEMO_DATA: "never",
      DATA_DIR: path.join(root, ".data", "test-processes"),
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const proc = { child, output: () => output, exited };
  procs.push(proc);
  return proc;
}

async function untilRunning(proc: Proc) {
  const deadline = Date.now() + 60_000;
  while (!/Helpdesk (worker )?is running/.test(proc.output())) {
    if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(root, "build/index.js")), "run `npm run build` first").toBe(true);
  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db");
  fx = await createFixtures(t.db);
  const started = [start("web", WEB_PORTS[0]), start("web", WEB_PORTS[1]), start("worker")];
  await Promise.all(started.map(untilRunning));
});

afterAll(async () => {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
  await t?.drop();
});

const webA = liveClient(() => `http://localhost:${WEB_PORTS[0]}`);
const webB = liveClient(() => `http://localhost:${WEB_PORTS[1]}`);

test("a ticket filed through one web process reaches an agent connected to the other", async () => {
  const socket = await webB.connect(fx.agent.id);
  const seen = record(socket);
  const token = await webA.tokenFor("ada@key.example");
  const filed = await webA.api("/tickets", {
    method: "POST",
    token,
    body: { type: "complaint", category: "technical", subject: "Filed on A, seen on B", description: "Checking delivery across processes." },
  });
  expect(filed.status).toBe(201);
  const live = await until(
    () => (seen["queue:ticket"] as { number: number; subject: string }[] | undefined)?.find((x) => x.number === filed.body.number),
    "the ticket on the other web process",
  );
  expect(live.subject).toBe("Filed on A, seen on B");
});

test("a list's count follows every ticket filed, through this web process or the other", async () => {
  const agentOnA = await webA.tokenFor(fx.agent.email);
  const agentOnB = await webB.tokenFor(fx.agent.email);
  const customer = await webA.tokenFor("ada@key.example");
  const countOn = async (web: typeof webA, token: string) =>
    (await web.api("/tickets?status=active&limit=1", { token })).body.total as number;
  const file = async () =>
    expect(
      (
        await webA.api("/tickets", {
          method: "POST",
          token: customer,
          body: { type: "inquiry", category: "technical", subject: "Counted at once", description: "The queue's count must include this." },
        })
      ).status,
    ).toBe(201);

  // Each process counts once and keeps the count until a ticket changes.
  const before = await countOn(webA, agentOnA);
  const keptOnB = Date.now();
  expect(await countOn(webB, agentOnB)).toBe(before);
  await file();
  // Filed here: this process's next count includes it, without waiting.
  expect(await countOn(webA, agentOnA)).toBe(before + 1);
  // Filed on the other process: heard by its NOTIFY within moments, well before B's kept count
  // (read at keptOnB) would expire by age (COUNT_MAX_AGE_MS).
  await waitFor(async () => ((await countOn(webB, agentOnB)) === before + 1 ? true : null), "the count on the other process", 600);
  expect(Date.now() - keptOnB).toBeLessThan(COUNT_MAX_AGE_MS);

  // Any change to a ticket counts, not only filing: solving one leaves the active count on both.
  const [newest] = (await webB.api("/tickets?status=active&limit=1", { token: agentOnB })).body.data;
  const solved = await webA.api(`/tickets/${newest.number}`, {
    method: "PATCH",
    token: agentOnA,
    body: { status: "solved" },
    headers: { "If-Match": `"${newest.version}"` },
  });
  expect(solved.status).toBe(200);
  expect(await countOn(webA, agentOnA)).toBe(before);
  await waitFor(async () => ((await countOn(webB, agentOnB)) === before ? true : null), "the solved ticket leaving the count", 600);
});

test("timers and durable listeners run in the worker, each effect once", async () => {
  // Filed ten hours ago: both SLA timers are already due when the worker sees them.
  const ticket = await createTicket(
    t.db,
    fx.otherCustomer,
    { type: "inquiry", category: "technical", subject: "Nobody answered for hours", description: "Still waiting for an answer here." },
    "portal",
    new Date(Date.now() - 10 * 3600_000),
  );
  const socket = await webA.connect(fx.agent.id);
  const seen = record(socket);
  await waitFor(async () => {
    const n = await t.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.sla_breached" } });
    return n >= 1 ? n : null;
  }, "the missed target");
  // The timer job is done and gone; however often the sweep runs, the miss is recorded once.
  await waitFor(
    async () => ((await t.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`sla:${ticket.id}:first_response`}`)[0].n === 0 ? true : null),
    "the timer job to complete",
  );
  expect(await t.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.sla_breached" } })).toBe(1);
  // The change reaches the agent live (delivered by the web process, from the worker's write).
  await until(
    () => (seen["queue:ticket"] as { number: number }[] | undefined)?.find((x) => x.number === ticket.number),
    "the breached ticket in the queue",
  );

  // An edited article is indexed by the worker's search-index listener.
  const article = await t.db.article.create({
    data: { slug: "scale-out", locale: "en", title: "Running several helpdesk processes", body: "Web and worker roles.", status: "published" },
  });
  await t.db.$executeRaw`INSERT INTO "DomainEvent" (type, data) VALUES ('article.changed', ${JSON.stringify({ articleId: article.id })}::jsonb)`;
  await waitFor(
    async () => ((await searchArticles({ query: "several helpdesk processes", locale: "en" }, t.db)).hits[0]?.id === article.id ? true : null),
    "the article in search",
  );
});

test("each process stops cleanly on SIGTERM", async () => {
  for (const proc of procs) proc.child.kill("SIGTERM");
  const codes = await Promise.all(procs.map((p) => p.exited));
  expect(codes).toEqual([0, 0, 0]);
});
