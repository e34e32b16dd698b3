// Gathers a customer's facts, scores them (score.ts) and stores the result
// with its history. Run inside the transaction that changed the facts, by
// the health-score listener (server/listeners/health-score.ts).
import type { Tx } from "../db/client.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { forbidden } from "../errors.ts";
import { computeHealth, LOOKBACK_DAYS, type Health, type HealthComponent } from "./score.ts";

export interface HealthChange {
  health: Health;
  previous: { score: number; band: string } | null;
}

export async function recomputeHealth(tx: Tx, customerId: string, reason: string, now = new Date()): Promise<HealthChange> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  // One recompute per customer at a time: two commits for one customer must
  // not both start from the old score (each would miss the other's change).
  await tx.$executeRaw`SELECT 1 FROM "Customer" WHERE "id" = ${customerId} FOR UPDATE`;
  // Sequential on purpose: inside a transaction all queries share one
  // connection, and pg does not allow overlapping queries on a client.
  const ratings = await tx.survey.findMany({
    where: { customerId, respondedAt: { gte: since }, rating: { not: null } },
    select: { rating: true },
  });
  const complaints = await tx.ticket.count({
    where: { requesterId: customerId, type: "complaint", createdAt: { gte: since } },
  });
  const slaBreaches = await tx.ticket.count({
    where: {
      requesterId: customerId,
      createdAt: { gte: since },
      OR: [{ firstResponseBreachedAt: { not: null } }, { resolutionBreachedAt: { not: null } }],
    },
  });
  const oldestOpen = await tx.ticket.findFirst({
    where: { requesterId: customerId, status: { in: ["new", "open", "on_hold"] } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  const previous = await tx.customerHealth.findUnique({ where: { customerId } });
  const health = computeHealth({
    ratings: ratings.map((r) => r.rating as number),
    complaints,
    slaBreaches,
    oldestOpenDays: oldestOpen ? (now.getTime() - oldestOpen.createdAt.getTime()) / 86_400_000 : null,
  });

  const components = health.components as unknown as HealthComponent[] & object;
  await tx.customerHealth.upsert({
    where: { customerId },
    create: { customerId, score: health.score, band: health.band, components },
    update: { score: health.score, band: health.band, components },
  });
  if (!previous || previous.score !== health.score) {
    await tx.healthSnapshot.create({
      data: { customerId, score: health.score, band: health.band, components, reason, createdAt: now },
    });
  }
  return { health, previous: previous ? { score: previous.score, band: previous.band } : null };
}

/** A customer's current health and its recent history; null before the first score. */
export async function getCustomerHealth(tx: Tx, user: AuthUser, customerId: string) {
  if (!can(user, "customers.view", { id: customerId })) throw forbidden();
  const [current, history] = await Promise.all([
    tx.customerHealth.findUnique({ where: { customerId } }),
    tx.healthSnapshot.findMany({
      where: { customerId },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { score: true, band: true, reason: true, createdAt: true },
    }),
  ]);
  if (!current) return null;
  return {
    score: current.score,
    band: current.band,
    components: current.components as unknown as HealthComponent[],
    updatedAt: current.updatedAt,
    history,
  };
}
