-- Admin center, routing rules and automatic assignment (issue: admin center).
CREATE TYPE "AssignmentMode" AS ENUM ('manual', 'round_robin', 'least_loaded');
CREATE TYPE "TicketFieldType" AS ENUM ('text', 'number', 'dropdown', 'date', 'checkbox');

-- Custom roles, invitations, capacity and skills.
CREATE TABLE "CustomRole" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "CustomRole_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CustomRole_name_key" ON "CustomRole"("name");

ALTER TABLE "User" ADD COLUMN "customRoleId" TEXT,
    ADD COLUMN "capacity" INTEGER,
    ADD COLUMN "skillCategoryIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    ADD COLUMN "skillLanguages" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    ADD COLUMN "invitedAt" TIMESTAMP(3);
CREATE INDEX "User_customRoleId_idx" ON "User"("customRoleId");
ALTER TABLE "User" ADD CONSTRAINT "User_customRoleId_fkey" FOREIGN KEY ("customRoleId") REFERENCES "CustomRole"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");
CREATE INDEX "Invitation_userId_idx" ON "Invitation"("userId");
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Settings: one row.
CREATE TABLE "HelpdeskSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL DEFAULT 'Helpdesk',
    "defaultLocale" TEXT NOT NULL DEFAULT 'en',
    "customerSignup" BOOLEAN NOT NULL DEFAULT true,
    "portalSuggestArticles" BOOLEAN NOT NULL DEFAULT true,
    "portalReopenByReply" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "HelpdeskSettings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "HelpdeskSettings_one_row" CHECK ("id" = 1)
);

-- Audit log.
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");
CREATE INDEX "AuditEntry_actorId_at_idx" ON "AuditEntry"("actorId", "at");
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");

-- Teams: how tickets find an agent.
ALTER TABLE "Team" ADD COLUMN "assignmentMode" "AssignmentMode" NOT NULL DEFAULT 'manual',
    ADD COLUMN "assignBySkills" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "TeamMember" ADD COLUMN "lastAssignedAt" TIMESTAMP(3);

-- Tickets: language, custom field values, when the status last changed.
ALTER TABLE "Ticket" ADD COLUMN "language" TEXT NOT NULL DEFAULT 'en',
    ADD COLUMN "fields" JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN "statusChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
-- Filtering views by custom field values.
CREATE INDEX "Ticket_fields_idx" ON "Ticket" USING GIN ("fields" jsonb_path_ops);
-- Tickets waiting for automatic assignment: active, in a team, nobody assigned.
CREATE INDEX "Ticket_waiting_idx" ON "Ticket"("teamId", "createdAt", "id")
    WHERE "assigneeId" IS NULL AND "teamId" IS NOT NULL AND "status" IN ('new', 'open', 'pending', 'on_hold');

CREATE TABLE "TicketField" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "labelEn" TEXT NOT NULL,
    "labelZh" TEXT NOT NULL,
    "type" "TicketFieldType" NOT NULL,
    "options" JSONB NOT NULL DEFAULT '[]',
    "required" BOOLEAN NOT NULL DEFAULT false,
    "customerVisible" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "TicketField_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TicketField_key_key" ON "TicketField"("key");

-- Routing rules and time-based automations.
CREATE TABLE "RoutingRule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "onCreate" BOOLEAN NOT NULL DEFAULT true,
    "onUpdate" BOOLEAN NOT NULL DEFAULT false,
    "match" TEXT NOT NULL DEFAULT 'all',
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "RoutingRule_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "RoutingRule_name_key" ON "RoutingRule"("name");
CREATE INDEX "RoutingRule_position_idx" ON "RoutingRule"("position");

CREATE TABLE "Automation" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL,
    "status" "TicketStatus" NOT NULL,
    "afterMinutes" INTEGER NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Automation_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Automation_name_key" ON "Automation"("name");

-- API tokens: named and scoped.
ALTER TABLE "ApiToken" ADD COLUMN "name" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT ARRAY['*']::TEXT[];
