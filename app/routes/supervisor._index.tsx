import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { HealthBadge } from "../components/Health.tsx";
import { useLiveReload, useSocket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import { db, requirePermission, csatBoard, healthBoard, slaBoard } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "board.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "boards.view");
  const now = new Date();
  const [sla, csat, health] = await Promise.all([
    slaBoard(db(), user),
    csatBoard(db(), user, now),
    healthBoard(db(), user),
  ]);
  return { sla, csat, health };
}

/** Live boards: refresh on ticket, rating and health events, at most every few seconds. */
function useLiveRefresh() {
  const { socket } = useSocket();
  const reload = useLiveReload();
  useEffect(() => {
    if (!socket) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        reload();
      }, 2000);
    };
    socket.on("queue:ticket", schedule);
    socket.on("customer:health", schedule);
    socket.on("survey:answered", schedule);
    return () => {
      socket.off("queue:ticket", schedule);
      socket.off("customer:health", schedule);
      socket.off("survey:answered", schedule);
      clearTimeout(timer);
    };
  }, [socket, reload]);
}

export default function Boards() {
  const { sla, csat, health } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  useLiveRefresh();
  const maxCount = Math.max(1, ...csat.distribution.map((d) => d.count));

  return (
    <div className="page wide">
      <div className="page-head">
        <div>
          <h1>{t("board.title")}</h1>
          <p className="lead">{t("board.lead")}</p>
        </div>
        <Link to="/supervisor/sla" className="btn btn-secondary">
          {t("slaSettings.title")}
        </Link>
      </div>

      <section className="board-grid">
        <div className="card" data-testid="sla-board">
          <h2>{t("board.sla")}</h2>
          <p className="muted small">{t("board.slaLead")}</p>
          <div className="stat-row">
            {(["on_track", "at_risk", "breached", "paused"] as const).map((state) => (
              <div key={state} className={`stat sla-${state}`} data-sla-count={state}>
                <span className="stat-value">{sla.totals[state]}</span>
                <span className="stat-label">{t(`sla.state.${state}`)}</span>
              </div>
            ))}
          </div>
          <h3>{t("board.byTeam")}</h3>
          <table className="compact">
            <thead>
              <tr>
                <th>{t("ticket.team")}</th>
                <th>{t("sla.state.on_track")}</th>
                <th>{t("sla.state.at_risk")}</th>
                <th>{t("sla.state.breached")}</th>
                <th>{t("sla.state.paused")}</th>
              </tr>
            </thead>
            <tbody>
              {sla.byTeam.map((row) => (
                <tr key={row.team}>
                  <td>{row.team === "—" ? t("board.noTeam") : row.team}</td>
                  <td>{row.on_track}</td>
                  <td>{row.at_risk}</td>
                  <td>{row.breached}</td>
                  <td>{row.paused}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <div className="card" data-testid="sla-attention">
          <h2>{t("board.attention")}</h2>
          {sla.attention.length === 0 ? (
            <p className="muted">{t("board.noAttention")}</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th>{t("agent.columns.ticket")}</th>
                  <th>{t("agent.columns.sla")}</th>
                  <th>{t("ticket.team")}</th>
                  <th>{t("agent.columns.assignee")}</th>
                </tr>
              </thead>
              <tbody>
                {sla.attention.map((row) => (
                  <tr key={row.number} data-ticket={row.number} data-sla-state={row.slaState}>
                    <td>
                      <Link to={`/agent/tickets/${row.number}`}>
                        #{row.number} {row.subject}
                      </Link>
                    </td>
                    <td>
                      <span className={`badge sla-${row.slaState}`}>{t(`sla.state.${row.slaState}`)}</span>
                      {row.slaDueAt && <div className="muted small">{fmt.relative(row.slaDueAt)}</div>}
                    </td>
                    <td>{row.team?.name ?? "—"}</td>
                    <td>{row.assignee?.name ?? t("ticket.unassigned")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>

        <div className="card" data-testid="csat-board">
          <h2>{t("board.csat", { days: csat.days })}</h2>
          <div className="stat-row">
            <div className="stat">
              <span className="stat-value" data-testid="csat-score">
                {csat.csat === null ? "—" : `${csat.csat}%`}
              </span>
              <span className="stat-label" title={t("board.csatHelp")}>
                {t("board.csatScore")}
              </span>
            </div>
            <div className="stat">
              <span className="stat-value">{csat.average ?? "—"}</span>
              <span className="stat-label">{t("board.averageLabel")}</span>
            </div>
            <div className="stat">
              <span className="stat-value">{csat.responses}</span>
              <span className="stat-label">{t("board.responsesColumn")}</span>
            </div>
          </div>
          <ul className="distribution" aria-label={t("board.csat")}>
            {csat.distribution.map((d) => (
              <li key={d.rating}>
                <span>{d.rating}</span>
                <span className="bar">
                  <span style={{ width: `${(d.count / maxCount) * 100}%` }} className={d.rating >= 4 ? "good" : d.rating === 3 ? "warn" : "bad"} />
                </span>
                <span className="muted small">{d.count}</span>
              </li>
            ))}
          </ul>
          {csat.byAgent.length > 0 && (
            <>
              <h3>{t("board.byAgent")}</h3>
              <table className="compact" data-testid="csat-by-agent">
                <thead>
                  <tr>
                    <th>{t("ticket.assignee")}</th>
                    <th>{t("board.csatScore")}</th>
                    <th>{t("board.responsesColumn")}</th>
                  </tr>
                </thead>
                <tbody>
                  {csat.byAgent.map((row) => (
                    <tr key={row.agent}>
                      <td>{row.agent === "—" ? t("ticket.unassigned") : row.agent}</td>
                      <td>{row.csat}%</td>
                      <td>{row.responses}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h3>{t("board.lowRatings")}</h3>
          {csat.lowRatings.length === 0 ? (
            <p className="muted small">{t("board.noLowRatings")}</p>
          ) : (
            <ul className="low-ratings">
              {csat.lowRatings.map((r) => (
                <li key={`${r.ticketNumber}-${r.respondedAt}`}>
                  <Link to={`/agent/tickets/${r.ticketNumber}`}>
                    #{r.ticketNumber} {r.subject}
                  </Link>{" "}
                  <span className="badge sla-breached">{r.rating}/5</span>
                  <div className="muted small">
                    {r.customer} · {fmt.dateTime(r.respondedAt)}
                    {r.comment ? ` · “${r.comment}”` : ""}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="card" data-testid="health-board">
          <h2>{t("board.atRiskCustomers")}</h2>
          <div className="stat-row">
            {(["healthy", "at_risk", "critical"] as const).map((band) => (
              <div key={band} className={`stat band-${band}`}>
                <span className="stat-value">{health.bands[band] ?? 0}</span>
                <span className="stat-label">{t(`health.band.${band}`)}</span>
              </div>
            ))}
          </div>
          {health.atRisk.length === 0 ? (
            <p className="muted small">{t("board.noAtRisk")}</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th>{t("agent.customer")}</th>
                  <th>{t("board.score")}</th>
                  <th>{t("board.drivers")}</th>
                </tr>
              </thead>
              <tbody>
                {health.atRisk.map((c) => (
                  <tr key={c.customerId} data-customer={c.name}>
                    <td>
                      {c.name}
                      <div className="muted small">
                        {c.company ?? ""} {c.tier === "key" && <span className="badge tier-key">{t("ticket.tier.key")}</span>}
                      </div>
                    </td>
                    <td>
                      <HealthBadge score={c.score} band={c.band} />
                    </td>
                    <td className="small">{c.drivers.map((d) => t(`health.component.${d}`)).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </section>
    </div>
  );
}
