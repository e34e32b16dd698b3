// After commit, live: every web process reads the event log and delivers to
// the sockets connected to it, so an event committed by any process reaches
// every agent without a cross-process broadcast (docs/decisions/007). Work is
// per batch: one query for the tickets and one for the messages an entire
// batch mentions, and one queue update per ticket however often it changed.
import type pg from "pg";
import { db } from "../db/client.ts";
import { LiveReader, Loop, currentPosition, formatPosition, maxPosition, parsePosition, type Wakeup } from "../events/feed.ts";
import type { EventType, StoredEvent } from "../events/types.ts";
import { getMessages, getTicketSummaries } from "../tickets/service.ts";
import { getNotifications, liveNotification } from "../notifications/service.ts";
import { messageHtml, toQueueTicket } from "../tickets/present.ts";
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
  "ticket.field_changed",
  "ticket.merged",
  "ticket.merged_into",
  "ticket.sla_warned",
  "ticket.sla_breached",
  "survey.answered",
  "customer.health_changed",
  "user.password_changed",
  "user.deactivated",
  "user.access_changed",
  "notification.created",
];

/** Events after which someone may have lost sight of a ticket. */
const ACCESS_CHANGES: readonly EventType[] = ["ticket.assignee_changed", "ticket.team_changed"];

/**
 * At most this many events are replayed to a client that reconnects; one
 * that missed more reads its page again (feed:reload). A few minutes of a
 * busy helpdesk's events fit.
 */
export const MAX_CATCH_UP = 5_000;

type LiveSocket = ReturnType<RealtimeServer["sockets"]["sockets"]["get"]> & object;

export class RealtimeDelivery {
  private loop?: Loop;
  private unsubscribe?: () => void;
  private reader?: LiveReader;

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
    this.reader = reader;
    this.io.on("connection", (socket) => {
      this.greet(socket).catch((error: Error) => this.onError(error, "realtime catch-up"));
    });
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

  /**
   * A new socket learns where the feed stands; a reconnecting one first gets
   * the updates it missed since the position it saw last, read from the event
   * log and sent to it alone, under the same rooms (the same policy) as live
   * updates. Some may reach it twice (sent live too): clients take updates by
   * id, and each carries the current state.
   */
  private async greet(socket: LiveSocket) {
    const after = socket.data.catchUpAfter ? parsePosition(socket.data.catchUpAfter) : null;
    if (!after) {
      socket.emit("feed:position", formatPosition(this.reader!.position));
      return;
    }
    const catchUp = new LiveReader(this.pool, after, TYPES, () => {});
    let replayed = 0;
    for (;;) {
      const { more } = await catchUp.poll(async (events) => {
        replayed += events.length;
        if (replayed <= MAX_CATCH_UP) await this.deliver(events, socket, formatPosition(catchUp.position));
      });
      if (replayed > MAX_CATCH_UP) {
        socket.emit("feed:reload");
        break;
      }
      if (!more) break;
    }
    socket.emit("feed:position", formatPosition(maxPosition(catchUp.position, this.reader!.position)));
  }

  private watched(ticketId: string, only?: LiveSocket): boolean {
    const local = only ? only.rooms : this.io.sockets.adapter.rooms;
    return local.has(rooms.ticket(ticketId)) || local.has(rooms.ticketStaff(ticketId));
  }

  /**
   * Sends a batch of events to the sockets of this process, or to one socket
   * catching up (`only`), in the same rooms either way. `position` goes with
   * each update: the feed's position before this batch.
   */
  private async deliver(events: StoredEvent[], only?: LiveSocket, position = formatPosition(this.reader!.position)) {
    // Nobody connected to this process: nothing to look up or send.
    if (this.io.engine.clientsCount === 0) return;
    const to = (target: string | string[]) => {
      if (!only) return this.io.to(target);
      return (Array.isArray(target) ? target : [target]).some((room) => only.rooms.has(room)) ? only : null;
    };
    const ticketIds = new Set<string>();
    const messageIds: string[] = [];
    const accessChanged = new Set<string>();
    for (const event of events) {
      if (event.type.startsWith("ticket.") && event.ticketId) ticketIds.add(event.ticketId);
      // A message goes only to the ticket's own rooms: not looked up when nobody here is in them.
      if (event.type === "ticket.message_added" && event.ticketId && this.watched(event.ticketId, only)) messageIds.push(event.data.messageId);
      if (!only && ACCESS_CHANGES.includes(event.type) && event.ticketId) accessChanged.add(event.ticketId);
    }
    const [tickets, messages] = await Promise.all([
      ticketIds.size > 0 ? getTicketSummaries(db(), [...ticketIds]) : [],
      messageIds.length > 0 ? getMessages(db(), messageIds) : [],
    ]);

    for (const ticket of tickets) {
      // Whoever lost access (reassigned, moved to another team) stops
      // receiving this ticket's events, internal notes above all.
      if (accessChanged.has(ticket.id)) await evictWatchersWithoutAccess(this.io, ticket);
      to(staffRoomsFor(ticket))?.emit("queue:ticket", toQueueTicket(ticket), position);
      const change = { id: ticket.id, number: ticket.number, status: ticket.status, updatedAt: ticket.updatedAt.toISOString() };
      to([rooms.ticket(ticket.id), rooms.customer(ticket.requesterId)])?.emit("ticket:changed", change, position);
    }
    for (const message of messages) {
      // Only public replies reach the requester's room; internal notes stay with staff.
      const room = message.kind === "public" ? rooms.ticket(message.ticketId) : rooms.ticketStaff(message.ticketId);
      to(room)?.emit("ticket:message", { ...message, html: messageHtml(message), createdAt: message.createdAt.toISOString() }, position);
    }
    // Sessions ended (password changed, account deactivated): their sockets close too.
    const signedOut = new Set<string>();
    for (const event of events) {
      if (!only && (event.type === "user.password_changed" || event.type === "user.deactivated")) signedOut.add(event.data.userId);
    }
    for (const userId of signedOut) await disconnectEndedSessions(this.io, userId);
    // What an account may see changed (role, teams): its sockets reconnect (the
    // browser does so within a second, catching up) and join the rooms it now reaches.
    for (const event of events) {
      if (!only && event.type === "user.access_changed") this.io.in(rooms.account(event.data.userId)).local.disconnectSockets(true);
    }
    // Notifications go to every socket of their person, looked up only for people connected here.
    const local = only ? only.rooms : this.io.sockets.adapter.rooms;
    const notificationIds = events.flatMap((e) =>
      e.type === "notification.created" && local.has(rooms.account(e.data.userId)) ? [e.data.notificationId] : [],
    );
    if (notificationIds.length > 0) {
      for (const n of await getNotifications(db(), notificationIds)) to(rooms.account(n.userId))?.emit("notification:new", liveNotification(n), position);
    }
    for (const event of events) {
      if (event.type === "survey.answered" && event.ticketId) {
        to(rooms.allStaff)?.emit("survey:answered", { ticketId: event.ticketId, rating: event.data.rating }, position);
      }
      if (event.type === "customer.health_changed" && event.customerId) {
        const health = { customerId: event.customerId, score: event.data.score, band: event.data.band };
        to(rooms.allStaff)?.emit("customer:health", health, position);
      }
    }
  }
}
