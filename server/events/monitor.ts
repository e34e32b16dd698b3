// For admins: how the after-commit work is doing. Each durable listener's
// position, retry state and backlog, and the events it gave up on.
import type { Tx } from "../db/client.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { forbidden, notFound } from "../errors.ts";
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

export const ListenerQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The name of the last listener of the previous page. */
  cursor: z.string().max(100, "validation.cursor").optional(),
});

/** Listeners by name, a page at a time (there are few; the API pages every list alike). */
export async function listenerStatus(db: Tx, user: AuthUser, rawQuery: unknown = {}) {
  if (!can(user, "system.monitor")) throw forbidden();
  const query = parseInput(ListenerQuerySchema, rawQuery);
  const all = await db.$queryRawUnsafe<ListenerStatus[]>(LISTENER_STATUS_SQL);
  const after = query.cursor ? all.filter((l) => l.name > query.cursor!) : all;
  const items = after.slice(0, query.limit);
  return { items, nextCursor: after.length > query.limit ? items[items.length - 1].name : null };
}

export const DeadLetterQuerySchema = z.object({
  listener: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1, "validation.limit").max(200, "validation.limit").default(50),
  /** The id of the last dead letter of the previous page. */
  cursor: z.string().regex(/^\d{1,18}$/, "validation.cursor").optional(),
});

/** Dead letters not replayed yet, newest first. */
export async function listDeadLetters(db: Tx, user: AuthUser, rawQuery: unknown) {
  if (!can(user, "system.monitor")) throw forbidden();
  const query = parseInput(DeadLetterQuerySchema, rawQuery);
  const rows = await db.deadLetter.findMany({
    where: {
      replayedAt: null,
      ...(query.listener ? { listener: query.listener } : {}),
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const events = await db.domainEvent.findMany({
    where: { id: { in: page.map((d) => d.eventId) } },
    select: { id: true, type: true, ticketId: true, at: true, data: true },
  });
  const byId = new Map(events.map((e) => [e.id, { ...e, id: e.id.toString() }]));
  return {
    items: page.map((d) => deadLetterJson(d, byId.get(d.eventId) ?? null)),
    nextCursor: rows.length > query.limit ? page[page.length - 1].id.toString() : null,
  };
}

const deadLetterJson = (
  d: { id: bigint; listener: string; error: string; attempts: number; createdAt: Date; replayRequestedAt: Date | null },
  event: { id: string; type: string; ticketId: string | null; at: Date; data: unknown } | null,
) => ({
  id: d.id.toString(),
  listener: d.listener,
  error: d.error,
  attempts: d.attempts,
  createdAt: d.createdAt,
  replayRequestedAt: d.replayRequestedAt,
  event,
});

export const DeadLetterIdSchema = z.object({ id: z.string().regex(/^\d{1,18}$/) });

/** Asks the listener to try a dead letter again (once the cause is fixed); its runner does so within seconds. */
export async function requestReplay(db: Tx, user: AuthUser, id: string) {
  if (!can(user, "system.monitor")) throw forbidden();
  const row = await db.deadLetter
    .update({ where: { id: BigInt(id), replayedAt: null }, data: { replayRequestedAt: new Date() } })
    .catch(() => null); // not found, or already replayed
  if (!row) throw notFound();
  return deadLetterJson(row, null);
}
