// Applies pending Prisma migrations with `prisma migrate deploy`, then the
// job queue's own schema (graphile-worker keeps its migrations itself).
// The CLI with a driver adapter lingers ~10 s after it has finished, so it is
// only started when a migration directory is not yet recorded as applied.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import pg from "pg";
import { migrateJobQueue } from "../jobs/queue.ts";

const require = createRequire(import.meta.url);
const migrationsDir = path.resolve(import.meta.dirname ?? ".", "../../prisma/migrations");

async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const local = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('public._prisma_migrations') AS t");
    if (!table.rows[0].t) return local;
    const applied = await client.query(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const done = new Set(applied.rows.map((row) => row.migration_name as string));
    return local.filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

/** Any number of processes may start at once on a new database: one migrates, the others wait for it. */
const MIGRATION_LOCK = 4823018;

export async function migrate(databaseUrl: string, log: (line: string) => void = console.log): Promise<void> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrateSchema(databaseUrl, log);
    await migrateJobQueue(databaseUrl);
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}

async function migrateSchema(databaseUrl: string, log: (line: string) => void) {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length === 0) return;
  log(`Applying ${pending.length} database migration(s)…`);
  const cli = require.resolve("prisma/build/index.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      cwd: path.resolve(migrationsDir, "../.."),
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
