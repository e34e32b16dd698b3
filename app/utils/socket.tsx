// One Socket.IO connection per page, shared through context. The server
// authenticates it with the session cookie, so it is only opened when signed in.
import { createContext, useContext, useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/realtime/protocol.ts";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const SocketContext = createContext<{ socket: LiveSocket | null; connected: boolean }>({
  socket: null,
  connected: false,
});

export function SocketProvider({ enabled, children }: { enabled: boolean; children: React.ReactNode }) {
  const [socket, setSocket] = useState<LiveSocket | null>(null);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    const s: LiveSocket = io({ transports: ["websocket", "polling"], withCredentials: true });
    s.on("connect", () => setConnected(true));
    s.on("disconnect", () => setConnected(false));
    setSocket(s);
    return () => {
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [enabled]);

  return <SocketContext.Provider value={{ socket, connected }}>{children}</SocketContext.Provider>;
}

export function useSocket() {
  return useContext(SocketContext);
}

/** Joins a ticket's live room while mounted (and again after a reconnect). */
export function useWatchTicket(number: number) {
  const { socket, connected } = useSocket();
  useEffect(() => {
    if (!socket || !connected) return;
    socket.emit("ticket:watch", { number }, () => {});
    return () => {
      socket.emit("ticket:unwatch", { number });
    };
  }, [socket, connected, number]);
}
