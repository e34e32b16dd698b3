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
import { socketRoomsFor, ticketRooms, ticketWatchRooms, type TicketScope } from "../auth/policy.ts";
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
  // An idle connection dropped by the server (restart, Ctrl-C reaching
  // PostgreSQL first) is replaced on next use; without a listener it would crash us.
  pool.on("error", (e) => console.warn("[socket.io pool]", e.message));
  // The adapter keeps one client checked out for LISTEN without an error
  // listener; a dropped connection would then crash the process. It
  // reconnects by itself on "end", so a warning is all that is needed.
  pool.on("connect", (client) => client.on("error", (e) => console.warn("[socket.io adapter]", e.message)));
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    adapter: createAdapter(pool, { errorHandler: (e) => console.warn("[socket.io adapter]", e.message) }),
  });

  // Authenticate in the middleware: by the time "connection" fires, the user
  // is known and every handler is registered at once, so an event sent right
  // after connecting is never dropped.
  io.use(async (socket, next) => {
    try {
      const userId = await userIdFromCookie(socket.request.headers.cookie);
      const user = userId ? await loadAuthUser(db(), userId) : null;
      if (!user) return next(new Error("unauthorized"));
      socket.data.userId = user.id;
      socket.join(socketRoomsFor(user));
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
        const allowed = user && ticket ? ticketWatchRooms(user, ticket) : [];
        if (allowed.length === 0) return reply({ ok: false, error: "not_found" });
        socket.join(allowed);
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
      await pool.end().catch(() => {});
    },
  };
}

/** Rooms of the staff who may see a ticket (the policy's rooms, without the requester's). */
function staffRoomsFor(ticket: TicketScope): string[] {
  return ticketRooms(ticket, "staff");
}

async function evictWatchersWithoutAccess(io: RealtimeServer, ticket: TicketScope & { id: string }) {
  const watchers = await io.in(rooms.ticket(ticket.id)).fetchSockets();
  for (const watcher of watchers) {
    const user = await loadAuthUser(db(), watcher.data.userId);
    const allowed = user ? ticketWatchRooms(user, ticket) : [];
    for (const room of [rooms.ticket(ticket.id), rooms.ticketStaff(ticket.id)]) {
      if (!allowed.includes(room)) watcher.leave(room);
    }
  }
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
          // Whoever lost access (reassigned, moved to another team) stops
          // receiving this ticket's events, internal notes above all.
          if (event.topic === "ticket.updated") await evictWatchersWithoutAccess(io, ticket);
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
        case "survey.answered":
          io.to(rooms.allStaff).emit("survey:answered", { ticketId: event.payload.ticketId, rating: event.payload.rating });
          return;
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
