// Periodic upkeep, run by every app process; each step is idempotent, so
// several processes running it at once do no harm. (A PostgreSQL-backed job
// queue takes over when scheduled work grows: escalations, NPS, reports.)
import type { Db } from "../db/client.ts";
import { markBreaches } from "../tickets/service.ts";
import { recomputeHealth } from "../health/service.ts";

/** Delivered outbox events are kept this long for troubleshooting. */
export const OUTBOX_RETENTION_DAYS = 7;

export async function runMaintenance(db: Db, now = new Date()): Promise<{ breachedCustomers: number; pruned: number }> {
  const customers = await markBreaches(db, now);
  // A missed target counts against the customer's health at once.
  for (const customerId of customers) {
    await db.$transaction((tx) => recomputeHealth(tx, customerId, "sla_breached", now));
  }
  const pruned = await db.outboxEvent.deleteMany({
    where: { processedAt: { lt: new Date(now.getTime() - OUTBOX_RETENTION_DAYS * 86_400_000) } },
  });
  return { breachedCustomers: customers.length, pruned: pruned.count };
}
