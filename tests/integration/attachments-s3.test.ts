// Attachments with S3 storage, as deployed on several machines: two web
// processes (`node server/index.ts --role=web`, each with a data directory of
// its own) configured with the S3_* settings share one bucket on a real
// S3-protocol server (s3rver). A file uploaded through one process is
// downloaded through the other byte for byte, and no process keeps a copy on
// its own disk.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import S3rver from "s3rver";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { createFixtures } from "../support/factories.ts";
import { liveClient } from "../support/live.ts";
import { startHelpdesk, stopAll, untilRunning, type HelpdeskProcess } from "../support/processes.ts";
import { forgetSingleton } from "../../server/runtime.ts";

const root = path.resolve(import.meta.dirname, "../..");
const FIRST_PORT = Number(process.env.TEST_S3_WEB_PORT ?? 3240);
const WEB_PORTS = [FIRST_PORT, FIRST_PORT + 1];
const BUCKET = "helpdesk-attachments";
const PREFIX = "install-a";
// s3rver's fixed account: it checks signatures against it.
const S3_KEY = "S3RVER";

let t: TestDatabase;
let fx: Awaited<ReturnType<typeof createFixtures>>;
let workDir: string;
let s3rver: S3rver;
let s3Endpoint: string;
const dataDirs: string[] = [];
const procs: HelpdeskProcess[] = [];

function startWeb(port: number, dataDir: string): HelpdeskProcess {
  const proc = startHelpdesk("web", {
    PORT: String(port),
    DATA_DIR: dataDir,
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s3Endpoint,
    S3_ACCESS_KEY_ID: S3_KEY,
    S3_SECRET_ACCESS_KEY: S3_KEY,
    S3_FORCE_PATH_STYLE: "true",
    S3_PREFIX: PREFIX,
  });
  procs.push(proc);
  return proc;
}

beforeAll(async () => {
  expect(fs.existsSync(path.join(root, "build/index.js")), "run `npm run build` first").toBe(true);
  workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "attachments-s3-test-"));
  s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: path.join(workDir, "s3rver"),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${port}`;

  t = await freshDatabase();
  useTestRuntime(t.url);
  forgetSingleton("db");
  fx = await createFixtures(t.db);
  for (const name of ["web-a", "web-b"]) dataDirs.push(path.join(workDir, name));
  await Promise.all(WEB_PORTS.map((port, i) => untilRunning(startWeb(port, dataDirs[i]))));
}, 120_000);

afterAll(async () => {
  await stopAll(procs);
  await t?.drop();
  await s3rver?.close();
  if (workDir) await fs.promises.rm(workDir, { recursive: true, force: true });
});

const webA = liveClient(() => `http://localhost:${WEB_PORTS[0]}`);
const webB = liveClient(() => `http://localhost:${WEB_PORTS[1]}`);

test("a file uploaded through one web process is downloaded through the other, from the shared bucket only", async () => {
  // A PDF of a few hundred KB of noise: several stream chunks each way, nothing compressible.
  const bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(300 * 1024 + 17)]);

  // The customer, on web process A: upload, then file a ticket with it.
  const customer = await webA.tokenFor("ada@key.example");
  const uploaded = await fetch(`http://localhost:${WEB_PORTS[0]}/api/v1/uploads?filename=diagnostics.pdf`, {
    method: "POST",
    headers: { Authorization: `Bearer ${customer}`, "Content-Type": "application/octet-stream" },
    body: new Uint8Array(bytes),
  });
  expect(uploaded.status).toBe(201);
  const file = (await uploaded.json()) as { id: string; filename: string; contentType: string; size: number };
  expect(file).toMatchObject({ filename: "diagnostics.pdf", contentType: "application/pdf", size: bytes.length });
  const filed = await webA.api("/tickets", {
    method: "POST",
    token: customer,
    body: { type: "complaint", category: "technical", subject: "Export fails", description: "The diagnostics file is attached.", attachments: [file.id] },
  });
  expect(filed.status).toBe(201);

  // The agent, on web process B: the API and the download page both give the same bytes.
  const agent = await webB.tokenFor(fx.agent.email);
  const ticket = await webB.api(`/tickets/${filed.body.number}`, { token: agent });
  expect(ticket.body.messages[0].attachments).toEqual([file]);
  const viaApi = await fetch(`http://localhost:${WEB_PORTS[1]}/api/v1/attachments/${file.id}`, { headers: { Authorization: `Bearer ${agent}` } });
  expect(viaApi.status).toBe(200);
  expect(Buffer.from(await viaApi.arrayBuffer()).equals(bytes)).toBe(true);
  const viaPage = await fetch(`http://localhost:${WEB_PORTS[1]}/attachments/${file.id}/diagnostics.pdf`, {
    headers: { Cookie: await webB.sessionCookie(fx.agent.id) },
  });
  expect(viaPage.status).toBe(200);
  expect(viaPage.headers.get("content-type")).toBe("application/pdf");
  // The page's own caching, not the no-store every other page gets.
  expect(viaPage.headers.get("cache-control")).toBe("private, max-age=86400, immutable");
  expect(Buffer.from(await viaPage.arrayBuffer()).equals(bytes)).toBe(true);

  // The bytes are in the bucket, under this install's prefix, once; neither process kept them on its disk.
  const raw = new S3Client({
    endpoint: s3Endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_KEY },
  });
  try {
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => [o.Key!.startsWith(`${PREFIX}/`), o.Size])).toEqual([[true, bytes.length]]);
  } finally {
    raw.destroy();
  }
  for (const dir of dataDirs) expect(fs.existsSync(path.join(dir, "attachments")), `${dir}/attachments`).toBe(false);
});

test("each web process stops cleanly on SIGTERM", async () => {
  for (const proc of procs) proc.child.kill("SIGTERM");
  expect(await Promise.all(procs.map((p) => p.exited))).toEqual(procs.map(() => 0));
});
