-- Escalation levels fired per run are kept as a moment (the last level's), not a count: adding or
-- removing a level never fires one twice or skips one. Runs that fired levels keep them fired up to now.
ALTER TABLE "SlaTarget" ADD COLUMN "escalatedThrough" TIMESTAMP(3);
UPDATE "SlaTarget" SET "escalatedThrough" = least(coalesce("breachedAt", "warnedAt"), now() AT TIME ZONE 'UTC') WHERE "escalated" > 0;
ALTER TABLE "SlaTarget" DROP COLUMN "escalated";
