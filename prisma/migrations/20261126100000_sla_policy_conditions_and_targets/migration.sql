-- SLA policies: conditions as lists (empty = any), a business calendar,
-- pause on hold, an at-risk rule, and targets per priority (server/sla/policy.ts).
-- Existing policies keep their meaning: their single-value conditions become
-- one-element lists, their two targets (calendar minutes) apply to every
-- priority, on the always-open calendar.
ALTER TABLE "SlaPolicy"
  ADD COLUMN "enabled" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "types" "TicketType"[] NOT NULL DEFAULT ARRAY[]::"TicketType"[],
  ADD COLUMN "priorities" "Priority"[] NOT NULL DEFAULT ARRAY[]::"Priority"[],
  ADD COLUMN "tiers" "CustomerTier"[] NOT NULL DEFAULT ARRAY[]::"CustomerTier"[],
  ADD COLUMN "channels" "Channel"[] NOT NULL DEFAULT ARRAY[]::"Channel"[],
  ADD COLUMN "categoryIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "teamIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "calendarId" TEXT NOT NULL DEFAULT '00000000-0000-4000-8000-000000002407',
  ADD COLUMN "pauseOnHold" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "atRiskShare" DOUBLE PRECISION NOT NULL DEFAULT 0.75,
  ADD COLUMN "atRiskMinutesBefore" INTEGER,
  ADD COLUMN "targets" JSONB,
  ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Names become unique: a name used twice keeps its first use, the others get their id added.
UPDATE "SlaPolicy" p SET "name" = p."name" || ' (' || p."id" || ')'
WHERE EXISTS (SELECT 1 FROM "SlaPolicy" q WHERE q."name" = p."name" AND (q."createdAt", q."id") < (p."createdAt", p."id"));

UPDATE "SlaPolicy" SET
  "types" = CASE WHEN "matchType" IS NULL THEN ARRAY[]::"TicketType"[] ELSE ARRAY["matchType"] END,
  "priorities" = CASE WHEN "matchPriority" IS NULL THEN ARRAY[]::"Priority"[] ELSE ARRAY["matchPriority"] END,
  "tiers" = CASE WHEN "matchTier" IS NULL THEN ARRAY[]::"CustomerTier"[] ELSE ARRAY["matchTier"] END,
  "targets" = (
    SELECT jsonb_object_agg(p, jsonb_build_object(
      -- Within what a target may be (1 minute to a year), as the application checks it.
      'first_response', jsonb_build_object('minutes', least(greatest("firstResponseMinutes", 1), 525600), 'business', false),
      'resolution', jsonb_build_object('minutes', least(greatest("resolutionMinutes", 1), 525600), 'business', false)))
    FROM unnest(ARRAY['low', 'normal', 'high', 'urgent']) AS p);

ALTER TABLE "SlaPolicy"
  ALTER COLUMN "targets" SET NOT NULL,
  ALTER COLUMN "calendarId" DROP DEFAULT,
  ALTER COLUMN "updatedAt" DROP DEFAULT,
  DROP COLUMN "matchType",
  DROP COLUMN "matchPriority",
  DROP COLUMN "matchTier",
  DROP COLUMN "firstResponseMinutes",
  DROP COLUMN "resolutionMinutes";

CREATE UNIQUE INDEX "SlaPolicy_name_key" ON "SlaPolicy"("name");
CREATE INDEX "SlaPolicy_position_idx" ON "SlaPolicy"("position");
ALTER TABLE "SlaPolicy" ADD CONSTRAINT "SlaPolicy_calendarId_fkey"
  FOREIGN KEY ("calendarId") REFERENCES "BusinessCalendar"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
