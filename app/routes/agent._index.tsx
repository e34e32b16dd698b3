import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState, type MouseEvent } from "react";
import { useT } from "../i18n/i18n.ts";
import { z } from "zod";
import type { QueueTicket } from "../../server/realtime/protocol.ts";
import { PriorityBadge, StatusBadge } from "../components/Ticket.tsx";
import { SlaTargets } from "../components/Sla.tsx";
import { useSocket } from "../utils/socket.tsx";
import { useNow, useTimeFormat } from "../utils/time.tsx";
import { db, DomainError, requirePermission, listTickets, toQueueTicket } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { isActive } from "../../server/tickets/status.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.queue");

const VIEWS = ["active", "mine", "unassigned", "all"] as const;
type View = (typeof VIEWS)[number];
const ViewParam = z.enum(VIEWS).catch("active");
const SORTS = ["created", "due"] as const;
type Sort = (typeof SORTS)[number];
const SortParam = z.enum(SORTS).catch("created");
/** How long a row that just changed stays highlighted. */
const FRESH_MS = 3_000;
const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const params = new URL(request.url).searchParams;
  const view = ViewParam.parse(params.get("view") ?? undefined);
  const sort = SortParam.parse(params.get("sort") ?? undefined);
  const cursor = params.get("cursor") ?? undefined;
  const filter = view === "all" ? { view: "all" } : { view: view === "active" ? "all" : view, status: "active" };
  try {
    const page = await listTickets(db(), user, { ...filter, sort, limit: PAGE_SIZE, cursor }, { counts: true });
    return {
      view,
      sort,
      userId: user.id,
      tickets: page.items.map(toQueueTicket),
      total: page.total ?? page.items.length,
      offset: page.offset ?? 0,
      // Counting stops at COUNT_LIMIT: past it the page says "more than".
      totalCapped: page.totalCapped ?? false,
      offsetCapped: page.offsetCapped ?? false,
      firstPage: !cursor,
      nextCursor: page.nextCursor,
    };
  } catch (error) {
    // A mangled or outdated page link: start the view again from the top.
    if (error instanceof DomainError && error.code === "validation_failed") throw redirect(`/agent?view=${view}&sort=${sort}`);
    throw error;
  }
}

/** Does a live ticket belong in the view the agent is looking at? */
function inView(ticket: QueueTicket, view: View, userId: string) {
  if (view === "all") return true;
  if (!isActive(ticket.status)) return false;
  if (view === "mine") return ticket.assigneeId === userId;
  if (view === "unassigned") return ticket.assigneeId === null;
  return true;
}

/**
 * The rows link to their tickets with plain anchors, and this one handler
 * on the table follows a plain click inside the app, as a router Link would
 * (fifty Links cost the server a millisecond of every render of the queue).
 * Clicks with a modifier, other buttons and other sites are the browser's.
 */
function useFollowLinks() {
  const navigate = useNavigate();
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as HTMLElement).closest("a");
    if (!link || link.target || link.hasAttribute("download") || link.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  };
}

/** The orders as the server pages them: newest first (createdAt, then id), or next due first (no due time last, then id). */
const ORDER: Record<Sort, (a: QueueTicket, b: QueueTicket) => number> = {
  created: (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  due: (a, b) =>
    (a.slaDueAt === null ? 1 : 0) - (b.slaDueAt === null ? 1 : 0) ||
    (a.slaDueAt ?? "").localeCompare(b.slaDueAt ?? "") ||
    a.id.localeCompare(b.id),
};

export default function Queue() {
  const data = useLoaderData<typeof loader>();
  const { t, language } = useT();
  const [params] = useSearchParams();
  const { socket, connected } = useSocket();
  const [tickets, setTickets] = useState(data.tickets);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const freshTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  // Countdowns in minutes: a tick every 10 s keeps them and their colours on time.
  const now = useNow(10_000);
  const fmt = useTimeFormat();
  const followLink = useFollowLinks();

  // Highlight a changed row for a moment, then let it go.
  const markFresh = (id: string) => {
    setFresh((s) => new Set(s).add(id));
    const timers = freshTimers.current;
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        setFresh((s) => {
          const next = new Set(s);
          next.delete(id);
          return next;
        });
      }, FRESH_MS),
    );
  };
  useEffect(() => {
    const timers = freshTimers.current;
    return () => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    };
  }, []);

  useEffect(() => setTickets(data.tickets), [data.tickets]);
  useEffect(() => {
    if (!socket) return;
    // The span of the order this page covers: a ticket from outside it (a new
    // one, while on a later page) belongs on another page.
    const order = ORDER[data.sort];
    const first = data.firstPage ? null : data.tickets[0];
    const last = data.nextCursor ? data.tickets[data.tickets.length - 1] : null;
    const onPage = (t: QueueTicket) => (!first || order(first, t) <= 0) && (!last || order(t, last) <= 0);
    const onTicket = (ticket: QueueTicket) => {
      setTickets((list) => {
        const rest = list.filter((x) => x.id !== ticket.id);
        if (!inView(ticket, data.view, data.userId)) return rest;
        const known = rest.length < list.length;
        if (!known && !onPage(ticket)) return list;
        // A known ticket stays on the page; its next due time may have moved it within the page.
        return [...rest, ticket].sort(order);
      });
      markFresh(ticket.id);
    };
    socket.on("queue:ticket", onTicket);
    return () => {
      socket.off("queue:ticket", onTicket);
    };
  }, [socket, data]);

  // Live arrivals and departures move the count; the page's start stays where it was.
  const total = Math.max(0, data.total + tickets.length - data.tickets.length);
  const number = (n: number) => n.toLocaleString(language);
  const range = data.offsetCapped
    ? t("agent.showingFar", { count: tickets.length, offset: number(data.offset) })
    : t(data.totalCapped ? "agent.showingMore" : "agent.showing", {
        from: number(data.offset + 1),
        to: number(data.offset + tickets.length),
        total: number(data.totalCapped ? data.total : total),
      });

  return (
    <div className="page wide">
      <div className="page-head">
        <h1>{t("agent.queueTitle")}</h1>
        <span className={`live ${connected ? "on" : "off"}`} data-testid="live-status" data-connected={connected}>
          {connected ? t("agent.live") : t("agent.connecting")}
        </span>
      </div>
      <nav className="tabs" aria-label={t("agent.queueTitle")}>
        {VIEWS.map((v) => (
          <Link
            key={v}
            to={`?view=${v}&sort=${data.sort}`}
            className={(params.get("view") ?? "active") === v ? "tab active" : "tab"}
            aria-current={data.view === v ? "page" : undefined}
          >
            {t(`agent.views.${v}`)}
          </Link>
        ))}
        <span className="tabs-end sort-switch small">
          {t("agent.sortBy")}{" "}
          {SORTS.map((sort) => (
            <Link
              key={sort}
              to={`?view=${data.view}&sort=${sort}`}
              className={data.sort === sort ? "active" : undefined}
              aria-current={data.sort === sort ? "true" : undefined}
              data-sort={sort}
            >
              {t(`agent.sort.${sort}`)}
            </Link>
          ))}
        </span>
        {tickets.length > 0 && (
          <span className="tabs-range muted small" data-testid="queue-range">
            {range}
          </span>
        )}
      </nav>
      {tickets.length === 0 ? (
        <p className="empty card">{t("agent.emptyQueue")}</p>
      ) : (
        <table className="queue card" data-testid="queue" onClick={followLink}>
          <thead>
            <tr>
              <th>{t("agent.columns.ticket")}</th>
              <th>{t("agent.columns.requester")}</th>
              <th>{t("agent.columns.status")}</th>
              <th>{t("agent.columns.priority")}</th>
              <th>{t("agent.columns.sla")}</th>
              <th>{t("agent.columns.assignee")}</th>
              <th>{t("agent.columns.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => {
              return (
                <tr key={ticket.id} className={fresh.has(ticket.id) ? "fresh" : undefined} data-ticket={ticket.number}>
                  <td>
                    <a href={`/agent/tickets/${ticket.number}`} className="ticket-link">
                      <span className="muted">#{ticket.number}</span> {ticket.subject}
                    </a>
                    <div className="muted small">
                      {t(`ticket.type.${ticket.type}`)}
                      {ticket.teamName ? ` · ${ticket.teamName}` : ""}
                    </div>
                  </td>
                  <td>
                    {ticket.requesterName}
                    {ticket.requesterTier === "key" && <span className="badge tier-key">{t("ticket.tier.key")}</span>}
                  </td>
                  <td>
                    <StatusBadge status={ticket.status} staff />
                  </td>
                  <td>
                    <PriorityBadge priority={ticket.priority} />
                  </td>
                  <td>
                    <SlaTargets state={ticket.slaState} targets={ticket.slaTargets} now={now} />
                  </td>
                  <td>{ticket.assigneeName ?? <span className="muted">{t("ticket.unassigned")}</span>}</td>
                  <td className="muted small">{fmt.relative(ticket.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {(!data.firstPage || data.nextCursor) && (
        <nav className="pager" aria-label={t("agent.pages")}>
          <span className="muted small">{range}</span>
          {!data.firstPage && <Link to={`?view=${data.view}&sort=${data.sort}`}>← {t("agent.firstPage")}</Link>}
          {data.nextCursor && (
            <Link to={`?${new URLSearchParams({ view: data.view, sort: data.sort, cursor: data.nextCursor })}`} rel="next">
              {t("agent.nextPage")} →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
