-- The mail channel (server/mail/, docs/decisions/024): mail sent (OutboundMail, sent by the job
-- queue), mail received (InboundMail, stored whole before it is acknowledged), the Message-IDs that
-- thread replies into tickets (MailReference), the addresses and mailboxes mail arrives at
-- (MailChannel), people copied on a ticket (TicketFollower), and single-use mailed links for
-- confirming an address and resetting a password (AccountToken).

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailVerifiedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "HelpdeskSettings" ADD COLUMN     "mailCategoryId" TEXT;

-- AlterTable
ALTER TABLE "NotificationPreference" ADD COLUMN     "email" BOOLEAN;

-- CreateTable
CREATE TABLE "AccountToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "AccountToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketFollower" (
    "ticketId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketFollower_pkey" PRIMARY KEY ("ticketId","customerId")
);

-- CreateTable
CREATE TABLE "OutboundMail" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "messageId" TEXT NOT NULL,
    "ticketId" TEXT,
    "to" TEXT[],
    "cc" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "subject" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sinkFile" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboundMail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundMail" (
    "id" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "channelId" TEXT,
    "envelopeFrom" TEXT,
    "envelopeTo" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "raw" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'received',
    "outcome" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "fromAddress" TEXT,
    "subject" TEXT,
    "messageId" TEXT,
    "ticketId" TEXT,
    "messageRefId" TEXT,
    "details" JSONB,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundMail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailReference" (
    "messageId" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailReference_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "MailChannel" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "categoryId" TEXT,
    "teamId" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "imapHost" TEXT,
    "imapPort" INTEGER,
    "imapSecure" BOOLEAN NOT NULL DEFAULT true,
    "imapUser" TEXT,
    "imapPassword" TEXT,
    "imapFolder" TEXT NOT NULL DEFAULT 'INBOX',
    "lastPolledAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MailChannel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountToken_tokenHash_key" ON "AccountToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AccountToken_userId_purpose_idx" ON "AccountToken"("userId", "purpose");

-- CreateIndex
CREATE INDEX "TicketFollower_customerId_idx" ON "TicketFollower"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundMail_dedupeKey_key" ON "OutboundMail"("dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboundMail_messageId_key" ON "OutboundMail"("messageId");

-- CreateIndex
CREATE INDEX "OutboundMail_createdAt_idx" ON "OutboundMail"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "OutboundMail_ticketId_idx" ON "OutboundMail"("ticketId");

-- CreateIndex
CREATE INDEX "InboundMail_receivedAt_idx" ON "InboundMail"("receivedAt" DESC);

-- CreateIndex
CREATE INDEX "InboundMail_status_receivedAt_idx" ON "InboundMail"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundMail_fromAddress_receivedAt_idx" ON "InboundMail"("fromAddress", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundMail_messageId_idx" ON "InboundMail"("messageId");

-- CreateIndex
CREATE INDEX "MailReference_ticketId_idx" ON "MailReference"("ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "MailChannel_address_key" ON "MailChannel"("address");

-- AddForeignKey
ALTER TABLE "AccountToken" ADD CONSTRAINT "AccountToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketFollower" ADD CONSTRAINT "TicketFollower_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketFollower" ADD CONSTRAINT "TicketFollower_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundMail" ADD CONSTRAINT "InboundMail_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "MailChannel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailReference" ADD CONSTRAINT "MailReference_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailChannel" ADD CONSTRAINT "MailChannel_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailChannel" ADD CONSTRAINT "MailChannel_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Staff accounts were set up by an admin (and invitations are now mailed): their addresses count as
-- confirmed. A customer account made by the old sign-up never proved its address: it confirms it
-- with a mailed link before it sees its requests.
UPDATE "User" SET "emailVerifiedAt" = "createdAt" WHERE "role" <> 'customer' AND "invitedAt" IS NULL;
