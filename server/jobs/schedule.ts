// Putting jobs on the queue (graphile-worker's add_jobs) in the caller's
// transaction, and the SLA firing job's timers. Apart from the runner
// (queue.ts), so that the SLA engine can schedule without importing it.
import type { Sql } from "../db/sql.ts";

export interface JobSpec {
  /** A task of server/jobs/queue.ts (TASKS). */
  task:
    | "sla-fire"
    | "sla-recompute"
    | "prune-sessions"
    | "prune-idempotency-keys"
    | "prune-uploads"
    | "prune-outbound-mail"
    | "prune-inbound-mail"
    | "prune-account-tokens"
    | "assign"
    | "automation"
    | "automations-check"
    | "send-mail"
    | "inbound-mail"
    | "poll-mailboxes";
  payload: Record<string, unknown>;
  runAt: Date;
  /** At most one pending job per key: scheduling again moves it. */
  key?: string;
}

/**
 * What scheduling a key that has a pending job does to its time:
 * - "replace" (the default): the new time;
 * - "preserve_run_at": the pending job's time (graphile-worker's mode: only while that job has not
 *   failed yet; a job waiting to retry takes the new time);
 * - "earliest": the earlier of the two (a job waiting to retry keeps its retry if that is earlier).
 * A job running now is never moved: a new one is added for the key.
 */
export type ScheduleMode = "replace" | "preserve_run_at" | "earliest";

/** Enqueues jobs inside the caller's transaction. */
export async function scheduleJobs(sql: Sql, jobs: JobSpec[], mode: ScheduleMode = "replace"): Promise<void> {
  if (jobs.length === 0) return;
  await sql.query(
    // Counted, not returned: the job rows are a composite type Prisma's raw queries cannot read.
    // In key order, so that two transactions scheduling the same keys take their rows in the same order.
    `SELECT count(*)::int AS n FROM graphile_worker.add_jobs((
       SELECT array_agg((j.task, j.payload, NULL,
                         CASE WHEN $2::boolean THEN least(j.run_at, (SELECT min(q.run_at) FROM graphile_worker.jobs q
                                                                     WHERE q.key = j.key AND q.locked_at IS NULL AND q.attempts < q.max_attempts))
                              ELSE j.run_at END,
                         NULL, j.key, NULL, NULL)::graphile_worker.job_spec ORDER BY j.key)
       FROM jsonb_to_recordset($1::jsonb) AS j(task text, payload json, run_at timestamptz, key text)), $3::boolean)`,
    [
      JSON.stringify(jobs.map((j) => ({ task: j.task, payload: j.payload, run_at: j.runAt.toISOString(), key: j.key ?? null }))),
      mode === "earliest",
      mode === "preserve_run_at",
    ],
  );
}

/** Takes the pending job of each key off the queue (a job running now finishes, but is not retried). */
export async function unscheduleJobs(sql: Sql, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query(`SELECT count(graphile_worker.remove_job(k))::int AS n FROM unnest($1::text[]) AS k`, [keys]);
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

