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
import { Loop, readFinished, type FeedPosition, type Wakeup } from "./feed.ts";
import type { EventType, StoredEvent } from "./types.ts";

export interface DurableListener {
  name: string;
  on: readonly EventType[];
  /** Handles a batch in log order. Throwing retries it (with backoff), event by event. */
  handle(events: StoredEvent[]): Promise<void>;
}

/** Attempts of one event before it is set aside as a dead letter. */
export const MAX_ATTEMPTS = 8;
const LEASE_MS = 30_000;
const BATCH = 200;

/** Backoff after the n-th failed attempt: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

interface ListenerRow {
  afterTxid: string;
  afterId: string;
  attempts: number;
  retryAt: Date | null;
  leaseUntil: Date;
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
      this.loops.push(new Loop(() => state.step(), (e) => this.onError(e, `listener ${listener.name}`), this.pollMs));
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
  private savedAt = 0;

  constructor(
    private pool: pg.Pool,
    private listener: DurableListener,
    private owner: string,
    private onError: (error: Error, context: string) => void,
    private retry: RetryPolicy,
  ) {}

  async step(): Promise<"idle" | "more"> {
    if (!(await this.holdLease())) return "idle";
    if (Date.now() < this.retryAt) return "idle";
    const batch = await readFinished(this.pool, this.position!, this.listener.on, BATCH);
    if (batch.events.length === 0) {
      this.position = batch.next;
      // Moving past events of no interest needs saving only now and then.
      if (Date.now() - this.savedAt > 5_000) await this.save();
      return "idle";
    }
    try {
      await this.listener.handle(batch.events);
      this.position = batch.next;
      this.attempts = 0;
      await this.save();
    } catch {
      await this.oneByOne(batch.events);
    }
    return batch.events.length === BATCH ? "more" : "idle";
  }

  /** After a failed batch: handle events singly, so only the failing one waits (and finally dead-letters). */
  private async oneByOne(events: StoredEvent[]) {
    for (const event of events) {
      try {
        await this.listener.handle([event]);
        this.position = { txid: event.txid, id: event.id };
        this.attempts = 0;
      } catch (error) {
        this.attempts += 1;
        const message = String((error as Error)?.message ?? error).slice(0, 2000);
        this.onError(error as Error, `listener ${this.listener.name}, event ${event.id} (${event.type}), attempt ${this.attempts}`);
        if (this.attempts >= this.retry.maxAttempts) {
          await this.pool.query(
            `INSERT INTO "DeadLetter" (listener, "eventId", error, attempts) VALUES ($1, $2, $3, $4)
             ON CONFLICT (listener, "eventId") DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, "replayedAt" = NULL`,
            [this.listener.name, event.id.toString(), message, this.attempts],
          );
          this.position = { txid: event.txid, id: event.id };
          this.attempts = 0;
          continue;
        }
        this.retryAt = Date.now() + this.retry.delayMs(this.attempts);
        await this.save(message);
        return;
      }
    }
    await this.save();
  }

  private async save(lastError: string | null = null) {
    await this.pool.query(
      `UPDATE "EventListener" SET "afterTxid" = $2, "afterId" = $3, attempts = $4, "lastError" = $5,
         "retryAt" = $6, "updatedAt" = now()
       WHERE name = $1 AND "leasedBy" = $7`,
      [
        this.listener.name,
        this.position!.txid.toString(),
        this.position!.id.toString(),
        this.attempts,
        lastError,
        this.retryAt > Date.now() ? new Date(this.retryAt) : null,
        this.owner,
      ],
    );
    this.savedAt = Date.now();
  }

  /** Takes or renews the lease; renews only when half of it has run out, to keep writes rare. */
  private async holdLease(): Promise<boolean> {
    if (this.position && Date.now() < this.leaseUntil - LEASE_MS / 2) return true;
    const { rows } = await this.pool.query<ListenerRow>(
      `UPDATE "EventListener" SET "leasedBy" = $2, "leaseUntil" = now() + ($3::int * interval '1 millisecond')
       WHERE name = $1 AND ("leasedBy" IS NULL OR "leasedBy" = $2 OR "leaseUntil" < now())
       RETURNING "afterTxid"::text AS "afterTxid", "afterId"::text AS "afterId", attempts, "retryAt", "leaseUntil"`,
      [this.listener.name, this.owner, LEASE_MS],
    );
    if (rows.length === 0) {
      this.position = undefined; // someone else runs it; read its progress again if we take over
      return false;
    }
    const row = rows[0];
    if (!this.position) {
      // Taking over (or starting): continue from the stored progress.
      this.position = { txid: BigInt(row.afterTxid), id: BigInt(row.afterId) };
      this.attempts = row.attempts;
      this.retryAt = row.retryAt?.getTime() ?? 0;
    }
    this.leaseUntil = Date.now() + LEASE_MS;
    return true;
  }
}
