// For admins: how the after-commit work is doing. Each durable listener's
// position, retry state and backlog, and the events it gave up on.
import type { Tx } from "../db/client.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { forbidden } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { z } from "zod";

/** Each listener's state and how many events lie after its position (also read by the soak benchmark). */
export const LISTENER_STATUS_SQL = `
  SELECT l.name, l.attempts, l."lastError", l."retryAt", l."leasedBy", l."updatedAt",
         (SELECT count(*)::int FROM "DomainEvent" e WHERE (e.txid, e.id) > (l."afterTxid"::text::xid8, l."afterId")) AS backlog,
         (SELECT count(*)::int FROM "DeadLetter" d WHERE d.listener = l.name AND d."replayedAt" IS NULL) AS "deadLetters"
  FROM "EventListener" l ORDER BY l.name`;

export interface ListenerStatus {
  name: string;
  attempts: number;
  lastError: string | null;
  retryAt: Date | null;
  leasedBy: string | null;
  updatedAt: Date;
  backlog: number;
  deadLetters: number;
}

export async function listenerStatus(db: Tx, user: AuthUser): Promise<ListenerStatus[]> {
  if (!can(user, "system.monitor")) throw forbidden();
  return db.$queryRawUnsafe<ListenerStatus[]>(LISTENER_STATUS_SQL);
}

export const DeadLetterQuerySchema = z.object({
  listener: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1, "validation.limit").max(200, "validation.limit").default(50),
  /** The id of the last dead letter of the previous page. */
  cursor: z.string().regex(/^\d{1,18}$/, "validation.cursor").optional(),
});

export async function listDeadLetters(db: Tx, user: AuthUser, rawQuery: unknown) {
  if (!can(user, "system.monitor")) throw forbidden();
  const query = parseInput(DeadLetterQuerySchema, rawQuery);
  const rows = await db.deadLetter.findMany({
    where: { ...(query.listener ? { listener: query.listener } : {}), ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const events = await db.domainEvent.findMany({
    where: { id: { in: page.map((d) => d.eventId) } },
    select: { id: true, type: true, ticketId: true, at: true, data: true },
  });
  const byId = new Map(events.map((e) => [e.id, e]));
  return {
    items: page.map((d) => ({
      id: d.id.toString(),
      listener: d.listener,
      error: d.error,
      attempts: d.attempts,
      createdAt: d.createdAt,
      event: byId.has(d.eventId)
        ? { id: d.eventId.toString(), type: byId.get(d.eventId)!.type, ticketId: byId.get(d.eventId)!.ticketId, at: byId.get(d.eventId)!.at, data: byId.get(d.eventId)!.data }
        : null,
    })),
    nextCursor: rows.length > query.limit ? page[page.length - 1].id.toString() : null,
  };
}
