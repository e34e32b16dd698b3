// Colleagues on the same ticket: who else has it open and who is typing a
// reply, live (server/realtime/presence.ts). The page says "viewing" while
// open, "typing" while keys are pressed in the composer, and "left" when it
// goes; the server says who is there.
import { useCallback, useEffect, useRef, useState } from "react";
import { HEARTBEAT_MS, TYPING_EVERY_MS, type PresenceState, type Viewer } from "../../server/realtime/presence.ts";
import { useT } from "../i18n/i18n.ts";
import { useSocket } from "../utils/socket.tsx";

/** Typing stops this long after the last key. */
const TYPING_PAUSE_MS = 4_000;

export function usePresence(ticket: { id: string; number: number }, viewerId: string) {
  const { socket, connected } = useSocket();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const typing = useRef<{ on: boolean; sentAt: number; pause?: ReturnType<typeof setTimeout> }>({ on: false, sentAt: 0 });

  const say = useCallback(
    (state: PresenceState) => {
      if (!socket?.connected) return; // said again on reconnecting
      if (state === "left") socket.emit("ticket:presence", { ticketId: ticket.id, state });
      else
        socket.emit("ticket:presence", { ticketId: ticket.id, state }, (list) => {
          if (Array.isArray(list)) setViewers(list);
        });
    },
    [socket, ticket.id],
  );

  useEffect(() => {
    if (!socket || !connected) return;
    const onPresence = (presence: { ticketId: string; viewers: Viewer[] }) => {
      if (presence.ticketId === ticket.id) setViewers(presence.viewers);
    };
    socket.on("ticket:presence", onPresence);
    // Announced once the server has let this socket into the ticket's rooms.
    socket.emit("ticket:watch", { number: ticket.number }, (result) => {
      if (result.ok) say("viewing");
    });
    const heartbeat = setInterval(() => say(typing.current.on ? "typing" : "viewing"), HEARTBEAT_MS);
    const state = typing.current;
    return () => {
      clearInterval(heartbeat);
      clearTimeout(state.pause);
      state.on = false;
      socket.off("ticket:presence", onPresence);
      say("left");
      setViewers([]);
    };
  }, [socket, connected, ticket.id, ticket.number, say]);

  /** Call on every keystroke in the composer. */
  const typed = useCallback(() => {
    const state = typing.current;
    const now = Date.now();
    if (!state.on || now - state.sentAt >= TYPING_EVERY_MS) {
      state.on = true;
      state.sentAt = now;
      say("typing");
    }
    clearTimeout(state.pause);
    state.pause = setTimeout(() => {
      state.on = false;
      say("viewing");
    }, TYPING_PAUSE_MS);
  }, [say]);

  /** Call when the reply is sent: no longer typing. */
  const stopped = useCallback(() => {
    const state = typing.current;
    clearTimeout(state.pause);
    if (!state.on) return;
    state.on = false;
    say("viewing");
  }, [say]);

  return { others: viewers.filter((v) => v.userId !== viewerId), typed, stopped };
}

/** "Maria Santos is typing a reply…", "Tom Becker is also viewing this ticket". */
export function PresenceLine({ others }: { others: Viewer[] }) {
  const { t, language } = useT();
  if (others.length === 0) return null;
  const names = (list: Viewer[]) => new Intl.ListFormat(language, { type: "conjunction" }).format(list.map((v) => v.name));
  const typing = others.filter((v) => v.typing);
  const viewing = others.filter((v) => !v.typing);
  return (
    <p className="presence" data-testid="presence" aria-live="polite">
      {typing.length > 0 && <span className="presence-typing">{t("presence.typing", { names: names(typing), count: typing.length })}</span>}
      {typing.length > 0 && viewing.length > 0 && " · "}
      {viewing.length > 0 && <span>{t("presence.viewing", { names: names(viewing), count: viewing.length })}</span>}
    </p>
  );
}
