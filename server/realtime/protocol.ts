// Typed Socket.IO events between the server and the browser. Shared by both
// sides; what a client sends is also parsed with zod on the server.
import { z } from "zod";
import { MAX_TICKET_NUMBER } from "../tickets/schemas.ts";
import type { TicketSlaState } from "../sla/state.ts";

export interface QueueTicket {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  type: string;
  requesterName: string;
  requesterEmail: string;
  requesterTier: string;
  categoryId: string;
  tags: string[];
  teamId: string | null;
  teamName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  createdAt: string;
  updatedAt: string;
  firstRespondedAt: string | null;
  solvedAt: string | null;
  /** The ticket's SLA at a glance (server/sla/targets.ts ticketSla) and the current run of each target. */
  slaState: TicketSlaState;
  slaDueAt: string | null;
  /** The targets running now (not met): what the queue's countdowns need, and no more (the queue is the busiest page). */
  slaTargets: RunningTarget[];
}

export type RunningTarget = Pick<SlaTargetJson, "target" | "dueAt" | "atRiskAt" | "pausedSince">;

/** One run of an SLA target's clock; instants as ISO strings, null when not (yet) known. */
export interface SlaTargetJson {
  target: "first_response" | "next_response" | "periodic_update" | "resolution";
  cycle: number;
  startedAt: string;
  dueAt: string | null;
  atRiskAt: string | null;
  fulfilledAt: string | null;
  pausedSince: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}

export interface LiveMessage {
  id: string;
  ticketId: string;
  kind: "public" | "internal" | "system";
  body: string;
  createdAt: string;
  author: { id: string; name: string; role: string } | null;
}

/** What a requester may know about their ticket changing. */
export interface TicketChange {
  id: string;
  number: number;
  status: string;
  updatedAt: string;
}

/** A notification as the bell and the list show it. */
export interface LiveNotification {
  id: string;
  kind: "sla_warning" | "sla_breach" | "sla_escalation";
  ticketId: string | null;
  ticket: { number: number; subject: string } | null;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export interface ServerToClientEvents {
  "notification:new": (notification: LiveNotification) => void;
  "queue:ticket": (ticket: QueueTicket) => void;
  "ticket:changed": (change: TicketChange) => void;
  "ticket:message": (message: LiveMessage) => void;
  "customer:health": (health: { customerId: string; score: number; band: string }) => void;
  "survey:answered": (answer: { ticketId: string; rating: number }) => void;
}

export const WatchTicketSchema = z.object({ number: z.number().int().positive().max(MAX_TICKET_NUMBER) });
export type Ack = (result: { ok: true } | { ok: false; error: string }) => void;

export interface ClientToServerEvents {
  "ticket:watch": (payload: z.infer<typeof WatchTicketSchema>, ack: Ack) => void;
  "ticket:unwatch": (payload: z.infer<typeof WatchTicketSchema>) => void;
}

export interface SocketData {
  userId: string;
  /** The stored digest of the session the socket was opened with: it lives as long as that session. */
  sessionKey: string;
}

export const rooms = {
  allStaff: "staff:all",
  untriaged: "staff:untriaged",
  team: (teamId: string) => `team:${teamId}`,
  user: (userId: string) => `user:${userId}`,
  customer: (customerId: string) => `customer:${customerId}`,
  /** Public side of a ticket: requester and staff. */
  ticket: (ticketId: string) => `ticket:${ticketId}`,
  /** Staff side of a ticket: internal notes. Customers never join it. */
  ticketStaff: (ticketId: string) => `ticket:${ticketId}:staff`,
  /** Every socket of one account, whatever its role: personal notifications go here, and it is how they are found to be closed. */
  account: (userId: string) => `account:${userId}`,
};
