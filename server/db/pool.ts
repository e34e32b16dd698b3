// Plain pg pools for the parts that talk to PostgreSQL without Prisma (event
// readers, the job queue, the sign-in throttles).
import pg from "pg";

/** A pool with bounded waits: a dead server fails fast instead of hanging a loop; dropped connections are reported, never thrown. */
export function createBoundedPool(
  databaseUrl: string,
  onError: (error: Error) => void,
  max = 3,
  /** For a pool that runs a few prepared statements over and over: plan each once, not at every execution. */
  { genericPlans = false } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    ...(genericPlans ? { options: "-c plan_cache_mode=force_generic_plan" } : {}),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: 20_000,
  });
  pool.on("error", onError);
  // A connection dropped while checked out must not crash the process.
  pool.on("connect", (client) => client.on("error", onError));
  return pool;
}
