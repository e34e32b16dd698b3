-- SLA targets as rows (server/sla/targets.ts): one per ticket, target and run of its clock,
-- replacing the ticket's two due times and two breach times. The ticket keeps a summary
-- (slaState, slaDueAt) for lists, sorting and counts.

CREATE TYPE "SlaTargetName" AS ENUM ('first_response', 'next_response', 'periodic_update', 'resolution');
CREATE TYPE "TicketSlaState" AS ENUM ('none', 'on_track', 'at_risk', 'breached', 'paused', 'met', 'missed');

CREATE TABLE "SlaTarget" (
    "ticketId" TEXT NOT NULL,
    "target" "SlaTargetName" NOT NULL,
    "cycle" INTEGER NOT NULL,
    "policyId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "atRiskAt" TIMESTAMP(3),
    "fulfilledAt" TIMESTAMP(3),
    "pausedSince" TIMESTAMP(3),
    "warnedAt" TIMESTAMP(3),
    "breachedAt" TIMESTAMP(3),
    "alarmAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "SlaTarget_pkey" PRIMARY KEY ("ticketId", "target", "cycle")
);

-- Only the runs something will still happen to: the firing job reads the earliest of them.
CREATE INDEX "SlaTarget_alarm_idx" ON "SlaTarget"("alarmAt") WHERE "alarmAt" IS NOT NULL;
CREATE INDEX "SlaTarget_policyId_idx" ON "SlaTarget"("policyId");

ALTER TABLE "SlaTarget" ADD CONSTRAINT "SlaTarget_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SlaTarget" ADD CONSTRAINT "SlaTarget_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "SlaPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "Ticket" ADD COLUMN "slaState" "TicketSlaState" NOT NULL DEFAULT 'none',
                     ADD COLUMN "slaDueAt" TIMESTAMP(3);

-- The runs the tickets had: first response and resolution, as they were counted (calendar time,
-- no pauses). A ticket waiting on the customer now, or no longer being worked, stands still since
-- its last change. Warnings were never recorded: an open run past its at-risk time is warned by
-- the firing job when the app starts.
WITH runs AS (
  SELECT t."id" AS "ticketId", x."target", t."slaPolicyId" AS "policyId", t."createdAt" AS "startedAt", x."dueAt",
         CASE WHEN p."atRiskMinutesBefore" IS NOT NULL
              THEN greatest(t."createdAt", x."dueAt" - make_interval(mins => p."atRiskMinutesBefore"))
              ELSE t."createdAt" + (x."dueAt" - t."createdAt") * p."atRiskShare" END AS "atRiskAt",
         x."fulfilledAt", x."breachedAt",
         CASE WHEN x."fulfilledAt" IS NOT NULL THEN NULL
              WHEN t."status" IN ('solved', 'closed') THEN coalesce(t."solvedAt", t."closedAt", t."updatedAt")
              WHEN t."status" = 'pending' OR (t."status" = 'on_hold' AND p."pauseOnHold") THEN t."updatedAt" END AS "pausedSince"
  FROM "Ticket" t
  JOIN "SlaPolicy" p ON p."id" = t."slaPolicyId"
  CROSS JOIN LATERAL (VALUES
    ('first_response'::"SlaTargetName", t."firstResponseDueAt", t."firstRespondedAt", t."firstResponseBreachedAt"),
    ('resolution'::"SlaTargetName", t."resolutionDueAt", t."solvedAt", t."resolutionBreachedAt")
  ) AS x("target", "dueAt", "fulfilledAt", "breachedAt")
  WHERE x."dueAt" IS NOT NULL
)
INSERT INTO "SlaTarget" ("ticketId", "target", "cycle", "policyId", "startedAt", "dueAt", "atRiskAt", "fulfilledAt",
                         "pausedSince", "breachedAt", "alarmAt", "updatedAt")
SELECT "ticketId", "target", 1, "policyId", "startedAt",
       -- A due time after the clock stopped is not known yet: it depends on when the clock resumes.
       CASE WHEN "pausedSince" IS NULL OR "dueAt" <= "pausedSince" THEN "dueAt" END,
       CASE WHEN "pausedSince" IS NULL OR "atRiskAt" <= "pausedSince" THEN "atRiskAt" END,
       "fulfilledAt", "pausedSince", "breachedAt",
       CASE WHEN "fulfilledAt" IS NULL AND "pausedSince" IS NULL
            THEN least(CASE WHEN "breachedAt" IS NULL THEN "dueAt" END, CASE WHEN "breachedAt" IS NULL THEN "atRiskAt" END) END,
       now()
FROM runs;

-- The tickets' summaries, by the rule of server/sla/targets.ts (ticketSla).
UPDATE "Ticket" t SET
  "slaState" = s."state"::"TicketSlaState",
  "slaDueAt" = s."dueAt"
FROM (
  SELECT r."ticketId",
    CASE
      WHEN tk."status" IN ('solved', 'closed') THEN CASE WHEN bool_or(r."breachedAt" IS NOT NULL) THEN 'missed' ELSE 'met' END
      WHEN bool_or(r."fulfilledAt" IS NULL AND r."breachedAt" IS NOT NULL) THEN 'breached'
      WHEN bool_or(r."fulfilledAt" IS NULL AND r."pausedSince" IS NULL) THEN 'on_track'
      WHEN bool_or(r."fulfilledAt" IS NULL) THEN 'paused'
      WHEN bool_or(r."breachedAt" IS NOT NULL) THEN 'missed'
      ELSE 'met' END AS "state",
    min(r."dueAt") FILTER (WHERE r."fulfilledAt" IS NULL AND r."pausedSince" IS NULL AND tk."status" IN ('new', 'open', 'pending', 'on_hold')) AS "dueAt"
  FROM "SlaTarget" r JOIN "Ticket" tk ON tk."id" = r."ticketId"
  GROUP BY r."ticketId", tk."status"
) s
WHERE t."id" = s."ticketId";

ALTER TABLE "Ticket" DROP COLUMN "firstResponseDueAt",
                     DROP COLUMN "resolutionDueAt",
                     DROP COLUMN "firstResponseBreachedAt",
                     DROP COLUMN "resolutionBreachedAt";

-- Removing a policy checks that no ticket was filed under it; the queue sorts active tickets by
-- their next due time (partial, as the queue's other index: schema.prisma lists the columns).
CREATE INDEX "Ticket_slaPolicyId_idx" ON "Ticket"("slaPolicyId");
CREATE INDEX "Ticket_active_due_idx" ON "Ticket"("slaDueAt", "id") WHERE "status" IN ('new', 'open', 'pending', 'on_hold');
