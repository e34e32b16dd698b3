-- The domain event log replaces the outbox and the "system" messages whose
-- text was parsed back for the timeline. Existing system messages and CSAT
-- follow-up notes become events; text that cannot be resolved is kept as a
-- legacy note event.

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- DropTable
DROP TABLE "OutboxEvent";

-- DropTable
DROP TABLE "socket_io_attachments";

-- CreateTable
CREATE TABLE "DomainEvent" (
    "id" BIGSERIAL NOT NULL,
    "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "type" TEXT NOT NULL,
    "ticketId" TEXT,
    "customerId" TEXT,
    "actorId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "DomainEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventListener" (
    "name" TEXT NOT NULL,
    "afterTxid" BIGINT NOT NULL,
    "afterId" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "retryAt" TIMESTAMP(3),
    "lastError" TEXT,
    "leasedBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EventListener_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" BIGSERIAL NOT NULL,
    "listener" TEXT NOT NULL,
    "eventId" BIGINT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayRequestedAt" TIMESTAMP(3),
    "replayedAt" TIMESTAMP(3),

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DomainEvent_ticketId_id_idx" ON "DomainEvent"("ticketId", "id");

-- CreateIndex
CREATE INDEX "DomainEvent_txid_id_idx" ON "DomainEvent"("txid", "id");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetter_listener_eventId_key" ON "DeadLetter"("listener", "eventId");

-- AddForeignKey
ALTER TABLE "DomainEvent" ADD CONSTRAINT "DomainEvent_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DomainEvent" ADD CONSTRAINT "DomainEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One NOTIFY per writing transaction wakes the readers (PostgreSQL folds
-- repeated identical notifications and delivers them on commit only).
CREATE FUNCTION helpdesk_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('helpdesk_events', '');
  RETURN NULL;
END $$;
CREATE TRIGGER "DomainEvent_notify" AFTER INSERT ON "DomainEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_notify_events();

-- System messages ("status:solved", "priority:urgent", "assignee:Li Wei",
-- "assignee:") become change events. The value before the first recorded
-- change is unknown (null); later ones take the previous change's value.
WITH lines AS (
  SELECT m."id", m."ticketId", m."authorId", m."createdAt", l.ord,
         split_part(l.line, ':', 1) AS field,
         substr(l.line, length(split_part(l.line, ':', 1)) + 2) AS value,
         l.line
  FROM "Message" m,
       regexp_split_to_table(m."body", E'\n') WITH ORDINALITY AS l(line, ord)
  WHERE m."kind" = 'system' AND l.line <> ''
),
resolved AS (
  SELECT lines.*,
         -- A name resolves only to exactly one member of staff.
         CASE WHEN field = 'assignee' AND value <> ''
                   AND (SELECT count(*) FROM "User" u WHERE u."name" = value AND u."role" <> 'customer') = 1
              THEN (SELECT u."id" FROM "User" u WHERE u."name" = value AND u."role" <> 'customer')
         END AS assignee_id
  FROM lines
),
typed AS (
  SELECT resolved.*,
         CASE
           WHEN field = 'status' AND value IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed') THEN 'ticket.status_changed'
           WHEN field = 'priority' AND value IN ('low', 'normal', 'high', 'urgent') THEN 'ticket.priority_changed'
           WHEN field = 'assignee' AND (value = '' OR assignee_id IS NOT NULL) THEN 'ticket.assignee_changed'
           ELSE 'ticket.legacy_note'
         END AS type,
         CASE WHEN field = 'assignee' THEN assignee_id ELSE value END AS new_value
  FROM resolved
),
ordered AS (
  -- The previous value of the same field; after a line that could not be
  -- resolved it is unknown (null), not the value before that line.
  SELECT typed.*,
         lag(CASE WHEN type = 'ticket.legacy_note' THEN NULL ELSE new_value END)
           OVER (PARTITION BY "ticketId", field ORDER BY "createdAt", "id", ord) AS old_value
  FROM typed
)
INSERT INTO "DomainEvent" ("type", "ticketId", "actorId", "at", "data")
SELECT type, "ticketId", "authorId", "createdAt",
       CASE WHEN type = 'ticket.legacy_note' THEN jsonb_build_object('text', line)
            ELSE jsonb_build_object('from', old_value, 'to', new_value) END
FROM ordered
ORDER BY "createdAt", "id", ord;

-- Every answered survey is an event ("Ada rated 2/5: …" in the timeline).
INSERT INTO "DomainEvent" ("type", "ticketId", "customerId", "actorId", "at", "data")
SELECT 'survey.answered', s."ticketId", s."customerId", c."userId", s."respondedAt",
       jsonb_build_object('surveyId', s."id", 'rating', s."rating", 'comment', s."comment")
FROM "Survey" s JOIN "Customer" c ON c."id" = s."customerId"
WHERE s."respondedAt" IS NOT NULL AND s."rating" IS NOT NULL
ORDER BY s."respondedAt";

-- The notes that stood for low ratings ("csat:2\ncomment") are now those events.
DELETE FROM "Message" WHERE "kind" = 'internal' AND "authorId" IS NULL AND "body" ~ '^csat:[1-5]';
DELETE FROM "Message" WHERE "kind" = 'system';

-- AlterEnum
CREATE TYPE "MessageKind_new" AS ENUM ('public', 'internal');
ALTER TABLE "Message" ALTER COLUMN "kind" TYPE "MessageKind_new" USING ("kind"::text::"MessageKind_new");
ALTER TYPE "MessageKind" RENAME TO "MessageKind_old";
ALTER TYPE "MessageKind_new" RENAME TO "MessageKind";
DROP TYPE "MessageKind_old";
