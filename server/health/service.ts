// Gathers a customer's facts, scores them (score.ts) and stores the result
// with its history. Run inside the transaction that changed the facts, by
// the health-score listener (server/listeners/health-score.ts).
import { randomUUID } from "node:crypto";
import type { Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";
import { can, type AuthUser } from "../auth/policy.ts";
import { forbidden } from "../errors.ts";
import { computeHealth, LOOKBACK_DAYS, type Health, type HealthComponent } from "./score.ts";

export interface HealthChange {
  health: Health;
  previous: { score: number; band: string } | null;
}

export async function recomputeHealth(
  tx: Tx | Sql,
  customerId: string,
  reason: string,
  now = new Date(),
): Promise<HealthChange> {
  const sql = asSql(tx);
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  // One recompute per customer at a time: two commits for one customer must
  // not both start from the old score (each would miss the other's change).
  await sql.query(`SELECT 1 FROM "Customer" WHERE "id" = $1 FOR UPDATE`, [customerId]);
  const [facts] = await sql.query<{
    ratings: { number: number; rating: number }[];
    complaints: number[];
    slaBreaches: number[];
    oldestOpenAt: Date | null;
    oldestOpenNumber: number | null;
    previous: { score: number; band: string } | null;
  }>(
    // Ticket numbers newest first: the reasons people read (score.ts).
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('number', t."number", 'rating', s."rating") ORDER BY s."respondedAt" DESC), '[]'::json)
        FROM "Survey" s JOIN "Ticket" t ON t."id" = s."ticketId"
        WHERE s."customerId" = $1 AND s."respondedAt" >= $2::timestamp(3) AND s."rating" IS NOT NULL) AS "ratings",
       ARRAY(SELECT "number" FROM "Ticket"
             WHERE "requesterId" = $1 AND "type" = 'complaint' AND "createdAt" >= $2::timestamp(3)
             ORDER BY "createdAt" DESC) AS "complaints",
       ARRAY(SELECT t."number" FROM "Ticket" t
             WHERE t."requesterId" = $1 AND t."createdAt" >= $2::timestamp(3)
               AND EXISTS (SELECT 1 FROM "SlaTarget" s WHERE s."ticketId" = t."id" AND s."breachedAt" IS NOT NULL)
             ORDER BY t."createdAt" DESC) AS "slaBreaches",
       (SELECT min("createdAt") FROM "Ticket"
        WHERE "requesterId" = $1 AND "status" IN ('new', 'open', 'on_hold')) AS "oldestOpenAt",
       (SELECT "number" FROM "Ticket"
        WHERE "requesterId" = $1 AND "status" IN ('new', 'open', 'on_hold') ORDER BY "createdAt", "number" LIMIT 1) AS "oldestOpenNumber",
       (SELECT json_build_object('score', "score", 'band', "band") FROM "CustomerHealth"
        WHERE "customerId" = $1) AS "previous"`,
    [customerId, since],
  );
  const { previous } = facts;
  const health = computeHealth({
    ratings: facts.ratings.map((r) => r.rating),
    complaints: facts.complaints.length,
    slaBreaches: facts.slaBreaches.length,
    oldestOpenDays: facts.oldestOpenAt ? (now.getTime() - facts.oldestOpenAt.getTime()) / 86_400_000 : null,
    tickets: { ratings: facts.ratings, complaints: facts.complaints, slaBreaches: facts.slaBreaches, oldestOpen: facts.oldestOpenNumber },
  });

  const components = JSON.stringify(health.components);
  await sql.query(
    `INSERT INTO "CustomerHealth" ("customerId", "score", "band", "components", "updatedAt")
     VALUES ($1, $2, $3::"HealthBand", $4::jsonb, $5::timestamp(3))
     ON CONFLICT ("customerId") DO UPDATE
       SET "score" = excluded."score", "band" = excluded."band",
           "components" = excluded."components", "updatedAt" = excluded."updatedAt"`,
    [customerId, health.score, health.band, components, now.toISOString()],
  );
  if (!previous || previous.score !== health.score) {
    await sql.query(
      `INSERT INTO "HealthSnapshot" ("id", "customerId", "score", "band", "components", "reason", "createdAt")
       VALUES ($1, $2, $3, $4::"HealthBand", $5::jsonb, $6, $7::timestamp(3))`,
      [randomUUID(), customerId, health.score, health.band, components, reason, now.toISOString()],
    );
  }
  return { health, previous: previous ? { score: previous.score, band: previous.band } : null };
}

/** A component as stored: scores kept before reasons existed have neither `lost` nor `reasons`. */
type StoredComponent = Omit<HealthComponent, "lost" | "reasons"> & Partial<Pick<HealthComponent, "lost" | "reasons">>;

export function withReasons(c: StoredComponent): HealthComponent {
  return { ...c, lost: c.lost ?? Math.round(c.weight * (100 - c.value) * 10) / 10, reasons: c.reasons ?? [] };
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
    components: (current.components as unknown as StoredComponent[]).map(withReasons),
    updatedAt: current.updatedAt,
    history,
  };
}
