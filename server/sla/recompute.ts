// Recomputing every worked ticket's SLA after a policy or calendar changed,
// so that open tickets count as if the new setting had always applied. It
// runs as a job in slices of batches (one transaction per batch, tickets in
// id order) and keeps its progress in SlaRecompute, which the editor shows
// and from which it resumes after a restart. A change while one runs starts
// it again from the first ticket: what it did so far may predate the change.
import type { Db } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import type { NewEvent } from "../events/types.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { ACTIVE_STATUSES } from "../tickets/status.ts";
import { recomputeSla } from "./engine.ts";

/** Tickets per transaction: each batch locks its tickets briefly, as a command does one. */
const BATCH = 500;
/** How long one job runs before handing over to the next (keeps shutdown and other jobs prompt). */
const SLICE_MS = 5_000;

const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ");

export interface RecomputeRun {
  id: string;
  reason: string;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  total: number;
  done: number;
  changed: number;
  afterId: string | null;
}

/** Asks for a recompute (in the caller's transaction): the unfinished one starts again, or a new one begins. */
export async function requestRecompute(sql: Sql, reason: string, now: Date): Promise<void> {
  const [open] = await sql.query<{ id: string }>(
    `SELECT "id" FROM "SlaRecompute" WHERE "finishedAt" IS NULL ORDER BY "requestedAt" DESC LIMIT 1 FOR UPDATE`,
  );
  if (open) {
    await sql.query(
      `UPDATE "SlaRecompute" SET "reason" = $2, "requestedAt" = $3::timestamp(3), "startedAt" = NULL, "total" = 0, "done" = 0,
              "changed" = 0, "afterId" = NULL
       WHERE "id" = $1`,
      [open.id, reason, now.toISOString()],
    );
  } else {
    await sql.query(
      `INSERT INTO "SlaRecompute" ("id", "reason", "requestedAt") VALUES (gen_random_uuid()::text, $1, $2::timestamp(3))`,
      [reason, now.toISOString()],
    );
  }
}

/**
 * Works on the unfinished recompute for up to SLICE_MS: "more" when it must be called again,
 * "done" when it finished, "idle" when there is none.
 */
export async function runRecompute(
  transaction: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>,
  emit: (sql: Sql, events: NewEvent[]) => Promise<void>,
): Promise<"more" | "done" | "idle"> {
  const began = Date.now();
  for (;;) {
    const step = await transaction(async (sql): Promise<"more" | "done" | "idle"> => {
      // Locked for the batch: a new request waits for it, then starts the run again.
      const [run] = await sql.query<RecomputeRun>(
        `SELECT * FROM "SlaRecompute" WHERE "finishedAt" IS NULL ORDER BY "requestedAt" DESC LIMIT 1 FOR UPDATE`,
      );
      if (!run) return "idle";
      const now = new Date();
      if (!run.startedAt) {
        await sql.query(
          `UPDATE "SlaRecompute" SET "startedAt" = $2::timestamp(3),
                  "total" = (SELECT count(*)::int FROM "Ticket" WHERE "status" IN (${ACTIVE}))
           WHERE "id" = $1`,
          [run.id, now.toISOString()],
        );
      }
      const tickets = await sql.query<{ id: string }>(
        `SELECT "id" FROM "Ticket" WHERE "status" IN (${ACTIVE}) AND ($1::text IS NULL OR "id" > $1) ORDER BY "id" LIMIT $2`,
        [run.afterId, BATCH],
      );
      if (tickets.length === 0) {
        await sql.query(`UPDATE "SlaRecompute" SET "finishedAt" = $2::timestamp(3), "done" = "total" WHERE "id" = $1`, [run.id, now.toISOString()]);
        return "done";
      }
      const events = await recomputeSla(
        sql,
        tickets.map((t) => t.id),
        now,
      );
      await emit(sql, events);
      const changed = new Set(events.map((e) => e.ticketId)).size;
      await sql.query(
        `UPDATE "SlaRecompute" SET "done" = "done" + $2, "changed" = "changed" + $3, "afterId" = $4 WHERE "id" = $1`,
        [run.id, tickets.length, changed, tickets[tickets.length - 1].id],
      );
      return "more";
    });
    if (step !== "more" || Date.now() - began > SLICE_MS) return step;
  }
}

/** The latest recompute, for the editor's progress line and the API. */
export async function latestRecompute(db: Db, user: AuthUser) {
  assertCan(user, "sla.manage");
  const run = await db.slaRecompute.findFirst({
    orderBy: { requestedAt: "desc" },
    select: { id: true, reason: true, requestedAt: true, startedAt: true, finishedAt: true, total: true, done: true, changed: true },
  });
  return run;
}
