-- Time-based automations (server/automations/, docs/decisions/022): "pending for 3 days, remind the
-- customer; solved for 4 days, close". Each automation has one job, scheduled at the next moment a
-- ticket is due; the tickets due are found by status and the moment it last changed.

-- All or any of the conditions; how far the automation has looked (every ticket that entered the
-- status at or before this moment has been looked at; null: look from the start).
ALTER TABLE "Automation" ADD COLUMN "match" TEXT NOT NULL DEFAULT 'all',
    ADD COLUMN "checkedThrough" TIMESTAMP(3);
CREATE INDEX "Automation_position_idx" ON "Automation"("position");

-- Tickets by status and how long they have been in it: the job's batches and the next due moment.
CREATE INDEX "Ticket_status_statusChangedAt_idx" ON "Ticket"("status", "statusChangedAt");

-- An automation ran (or looked and passed over, when its conditions did not hold) on a ticket in one
-- stay in its status: written with the changes, so a retried job never applies it twice. Removed when
-- the ticket's status changes again.
CREATE TABLE "AutomationRun" (
    "ticketId" TEXT NOT NULL,
    "automationId" TEXT NOT NULL,
    "statusChangedAt" TIMESTAMP(3) NOT NULL,
    "applied" BOOLEAN NOT NULL,
    "ranAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "AutomationRun_pkey" PRIMARY KEY ("ticketId", "automationId", "statusChangedAt")
);
CREATE INDEX "AutomationRun_automationId_idx" ON "AutomationRun"("automationId");
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_automationId_fkey" FOREIGN KEY ("automationId") REFERENCES "Automation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Nothing kept statusChangedAt until now (it holds the moment its column was added): take it from the
-- last status change in the log, else from when the ticket was closed, solved or filed, else from its
-- last change (later than the status change, if anything: an automation then waits longer, never less).
UPDATE "Ticket" t SET "statusChangedAt" = coalesce(
    (SELECT max(e."at") FROM "DomainEvent" e WHERE e."ticketId" = t."id" AND e."type" = 'ticket.status_changed'),
    CASE t."status" WHEN 'closed' THEN t."closedAt" WHEN 'solved' THEN t."solvedAt" WHEN 'new' THEN t."createdAt" END,
    t."updatedAt");
