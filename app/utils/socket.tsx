// One Socket.IO connection per page, shared through context. The server
// authenticates it with the session cookie, so it is only opened when signed in.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { useNavigation, useRevalidator } from "@remix-run/react";
import { io, type Socket } from "socket.io-client";
import { MAX_WATCHED, type ClientToServerEvents, type ServerToClientEvents } from "../../server/realtime/protocol.ts";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface SocketState {
  socket: LiveSocket | null;
  connected: boolean;
  /** Tickets open on this page, by number and how many components watch each: rejoined on reconnecting. */
  watching: Map<number, number>;
}

const SocketContext = createContext<SocketState>({ socket: null, connected: false, watching: new Map() });

/** "txid:id" positions of the live feed (server/realtime/protocol.ts), compared as numbers. */
const POSITION = /^(\d+):(\d+)$/;
function isLater(candidate: string, than: string | null): boolean {
  const a = POSITION.exec(candidate);
  if (!a) return false;
  const b = than ? POSITION.exec(than) : null;
  if (!b) return true;
  return BigInt(a[1]) !== BigInt(b[1]) ? BigInt(a[1]) > BigInt(b[1]) : BigInt(a[2]) > BigInt(b[2]);
}

export function SocketProvider({ enabled, children }: { enabled: boolean; children: React.ReactNode }) {
  const [socket, setSocket] = useState<LiveSocket | null>(null);
  const [connected, setConnected] = useState(false);
  const [watching] = useState(() => new Map<number, number>());
  const reload = useLiveReload();

  useEffect(() => {
    if (!enabled) return;
    // The latest feed position this page saw: every update carries one as its
    // last argument. Reconnecting, the client hands it back with the tickets
    // it has open, and the server sends what was missed in between.
    let seen: string | null = null;
    const s: LiveSocket = io({
      transports: ["websocket", "polling"],
      withCredentials: true,
      auth: (send) => send(seen ? { after: seen, watching: [...watching.keys()].slice(0, MAX_WATCHED) } : {}),
    });
    s.onAny((_event, ...args: unknown[]) => {
      const position = args.at(-1);
      if (typeof position === "string" && isLater(position, seen)) seen = position;
    });
    // Too much was missed to replay: the page reads its data again.
    s.on("feed:reload", reload);
    // The server closes a socket whose session has ended (password changed,
    // account deactivated). Another tab of this browser may hold the new
    // session by then: try once more a moment later; if the server refuses,
    // this browser is signed out, and a reload shows the sign-in page.
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closedByServer = false;
    s.on("connect", () => {
      closedByServer = false;
      setConnected(true);
    });
    s.on("disconnect", (reason) => {
      setConnected(false);
      if (reason !== "io server disconnect") return;
      closedByServer = true;
      retry = setTimeout(() => s.connect(), 1000);
    });
    s.on("connect_error", (error) => {
      if (closedByServer && error.message === "unauthorized") window.location.reload();
    });
    setSocket(s);
    return () => {
      clearTimeout(retry);
      s.disconnect();
      setSocket(null);
      setConnected(false);
    };
  }, [enabled, watching, reload]);

  return <SocketContext.Provider value={{ socket, connected, watching }}>{children}</SocketContext.Provider>;
}

export function useSocket() {
  return useContext(SocketContext);
}

/** Joins a ticket's live room while mounted (and again after a reconnect). */
export function useWatchTicket(number: number) {
  const { socket, connected, watching } = useSocket();
  useEffect(() => {
    watching.set(number, (watching.get(number) ?? 0) + 1);
    return () => {
      const left = (watching.get(number) ?? 1) - 1;
      if (left > 0) watching.set(number, left);
      else watching.delete(number);
    };
  }, [watching, number]);
  useEffect(() => {
    if (!socket || !connected) return;
    socket.emit("ticket:watch", { number }, () => {});
    return () => {
      // Not while disconnected: a buffered unwatch would arrive after the reconnect had rejoined the ticket.
      if (socket.connected) socket.emit("ticket:unwatch", { number });
    };
  }, [socket, connected, number]);
}

interface LiveMessageLike {
  id: string;
  ticketId?: string;
}

/**
 * A ticket page's live state: joins the ticket's room, adds messages as they
 * arrive (each once), and reloads the page's data when the ticket changes.
 */
export function useLiveTicket<M extends LiveMessageLike>(ticket: { id: string; number: number }, loaded: M[]): M[] {
  const { socket } = useSocket();
  const [messages, setMessages] = useState(loaded);
  const revalidate = useLiveReload();

  useEffect(() => setMessages(loaded), [loaded]);
  useWatchTicket(ticket.number);
  useEffect(() => {
    if (!socket) return;
    // The socket may be in other tickets' rooms too (another tab, a page left a moment ago).
    const onMessage = (m: LiveMessageLike) => {
      if (m.ticketId === ticket.id) setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m as M]));
    };
    const onChange = (change: { id: string }) => {
      if (change.id === ticket.id) revalidate();
    };
    socket.on("ticket:message", onMessage);
    socket.on("ticket:changed", onChange);
    return () => {
      socket.off("ticket:message", onMessage);
      socket.off("ticket:changed", onChange);
    };
  }, [socket, ticket.id, revalidate]);
  return messages;
}

/**
 * A stable function that reloads the page's data after a live event. It does
 * nothing while a form is being sent or a reload is running (those load fresh
 * data anyway; a second reload would only abort one of them).
 */
export function useLiveReload(): () => void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const latest = useRef(() => {});
  latest.current = () => {
    if (navigation.state !== "idle" || revalidator.state !== "idle") return;
    try {
      void Promise.resolve(revalidator.revalidate()).catch(() => {});
    } catch {
      // superseded by a navigation that started at the same moment: it reloads anyway
    }
  };
  return useCallback(() => latest.current(), []);
}
