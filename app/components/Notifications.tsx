// Notifications on screen: the bell in the header (its count goes up live as
// notifications arrive) and one notification's sentence, in the reader's language.
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { LiveNotification } from "../../server/realtime/protocol.ts";
import { useT } from "../i18n/i18n.ts";
import { useSocket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";

export function NotificationBell({ unread }: { unread: number }) {
  const { t } = useT();
  const { socket } = useSocket();
  const [count, setCount] = useState(unread);
  useEffect(() => setCount(unread), [unread]);
  useEffect(() => {
    if (!socket) return;
    // A notification may come twice (live, then again in a reconnect's catch-up): count it once.
    const counted = new Set<string>();
    const onNew = (notification: LiveNotification) => {
      if (counted.has(notification.id)) return;
      counted.add(notification.id);
      setCount((n) => n + 1);
    };
    socket.on("notification:new", onNew);
    return () => {
      socket.off("notification:new", onNew);
    };
  }, [socket]);
  return (
    <Link to="/notifications" className="bell" data-testid="notification-bell" aria-label={t("notifications.bell", { count })}>
      <svg aria-hidden width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      {count > 0 && (
        <span className="bell-count" data-unread={count}>
          {count > 99 ? "99+" : count}
        </span>
      )}
    </Link>
  );
}

/** What the notification says: "The first response target of #12 is at risk (due 14:00)." */
export function NotificationText({ notification }: { notification: Pick<LiveNotification, "kind" | "ticket" | "data"> }) {
  const { t } = useT();
  const fmt = useTimeFormat();
  const data = notification.data as { target?: string; dueAt?: string | null; policy?: string | null; afterMinutes?: number; by?: string | null; auto?: string; rule?: string };
  const ticket = notification.ticket;
  return (
    <>
      {t(`notifications.kinds.${notification.kind}`, {
        target: data.target ? t(`sla.target.${data.target}`) : "",
        number: ticket?.number ?? "",
        due: data.dueAt ? fmt.dateTime(data.dueAt) : "—",
        minutes: data.afterMinutes ?? 0,
        rule: data.rule ?? "",
        by:
          data.by ??
          (data.auto
            ? t(`timeline.autoAssigned.by.${data.auto}`, { defaultValue: t("timeline.systemActor") })
            : data.rule
              ? t("notifications.byRule", { name: data.rule })
              : t("timeline.systemActor")),
      })}
      {ticket && (
        <>
          {" "}
          <Link to={`/agent/tickets/${ticket.number}`}>
            #{ticket.number} {ticket.subject}
          </Link>
        </>
      )}
    </>
  );
}
