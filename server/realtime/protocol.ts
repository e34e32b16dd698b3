// Typed Socket.IO events between the server and the browser. Shared by both
// sides; what a client sends is also parsed with zod on the server.
import { z } from "zod";
import { MAX_TICKET_NUMBER } from "../tickets/schemas.ts";
import type { AttachmentView } from "../attachments/limits.ts";
import type { TicketSlaState } from "../sla/state.ts";
import type { Viewer } from "./presence.ts";

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
  /** Custom field values by key, as stored (the queue is staff's: every field; views filter on them live). */
  fields: Record<string, string | number | boolean>;
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
  /** The body as HTML when it was written in Markdown (server/tickets/present.ts messageHtml). */
  html: string | null;
  createdAt: string;
  author: { id: string; name: string; role: string } | null;
  /** Files sent with it; the live channel carries a message only to those who may read it, files included. */
  attachments: AttachmentView[];
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
  kind: "assigned" | "customer_replied" | "mention" | "sla_warning" | "sla_breach" | "sla_escalation" | "rule";
  ticketId: string | null;
  ticket: { number: number; subject: string } | null;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/**
 * Where the live feed stood when an update was sent ("txid:id", see
 * server/events/feed.ts): everything before it had been sent already. Each
 * update carries it as its last argument; a client that reconnects hands back
 * the latest it saw and gets what it missed since.
 */
export type FeedPositionText = string;
const POSITION = /^\d{1,19}:\d{1,19}$/;

export interface ServerToClientEvents {
  "notification:new": (notification: LiveNotification, position: FeedPositionText) => void;
  "queue:ticket": (ticket: QueueTicket, position: FeedPositionText) => void;
  "ticket:changed": (change: TicketChange, position: FeedPositionText) => void;
  "ticket:message": (message: LiveMessage, position: FeedPositionText) => void;
  "customer:health": (health: { customerId: string; score: number; band: string }, position: FeedPositionText) => void;
  "survey:answered": (answer: { ticketId: string; rating: number }, position: FeedPositionText) => void;
  /** Where the feed stands for this socket: on connecting, and after a catch-up. */
  "feed:position": (position: FeedPositionText) => void;
  /** More was missed than a catch-up replays: read the page again. */
  "feed:reload": () => void;
  /** Who has the ticket open and who is typing (staff; server/realtime/presence.ts). */
  "ticket:presence": (presence: { ticketId: string; viewers: Viewer[] }) => void;
}

/** At most this many tickets are watched again on reconnecting (tabs share nothing: one page, one ticket or a few). */
export const MAX_WATCHED = 20;
export const WatchTicketSchema = z.object({ number: z.number().int().positive().max(MAX_TICKET_NUMBER) });
/** What a client says when it (re)connects: the last position it saw and the tickets it had open. */
export const HandshakeSchema = z.object({
  after: z.string().regex(POSITION).optional(),
  watching: z.array(WatchTicketSchema.shape.number).max(MAX_WATCHED).optional(),
});
export type Ack = (result: { ok: true } | { ok: false; error: string }) => void;

/** A browser on a ticket it watches says it views it, types a reply, or left it. */
export const PresenceSchema = z.object({
  ticketId: z.string().min(1).max(64),
  state: z.enum(["viewing", "typing", "left"]),
});

export interface ClientToServerEvents {
  "ticket:watch": (payload: z.infer<typeof WatchTicketSchema>, ack: Ack) => void;
  "ticket:unwatch": (payload: z.infer<typeof WatchTicketSchema>) => void;
  /** Answered with who is on the ticket already. */
  "ticket:presence": (payload: z.infer<typeof PresenceSchema>, ack?: (viewers: Viewer[]) => void) => void;
}

export interface SocketData {
  userId: string;
  /** Shown to colleagues on the same ticket. */
  name: string;
  /** The stored digest of the session the socket was opened with: it lives as long as that session. */
  sessionKey: string;
  /** Set when the client reconnected: the last feed position it saw (catch-up from there). */
  catchUpAfter?: FeedPositionText;
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
