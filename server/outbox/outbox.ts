// Transactional outbox. `publish` is called inside the transaction that makes
// a change; NOTIFY is delivered only on commit, so the relay wakes up for
// committed events only. The relay claims rows with SKIP LOCKED, so several
// app processes can run it side by side, and retries failures with backoff.
import pg from "pg";
import type { Tx } from "../db/client.ts";
import { DomainEventSchema, type DomainEvent } from "./events.ts";

const CHANNEL = "helpdesk_outbox";

export async function publish(tx: Tx, event: DomainEvent): Promise<void> {
  await tx.outboxEvent.create({ data: { topic: event.topic, payload: event.payload } });
  await tx.$executeRaw`SELECT pg_notify(${CHANNEL}, '')`;
}

export type Consumer = {
  name: string;
  handle(event: DomainEvent): Promise<void>;
};

export interface RelayOptions {
  databaseUrl: string;
  consumers: Consumer[];
  /** Safety net for missed notifications and retries. */
  pollIntervalMs?: number;
  batchSize?: number;
  onError?: (error: unknown, context: string) => void;
}

/** Backoff after the n-th failed attempt: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

export class OutboxRelay {
  private pool: pg.Pool;
  private listener?: pg.Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private options: RelayOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    this.pool.on("error", (e) => options.onError?.(e, "outbox pool"));
    // A connection dropped while checked out must not crash the process.
    this.pool.on("connect", (client) => client.on("error", (e) => options.onError?.(e, "outbox connection")));
  }

  async start(): Promise<void> {
    this.listener = new pg.Client({ connectionString: this.options.databaseUrl });
    await this.listener.connect();
    this.listener.on("notification", () => this.kick());
    this.listener.on("error", (e) => this.options.onError?.(e, "outbox listener"));
    await this.listener.query(`LISTEN ${CHANNEL}`);
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 2000);
    this.kick();
  }

  /** Deliver what is due now; coalesces calls that arrive while a run is going. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.deliverBatch()) > 0 && !this.stopped);
        } while (this.again && !this.stopped);
      } catch (error) {
        this.options.onError?.(error, "outbox relay");
      } finally {
        this.running = false;
      }
    })();
  }

  /** Claims and delivers one batch; returns how many events it handled. */
  private async deliverBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query(
        `SELECT id, topic, payload, attempts FROM "OutboxEvent"
         WHERE "processedAt" IS NULL AND "availableAt" <= now()
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 50],
      );
      for (const row of rows) {
        try {
          const event = DomainEventSchema.parse({ topic: row.topic, payload: row.payload });
          for (const consumer of this.options.consumers) await consumer.handle(event);
          await client.query(`UPDATE "OutboxEvent" SET "processedAt" = now(), "attempts" = "attempts" + 1 WHERE id = $1`, [
            row.id,
          ]);
        } catch (error) {
          const attempts = Number(row.attempts) + 1;
          await client.query(
            `UPDATE "OutboxEvent" SET "attempts" = $2, "lastError" = $3,
             "availableAt" = now() + ($4::int * interval '1 millisecond') WHERE id = $1`,
            [row.id, attempts, String(error instanceof Error ? error.message : error).slice(0, 2000), retryDelayMs(attempts)],
          );
          this.options.onError?.(error, `outbox event ${row.id} (${row.topic})`);
        }
      }
      await client.query("COMMIT");
      return rows.length;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Resolves once everything currently due has been delivered (for tests and shutdown). */
  async drain(): Promise<void> {
    this.kick();
    await this.idle;
    while (this.running) await this.idle;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle;
    await this.listener?.end().catch(() => {});
    await this.pool.end();
  }
}
