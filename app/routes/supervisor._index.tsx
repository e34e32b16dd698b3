import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { SLA_GROUPS, type SlaGroup } from "../../server/sla/state.ts";
import { timeZoneFromRequest } from "../utils/format.ts";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { HealthBadge } from "../components/Health.tsx";
import { useLiveReload, useSocket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import { can, db, DomainError, requirePermission, csatBoard, healthBoard, slaBoard, slaCompliance } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "board.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "boards.view");
  const now = new Date();
  const params = new URL(request.url).searchParams;
  const by = z.enum(SLA_GROUPS).catch("team").parse(params.get("by") ?? undefined);
  const range = complianceRange(params, timeZoneFromRequest(request), now);
  const [sla, compliance, csat, health] = await Promise.all([
    slaBoard(db(), user, by),
    // A range that cannot be shown (reversed, longer than a year) shows the last 30 days instead.
    slaCompliance(db(), user, range, now).catch((error) => {
      if (error instanceof DomainError && error.code === "validation_failed") return slaCompliance(db(), user, complianceRange(new URLSearchParams(), range.timeZone, now), now);
      throw error;
    }),
    csatBoard(db(), user, now),
    healthBoard(db(), user),
  ]);
  // The CSV is a download of data: only for those who may export.
  return { sla, compliance, csat, health, canExport: can(user, "data.export") };
}

/** The compliance range asked for, or the last 30 days (in the reader's time zone). */
function complianceRange(params: URLSearchParams, timeZone: string, now: Date) {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
  const date = z.iso.date();
  const to = date.safeParse(params.get("to")).data ?? today.toString();
  const from = date.safeParse(params.get("from")).data ?? Temporal.PlainDate.from(to).subtract({ days: 29 }).toString();
  return { from, to, timeZone };
}

const percent = (x: { met: number; due: number }) => (x.due === 0 ? "—" : `${Math.round((x.met / x.due) * 100)}%`);

/** Daily compliance as bars (the share met on time), with the days' counts in their titles. */
function ComplianceChart({ days }: { days: { day: string; due: number; met: number }[] }) {
  const { t } = useTranslation();
  const width = 600;
  const height = 120;
  const bar = width / Math.max(1, days.length);
  return (
    <svg className="trend" viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={t("board.trend")} data-testid="compliance-trend">
      <line x1={0} x2={width} y1={height * 0.05} y2={height * 0.05} className="trend-target" />
      {days.map((d, i) => {
        const share = d.due ? d.met / d.due : 0;
        const h = Math.max(d.due ? 2 : 0, share * height * 0.95);
        return (
          <rect key={d.day} x={i * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h} className={d.due === 0 ? "trend-none" : share >= 0.9 ? "trend-good" : share >= 0.75 ? "trend-warn" : "trend-bad"}>
            <title>{`${d.day}: ${percent(d)} (${t("board.complianceOf", { met: d.met, due: d.due })})`}</title>
          </rect>
        );
      })}
      <text x={0} y={height + 14} className="trend-label">
        {days[0]?.day}
      </text>
      <text x={width} y={height + 14} textAnchor="end" className="trend-label">
        {days[days.length - 1]?.day}
      </text>
    </svg>
  );
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
  const { sla, compliance, csat, health, canExport } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const withParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    return next.toString();
  };
  const groupName = (group: SlaGroup, key: string | null, name: string | null) => {
    if (group === "priority") return key ? t(`ticket.priority.${key}`) : "—";
    if (key === null) return group === "agent" ? t("ticket.unassigned") : group === "team" ? t("board.noTeam") : t("sla.state.none");
    return name ?? "—";
  };
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
          <nav className="tabs small" aria-label={t("board.groupBy")} data-testid="sla-group">
            {SLA_GROUPS.map((group) => (
              <Link key={group} to={`?${withParam("by", group)}`} className={sla.by === group ? "tab active" : "tab"} aria-current={sla.by === group ? "page" : undefined}>
                {t(`board.by.${group}`)}
              </Link>
            ))}
          </nav>
          <table className="compact">
            <thead>
              <tr>
                <th>{t(`board.by.${sla.by}`)}</th>
                <th>{t("sla.state.on_track")}</th>
                <th>{t("sla.state.at_risk")}</th>
                <th>{t("sla.state.breached")}</th>
                <th>{t("sla.state.paused")}</th>
              </tr>
            </thead>
            <tbody>
              {sla.groups.map((row) => (
                <tr key={row.key ?? "none"}>
                  <td>{groupName(sla.by, row.key, row.name)}</td>
                  <td>{row.on_track}</td>
                  <td>{row.at_risk}</td>
                  <td>{row.breached}</td>
                  <td>{row.paused}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <div className="card wide-card" data-testid="sla-compliance">
          <h2>{t("board.compliance")}</h2>
          <Form method="get" className="level-row">
            <input type="hidden" name="by" value={sla.by} />
            <label>
              {t("board.from")} <input type="date" name="from" defaultValue={compliance.from} />
            </label>
            <label>
              {t("board.to")} <input type="date" name="to" defaultValue={compliance.to} />
            </label>
            <button type="submit" className="btn btn-small">
              {t("board.show")}
            </button>
            {canExport && (
              <a href={`/supervisor/sla-compliance.csv?${new URLSearchParams({ from: compliance.from, to: compliance.to })}`} download>
                {t("board.csv")}
              </a>
            )}
          </Form>
          <p className="stat-line" data-testid="compliance-overall">
            <strong>{percent(compliance.overall)}</strong>{" "}
            <span className="muted">{t("board.complianceOf", { met: compliance.overall.met, due: compliance.overall.due })}</span>
          </p>
          <ComplianceChart days={compliance.days} />
          <div className="compliance-tables">
            {(
              [
                ["team", compliance.byTeam],
                ["agent", compliance.byAgent],
                ["policy", compliance.byPolicy],
              ] as const
            ).map(([group, rows]) => (
              <table key={group} className="compact">
                <thead>
                  <tr>
                    <th>{t(`board.by.${group}`)}</th>
                    <th>{t("board.metOnTime")}</th>
                    <th>{t("board.dueCount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.key ?? "none"}>
                      <td>{groupName(group, row.key, row.name)}</td>
                      <td>{percent(row)}</td>
                      <td>{row.due}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
        </div>

        <div className="card wide-card" data-testid="sla-attention">
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
