// Reading the event log after commit, in an order in which no event is ever
// skipped. Ids come from a sequence when a row is inserted, but transactions
// commit in any order: a reader that remembered "the last id I saw" would
// miss an event whose transaction commits after a later one's. Each event
// therefore stores its transaction id (xid8), and readers go by (txid, id):
//
// - below the horizon (the oldest transaction still running, from
//   pg_current_snapshot()), every transaction has finished, so everything
//   there is final and can be read once, in order: a position below the
//   horizon never needs revisiting;
// - above it, some transactions have committed and others not yet. The live
//   reader (realtime) also delivers those at once and remembers them until
//   the horizon passes them, so one long transaction elsewhere does not hold
//   back the agent's screen.
import pg from "pg";
import { singleton } from "../runtime.ts";
import { parseEventRows, type BrokenEvent, type EventRow, type EventType, type StoredEvent } from "./types.ts";

export const EVENTS_CHANNEL = "helpdesk_events";

/**
 * Called by a command after its transaction committed events (see
 * server/events/transaction.ts): this process's readers wake at once, other
 * processes through a NOTIFY. The NOTIFY is sent by the wake-up connection,
 * outside the writing transaction and coalesced: a NOTIFY inside it would
 * serialise every writing commit on PostgreSQL's notification lock, held
 * across the commit's WAL flush (docs/decisions/010).
 */
export function eventsCommitted(): void {
  for (const ring of bells()) ring();
}

// On globalThis: the Remix build's copy of the commands rings the server's Wakeup.
const bells = () => singleton("eventBells", () => new Set<() => void>());

/** Everything at or before this (txid, id) has been handled. */
export interface FeedPosition {
  txid: bigint;
  id: bigint;
}

// `at` is stored as UTC without a zone (Prisma's way): say so, or pg reads it as local time.
const COLUMNS = `e.id::text AS id, e.txid::text AS txid, e.type, e."ticketId", e."customerId", e."actorId",
  e.at AT TIME ZONE 'UTC' AS at, e.data`;

type Row = EventRow;


/**
 * Events after `after` whose transactions have all finished, in (txid, id)
 * order. `next` is where to continue: the last event returned, or the horizon
 * itself when there were fewer than `limit` (nothing below it is left).
 */
export async function readFinished(
  pool: pg.Pool,
  after: FeedPosition,
  types: readonly EventType[] | null,
  limit: number,
): Promise<{ events: StoredEvent[]; broken: BrokenEvent[]; next: FeedPosition; horizon: bigint; pendingAbove: boolean }> {
  // Named: planned once per connection, not at every read (the plan cost more than the read).
  const { rows } = await pool.query<Row & { horizon: string; pending_above: boolean }>({
    name: "feed-read-finished",
    text: `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS horizon,
            EXISTS (SELECT 1 FROM "DomainEvent" p WHERE p.txid >= h.xmin) AS pending_above,
            ev.*
     FROM h LEFT JOIN LATERAL (
       SELECT ${COLUMNS} FROM "DomainEvent" e
       WHERE (e.txid, e.id) > ($1::text::xid8, $2::bigint) AND e.txid < h.xmin
         AND ($3::text[] IS NULL OR e.type = ANY($3::text[]))
       ORDER BY e.txid, e.id
       LIMIT $4
     ) ev ON true`,
    values: [after.txid.toString(), after.id.toString(), types, limit],
  });
  const horizon = BigInt(rows[0].horizon);
  const pendingAbove = rows[0].pending_above;
  const found = rows.filter((r) => r.id !== null);
  const last = found.at(-1);
  const next = found.length === limit && last ? { txid: BigInt(last.txid), id: BigInt(last.id) } : { txid: horizon, id: 0n };
  return { ...parseEventRows(found), next: maxPosition(after, next), horizon, pendingAbove };
}

/** The transactions a snapshot saw as running or not yet started: only they can have committed since. */
interface SnapshotBound {
  xmax: bigint;
  xip: bigint[];
}

const ABOVE_LIMIT = 1000;

/**
 * Events above the horizon whose transactions have committed, from the
 * transactions that were running or not yet started at the last read only
 * (`since`), after `after` in (txid, id) order, at most ABOVE_LIMIT.
 */
async function readCommittedAbove(
  pool: pg.Pool,
  horizon: bigint,
  since: SnapshotBound | null,
  after: FeedPosition | null,
  types: readonly EventType[] | null,
): Promise<{ events: StoredEvent[]; broken: BrokenEvent[]; full: boolean; last: FeedPosition | null; snapshot: SnapshotBound }> {
  const { rows } = await pool.query<Row & { xmax: string; xip: string[] | null }>({
    name: "feed-read-committed-above",
    text: `WITH s AS (SELECT pg_current_snapshot() AS snap)
     SELECT pg_snapshot_xmax(s.snap)::text AS xmax,
            (SELECT array_agg(x::text) FROM pg_snapshot_xip(s.snap) x) AS xip,
            ev.*
     FROM s LEFT JOIN LATERAL (
       SELECT ${COLUMNS} FROM "DomainEvent" e
       WHERE e.txid >= $1::text::xid8
         AND ($2::text IS NULL OR e.txid >= $2::text::xid8 OR e.txid = ANY($3::text[]::xid8[]))
         AND ($4::text IS NULL OR (e.txid, e.id) > ($4::text::xid8, $5::bigint))
         AND ($6::text[] IS NULL OR e.type = ANY($6::text[]))
       ORDER BY e.txid, e.id
       LIMIT ${ABOVE_LIMIT}
     ) ev ON true`,
    values: [
      horizon.toString(),
      since?.xmax.toString() ?? null,
      (since?.xip ?? []).map(String),
      after?.txid.toString() ?? null,
      after?.id.toString() ?? null,
      types,
    ],
  });
  const first = rows[0];
  const found = rows.filter((r) => r.id !== null);
  const last = found.at(-1);
  return {
    ...parseEventRows(found),
    full: found.length === ABOVE_LIMIT,
    last: last ? { txid: BigInt(last.txid), id: BigInt(last.id) } : null,
    snapshot: { xmax: BigInt(first.xmax), xip: (first.xip ?? []).map((x) => BigInt(x)) },
  };
}

/** Given events by id (replaying dead letters); those gone (deleted with their ticket) are simply absent. */
export async function readEventsById(pool: pg.Pool, ids: bigint[]): Promise<{ events: StoredEvent[]; broken: BrokenEvent[] }> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM "DomainEvent" e WHERE e.id = ANY($1::bigint[])`, [
    ids.map(String),
  ]);
  return parseEventRows(rows);
}

/** Where the log ends now: a reader starting here gets only events committed from now on. */
export async function currentPosition(pool: pg.Pool | pg.Client): Promise<FeedPosition> {
  const { rows } = await pool.query<{ xmin: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
  return { txid: BigInt(rows[0].xmin), id: 0n };
}

export function maxPosition(a: FeedPosition, b: FeedPosition): FeedPosition {
  if (a.txid !== b.txid) return a.txid > b.txid ? a : b;
  return a.id >= b.id ? a : b;
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** A position as a client keeps it ("txid:id"), and back; null for anything else. */
export const formatPosition = (p: FeedPosition) => `${p.txid}:${p.id}`;
export function parsePosition(text: unknown): FeedPosition | null {
  if (typeof text !== "string") return null;
  const match = /^(\d{1,19}):(\d{1,19})$/.exec(text);
  if (!match) return null;
  const position = { txid: BigInt(match[1]), id: BigInt(match[2]) };
  // Within bigint (ids) and xid8 as PostgreSQL reads them.
  return position.txid <= MAX_BIGINT && position.id <= MAX_BIGINT ? position : null;
}

export const comparePositions = (a: FeedPosition, b: FeedPosition) =>
  a.txid === b.txid ? (a.id === b.id ? 0 : a.id < b.id ? -1 : 1) : a.txid < b.txid ? -1 : 1;

/**
 * The live reader: hands each committed event to `deliver` once, as soon as
 * its transaction has committed, in batches. Its position lives in memory
 * (a process delivers to its own sockets, from the moment it starts).
 */
export class LiveReader {
  private floor: FeedPosition;
  /** Events above the floor already delivered, by id. */
  private delivered = new Map<bigint, bigint>();
  /** What the last read above the horizon saw, and where it stopped when it hit its limit. */
  private snapshot: SnapshotBound | null = null;
  private aboveAfter: FeedPosition | null = null;

  constructor(
    private pool: pg.Pool,
    start: FeedPosition,
    private types: readonly EventType[] | null,
    private onBroken: (event: BrokenEvent) => void,
    private batchSize = 500,
  ) {
    this.floor = start;
  }

  /** Everything at or before this position has been handed to `deliver` (later events may have been too). */
  get position(): FeedPosition {
    return this.floor;
  }

  /** Reads what has committed since the last call; `more` when a full batch suggests more is waiting. */
  async poll(deliver: (events: StoredEvent[]) => Promise<void>): Promise<{ more: boolean }> {
    const below = await readFinished(this.pool, this.floor, this.types, this.batchSize);
    if (below.horizon < this.floor.txid) {
      // Transaction ids went back (a restored backup, a promoted replica): start again from the end of the log.
      this.floor = { txid: below.horizon, id: 0n };
      this.delivered.clear();
      this.snapshot = null;
      this.aboveAfter = null;
      return { more: true };
    }
    const fresh = below.events.filter((e) => !this.delivered.has(e.id));
    if (fresh.length > 0) await deliver(fresh);
    below.broken.filter((e) => !this.delivered.has(e.id)).forEach(this.onBroken);
    this.floor = below.next;
    for (const [id, txid] of this.delivered) if (txid < this.floor.txid) this.delivered.delete(id);
    const more = below.events.length + below.broken.length === this.batchSize;
    if (more || !below.pendingAbove) {
      this.snapshot = null;
      this.aboveAfter = null;
      return { more };
    }

    const above = await readCommittedAbove(this.pool, below.horizon, this.snapshot, this.aboveAfter, this.types);
    const early = above.events.filter((e) => !this.delivered.has(e.id) && comparePositions(e, this.floor) > 0);
    if (early.length > 0) await deliver(early);
    for (const e of early) this.delivered.set(e.id, e.txid);
    for (const e of above.broken) {
      if (this.delivered.has(e.id)) continue;
      this.onBroken(e);
      this.delivered.set(e.id, e.txid);
    }
    // A full page: continue from its end with the same bound next time (nothing is skipped).
    if (above.full) {
      this.aboveAfter = above.last;
      return { more: true };
    }
    this.snapshot = above.snapshot;
    this.aboveAfter = null;
    return { more: false };
  }
}

/**
 * One LISTEN connection per process that wakes the readers when a
 * transaction with events commits. It reconnects by itself (with backoff)
 * after the server restarts or the connection drops, and wakes everyone on
 * reconnect so nothing committed meanwhile waits for the next poll.
 */
export class Wakeup {
  private client?: pg.Client;
  private stopped = false;
  private retryMs = 250;
  private timer?: NodeJS.Timeout;
  private listeners = new Set<() => void>();
  /** Other channels this connection listens on (presence), with what to do with each message. */
  private channels = new Map<string, (payload: string) => void>();
  private notifying = false;
  private notifyAgain = false;
  connected = false;

  constructor(
    private databaseUrl: string,
    private onError: (error: Error, context: string) => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    bells().add(this.ring);
    await this.connect();
  }

  /**
   * Short-lived signals between processes on the same connection (every
   * process, this one included, receives each message). Lost while the
   * connection is down: only for what is sent again anyway (heartbeats).
   */
  async listen(channel: string, onMessage: (payload: string) => void): Promise<void> {
    this.channels.set(channel, onMessage);
    const client = this.client;
    if (client) await this.inTurn(client, `LISTEN ${channel}`);
  }

  /** Sends a signal to every process's listener of `channel`; dropped while reconnecting. */
  publish(channel: string, payload: string): void {
    const client = this.client;
    if (!client) return;
    this.inTurn(client, "SELECT pg_notify($1, $2)", [channel, payload]).catch((error: Error) => this.onError(error, `notify ${channel}`));
  }

  /** One statement at a time on the connection: pg queues them, but asks not to be given two at once. */
  private turn: Promise<unknown> = Promise.resolve();
  private inTurn(client: pg.Client, text: string, values?: unknown[]): Promise<unknown> {
    const run = this.turn.then(
      () => client.query(text, values),
      () => client.query(text, values),
    );
    this.turn = run.catch(() => {});
    return run;
  }

  private wakeAll() {
    for (const listener of this.listeners) listener();
  }

  /** Events were committed here: wake our readers now and tell the other processes. */
  private ring = () => {
    this.wakeAll();
    this.notifyOthers();
  };

  /** One NOTIFY in flight at a time; commits meanwhile share the next one. */
  private notifyOthers() {
    const client = this.client;
    if (!client) return; // reconnecting: the others' safety-net poll finds the events
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    this.inTurn(client, `NOTIFY ${EVENTS_CHANNEL}`)
      .catch((error: Error) => this.onError(error, "event wake-up notify"))
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.notifyOthers();
        }
      });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5_000, keepAlive: true });
    client.on("error", (error) => {
      this.onError(error, "event wake-up connection");
      this.lost(client);
    });
    client.on("end", () => this.lost(client));
    // Our own NOTIFY comes back too: our readers were woken when we sent it.
    client.on("notification", (message) => {
      const signal = this.channels.get(message.channel);
      if (signal) signal(message.payload ?? "");
      else if (message.processId !== (client as unknown as { processID: number }).processID) this.wakeAll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
      if (this.stopped) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.connected = true;
      this.retryMs = 250;
      this.wakeAll(); // catch up on whatever committed while we were away
    } catch (error) {
      this.onError(error as Error, "event wake-up connect");
      client.end().catch(() => {});
      this.scheduleReconnect();
    }
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(5_000, this.retryMs * 2);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    bells().delete(this.ring);
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => {});
  }
}


/**
 * Runs `work` whenever woken (coalescing wake-ups that arrive meanwhile), and
 * at least every `pollMs` as a safety net; again at once while it reports
 * "more". Errors are reported and retried on the next wake-up; nothing is thrown.
 */
export class Loop {
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private work: () => Promise<"idle" | "more">,
    private onError: (error: Error) => void,
    private pollMs = 1_000,
    /**
     * Woken again while it worked (under load): wait this long first, so the
     * commits arriving meanwhile are read as one batch instead of one read each.
     */
    private gatherMs = 5,
  ) {}

  start() {
    this.kick();
  }

  kick = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = true;
    this.idle = this.run();
  };

  private async run() {
    try {
      do {
        this.again = false;
        while ((await this.work()) === "more" && !this.stopped);
        if (this.again && !this.stopped) await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
      } while (this.again && !this.stopped);
    } catch (error) {
      this.onError(error as Error);
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.timer = setTimeout(this.kick, this.pollMs);
  }

  /** Resolves once the current run (if any) has finished. */
  async settle(): Promise<void> {
    await this.idle;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.idle;
  }
}
