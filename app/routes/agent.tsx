// The agent workspace: a bar of views with live counts, the current view's
// tickets, and the open ticket beside them (app/routes/agent.tickets.$number.tsx
// renders into the Outlet). On wide screens list and ticket sit side by side;
// on narrow ones one at a time (app.css, .workspace).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useMatches, useNavigate, type ShouldRevalidateFunction } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { z } from "zod";
import { useT } from "../i18n/i18n.ts";
import type { QueueTicket } from "../../server/realtime/protocol.ts";
import { matchesView, VIEW_SORTS, type ViewSort } from "../../server/views/filters.ts";
import { QueueList, type Selection } from "../components/Queue.tsx";
import { BulkBar } from "../components/Bulk.tsx";
import { ShortcutsHelp, useShortcuts } from "../components/Shortcuts.tsx";
import { useSocket } from "../utils/socket.tsx";
import { timeZoneFromRequest } from "../utils/format.ts";
import {
  countViews,
  db,
  DomainError,
  fieldChoices,
  listTickets,
  listMacros,
  listViews,
  requirePermission,
  resolveFor,
  toQueueTicket,
} from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.queue");

/** The view an agent lands on: every open ticket they may see, the next due first. */
const DEFAULT_VIEW = "active";
/**
 * Tickets per page: more than a 900-pixel screen shows (22 dense rows), as
 * many as Zendesk and Freshdesk put on a page. Each row is rendered and sent
 * with its data, so a longer page costs every load (bench/results/scale.md).
 */
const PAGE_SIZE = 30;
/** How long a row that just changed stays highlighted. */
const FRESH_MS = 3_000;
/** Counts are asked for again at most this often while tickets change. */
const COUNTS_EVERY_MS = 1_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const params = new URL(request.url).searchParams;
  const views = await listViews(db(), user);
  const current = views.find((v) => v.key === (params.get("view") ?? DEFAULT_VIEW)) ?? views.find((v) => v.key === DEFAULT_VIEW)!;
  const sort = z.enum(VIEW_SORTS).catch(current.sort).parse(params.get("sort") ?? current.sort);
  const cursor = params.get("cursor") ?? undefined;
  const timeZone = timeZoneFromRequest(request);
  const resolved = views.map((view) => resolveFor(view, user, timeZone));
  const currentView = resolved[views.indexOf(current)];
  try {
    // The page first: its count is kept, so the views' counts below reuse it.
    const page = await listTickets(db(), user, { sort, limit: PAGE_SIZE, cursor }, { counts: true, view: currentView });
    const counts = await countViews(db(), user, resolved);
    const [{ agents, teams }, macros] = await Promise.all([fieldChoices(db(), user), listMacros(db(), user)]);
    return {
      /** What a bulk change can set. */
      choices: { agents, teams, macros: macros.map((m) => ({ id: m.id, name: m.name })) },
      userId: user.id,
      views: views.map((view, i) => ({ key: view.key, name: view.name, builtIn: view.builtIn, shared: view.shared, editable: view.editable, ...counts[i] })),
      current: { key: current.key, sort, resolved: currentView },
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
    if (error instanceof DomainError && error.code === "validation_failed") throw redirect(`/agent?view=${current.key}&sort=${sort}`);
    throw error;
  }
}

/**
 * Opening another ticket keeps the list as it is (it follows changes live);
 * the list is read again when the view, order or page changes, and after
 * changes made from it (bulk actions). The view changing comes first: a form
 * sent elsewhere (the availability picker) that finishes while another view
 * loads takes that navigation over, and must not leave the old list under
 * the new view's address.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formAction, defaultShouldRevalidate }) => {
  if (listOf(currentUrl) !== listOf(nextUrl)) return defaultShouldRevalidate;
  if (formAction) return formAction.startsWith("/agent/bulk") || formAction.startsWith("/agent/views") ? defaultShouldRevalidate : false;
  return nextUrl.pathname === "/agent" ? defaultShouldRevalidate : false;
};

/** The parameters the list is read with (a ticket page's own, such as ?macro=, leave it alone). */
const listOf = (url: URL) => ["view", "sort", "cursor"].map((name) => url.searchParams.get(name) ?? "").join("|");

/** The orders as the server pages them (server/tickets/service.ts TICKET_ORDERS). */
const ORDER: Record<ViewSort, (a: QueueTicket, b: QueueTicket) => number> = {
  created: (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id),
  due: (a, b) =>
    (a.slaDueAt === null ? 1 : 0) - (b.slaDueAt === null ? 1 : 0) ||
    (a.slaDueAt ?? "").localeCompare(b.slaDueAt ?? "") ||
    a.id.localeCompare(b.id),
};

type Counts = Record<string, { count: number; capped: boolean }>;

export default function Workspace() {
  const data = useLoaderData<typeof loader>();
  const { t, language } = useT();
  const location = useLocation();
  const { socket, connected } = useSocket();
  const [tickets, setTickets] = useState(data.tickets);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const freshTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  // Counts read after the page (a plain request: a failed one just leaves the counts as they were).
  const [fetchedCounts, setFetchedCounts] = useState<Counts | null>(null);
  const countsTimer = useRef<ReturnType<typeof setTimeout>>();
  const openTicket = useMatches().some((m) => m.id === "routes/agent.tickets.$number");
  const navigate = useNavigate();
  const shortcutsHelp = useRef<HTMLDialogElement>(null);
  // j / k: the next or previous ticket of the list as it shows now (the first one when none is open).
  const step = (by: 1 | -1) => {
    const numbers = [...document.querySelectorAll<HTMLElement>('[data-testid="queue"] [data-ticket]')].map((row) => row.dataset.ticket);
    // The address as it is now, not as this page last rendered: keys pressed in quick succession
    // come before the navigation the previous one started has rendered.
    const open = /^\/agent\/tickets\/(\d+)/.exec(window.location.pathname)?.[1];
    const at = open ? numbers.indexOf(open) : -1;
    const next = numbers[at === -1 ? 0 : Math.min(numbers.length - 1, Math.max(0, at + by))];
    if (next && next !== open) navigate(`/agent/tickets/${next}${window.location.search}`);
  };
  const goTo = (view: string) => navigate(`/agent?view=${view}`);
  useShortcuts({
    "?": () => shortcutsHelp.current?.showModal(),
    j: () => step(1),
    k: () => step(-1),
    "g m": () => goTo("mine"),
    "g u": () => goTo("unassigned"),
    "g t": () => goTo("teams"),
    "g a": () => goTo("active"),
  });
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const selection: Selection = {
    selected,
    toggle: (number) =>
      setSelected((s) => {
        const next = new Set(s);
        if (!next.delete(number)) next.add(number);
        return next;
      }),
    setAll: (numbers, on) =>
      setSelected((s) => {
        const next = new Set(s);
        for (const number of numbers) if (on) next.add(number);
        else next.delete(number);
        return next;
      }),
  };
  const clearSelection = useCallback(() => setSelected(new Set()), []);
  // Another view or page: what was ticked is out of sight, so it is let go.
  useEffect(() => setSelected(new Set()), [data.current.key, data.current.sort, data.firstPage, data.nextCursor]);

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
      clearTimeout(countsTimer.current);
    };
  }, []);

  useEffect(() => setTickets(data.tickets), [data.tickets]);
  useEffect(() => {
    if (!socket) return;
    // The span of the order this page covers: a ticket from outside it (a new
    // one, while on a later page) belongs on another page.
    const order = ORDER[data.current.sort];
    const first = data.firstPage ? null : data.tickets[0];
    const last = data.nextCursor ? data.tickets[data.tickets.length - 1] : null;
    const onPage = (t: QueueTicket) => (!first || order(first, t) <= 0) && (!last || order(t, last) <= 0);
    const onTicket = (ticket: QueueTicket) => {
      setTickets((list) => {
        const rest = list.filter((x) => x.id !== ticket.id);
        if (!matchesView(data.current.resolved, ticket)) return rest;
        const known = rest.length < list.length;
        if (!known && !onPage(ticket)) return list;
        // A known ticket stays on the page; its next due time may have moved it within the page.
        return [...rest, ticket].sort(order);
      });
      markFresh(ticket.id);
      // Every view's count may have moved: ask once the burst is over.
      if (!countsTimer.current) {
        countsTimer.current = setTimeout(() => {
          countsTimer.current = undefined;
          fetch("/agent/counts", { headers: { Accept: "application/json" } })
            .then((res) => (res.ok ? (res.json() as Promise<Counts>) : null))
            .then((fresh) => fresh && setFetchedCounts(fresh))
            .catch(() => {});
        }, COUNTS_EVERY_MS);
      }
    };
    socket.on("queue:ticket", onTicket);
    return () => {
      socket.off("queue:ticket", onTicket);
    };
  }, [socket, data]);

  // A new page brings its own counts; counts read after it win until the next.
  useEffect(() => setFetchedCounts(null), [data.views]);
  const liveCounts = useMemo(
    () => Object.fromEntries(data.views.map((v) => [v.key, fetchedCounts?.[v.key] ?? { count: v.count, capped: v.capped }])),
    [fetchedCounts, data.views],
  );
  const total = Math.max(0, data.total + tickets.length - data.tickets.length);
  const number = (n: number) => n.toLocaleString(language);
  const currentName = (v: { key: string; name: string | null; builtIn: boolean }) => (v.builtIn ? t(`agent.views.${v.key}`) : v.name!);
  const current = data.views.find((v) => v.key === data.current.key)!;
  // One main heading per page: the open ticket's, or else the list's.
  const Title = openTicket ? "h2" : "h1";
  const query = (extra: Record<string, string>) => `?${new URLSearchParams({ view: data.current.key, ...extra })}`;
  const range = data.offsetCapped
    ? t("agent.showingFar", { count: tickets.length, offset: number(data.offset) })
    : t(data.totalCapped ? "agent.showingMore" : "agent.showing", {
        from: number(tickets.length === 0 ? 0 : data.offset + 1),
        to: number(data.offset + tickets.length),
        total: number(data.totalCapped ? data.total : total),
      });

  return (
    <div className={openTicket ? "workspace has-ticket" : "workspace"}>
      <nav className="views-bar" aria-label={t("agent.viewsTitle")} data-testid="views">
        <h2 className="views-title">{t("agent.viewsTitle")}</h2>
        <ul>
          {data.views.map((view, i) => {
            const count = liveCounts[view.key];
            const firstSaved = !view.builtIn && (i === 0 || data.views[i - 1].builtIn || (data.views[i - 1].shared && !view.shared));
            return (
              <li key={view.key} className={firstSaved ? "views-group" : undefined}>
                <Link
                  to={`/agent?view=${encodeURIComponent(view.key)}`}
                  className={view.key === data.current.key ? "view-link active" : "view-link"}
                  aria-current={view.key === data.current.key ? "page" : undefined}
                  data-view={view.key}
                >
                  <span className="view-name">
                    {currentName(view)}
                    {view.shared && !view.builtIn && <span className="visually-hidden"> ({t("agent.sharedView")})</span>}
                  </span>
                  <span className="view-count" data-count={count.count}>
                    {count.capped ? `${number(count.count)}+` : number(count.count)}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        <Link to="/agent/views/new" className="btn-link small new-view">
          + {t("agent.newView")}
        </Link>
        <Link to="/agent/macros" className="btn-link small new-view">
          {t("macros.title")}
        </Link>
        <button type="button" className="btn-link small new-view needs-scripts" onClick={() => shortcutsHelp.current?.showModal()}>
          {t("shortcuts.button")}
        </button>
        <ShortcutsHelp dialog={shortcutsHelp} />
      </nav>

      <section className="list-pane" aria-labelledby="list-title">
        <div className="list-head">
          <Title id="list-title">
            {currentName(current)}
            {current.editable ? (
              <Link to={`/agent/views/${current.key}`} className="btn-link small edit-view">
                {t("agent.editView")}
              </Link>
            ) : (
              <Link to={`/agent/views/new?from=${encodeURIComponent(current.key)}`} className="btn-link small edit-view">
                {t("views.copy")}
              </Link>
            )}
          </Title>
          {/* Without scripts there is no live channel: the badge says so instead of "Connecting…". */}
          <span className={`live ${connected ? "on" : "off"} needs-scripts`} data-testid="live-status" data-connected={connected}>
            {connected ? t("agent.live") : t("agent.connecting")}
          </span>
          <span className="live off without-scripts">{t("agent.liveNeedsScripts")}</span>
        </div>
        <div className="list-tools">
          <span className="sort-switch small">
            {t("agent.sortBy")}{" "}
            {VIEW_SORTS.map((sort) => (
              <Link
                key={sort}
                to={query({ sort })}
                className={data.current.sort === sort ? "active" : undefined}
                aria-current={data.current.sort === sort ? "true" : undefined}
                data-sort={sort}
              >
                {t(`agent.sort.${sort}`)}
              </Link>
            ))}
          </span>
          <span className="muted small" data-testid="queue-range">
            {range}
          </span>
        </div>
        <BulkBar selected={[...selected]} choices={data.choices} onFinished={clearSelection} />
        {tickets.length === 0 ? (
          <p className="empty">{t("agent.emptyQueue")}</p>
        ) : (
          <QueueList tickets={tickets} fresh={fresh} linkSearch={location.search} openNumber={openNumberOf(location.pathname)} selection={selection} />
        )}
        {(!data.firstPage || data.nextCursor) && (
          <nav className="pager" aria-label={t("agent.pages")}>
            {!data.firstPage && <Link to={query({ sort: data.current.sort })}>← {t("agent.firstPage")}</Link>}
            {data.nextCursor && (
              <Link to={query({ sort: data.current.sort, cursor: data.nextCursor })} rel="next">
                {t("agent.nextPage")} →
              </Link>
            )}
          </nav>
        )}
      </section>

      <section className="ticket-pane">
        <Outlet />
      </section>
    </div>
  );
}

function openNumberOf(pathname: string): number | null {
  const match = /^\/agent\/tickets\/(\d+)/.exec(pathname);
  return match ? Number(match[1]) : null;
}
