import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useT } from "../i18n/i18n.ts";
import { PriorityBadge, StatusBadge } from "../components/Ticket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import { db, DomainError, requirePermission, searchTickets } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { OPERATOR_EXAMPLES } from "../../search/ticket-query.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "search.title");

const PAGE_SIZE = 20;
const MAX_OFFSET = 1000;
const Params = z.object({
  q: z.string().max(500).catch(""),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).catch(0),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "tickets.search");
  const url = new URL(request.url);
  const { q, offset } = Params.parse({ q: url.searchParams.get("q") ?? "", offset: url.searchParams.get("offset") ?? 0 });
  try {
    const result = await searchTickets(db(), user, { q, offset, limit: PAGE_SIZE });
    // "#123" alone goes straight to that ticket, as typing its number is asking for it.
    if (/^#\d+$/.test(q.trim()) && offset === 0 && result.hits.length === 1) throw redirect(`/agent/tickets/${result.hits[0].number}`);
    return {
      q,
      offset,
      unavailable: false,
      total: result.total,
      hasMore: result.hasMore && offset + PAGE_SIZE <= MAX_OFFSET,
      ignored: result.invalid,
      hits: result.hits.map((hit) => ({ ...hit, updatedAt: hit.updatedAt.toISOString(), slaDueAt: hit.slaDueAt?.toISOString() ?? null })),
    };
  } catch (error) {
    if (error instanceof Response || error instanceof DomainError) throw error;
    // Search down: say so on the page; the queue and tickets work without it.
    console.warn("[search]", (error as Error).message);
    return { q, offset, unavailable: true, total: 0, hasMore: false, ignored: [], hits: [] };
  }
}

export default function TicketSearch() {
  const data = useLoaderData<typeof loader>();
  const { t, language } = useT();
  const fmt = useTimeFormat();
  const more = new URLSearchParams({ q: data.q, offset: String(data.offset + PAGE_SIZE) });
  return (
    <div className="page wide search-page">
      <div className="page-head">
        <h1>{t("search.title")}</h1>
      </div>
      {data.q.trim() === "" ? (
        <p className="muted">{t("search.empty")}</p>
      ) : data.unavailable ? (
        <p className="error-text" role="alert">
          {t("errors.searchUnavailable")}
        </p>
      ) : (
        <p className="muted small" data-testid="search-summary" role="status">
          {data.hits.length === 0
            ? t("search.none", { q: data.q })
            : t("search.results", { count: data.total, total: data.total.toLocaleString(language), q: data.q })}
        </p>
      )}
      {data.ignored.length > 0 && (
        <p className="error-text small" data-testid="search-ignored">
          {t("search.ignored", { operators: data.ignored.join(", ") })}
        </p>
      )}
      {data.hits.length > 0 && (
        <ol className="search-hits card" data-testid="search-hits" start={data.offset + 1}>
          {data.hits.map((hit) => (
            <li key={hit.id} data-ticket={hit.number}>
              <div className="hit-head">
                <Link to={`/agent/tickets/${hit.number}`} className="ticket-link">
                  <span className="muted">#{hit.number}</span>{" "}
                  {hit.subjectHtml ? <span dangerouslySetInnerHTML={{ __html: hit.subjectHtml }} /> : hit.subject}
                </Link>
                <StatusBadge status={hit.status} staff />
                <PriorityBadge priority={hit.priority} />
              </div>
              {hit.snippet && (
                <p className={hit.snippet.inNote ? "hit-snippet in-note" : "hit-snippet"}>
                  {hit.snippet.inNote && <span className="badge note-badge">{t("agent.note")}</span>}{" "}
                  <span dangerouslySetInnerHTML={{ __html: hit.snippet.html }} />
                </p>
              )}
              <p className="muted small">
                {hit.requesterName} · {hit.assigneeName ?? t("ticket.unassigned")}
                {hit.teamName ? ` · ${hit.teamName}` : ""} · {t("search.updated", { time: fmt.relative(hit.updatedAt) })}
              </p>
            </li>
          ))}
        </ol>
      )}
      {data.hasMore && (
        <nav className="pager" aria-label={t("agent.pages")}>
          <Link to={`?${more}`} rel="next">
            {t("search.more")} →
          </Link>
        </nav>
      )}
      <details className="search-help card">
        <summary>{t("search.operators")}</summary>
        <dl>
          {OPERATOR_EXAMPLES.map(([example, key]) => (
            <div key={example}>
              <dt>
                <code>{example}</code>
              </dt>
              <dd>{t(`search.operator.${key}`)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
