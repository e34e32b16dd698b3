// emit(tx, events): the one way a command records what it did. In the
// command's transaction it appends the events to the log (one INSERT) and
// runs the in-transaction listeners, whose work must commit together with the
// change (health score, survey creation). Everything else reads the log after
// commit (server/events/feed.ts), woken when the command's transaction
// commits (server/events/transaction.ts).
import type { Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";
import { inTransactionListeners } from "../listeners/index.ts";
import { EVENT_DATA, type EventType, type NewEvent } from "./types.ts";
import { noteAppended } from "./transaction.ts";

export interface InTransactionListener {
  name: string;
  on: readonly EventType[];
  /** Runs inside the writing transaction; may return further events (e.g. the health band moved). */
  handle(sql: Sql, events: NewEvent[]): Promise<NewEvent[] | void>;
}

/** Listeners emitting events that trigger listeners…: a bound against accidental loops. */
const MAX_DEPTH = 3;

/** `tx` is the command's transaction (server/events/transaction.ts), Prisma's or plain SQL's. */
export async function emit(tx: Tx | Sql, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  noteAppended(tx);
  await appendAndHandle(asSql(tx), events, 0);
}

async function appendAndHandle(sql: Sql, events: NewEvent[], depth: number): Promise<void> {
  if (events.length === 0) return;
  await appendEvents(sql, events);
  const follow: NewEvent[] = [];
  for (const listener of inTransactionListeners()) {
    const mine = events.filter((e) => listener.on.includes(e.type));
    if (mine.length === 0) continue;
    const more = await listener.handle(sql, mine);
    if (more) follow.push(...more);
  }
  if (follow.length === 0) return;
  if (depth >= MAX_DEPTH) throw new Error(`Event loop: ${follow.map((e) => e.type).join(", ")} emitted at depth ${depth}`);
  await appendAndHandle(sql, follow, depth + 1);
}

async function appendEvents(sql: Sql, events: NewEvent[]) {
  // Checked on the way in: a malformed event is a bug in the command and must never reach the readers.
  for (const e of events) EVENT_DATA[e.type].parse(e.data);
  const rows = events.map((e) => ({
    type: e.type,
    ticketId: e.ticketId ?? null,
    customerId: e.customerId ?? null,
    actorId: e.actorId,
    at: e.at.toISOString(),
    data: e.data,
  }));
  await sql.query(
    `INSERT INTO "DomainEvent" ("type", "ticketId", "customerId", "actorId", "at", "data")
     SELECT x.type, x."ticketId", x."customerId", x."actorId", x.at, x.data
     FROM jsonb_to_recordset($1::jsonb)
       AS x(type text, "ticketId" text, "customerId" text, "actorId" text, at timestamp(3), data jsonb)`,
    [JSON.stringify(rows)],
  );
}
