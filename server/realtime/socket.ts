// Socket.IO on the app's HTTP server. The handshake is authenticated with the
// session cookie; every room join is authorised on the server, those a
// reconnecting client asks for again included. Each web
// process delivers committed events to its own sockets
// (server/listeners/realtime.ts), so no cross-process adapter is needed.
import type http from "node:http";
import { Server } from "socket.io";
import { db } from "../db/client.ts";
import { remainingSessions, sessionFromCookie } from "../auth/session.ts";
import { isSameOrigin } from "../http/security.ts";
import { loadAuthUser } from "../auth/users.ts";
import { socketRoomsFor, ticketRooms, ticketWatchRooms, type AuthUser, type TicketScope } from "../auth/policy.ts";
import {
  HandshakeSchema,
  rooms,
  WatchTicketSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from "./protocol.ts";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function attachRealtime(httpServer: http.Server): { io: RealtimeServer; close(): Promise<void> } {
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    // The same origin rule as form posts: another site's page may not open a
    // socket with the visitor's session cookie.
    allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host)),
  });

  // Authenticate in the middleware: by the time "connection" fires, the user
  // is known and every handler is registered at once, so an event sent right
  // after connecting is never dropped.
  io.use(async (socket, next) => {
    try {
      const session = await sessionFromCookie(socket.request.headers.cookie);
      const user = session ? await loadAuthUser(db(), session.userId) : null;
      if (!session || !user) return next(new Error("unauthorized"));
      socket.data.userId = user.id;
      socket.data.name = user.name;
      socket.data.sessionKey = session.sessionKey;
      socket.join([...socketRoomsFor(user), rooms.account(user.id)]);
      // A reconnecting client: back into the tickets it had open, then (on
      // "connection", server/listeners/realtime.ts) what it missed meanwhile.
      // A handshake that says something else is a plain first connection.
      const resume = HandshakeSchema.safeParse(socket.handshake.auth);
      if (resume.success) {
        for (const number of resume.data.watching ?? []) socket.join(await ticketRoomsFor(user, number));
        socket.data.catchUpAfter = resume.data.after;
      }
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
        const allowed = user ? await ticketRoomsFor(user, parsed.data.number) : [];
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
    },
  };
}

/** The rooms of a ticket this user may watch; none when it does not exist or is out of their sight. */
async function ticketRoomsFor(user: AuthUser, number: number): Promise<string[]> {
  const ticket = await db().ticket.findUnique({
    where: { number },
    select: { id: true, requesterId: true, teamId: true, assigneeId: true },
  });
  return ticket ? ticketWatchRooms(user, ticket) : [];
}

/** Rooms of the staff who may see a ticket (the policy's rooms, without the requester's). */
export function staffRoomsFor(ticket: TicketScope): string[] {
  return ticketRooms(ticket, "staff");
}

/**
 * Checks this process's watchers of a ticket again, after it changed hands:
 * whoever lost access leaves its rooms (internal notes above all). Only local
 * sockets: no cross-process round trip.
 */
export async function evictWatchersWithoutAccess(io: RealtimeServer, ticket: TicketScope & { id: string }) {
  const watchers = await io.in(rooms.ticket(ticket.id)).fetchSockets();
  // One lookup per person, however many tabs they have open on the ticket.
  const allowedFor = new Map<string, Promise<string[]>>();
  for (const watcher of watchers) {
    const userId = watcher.data.userId;
    if (!allowedFor.has(userId)) {
      allowedFor.set(userId, loadAuthUser(db(), userId).then((user) => (user ? ticketWatchRooms(user, ticket) : [])));
    }
    const allowed = await allowedFor.get(userId)!;
    for (const room of [rooms.ticket(ticket.id), rooms.ticketStaff(ticket.id)]) {
      if (!allowed.includes(room)) watcher.leave(room);
    }
  }
}

/**
 * Closes this process's sockets of a user whose session has ended since they
 * connected (a password change ended the others) or who was deactivated.
 * Sockets of sessions still good stay open. A socket only learns who it is at
 * the handshake, so without this a socket would outlive its session.
 */
export async function disconnectEndedSessions(io: RealtimeServer, userId: string) {
  const sockets = await io.in(rooms.account(userId)).fetchSockets();
  if (sockets.length === 0) return;
  const active = (await loadAuthUser(db(), userId)) !== null;
  const remaining = active
    ? await remainingSessions(db(), userId, [...new Set(sockets.map((s) => s.data.sessionKey))])
    : new Set<string>();
  for (const socket of sockets) {
    if (!remaining.has(socket.data.sessionKey)) socket.disconnect(true);
  }
}
