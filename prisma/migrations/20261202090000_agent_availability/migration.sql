-- Agents say whether they are taking work (server/auth/availability.ts).
CREATE TYPE "Availability" AS ENUM ('online', 'away', 'offline');

ALTER TABLE "User" ADD COLUMN "availability" "Availability" NOT NULL DEFAULT 'online';
