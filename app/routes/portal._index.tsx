import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "../components/Ticket.tsx";
import { useLiveReload, useSocket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import { db, requirePermission, listTickets } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "portal.myTickets");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "tickets.view_own");
  // The portal shows a customer's latest 100 requests.
  const { items: tickets } = await listTickets(db(), user, { limit: 100 });
  return {
    tickets: tickets.map((t) => ({
      number: t.number,
      subject: t.subject,
      status: t.status,
      type: t.type,
      updatedAt: t.updatedAt.toISOString(),
    })),
  };
}

export default function MyTickets() {
  const { tickets } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  const { socket } = useSocket();
  const reload = useLiveReload();
  useEffect(() => {
    if (!socket) return;
    socket.on("ticket:changed", reload);
    return () => {
      socket.off("ticket:changed", reload);
    };
  }, [socket, reload]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t("portal.myTickets")}</h1>
        <Link to="/portal/new" className="btn">
          {t("nav.newTicket")}
        </Link>
      </div>
      {tickets.length === 0 ? (
        <div className="empty card">
          <p>{t("portal.noTickets")}</p>
          <Link to="/help">{t("home.browseHelp")}</Link>
        </div>
      ) : (
        <ul className="ticket-list card">
          {tickets.map((ticket) => (
            <li key={ticket.number}>
              <Link to={`/portal/tickets/${ticket.number}`}>
                <span className="muted">#{ticket.number}</span> <span className="subject">{ticket.subject}</span>
              </Link>
              <span className="muted small">{t(`ticket.type.${ticket.type}`)}</span>
              <StatusBadge status={ticket.status} />
              <time className="muted small" dateTime={ticket.updatedAt}>
                {fmt.dateTime(ticket.updatedAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
