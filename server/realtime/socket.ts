// Socket.IO on the app's HTTP server. The handshake is authenticated with the
// session cookie; every room join is authorised on the server. Each web
// process delivers committed events to its own sockets
// (server/listeners/realtime.ts), so no cross-process adapter is needed.
import type http from "node:http";
import { Server } from "socket.io";
import { db } from "../db/client.ts";
import { userIdFromCookie } from "../auth/session.ts";
import { loadAuthUser } from "../auth/users.ts";
import { canSeeInternalNotes, canViewTicket, isStaff, isSupervisor } from "../auth/permissions.ts";
import {
  rooms,
  WatchTicketSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "./protocol.ts";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function attachRealtime(httpServer: http.Server): { io: RealtimeServer; close(): Promise<void> } {
  const io: RealtimeServer = new Server(httpServer, { serveClient: false });

  // Authenticate in the middleware: by the time "connection" fires, the user
  // is known and every handler is registered at once, so an event sent right
  // after connecting is never dropped.
  io.use(async (socket, next) => {
    try {
      const userId = await userIdFromCookie(socket.request.headers.cookie);
      const user = userId ? await loadAuthUser(db(), userId) : null;
      if (!user) return next(new Error("unauthorized"));
      socket.data.userId = user.id;
      socket.join(rooms.user(user.id));
      if (user.customerId) socket.join(rooms.customer(user.customerId));
      if (isSupervisor(user)) socket.join(rooms.allStaff);
      else if (isStaff(user)) socket.join([rooms.untriaged, ...user.teamIds.map(rooms.team)]);
      next();
    } catch (error) {
      console.warn("[socket auth]", (error as Error).message);
      next(new Error("unavailable"));
    }
  });

  io.on("connection", (socket) => {
    socket.on("ticket:watch", async (raw, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      try {
        const parsed = WatchTicketSchema.safeParse(raw);
        if (!parsed.success) return reply({ ok: false, error: "bad_request" });
        // Re-read the user: roles and teams may have changed since the handshake.
        const user = await loadAuthUser(db(), socket.data.userId);
        const ticket = await db().ticket.findUnique({
          where: { number: parsed.data.number },
          select: { id: true, requesterId: true, teamId: true, assigneeId: true },
        });
        if (!user || !ticket || !canViewTicket(user, ticket)) return reply({ ok: false, error: "not_found" });
        socket.join(rooms.ticket(ticket.id));
        if (canSeeInternalNotes(user)) socket.join(rooms.ticketStaff(ticket.id));
        reply({ ok: true });
      } catch (error) {
        console.warn("[socket ticket:watch]", (error as Error).message);
        reply({ ok: false, error: "internal" });
      }
    });

    socket.on("ticket:unwatch", async (raw) => {
      try {
        const parsed = WatchTicketSchema.safeParse(raw);
        if (!parsed.success) return;
        const ticket = await db().ticket.findUnique({ where: { number: parsed.data.number }, select: { id: true } });
        if (!ticket) return;
        socket.leave(rooms.ticket(ticket.id));
        socket.leave(rooms.ticketStaff(ticket.id));
      } catch (error) {
        console.warn("[socket ticket:unwatch]", (error as Error).message);
      }
    });
  });

  return {
    io,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/** Staff rooms that may see a ticket: supervisors, its team (or the untriaged pool) and its assignee. */
export function staffRoomsFor(t: { teamId: string | null; assigneeId: string | null }): string[] {
  return [
    rooms.allStaff,
    t.teamId ? rooms.team(t.teamId) : rooms.untriaged,
    ...(t.assigneeId ? [rooms.user(t.assigneeId)] : []),
  ];
}
