-- Business calendars for SLA clocks (server/sla/calendar.ts). Every
-- installation starts with one that is always open: calendar minutes.
CREATE TABLE "BusinessCalendar" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "hours" JSONB NOT NULL,
    "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessCalendar_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "BusinessCalendar_name_key" ON "BusinessCalendar"("name");

INSERT INTO "BusinessCalendar" ("id", "name", "timezone", "hours", "updatedAt")
VALUES ('00000000-0000-4000-8000-000000002407', 'Always open (24x7)', 'UTC',
        '{"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}',
        CURRENT_TIMESTAMP);
