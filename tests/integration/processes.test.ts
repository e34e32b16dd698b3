// Scale-out as deployed: two web processes and two workers, each started the
// way production starts them (`node server/index.ts` with ROLE), on one
// PostgreSQL and one Meilisearch. A ticket filed through one web process
// reaches a socket on the other; SLA timers and durable listeners run in the
// workers, and each effect happens once, also for what fell due while no
// worker ran.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { liveClient, record, until, waitFor, watch } from "../support/live.ts";
import { startHelpdesk, stopAll, untilRunning, type HelpdeskProcess } from "../support/processes.ts";
import { forgetSingleton } from "../../server/runtime.ts";
import { createTicket } from "../../server/tickets/service.ts";
import { COUNT_MAX_AGE_MS } from "../../server/tickets/counts.ts";
import { searchArticles } from "../../search/articles.ts";

const root = path.resolve(import.meta.dirname, "../..");
const WEB_PORTS = [3221, 3222];

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
const procs: HelpdeskProcess[] = [];

function start(role: "web" | "worker", port?: number): HelpdeskProcess {
  const proc = startHelpdesk(role, { ...(port ? { PORT: String(port) } : {}), DATA_DIR: path.join(root, ".data", "test-processes") });
  procs.push(proc);
  return proc;
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(root, "build/index.js")), "run `npm run build` first").toBe(true);
  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db");
  fx = await createFixtures(t.db);
  const started = [start("web", WEB_PORTS[0]), start("web", WEB_PORTS[1]), start("worker"), start("worker")];
  await Promise.all(started.map((proc) => untilRunning(proc)));
});

afterAll(async () => {
  await stopAll(procs);
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

/** An inquiry filed so that its first response (8 hours for inquiries) falls due `inMs` from now (negative: already past). */
const inquiryDue = (subject: string, inMs: number) =>
  createTicket(
    t.db,
    fx.otherCustomer,
    { type: "inquiry", category: "technical", subject, description: "Still waiting for an answer here." },
    "portal",
    new Date(Date.now() - 8 * 3600_000 + inMs),
  );

const breachesOf = async (ticketIds: string[]) =>
  t.db.domainEvent.groupBy({ by: ["ticketId"], where: { ticketId: { in: ticketIds }, type: "ticket.sla_breached" }, _count: true });

test("presence and typing are shared across the two web processes, and a lost connection takes its agent off", async () => {
  const ticket = await createTicket(t.db, fx.keyCustomer, { type: "inquiry", category: "technical", subject: "Seen from two processes", description: "Who else is on it?" }, "portal");
  const li = await webA.connect(fx.agent.id);
  const sam = await webB.connect(fx.supervisor.id);
  const onSam = record(sam);
  const onLi = record(li);
  for (const socket of [li, sam]) expect((await watch(socket, ticket.number)).ok).toBe(true);
  type Presence = { ticketId: string; viewers: { name: string; typing: boolean }[] };
  const latest = (seen: Record<string, unknown[]>) => (seen["ticket:presence"] as Presence[] | undefined)?.filter((p) => p.ticketId === ticket.id).at(-1);
  const say = (socket: typeof li, state: string) => socket.emit("ticket:presence", { ticketId: ticket.id, state });

  say(li, "viewing");
  say(sam, "viewing");
  await until(() => (latest(onSam)?.viewers.some((v) => v.name === "Li Wei") ? true : undefined), "Li on the supervisor's screen (other process)");
  await until(() => (latest(onLi)?.viewers.some((v) => v.name === fx.supervisor.name) ? true : undefined), "the supervisor on Li's screen");

  say(li, "typing");
  await until(() => (latest(onSam)?.viewers.find((v) => v.name === "Li Wei")?.typing ? true : undefined), "Li typing, across processes");

  // Li's connection drops without a word: web process A says so for it.
  li.io.engine.close();
  await until(() => (latest(onSam) && !latest(onSam)!.viewers.some((v) => v.name === "Li Wei") ? true : undefined), "Li gone from the supervisor's screen");
});

test("SLA warnings and breaches are recorded once with two workers, within seconds of falling due", async () => {
  const socket = await webA.connect(fx.agent.id);
  const seen = record(socket);
  // Some already late (caught up at once), most falling due in the same few seconds.
  const tickets = await Promise.all(
    Array.from({ length: 24 }, (_, i) => inquiryDue(`Due together ${i}`, i < 4 ? -60_000 : 2_000 + (i % 3) * 400)),
  );
  const ids = tickets.map((x) => x.id);
  await waitFor(async () => ((await breachesOf(ids)).length === ids.length ? true : null), "every breach", 20_000);
  // However many jobs and workers looked, each target was recorded once, and soon after its moment.
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await breachesOf(ids)).map((b) => b._count)).toEqual(ids.map(() => 1));
  const onTime = await t.db.slaTarget.findMany({ where: { ticketId: { in: ids.slice(4) }, target: "first_response" } });
  for (const run of onTime) expect(run.breachedAt!.getTime() - run.dueAt!.getTime()).toBeLessThan(5_000);
  // The change reaches the agent live (delivered by a web process, from a worker's write).
  await until(
    () => (seen["queue:ticket"] as { number: number; slaState: string }[] | undefined)?.find((x) => x.number === tickets[10].number && x.slaState === "breached"),
    "the breached ticket in the queue",
  );
});

test("a breach that fell due while no worker ran is recorded when one starts", async () => {
  const workers = procs.filter((p) => p.child.spawnargs.includes("--role=worker") && p.child.exitCode === null);
  for (const worker of workers) worker.child.kill("SIGTERM");
  expect(await Promise.all(workers.map((w) => w.exited))).toEqual(workers.map(() => 0));
  const ticket = await inquiryDue("Due while stopped", 500);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await t.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.sla_breached" } })).toBe(0);
  const worker = start("worker");
  await untilRunning(worker);
  await waitFor(async () => (await t.db.domainEvent.count({ where: { ticketId: ticket.id, type: "ticket.sla_breached" } })) || null, "the missed target");
  expect((await t.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).slaState).toBe("breached");
});

test("durable listeners run in a worker", async () => {
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
  expect(codes).toEqual(procs.map(() => 0));
});
