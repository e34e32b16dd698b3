// Tickets: filing, listing, reading, replying and changing them. Every
// function takes the signed-in user and checks what they may do.
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import {
  canReply,
  canSeeInternalNotes,
  canUpdateTicket,
  canViewTicket,
  isStaff,
  isSupervisor,
  type AuthUser,
} from "../auth/permissions.ts";
import { DomainError, forbidden, notFound } from "../errors.ts";
import { publish } from "../outbox/outbox.ts";
import { dueTimes, selectPolicy } from "../sla/policy.ts";
import { recomputeHealth } from "../health/service.ts";
import { createSurveyForTicket } from "../surveys/service.ts";
import { parseInput } from "../validation.ts";
import { ACTIVE_STATUSES, canChangeStatus, isActive } from "./status.ts";
import { afterKeyset, decodeKeyset, keysetPage, throughKeyset, type Page } from "../pagination.ts";
import {
  MessageListQuerySchema,
  NewMessageSchema,
  NewTicketSchema,
  StaffNewTicketSchema,
  TicketListQuerySchema,
  TicketUpdateSchema,
  type StaffNewTicketInput,
} from "./schemas.ts";

export type Channel = "portal" | "email" | "api" | "agent";

/** Where-clause limiting tickets to those the user may see. */
export function visibleTicketsWhere(user: AuthUser): Prisma.TicketWhereInput {
  if (user.role === "customer") return { requesterId: user.customerId ?? "-" };
  if (isSupervisor(user)) return {};
  return { OR: [{ assigneeId: user.id }, { teamId: null }, { teamId: { in: user.teamIds } }] };
}

const summarySelect = {
  id: true,
  number: true,
  type: true,
  channel: true,
  priority: true,
  status: true,
  subject: true,
  tags: true,
  createdAt: true,
  updatedAt: true,
  firstResponseDueAt: true,
  resolutionDueAt: true,
  firstRespondedAt: true,
  solvedAt: true,
  firstResponseBreachedAt: true,
  resolutionBreachedAt: true,
  requesterId: true,
  assigneeId: true,
  teamId: true,
  requester: { select: { id: true, name: true, email: true, tier: true, company: { select: { name: true } } } },
  assignee: { select: { id: true, name: true } },
  team: { select: { id: true, name: true } },
  category: { select: { key: true, nameEn: true, nameZh: true } },
} satisfies Prisma.TicketSelect;

export type TicketSummary = Prisma.TicketGetPayload<{ select: typeof summarySelect }>;

export async function createTicket(
  db: Db,
  user: AuthUser,
  rawInput: unknown,
  channel: Channel,
  now = new Date(),
): Promise<TicketSummary> {
  const input: StaffNewTicketInput = isStaff(user)
    ? parseInput(StaffNewTicketSchema, rawInput)
    : parseInput(NewTicketSchema, rawInput);
  return db.$transaction(async (tx) => {
    const requester = await resolveRequester(tx, user, input.requesterEmail);
    const category = await tx.category.findUnique({ where: { key: input.category } });
    if (!category) throw new DomainError("validation_failed", "errors.validation", { category: ["validation.category"] });

    const priority = input.priority ?? "normal";
    const policies = await tx.slaPolicy.findMany();
    const policy = selectPolicy(policies, { type: input.type, priority, tier: requester.tier });
    const ticket = await tx.ticket.create({
      data: {
        type: input.type,
        channel,
        priority,
        subject: input.subject,
        requesterId: requester.id,
        categoryId: category.id,
        teamId: category.teamId,
        slaPolicyId: policy?.id,
        createdAt: now,
        ...(policy ? dueTimes(policy, now) : {}),
        messages: {
          // Staff filing on a customer's behalf are the author of the text, not the customer.
          create: { kind: "public", body: input.description, authorId: user.id, createdAt: now },
        },
      },
      select: summarySelect,
    });
    await publish(tx, { topic: "ticket.created", payload: { ticketId: ticket.id } });
    if (ticket.type === "complaint") await recomputeHealth(tx, requester.id, "complaint_filed", now);
    return ticket;
  });
}

async function resolveRequester(tx: Tx, user: AuthUser, requesterEmail: string | undefined) {
  if (user.role === "customer") {
    if (!user.customerId) throw forbidden();
    return tx.customer.findUniqueOrThrow({ where: { id: user.customerId } });
  }
  if (!requesterEmail) {
    throw new DomainError("validation_failed", "errors.validation", { requesterEmail: ["validation.email"] });
  }
  const existing = await tx.customer.findUnique({ where: { email: requesterEmail.toLowerCase() } });
  if (existing) return existing;
  return tx.customer.create({ data: { email: requesterEmail.toLowerCase(), name: requesterEmail.split("@")[0] } });
}

export interface TicketPage extends Page<TicketSummary> {
  /** Tickets matching the filter, and how many of them come before this page (with `counts`). */
  total?: number;
  offset?: number;
}

/** Tickets the user may see, newest first, a page at a time (keyset on createdAt, id). */
export async function listTickets(
  db: Tx,
  user: AuthUser,
  rawQuery: unknown = {},
  options: { counts?: boolean } = {},
): Promise<TicketPage> {
  const query = parseInput(TicketListQuerySchema, rawQuery);
  const cursor = query.cursor ? decodeKeyset(query.cursor) : null;
  const where: Prisma.TicketWhereInput[] = [visibleTicketsWhere(user)];
  if (query.status === "active") where.push({ status: { in: [...ACTIVE_STATUSES] } });
  else if (query.status) where.push({ status: query.status });
  if (query.view === "mine") where.push({ assigneeId: user.id });
  if (query.view === "unassigned") where.push({ assigneeId: null });
  const rows = await db.ticket.findMany({
    where: { AND: [...where, ...(cursor ? [afterKeyset(cursor, "desc")] : [])] },
    select: summarySelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page: TicketPage = keysetPage(rows, query.limit);
  if (options.counts) {
    page.total = await db.ticket.count({ where: { AND: where } });
    page.offset = cursor ? await db.ticket.count({ where: { AND: [...where, throughKeyset(cursor, "desc")] } }) : 0;
  }
  return page;
}

/** A ticket's thread, oldest first, a page at a time; customers never get internal notes. */
export async function listMessages(db: Tx, user: AuthUser, number: number, rawQuery: unknown = {}): Promise<Page<MessageView>> {
  const query = parseInput(MessageListQuerySchema, rawQuery);
  const cursor = query.cursor ? decodeKeyset(query.cursor) : null;
  const ticket = await findVisibleTicket(db, user, number);
  const rows = await db.message.findMany({
    where: {
      ticketId: ticket.id,
      ...(canSeeInternalNotes(user) ? {} : { kind: "public" }),
      ...(cursor ? afterKeyset(cursor, "asc") : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: messageSelect,
    take: query.limit + 1,
  });
  return keysetPage(rows, query.limit);
}

/**
 * Locks the ticket row for the rest of the transaction, so two writes to one
 * ticket (a double-clicked "solve", a reply racing a status change) apply one
 * after the other and each sees the other's result.
 */
async function lockTicket(tx: Tx, number: number) {
  await tx.$executeRaw`SELECT 1 FROM "Ticket" WHERE "number" = ${number} FOR UPDATE`;
}

async function findVisibleTicket(db: Tx, user: AuthUser, number: number) {
  const ticket = await db.ticket.findUnique({ where: { number }, select: summarySelect });
  // Someone else's ticket is "not found", so numbers cannot be probed.
  if (!ticket || !canViewTicket(user, ticket)) throw notFound("errors.ticketNotFound");
  return ticket;
}

export async function getTicket(db: Tx, user: AuthUser, number: number) {
  const ticket = await findVisibleTicket(db, user, number);
  const messages = await db.message.findMany({
    where: { ticketId: ticket.id, ...(canSeeInternalNotes(user) ? {} : { kind: "public" }) },
    orderBy: { createdAt: "asc" },
    select: messageSelect,
  });
  const survey = await db.survey.findUnique({
    where: { ticketId: ticket.id },
    select: { token: true, rating: true, comment: true, respondedAt: true, expiresAt: true },
  });
  // Only the requester gets the survey link; staff see the answer.
  const surveyView = survey
    ? {
        rating: survey.rating,
        comment: survey.comment,
        respondedAt: survey.respondedAt,
        token: user.role === "customer" && !survey.respondedAt && survey.expiresAt > new Date() ? survey.token : null,
      }
    : null;
  return { ticket, messages, survey: surveyView };
}

const messageSelect = {
  id: true,
  ticketId: true,
  kind: true,
  body: true,
  createdAt: true,
  author: { select: { id: true, name: true, role: true } },
} satisfies Prisma.MessageSelect;

export type MessageView = Prisma.MessageGetPayload<{ select: typeof messageSelect }>;

export async function getMessage(db: Tx, messageId: string): Promise<MessageView | null> {
  return db.message.findUnique({ where: { id: messageId }, select: messageSelect });
}

export async function addMessage(
  db: Db,
  user: AuthUser,
  number: number,
  rawInput: unknown,
  now = new Date(),
): Promise<MessageView> {
  const input = parseInput(NewMessageSchema, rawInput);
  if (input.kind === "internal" && !canSeeInternalNotes(user)) throw forbidden();
  return db.$transaction(async (tx) => {
    await lockTicket(tx, number);
    const ticket = await findVisibleTicket(tx, user, number);
    if (!canReply(user, ticket)) throw forbidden();
    if (ticket.status === "closed") throw new DomainError("conflict", "errors.ticketClosed");

    const message = await tx.message.create({
      data: { ticketId: ticket.id, authorId: user.id, kind: input.kind, body: input.body, createdAt: now },
      select: messageSelect,
    });

    const changes: Prisma.TicketUpdateInput = {};
    if (input.kind === "public" && isStaff(user)) {
      if (!ticket.firstRespondedAt) {
        changes.firstRespondedAt = now;
        // The miss is recorded once: the sweeper may already have noted it.
        if (ticket.firstResponseDueAt && now > ticket.firstResponseDueAt && !ticket.firstResponseBreachedAt) {
          changes.firstResponseBreachedAt = ticket.firstResponseDueAt;
        }
      }
      if (ticket.status === "new") changes.status = "open";
    }
    // A customer writing back re-opens a ticket that was waiting on them or solved.
    if (user.role === "customer" && ["pending", "solved"].includes(ticket.status)) {
      changes.status = "open";
      changes.solvedAt = null;
    }
    if (Object.keys(changes).length > 0) {
      await tx.ticket.update({ where: { id: ticket.id }, data: changes });
      await publish(tx, { topic: "ticket.updated", payload: { ticketId: ticket.id, fields: Object.keys(changes) } });
      if (changes.status) await recomputeHealth(tx, ticket.requesterId, "ticket_reopened", now);
    } else {
      await tx.ticket.update({ where: { id: ticket.id }, data: { updatedAt: now } });
    }
    await publish(tx, { topic: "message.created", payload: { ticketId: ticket.id, messageId: message.id } });
    return message;
  });
}

export async function updateTicket(
  db: Db,
  user: AuthUser,
  number: number,
  rawInput: unknown,
  now = new Date(),
): Promise<TicketSummary> {
  const input = parseInput(TicketUpdateSchema, rawInput);
  return db.$transaction(async (tx) => {
    await lockTicket(tx, number);
    const ticket = await findVisibleTicket(tx, user, number);
    if (!canUpdateTicket(user, ticket)) throw forbidden();
    if (input.status && !canChangeStatus(ticket.status, input.status)) {
      throw new DomainError("conflict", "errors.invalidTransition");
    }

    const data: Prisma.TicketUncheckedUpdateInput = {};
    const events: string[] = [];
    if (input.priority && input.priority !== ticket.priority) {
      data.priority = input.priority;
      events.push(`priority:${input.priority}`);
    }
    if (input.assigneeId !== undefined && input.assigneeId !== ticket.assigneeId) {
      if (input.assigneeId) {
        const assignee = await tx.user.findUnique({ where: { id: input.assigneeId } });
        if (!assignee || assignee.role === "customer") {
          throw new DomainError("validation_failed", "errors.validation", { assigneeId: ["validation.assignee"] });
        }
        events.push(`assignee:${assignee.name}`);
      } else {
        events.push("assignee:");
      }
      data.assigneeId = input.assigneeId;
    }
    if (input.status && input.status !== ticket.status) {
      data.status = input.status;
      events.push(`status:${input.status}`);
      if (input.status === "solved") data.solvedAt = now;
      if (input.status === "closed") data.closedAt = now;
      if (isActive(input.status)) data.solvedAt = null;
      if (
        input.status === "solved" &&
        ticket.resolutionDueAt &&
        now > ticket.resolutionDueAt &&
        !ticket.resolutionBreachedAt
      ) {
        data.resolutionBreachedAt = ticket.resolutionDueAt;
      }
    }
    if (events.length === 0) return ticket;

    const updated = await tx.ticket.update({ where: { id: ticket.id }, data, select: summarySelect });
    // System events in the thread record who changed what, for both sides to read.
    await tx.message.create({
      data: { ticketId: ticket.id, authorId: user.id, kind: "system", body: events.join("\n"), createdAt: now },
    });
    await publish(tx, { topic: "ticket.updated", payload: { ticketId: ticket.id, fields: Object.keys(data) } });
    if (input.status === "solved") await createSurveyForTicket(tx, updated, now);
    if (input.status) await recomputeHealth(tx, ticket.requesterId, `ticket_${input.status}`, now);
    return updated;
  });
}

export async function getTicketSummary(db: Tx, ticketId: string): Promise<TicketSummary | null> {
  return db.ticket.findUnique({ where: { id: ticketId }, select: summarySelect });
}

/** Staff a ticket can be assigned to. */
export async function listAssignableAgents(db: Tx) {
  return db.user.findMany({
    where: { role: { in: ["agent", "supervisor"] } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}

/**
 * Records missed SLA targets once, at the moment they were missed, for tickets
 * still waiting on the team. Safe to run from any process, any number of
 * times. Returns the customers whose tickets newly breached.
 */
export async function markBreaches(db: Tx, now = new Date()): Promise<string[]> {
  const first = await db.$queryRaw<{ requesterId: string }[]>`
    UPDATE "Ticket" SET "firstResponseBreachedAt" = "firstResponseDueAt"
    WHERE "firstResponseBreachedAt" IS NULL AND "firstRespondedAt" IS NULL
      AND "firstResponseDueAt" < ${now} AND "status" NOT IN ('solved', 'closed')
    RETURNING "requesterId"`;
  const resolution = await db.$queryRaw<{ requesterId: string }[]>`
    UPDATE "Ticket" SET "resolutionBreachedAt" = "resolutionDueAt"
    WHERE "resolutionBreachedAt" IS NULL AND "solvedAt" IS NULL
      AND "resolutionDueAt" < ${now} AND "status" NOT IN ('solved', 'closed')
    RETURNING "requesterId"`;
  return [...new Set([...first, ...resolution].map((row) => row.requesterId))];
}
