// Recording missed SLA targets, once each, at the moment they were missed.
// Run by a timer job at each ticket's due time and by a periodic sweep (for
// tickets filed before timers existed); safe to run any number of times from
// any process: the conditional UPDATE claims each miss exactly once.
import type { Db } from "../db/client.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import type { NewEvent } from "../events/types.ts";
import { ACTIVE_STATUSES } from "../tickets/status.ts";

type Target = "first_response" | "resolution";

/**
 * Tickets still being worked, spelled as the list of active statuses (not
 * "not solved or closed") so that the sweep reads the small partial index of
 * active tickets instead of every ticket ever filed.
 */
const ACTIVE = ACTIVE_STATUSES.map((status) => `'${status}'`).join(", ");

/** Marks what is overdue now (of one ticket, or of all); returns how many targets were newly missed. */
export async function recordMissedTargets(db: Db, now = new Date(), ticketId?: string): Promise<number> {
  return inTransaction(db, async (tx) => {
    const missed = await tx.$queryRawUnsafe<{ id: string; requesterId: string; target: Target; dueAt: Date }[]>(
      `WITH first AS (
         UPDATE "Ticket" SET "firstResponseBreachedAt" = "firstResponseDueAt"
         WHERE "firstResponseBreachedAt" IS NULL AND "firstRespondedAt" IS NULL
           AND "firstResponseDueAt" < $1 AND "status" IN (${ACTIVE})
           AND ($2::text IS NULL OR "id" = $2)
         RETURNING "id", "requesterId", 'first_response' AS target, "firstResponseDueAt" AS "dueAt"
       ), resolution AS (
         UPDATE "Ticket" SET "resolutionBreachedAt" = "resolutionDueAt"
         WHERE "resolutionBreachedAt" IS NULL AND "solvedAt" IS NULL
           AND "resolutionDueAt" < $1 AND "status" IN (${ACTIVE})
           AND ($2::text IS NULL OR "id" = $2)
         RETURNING "id", "requesterId", 'resolution' AS target, "resolutionDueAt" AS "dueAt"
       )
       SELECT * FROM first UNION ALL SELECT * FROM resolution`,
      now,
      ticketId ?? null,
    );
    const events: NewEvent[] = missed.map((m) => ({
      type: "ticket.sla_breached",
      ticketId: m.id,
      customerId: m.requesterId,
      actorId: null,
      // Recorded now (at the due time when the timer ran on time); the due time is in the data.
      at: now,
      data: { target: m.target, dueAt: m.dueAt.toISOString() },
    }));
    await emit(tx, events);
    return missed.length;
  });
}
