// The job queue: graphile-worker on the helpdesk's own PostgreSQL (see
// docs/decisions/007-events-and-jobs.md). Timers are jobs scheduled at their
// exact time (enqueued after commit by the sla-timers listener, decision
// 010); periodic work is a crontab entry, run once across all processes.
import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";
import { createBoundedPool } from "../db/pool.ts";
import type { Sql } from "../db/sql.ts";
import { db } from "../db/client.ts";
import { recordMissedTargets } from "../sla/breaches.ts";
import { pruneSessions } from "../auth/session.ts";
import { pruneIdempotencyKeys } from "../idempotency.ts";
import { z } from "zod";

const SlaCheckPayload = z.object({ ticketId: z.string() });

export const TASKS: TaskList = {
  /** At a ticket's due time: record the miss if the target is still open. */
  "sla-check": async (payload) => {
    await recordMissedTargets(db(), new Date(), SlaCheckPayload.parse(payload).ticketId);
  },
  /** Safety net for tickets without timers (filed before timers existed, or imported). */
  "sla-sweep": async () => {
    await recordMissedTargets(db(), new Date());
  },
  /** Tidies away ended sessions (they are refused the moment they end). */
  "prune-sessions": async () => {
    await pruneSessions(db());
  },
  /** Forgets Idempotency-Keys past their 24 hours (an expired key is already free for reuse). */
  "prune-idempotency-keys": async () => {
    await pruneIdempotencyKeys(db());
  },
};

/** Minute fields as in cron; each line runs once per minute across all worker processes. */
export const CRONTAB = [
  "* * * * * sla-sweep ?max=1",
  "17 3 * * * prune-sessions ?max=1",
  "23 3 * * * prune-idempotency-keys ?max=1",
].join("\n");

export interface JobSpec {
  task: keyof typeof TASKS & string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** At most one pending job per key: scheduling again moves it. */
  key?: string;
}

/** Enqueues jobs inside the caller's transaction. */
export async function scheduleJobs(sql: Sql, jobs: JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  await sql.query(
    // Counted, not returned: the job rows are a composite type Prisma's raw queries cannot read.
    `SELECT count(*)::int AS n FROM graphile_worker.add_jobs((
       SELECT array_agg((j.task, j.payload, NULL, j.run_at, NULL, j.key, NULL, NULL)::graphile_worker.job_spec)
       FROM jsonb_to_recordset($1::jsonb) AS j(task text, payload json, run_at timestamptz, key text)))`,
    [JSON.stringify(jobs.map((j) => ({ task: j.task, payload: j.payload, run_at: j.runAt.toISOString(), key: j.key ?? null })))],
  );
}

/** Quiet unless something is wrong: graphile-worker logs every job at info level. */
function logger(onError: (message: string) => void) {
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") onError(message);
  });
}

/** Installs or upgrades the queue's own schema (graphile_worker). */
export async function migrateJobQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: logger((m) => console.warn("[jobs]", m)) });
}

/**
 * Runs the queue's workers on a pool of our own: its connections carry error
 * handlers (one dropped by a database restart must not crash the process),
 * and stopping ends it, so nothing lingers after shutdown.
 */
export async function startJobRunner(databaseUrl: string, onError: (message: string) => void): Promise<{ stop(): Promise<void> }> {
  const pool = createBoundedPool(databaseUrl, (e) => onError(e.message), 5);
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency: 4,
      noHandleSignals: true,
      pollInterval: 2_000,
      taskList: TASKS,
      crontab: CRONTAB,
      logger: logger(onError),
    });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
