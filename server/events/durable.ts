// Durable after-commit listeners (search indexing; later mail, webhooks,
// automations). Each has its own position in the event log, its own retries
// with backoff and its own dead letters, so a failing indexer never holds up
// or re-runs anything else. One process at a time runs a listener (a lease in
// its EventListener row, taken over when its holder stops renewing it), and
// no database transaction is open while it works, so a slow Meilisearch
// holds nothing up in PostgreSQL. Delivery is at least once: listeners are
// idempotent (an upsert by id, a message keyed by event id).
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { Loop, readEventsById, readFinished, type FeedPosition, type Wakeup } from "./feed.ts";
import type { EventType, StoredEvent } from "./types.ts";

export interface DurableListener {
  name: string;
  on: readonly EventType[];
  /** Handles a batch in log order. Throwing retries it (with backoff), event by event. */
  handle(events: StoredEvent[]): Promise<void>;
}

/** Attempts of one event before it is set aside as a dead letter: with the backoff below, about 18 minutes. */
export const MAX_ATTEMPTS = 12;
const LEASE_MS = 30_000;
const BATCH = 200;
/**
 * Under load, a durable listener reads at most about this often: its work
 * (timers, indexing) can wait a tenth of a second, and each read it saves is a
 * query per listener per commit.
 */
const DURABLE_GATHER_MS = 100;
/** How often the runner looks for dead letters an admin asked to replay. */
const REPLAY_CHECK_MS = 2_000;

/** Backoff after the n-th failed attempt: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

interface ListenerRow {
  afterTxid: string;
  afterId: string;
  attempts: number;
  retryAt: Date | null;
  /** Who held the lease before this update: someone else (or nobody) means we take over. */
  heldBy: string | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  delayMs(attempts: number): number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: MAX_ATTEMPTS, delayMs: retryDelayMs };

export class DurableRunner {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private loops: Loop[] = [];
  private unsubscribe?: () => void;

  constructor(
    private pool: pg.Pool,
    private wakeup: Wakeup,
    private listeners: readonly DurableListener[],
    private onError: (error: Error, context: string) => void,
    private retry: RetryPolicy = DEFAULT_RETRY,
    private pollMs = 1_000,
  ) {}

  async start(): Promise<void> {
    for (const listener of this.listeners) {
      // A listener added later starts at the end of the log: it does not replay history.
      await this.pool.query(
        `INSERT INTO "EventListener" (name, "afterTxid", "afterId", "updatedAt")
         VALUES ($1, pg_snapshot_xmin(pg_current_snapshot())::text::bigint, 0, now())
         ON CONFLICT (name) DO NOTHING`,
        [listener.name],
      );
      const state = new ListenerState(this.pool, listener, this.owner, this.onError, this.retry);
      this.loops.push(
        new Loop(() => state.step(), (e) => this.onError(e, `listener ${listener.name}`), this.pollMs, DURABLE_GATHER_MS),
      );
    }
    this.unsubscribe = this.wakeup.subscribe(() => this.loops.forEach((loop) => loop.kick()));
    this.loops.forEach((loop) => loop.start());
  }

  /** Runs every listener until nothing due is left (tests, shutdown). */
  async drain(): Promise<void> {
    for (const loop of this.loops) {
      loop.kick();
      await loop.settle();
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.loops.map((loop) => loop.stop()));
    // Let another process take over at once instead of waiting for the lease to run out.
    await this.pool
      .query(`UPDATE "EventListener" SET "leasedBy" = NULL, "leaseUntil" = NULL WHERE "leasedBy" = $1`, [this.owner])
      .catch(() => {});
  }
}

class ListenerState {
  private position?: FeedPosition;
  private leaseUntil = 0;
  private retryAt = 0;
  private attempts = 0;
  private lastError: string | null = null;
  private savedAt = 0;
  private replayCheckedAt = 0;

  constructor(
    private pool: pg.Pool,
    private listener: DurableListener,
    private owner: string,
    private onError: (error: Error, context: string) => void,
    private retry: RetryPolicy,
  ) {}

  async step(): Promise<"idle" | "more"> {
    if (!(await this.holdLease())) return "idle";
    if (Date.now() - this.replayCheckedAt > REPLAY_CHECK_MS) await this.replayRequested();
    if (Date.now() < this.retryAt) return "idle";
    const batch = await readFinished(this.pool, this.position!, this.listener.on, BATCH);
    if (batch.horizon < this.position!.txid) {
      // Transaction ids went back (a restored backup, a promoted replica): take the stored position again.
      this.dropState();
      return "idle";
    }
    // Rows this release cannot read never succeed: set aside at once, for a person to look at.
    for (const broken of batch.broken) await this.deadLetter(broken.id, `unreadable event: ${broken.error}`, 0);
    if (batch.events.length === 0) {
      this.position = batch.next;
      // Moving past events of no interest needs saving only now and then.
      if (batch.broken.length > 0 || Date.now() - this.savedAt > 5_000) await this.save();
      return "idle";
    }
    const kept = await this.whileLeased(async () => {
      try {
        await this.listener.handle(batch.events);
        this.position = batch.next;
        this.attempts = 0;
        this.lastError = null;
      } catch {
        await this.oneByOne(batch.events);
      }
    });
    if (!kept) return "idle";
    await this.save();
    return batch.events.length + batch.broken.length === BATCH ? "more" : "idle";
  }

  /** After a failed batch: handle events singly, so only the failing one waits (and finally dead-letters). */
  private async oneByOne(events: StoredEvent[]) {
    for (const event of events) {
      try {
        await this.listener.handle([event]);
        this.position = { txid: event.txid, id: event.id };
        this.attempts = 0;
        this.lastError = null;
      } catch (error) {
        this.attempts += 1;
        const message = String((error as Error)?.message ?? error).slice(0, 2000);
        this.onError(error as Error, `listener ${this.listener.name}, event ${event.id} (${event.type}), attempt ${this.attempts}`);
        if (this.attempts >= this.retry.maxAttempts) {
          await this.deadLetter(event.id, message, this.attempts);
          this.position = { txid: event.txid, id: event.id };
          this.attempts = 0;
          this.lastError = null;
          continue;
        }
        this.retryAt = Date.now() + this.retry.delayMs(this.attempts);
        this.lastError = message;
        return;
      }
    }
  }

  /** Dead letters an admin asked to try again (after fixing the cause): once each; a new failure sets it aside again. */
  private async replayRequested() {
    this.replayCheckedAt = Date.now();
    const { rows } = await this.pool.query<{ id: string; eventId: string }>(
      `SELECT id::text, "eventId"::text FROM "DeadLetter"
       WHERE listener = $1 AND "replayRequestedAt" IS NOT NULL AND "replayedAt" IS NULL ORDER BY id LIMIT 20`,
      [this.listener.name],
    );
    if (rows.length === 0) return;
    const { events } = await readEventsById(this.pool, rows.map((r) => BigInt(r.eventId)));
    for (const row of rows) {
      const event = events.find((e) => e.id === BigInt(row.eventId));
      let error: string | null = event ? null : "the event can no longer be read";
      if (event) {
        try {
          await this.listener.handle([event]);
        } catch (e) {
          error = String((e as Error)?.message ?? e).slice(0, 2000);
        }
      }
      await this.pool.query(
        error === null
          ? `UPDATE "DeadLetter" SET "replayedAt" = now() WHERE id = $1`
          : `UPDATE "DeadLetter" SET "replayRequestedAt" = NULL, error = $2, attempts = attempts + 1 WHERE id = $1`,
        error === null ? [row.id] : [row.id, error],
      );
    }
  }

  private async deadLetter(eventId: bigint, error: string, attempts: number) {
    await this.pool.query(
      `INSERT INTO "DeadLetter" (listener, "eventId", error, attempts) VALUES ($1, $2, $3, $4)
       ON CONFLICT (listener, "eventId") DO UPDATE
         SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, "replayRequestedAt" = NULL, "replayedAt" = NULL`,
      [this.listener.name, eventId.toString(), error, attempts],
    );
  }

  /**
   * Runs `work` while renewing the lease, so a slow batch keeps it. If the
   * lease was lost meanwhile (we stalled and another process took over), our
   * progress is dropped: the new holder goes on from the stored position.
   */
  private async whileLeased(work: () => Promise<void>): Promise<boolean> {
    let lost = false;
    const renew = setInterval(() => {
      this.renew().then(
        (ok) => (lost ||= !ok),
        (error) => this.onError(error as Error, `listener ${this.listener.name} lease`),
      );
    }, LEASE_MS / 3);
    try {
      await work();
    } finally {
      clearInterval(renew);
    }
    if (lost) this.dropState();
    return !lost;
  }

  private dropState() {
    this.position = undefined;
    this.leaseUntil = 0;
  }

  private async renew(): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE "EventListener" SET "leaseUntil" = now() + ($3::int * interval '1 millisecond') WHERE name = $1 AND "leasedBy" = $2`,
      [this.listener.name, this.owner, LEASE_MS],
    );
    if (rowCount === 1) this.leaseUntil = Date.now() + LEASE_MS;
    return rowCount === 1;
  }

  private async save() {
    const { rowCount } = await this.pool.query(
      `UPDATE "EventListener" SET "afterTxid" = $2, "afterId" = $3, attempts = $4, "lastError" = $5,
         "retryAt" = $6, "updatedAt" = now()
       WHERE name = $1 AND "leasedBy" = $7`,
      [
        this.listener.name,
        this.position!.txid.toString(),
        this.position!.id.toString(),
        this.attempts,
        this.lastError,
        this.retryAt > Date.now() ? new Date(this.retryAt) : null,
        this.owner,
      ],
    );
    // Not ours any more: whoever holds it now continues from the stored position.
    if (rowCount === 0) this.dropState();
    this.savedAt = Date.now();
  }

  /** Takes or renews the lease; renews only when half of it has run out, to keep writes rare. */
  private async holdLease(): Promise<boolean> {
    if (this.position && Date.now() < this.leaseUntil - LEASE_MS / 2) return true;
    const { rows } = await this.pool.query<ListenerRow>(
      `UPDATE "EventListener" l SET "leasedBy" = $2, "leaseUntil" = now() + ($3::int * interval '1 millisecond')
       FROM (SELECT name, "leasedBy" FROM "EventListener" WHERE name = $1 FOR UPDATE) before
       WHERE l.name = before.name AND (l."leasedBy" IS NULL OR l."leasedBy" = $2 OR l."leaseUntil" < now())
       RETURNING l."afterTxid"::text AS "afterTxid", l."afterId"::text AS "afterId", l.attempts, l."retryAt",
                 before."leasedBy" AS "heldBy"`,
      [this.listener.name, this.owner, LEASE_MS],
    );
    if (rows.length === 0) {
      this.dropState(); // someone else runs it
      return false;
    }
    const row = rows[0];
    if (!this.position || row.heldBy !== this.owner) {
      // Starting, or taking over (perhaps back from another process): go on from the stored progress.
      this.position = { txid: BigInt(row.afterTxid), id: BigInt(row.afterId) };
      this.attempts = row.attempts;
      this.retryAt = row.retryAt?.getTime() ?? 0;
    }
    this.leaseUntil = Date.now() + LEASE_MS;
    return true;
  }
}
