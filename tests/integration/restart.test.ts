// PostgreSQL restarts under a running helpdesk (an upgrade, a failover, a
// crash): every long-lived connection (event wake-up, readers, job queue)
// reconnects by itself, live updates resume, and the process still stops
// promptly. Uses a PostgreSQL of its own so other test files are undisturbed.
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { startEmbeddedPostgres, type RunningService } from "../../server/embedded.ts";
import { migrate } from "../../server/db/migrate.ts";
import { createDb, type Db } from "../../server/db/client.ts";
import { forgetSingleton, runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import { startHelpdesk, type HelpdeskProcess } from "../../server/app.ts";
import { createFixtures } from "../support/factories.ts";
import { liveClient, record, until } from "../support/live.ts";
import { testBlobDir, testMailSettings } from "../support/services.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, ".data", "test-restart", "postgres");
const PORT = Number(process.env.TEST_RESTART_PG_PORT ?? 54419);
const options = { dir, port: PORT, password: "restart-password", database: "helpdesk" };

let postgres: RunningService;
let db: Db;
let helpdesk: HelpdeskProcess;
let fx: Awaited<ReturnType<typeof createFixtures>>;
const client = liveClient(() => helpdesk.url!);

beforeAll(async () => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  postgres = await startEmbeddedPostgres(options);
  await migrate(postgres.url, () => {});
  setRuntimeSettings({
    databaseUrl: postgres.url,
    meiliUrl: inject("meiliUrl"),
    meiliKey: inject("meiliKey"),
    sessionSecret: "test-session-secret-test-session-secret",
    blobStore: { kind: "disk", dir: testBlobDir() },
    mail: testMailSettings(),
    searchIndexPrefix: "restart_",
  });
  forgetSingleton("db");
  db = createDb(postgres.url);
  fx = await createFixtures(db);
  helpdesk = await startHelpdesk({ settings: runtimeSettings(), port: 0, host: "127.0.0.1" });
}, 120_000);

afterAll(async () => {
  client.disconnectAll();
  await db?.$disconnect();
  await postgres?.stop();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const newTicket = (subject: string) => ({
  type: "inquiry",
  category: "technical",
  subject,
  description: "Filed around a database restart.",
});

test("after PostgreSQL restarts, requests and live updates resume by themselves, and the app still stops promptly", async () => {
  const socket = await client.connect(fx.agent.id);
  const seen = record(socket);
  const token = await client.tokenFor("ada@key.example");
  const queued = (subject: string) => () =>
    (seen["queue:ticket"] as { subject: string }[] | undefined)?.find((x) => x.subject === subject);

  const before = await client.api("/tickets", { method: "POST", token, body: newTicket("Before the restart") });
  expect(before.status).toBe(201);
  await until(queued("Before the restart"), "the ticket filed before the restart");

  await postgres.stop();
  // While the database is down: a clear, retryable 503, not a 500.
  const during = await client.api("/tickets", { method: "POST", token, body: newTicket("During the outage") });
  expect(during.status).toBe(503);
  expect(during.body.error.code).toBe("unavailable");
  expect(during.headers.get("retry-after")).toBe("5");
  postgres = await startEmbeddedPostgres(options);

  // The first request may meet a connection that died with the server; a retry finds a fresh one.
  const deadline = Date.now() + 20_000;
  let after = await client.api("/tickets", { method: "POST", token, body: newTicket("After the restart") });
  while (after.status !== 201 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    after = await client.api("/tickets", { method: "POST", token, body: newTicket("After the restart") });
  }
  expect(after.status).toBe(201);
  await until(queued("After the restart"), "the ticket filed after the restart, live", 10_000);

  const stopping = Date.now();
  await helpdesk.close();
  expect(Date.now() - stopping).toBeLessThan(10_000);
}, 90_000);
