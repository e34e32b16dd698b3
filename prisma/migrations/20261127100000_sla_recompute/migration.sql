-- Recomputing worked tickets' SLA after a policy or calendar change, with its progress.
CREATE TABLE "SlaRecompute" (
    "id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "afterId" TEXT,
    CONSTRAINT "SlaRecompute_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "SlaRecompute_requestedAt_idx" ON "SlaRecompute"("requestedAt");
