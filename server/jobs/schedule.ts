// Putting jobs on the queue (graphile-worker's add_jobs) in the caller's
// transaction, and the SLA firing job's timers. Apart from the runner
// (queue.ts), so that the SLA engine can schedule without importing it.
import type { Sql } from "../db/sql.ts";

export interface JobSpec {
  /** A task of server/jobs/queue.ts (TASKS). */
  task: "sla-fire" | "sla-recompute" | "prune-sessions" | "prune-idempotency-keys" | "prune-uploads" | "assign";
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

/** The firing job's key for a moment: its second, rounded up so the job never runs before the moment. */
function fireKey(at: Date): { key: string; runAt: Date } {
  const second = Math.ceil(at.getTime() / 1_000);
  return { key: `sla-fire:${second}`, runAt: new Date(second * 1_000) };
}

/** Schedules the SLA firing job at each moment's second (once per second, however many moments share it). */
export async function fireAt(sql: Sql, moments: readonly Date[]): Promise<void> {
  const seconds = new Map<string, Date>();
  for (const moment of moments) {
    const { key, runAt } = fireKey(moment);
    seconds.set(key, runAt);
  }
  await scheduleJobs(sql, [...seconds].map(([key, runAt]) => ({ task: "sla-fire", payload: {}, runAt, key })));
}

