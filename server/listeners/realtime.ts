// After commit, live: every web process reads the event log and delivers to
// the sockets connected to it, so an event committed by any process reaches
// every agent without a cross-process broadcast (docs/decisions/007). Work is
// per batch: one query for the tickets and one for the messages an entire
// batch mentions, and one queue update per ticket however often it changed.
import type pg from "pg";
import { db } from "../db/client.ts";
import { LiveReader, Loop, currentPosition, type Wakeup } from "../events/feed.ts";
import type { EventType, StoredEvent } from "../events/types.ts";
import { getMessages, getTicketSummaries } from "../tickets/service.ts";
import { getNotifications, liveNotification } from "../notifications/service.ts";
import { toQueueTicket } from "../tickets/present.ts";
import { rooms } from "../realtime/protocol.ts";
import { disconnectEndedSessions, evictWatchersWithoutAccess, staffRoomsFor, type RealtimeServer } from "../realtime/socket.ts";

const TYPES: readonly EventType[] = [
  "ticket.created",
  "ticket.message_added",
  "ticket.status_changed",
  "ticket.priority_changed",
  "ticket.type_changed",
  "ticket.assignee_changed",
  "ticket.team_changed",
  "ticket.tags_changed",
  "ticket.merged",
  "ticket.merged_into",
  "ticket.sla_warned",
  "ticket.sla_breached",
  "survey.answered",
  "customer.health_changed",
  "user.password_changed",
  "user.deactivated",
  "notification.created",
];

/** Events after which someone may have lost sight of a ticket. */
const ACCESS_CHANGES: readonly EventType[] = ["ticket.assignee_changed", "ticket.team_changed"];

export class RealtimeDelivery {
  private loop?: Loop;
  private unsubscribe?: () => void;

  constructor(
    private io: RealtimeServer,
    private pool: pg.Pool,
    private wakeup: Wakeup,
    private onError: (error: Error, context: string) => void,
  ) {}

  async start(): Promise<void> {
    const reader = new LiveReader(this.pool, await currentPosition(this.pool), TYPES, (broken) =>
      this.onError(new Error(`event ${broken.id} (${broken.type}) cannot be read: ${broken.error}`), "realtime delivery"),
    );
    this.loop = new Loop(
      // Events of transactions that commit later arrive with their commit's notification.
      async () => ((await reader.poll((events) => this.deliver(events))).more ? "more" : "idle"),
      (error) => this.onError(error, "realtime delivery"),
    );
    this.unsubscribe = this.wakeup.subscribe(this.loop.kick);
    this.loop.start();
  }

  /** Delivers everything committed so far (tests). */
  async drain(): Promise<void> {
    this.loop?.kick();
    await this.loop?.settle();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop?.stop();
  }

  private watched(ticketId: string): boolean {
    const local = this.io.sockets.adapter.rooms;
    return local.has(rooms.ticket(ticketId)) || local.has(rooms.ticketStaff(ticketId));
  }

  private async deliver(events: StoredEvent[]) {
    // Nobody connected to this process: nothing to look up or send.
    if (this.io.engine.clientsCount === 0) return;
    const ticketIds = new Set<string>();
    const messageIds: string[] = [];
    const accessChanged = new Set<string>();
    for (const event of events) {
      if (event.type.startsWith("ticket.") && event.ticketId) ticketIds.add(event.ticketId);
      // A message goes only to the ticket's own rooms: not looked up when nobody here is in them.
      if (event.type === "ticket.message_added" && event.ticketId && this.watched(event.ticketId)) messageIds.push(event.data.messageId);
      if (ACCESS_CHANGES.includes(event.type) && event.ticketId) accessChanged.add(event.ticketId);
    }
    const [tickets, messages] = await Promise.all([
      ticketIds.size > 0 ? getTicketSummaries(db(), [...ticketIds]) : [],
      messageIds.length > 0 ? getMessages(db(), messageIds) : [],
    ]);

    for (const ticket of tickets) {
      // Whoever lost access (reassigned, moved to another team) stops
      // receiving this ticket's events, internal notes above all.
      if (accessChanged.has(ticket.id)) await evictWatchersWithoutAccess(this.io, ticket);
      this.io.to(staffRoomsFor(ticket)).emit("queue:ticket", toQueueTicket(ticket));
      this.io.to([rooms.ticket(ticket.id), rooms.customer(ticket.requesterId)]).emit("ticket:changed", {
        id: ticket.id,
        number: ticket.number,
        status: ticket.status,
        updatedAt: ticket.updatedAt.toISOString(),
      });
    }
    for (const message of messages) {
      // Only public replies reach the requester's room; internal notes stay with staff.
      const room = message.kind === "public" ? rooms.ticket(message.ticketId) : rooms.ticketStaff(message.ticketId);
      this.io.to(room).emit("ticket:message", { ...message, createdAt: message.createdAt.toISOString() });
    }
    // Sessions ended (password changed, account deactivated): their sockets close too.
    const signedOut = new Set<string>();
    for (const event of events) {
      if (event.type === "user.password_changed" || event.type === "user.deactivated") signedOut.add(event.data.userId);
    }
    for (const userId of signedOut) await disconnectEndedSessions(this.io, userId);
    // Notifications go to every socket of their person, looked up only for people connected here.
    const local = this.io.sockets.adapter.rooms;
    const notificationIds = events.flatMap((e) =>
      e.type === "notification.created" && local.has(rooms.account(e.data.userId)) ? [e.data.notificationId] : [],
    );
    if (notificationIds.length > 0) {
      for (const n of await getNotifications(db(), notificationIds)) this.io.to(rooms.account(n.userId)).emit("notification:new", liveNotification(n));
    }
    for (const event of events) {
      if (event.type === "survey.answered" && event.ticketId) {
        this.io.to(rooms.allStaff).emit("survey:answered", { ticketId: event.ticketId, rating: event.data.rating });
      }
      if (event.type === "customer.health_changed" && event.customerId) {
        this.io
          .to(rooms.allStaff)
          .emit("customer:health", { customerId: event.customerId, score: event.data.score, band: event.data.band });
      }
    }
  }
}
