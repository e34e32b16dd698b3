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
// A change, the rules it runs, the SLA escalation their change brings, the rules that runs, …: 6 levels.
const MAX_DEPTH = 6;

/** `tx` is the command's transaction (server/events/transaction.ts), Prisma's or plain SQL's. */
export async function emit(tx: Tx | Sql, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  noteAppended(tx);
  await appendAndHandle(asSql(tx), events, 0);
}

/**
 * For the busiest command (filing a ticket), which appends its events in its
 * own INSERT statement: one round trip less. `appendingEvents` checks the
 * events and the transaction and gives the parameter of appendEventsSql;
 * after the statement, `emitted` runs what emit() runs once events are in the log.
 */
export function appendingEvents(tx: Tx | Sql, events: NewEvent[]): string {
  noteAppended(tx);
  return eventsJson(events);
}

export async function emitted(tx: Tx | Sql, events: NewEvent[]): Promise<void> {
  await handle(asSql(tx), events, 0);
}

async function appendAndHandle(sql: Sql, events: NewEvent[], depth: number): Promise<void> {
  if (events.length === 0) return;
  await sql.query(appendEventsSql("$1"), [eventsJson(events)]);
  await handle(sql, events, depth);
}

async function handle(sql: Sql, events: NewEvent[], depth: number): Promise<void> {
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

/** The events as the JSON parameter appendEventsSql reads, each checked against its type's schema. */
function eventsJson(events: NewEvent[]): string {
  // Checked on the way in: a malformed event is a bug in the command and must never reach the readers.
  for (const e of events) EVENT_DATA[e.type].parse(e.data);
  return JSON.stringify(
    events.map((e) => ({
      type: e.type,
      ticketId: e.ticketId ?? null,
      customerId: e.customerId ?? null,
      actorId: e.actorId,
      at: e.at.toISOString(),
      data: e.data,
    })),
  );
}

/** The INSERT appending the events of eventsJson, given as the parameter `param` (e.g. "$1"). */
export function appendEventsSql(param: string): string {
  return `INSERT INTO "DomainEvent" ("type", "ticketId", "customerId", "actorId", "at", "data")
     SELECT x.type, x."ticketId", x."customerId", x."actorId", x.at, x.data
     FROM jsonb_to_recordset(${param}::jsonb)
       AS x(type text, "ticketId" text, "customerId" text, "actorId" text, at timestamp(3), data jsonb)`;
}
