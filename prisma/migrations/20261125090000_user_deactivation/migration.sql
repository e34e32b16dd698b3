-- Accounts can be deactivated by an admin: a deactivated user cannot sign
-- in, and every session and API token they had is ended at that moment.
-- Nothing else changes: their tickets, messages and events stay.

-- AlterTable
ALTER TABLE "User" ADD COLUMN "deactivatedAt" TIMESTAMP(3);
