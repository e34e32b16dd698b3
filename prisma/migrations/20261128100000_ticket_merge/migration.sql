-- Merging duplicates (server/tickets/merge.ts): the merged ticket points at the one it went into.
ALTER TABLE "Ticket" ADD COLUMN "mergedIntoId" TEXT;
CREATE INDEX "Ticket_mergedIntoId_idx" ON "Ticket"("mergedIntoId");
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;
