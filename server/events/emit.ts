// emit(tx, events): the one way a command records what it did. In the
// command's transaction it appends the events to the log (one INSERT, whose
// trigger NOTIFYs the readers on commit) and runs the in-transaction
// listeners, whose work must commit together with the change (health score,
// survey creation, SLA timers). Everything else reads the log after commit
// (server/events/feed.ts).
import type { Tx } from "../db/client.ts";
import { inTransactionListeners } from "../listeners/index.ts";
import { EVENT_DATA, type EventType, type NewEvent } from "./types.ts";

export interface InTransactionListener {
  name: string;
  on: readonly EventType[];
  /** Runs inside the writing transaction; may return further events (e.g. the health band moved). */
  handle(tx: Tx, events: NewEvent[]): Promise<NewEvent[] | void>;
}

/** Listeners emitting events that trigger listeners…: a bound against accidental loops. */
const MAX_DEPTH = 3;

export async function emit(tx: Tx, events: NewEvent[], depth = 0): Promise<void> {
  if (events.length === 0) return;
  await appendEvents(tx, events);
  const follow: NewEvent[] = [];
  for (const listener of inTransactionListeners()) {
    const mine = events.filter((e) => listener.on.includes(e.type));
    if (mine.length === 0) continue;
    const more = await listener.handle(tx, mine);
    if (more) follow.push(...more);
  }
  if (follow.length === 0) return;
  if (depth >= MAX_DEPTH) throw new Error(`Event loop: ${follow.map((e) => e.type).join(", ")} emitted at depth ${depth}`);
  await emit(tx, follow, depth + 1);
}

async function appendEvents(tx: Tx, events: NewEvent[]) {
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
  await tx.$executeRawUnsafe(
    `INSERT INTO "DomainEvent" ("type", "ticketId", "customerId", "actorId", "at", "data")
     SELECT x.type, x."ticketId", x."customerId", x."actorId", x.at, x.data
     FROM jsonb_to_recordset($1::jsonb)
       AS x(type text, "ticketId" text, "customerId" text, "actorId" text, at timestamp(3), data jsonb)`,
    JSON.stringify(rows),
  );
}
