// Socket.IO on the app's HTTP server. The handshake is authenticated with the
// session cookie; every room join is authorised on the server. Broadcasts go
// through the PostgreSQL adapter so several app processes share them.
import type http from "node:http";
import pg from "pg";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/postgres-adapter";
import { db } from "../db/client.ts";
import { userIdFromCookie } from "../auth/session.ts";
import { loadAuthUser } from "../auth/users.ts";
import { canSeeInternalNotes, canViewTicket, isStaff, isSupervisor } from "../auth/permissions.ts";
import { getMessage, getTicketSummary } from "../tickets/service.ts";
import { toQueueTicket } from "../tickets/present.ts";
import type { Consumer } from "../outbox/outbox.ts";
import {
  rooms,
  WatchTicketSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "./protocol.ts";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function attachRealtime(httpServer: http.Server, databaseUrl: string): { io: RealtimeServer; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    adapter: createAdapter(pool, { errorHandler: (e) => console.warn("[socket.io adapter]", e.message) }),
  });

  io.use(async (socket, next) => {
    try {
      const userId = await userIdFromCookie(socket.request.headers.cookie);
      if (!userId) return next(new Error("unauthorized"));
      socket.data.userId = userId;
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error("unauthorized"));
    }
  });

  io.on("connection", async (socket) => {
    const user = await loadAuthUser(db(), socket.data.userId);
    if (!user) return socket.disconnect(true);
    socket.join(rooms.user(user.id));
    if (user.customerId) socket.join(rooms.customer(user.customerId));
    if (isSupervisor(user)) socket.join(rooms.allStaff);
    else if (isStaff(user)) socket.join([rooms.untriaged, ...user.teamIds.map(rooms.team)]);

    socket.on("ticket:watch", async (raw, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const parsed = WatchTicketSchema.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, error: "bad_request" });
      // Re-read the user: roles and teams may have changed since the handshake.
      const current = await loadAuthUser(db(), user.id);
      const ticket = await db().ticket.findUnique({
        where: { number: parsed.data.number },
        select: { id: true, requesterId: true, teamId: true, assigneeId: true },
      });
      if (!current || !ticket || !canViewTicket(current, ticket)) return reply({ ok: false, error: "not_found" });
      socket.join(rooms.ticket(ticket.id));
      if (canSeeInternalNotes(current)) socket.join(rooms.ticketStaff(ticket.id));
      reply({ ok: true });
    });

    socket.on("ticket:unwatch", async (raw) => {
      const parsed = WatchTicketSchema.safeParse(raw);
      if (!parsed.success) return;
      const ticket = await db().ticket.findUnique({ where: { number: parsed.data.number }, select: { id: true } });
      if (!ticket) return;
      socket.leave(rooms.ticket(ticket.id));
      socket.leave(rooms.ticketStaff(ticket.id));
    });
  });

  return {
    io,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.end().catch(() => {});
    },
  };
}

/** Staff rooms that may see a ticket: supervisors, its team (or the untriaged pool) and its assignee. */
function staffRoomsFor(t: { teamId: string | null; assigneeId: string | null }): string[] {
  return [
    rooms.allStaff,
    t.teamId ? rooms.team(t.teamId) : rooms.untriaged,
    ...(t.assigneeId ? [rooms.user(t.assigneeId)] : []),
  ];
}

/** Outbox consumer that turns committed domain events into socket broadcasts. */
export function createRealtimeConsumer(io: RealtimeServer): Consumer {
  return {
    name: "realtime",
    async handle(event) {
      switch (event.topic) {
        case "ticket.created":
        case "ticket.updated": {
          const ticket = await getTicketSummary(db(), event.payload.ticketId);
          if (!ticket) return;
          io.to(staffRoomsFor(ticket)).emit("queue:ticket", toQueueTicket(ticket));
          const change = {
            id: ticket.id,
            number: ticket.number,
            status: ticket.status,
            updatedAt: ticket.updatedAt.toISOString(),
          };
          io.to([rooms.ticket(ticket.id), rooms.customer(ticket.requesterId)]).emit("ticket:changed", change);
          return;
        }
        case "message.created": {
          const message = await getMessage(db(), event.payload.messageId);
          if (!message) return;
          const live = { ...message, createdAt: message.createdAt.toISOString() };
          // Only public replies reach the requester's room; internal notes and
          // system events (who was assigned, …) stay with staff, as in the API.
          const room = message.kind === "public" ? rooms.ticket(message.ticketId) : rooms.ticketStaff(message.ticketId);
          io.to(room).emit("ticket:message", live);
          return;
        }
        case "health.changed":
          io.to(rooms.allStaff).emit("customer:health", {
            customerId: event.payload.customerId,
            score: event.payload.score,
            band: event.payload.band,
          });
          return;
        default:
          return;
      }
    },
  };
}
