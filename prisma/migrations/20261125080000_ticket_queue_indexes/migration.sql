-- Indexes for the ticket lists at scale (a million tickets and more; see
-- bench/results/scale.md).

-- The queue: active tickets newest first. Partial, so it holds only the
-- tickets still being worked (about 1 % of a large desk) and stays small
-- however long the history grows. Walking it in order finds a page of a
-- view's tickets after a few dozen rows; team and assignee are in the index,
-- so counting what a person may see in the queue is an index-only scan.
-- Prisma's schema cannot state the WHERE: schema.prisma lists the columns.
CREATE INDEX "Ticket_active_queue_idx" ON "Ticket"("createdAt" DESC, "id" DESC, "teamId", "assigneeId")
  WHERE "status" IN ('new', 'open', 'pending', 'on_hold');

-- Every ticket newest first (the "all" view): a page is the first rows of
-- this index instead of a sort of the whole table.
CREATE INDEX "Ticket_createdAt_id_idx" ON "Ticket"("createdAt" DESC, "id" DESC);
