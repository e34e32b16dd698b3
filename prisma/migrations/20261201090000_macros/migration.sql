-- Macros (server/macros/): personal (ownerId) or shared (no owner).
CREATE TABLE "Macro" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" TEXT,
    "reply" JSONB,
    "note" JSONB,
    "actions" JSONB NOT NULL DEFAULT '{}',
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Macro_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Macro_ownerId_name_idx" ON "Macro"("ownerId", "name");

ALTER TABLE "Macro" ADD CONSTRAINT "Macro_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
