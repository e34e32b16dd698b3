// SLA targets on screen: countdown badges per target (queue rows, ticket
// header) and the ticket's SLA panel with each target's history. States are
// worked out in the browser from the runs' instants (server/sla/state.ts), so
// a badge turns at risk or breached at its moment, and the server's recorded
// warning or breach arrives live within seconds.
import type { RunningTarget, SlaTargetJson } from "../../server/realtime/protocol.ts";
import { runState, type RunState, type TicketSlaState } from "../../server/sla/state.ts";
import type { SlaHistoryEntry } from "../../server/tickets/timeline.ts";
import { useT } from "../i18n/i18n.ts";
import { useTimeFormat } from "../utils/time.tsx";

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export function stateOf(run: RunningTarget & { fulfilledAt?: string | null }, now: number): RunState {
  return runState({ dueAt: ms(run.dueAt), atRiskAt: ms(run.atRiskAt), fulfilledAt: ms(run.fulfilledAt ?? null), pausedSince: ms(run.pausedSince) }, now);
}

/** "3d 4h", "2h 05m", "12m": a length of time, compact. */
export function useDuration() {
  const { t } = useT();
  return (totalMinutes: number) => {
    const minutes = Math.floor(totalMinutes);
    const d = Math.floor(minutes / 1440);
    const h = Math.floor((minutes % 1440) / 60);
    const m = minutes % 60;
    // Whole hours and days read as such: "8h", "3d", not "8h 00m".
    if (d > 0) return h > 0 ? t("sla.duration.d", { d, h }) : t("sla.duration.dOnly", { d });
    if (h > 0) return m > 0 ? t("sla.duration.h", { h, m: String(m).padStart(2, "0") }) : t("sla.duration.hOnly", { h });
    return m > 0 ? t("sla.duration.m", { m }) : t("sla.duration.s");
  };
}

/** "2h 05m left", "12m over": the time to the due moment, compact. */
function useCountdown() {
  const { t } = useT();
  const duration = useDuration();
  return (dueAt: string, now: number) => {
    const diff = Date.parse(dueAt) - now;
    const time = duration(Math.abs(diff) / 60_000);
    return diff >= 0 ? t("sla.left", { time }) : t("sla.over", { time });
  };
}

/** One running target: its short name and the time left (or over), coloured by state. */
export function SlaCountdown({ run, now, named = true }: { run: RunningTarget; now: number; named?: boolean }) {
  const { t } = useT();
  const fmt = useTimeFormat();
  const countdown = useCountdown();
  const state = stateOf(run, now);
  const label = run.dueAt && state !== "paused" ? countdown(run.dueAt, now) : t(`sla.state.${state}`);
  return (
    <span
      className={`badge sla-${state}`}
      data-sla={state}
      data-target={run.target}
      title={`${t(`sla.target.${run.target}`)}${run.dueAt ? ` · ${t("sla.due", { time: fmt.dateTime(run.dueAt) })}` : ""}`}
    >
      {named && (
        <>
          <abbr className="sla-target" title={t(`sla.target.${run.target}`)}>
            {t(`sla.short.${run.target}`)}
          </abbr>{" "}
        </>
      )}
      {label}
    </span>
  );
}

/** A queue row's SLA: a countdown per running target, or the ticket's state when none runs. */
export function SlaTargets({
  state,
  targets,
  now,
  first = false,
}: {
  state: TicketSlaState;
  targets: (RunningTarget & { fulfilledAt?: string | null })[];
  now: number;
  /** Only the soonest (a dense list row), with how many more run. */
  first?: boolean;
}) {
  const { t } = useT();
  const running = targets.filter((r) => !r.fulfilledAt);
  if (running.length === 0) {
    return (
      <span className={`badge sla-${state}`} data-sla={state}>
        {t(`sla.state.${state}`)}
      </span>
    );
  }
  // Soonest due first; a paused one (no due time) last.
  const order = (r: RunningTarget) => ms(r.dueAt) ?? Number.POSITIVE_INFINITY;
  const sorted = [...running].sort((a, b) => order(a) - order(b));
  const shown = first ? sorted.slice(0, 1) : sorted;
  return (
    <span className="sla-targets" data-sla-state={state}>
      {shown.map((run) => (
        <SlaCountdown key={run.target} run={run} now={now} />
      ))}
      {sorted.length > shown.length && (
        <span className="muted small sla-more" title={sorted.slice(1).map((r) => t(`sla.target.${r.target}`)).join(", ")}>
          +{sorted.length - shown.length}
        </span>
      )}
    </span>
  );
}

/** The ticket's SLA panel: every target's current run, and the metric events that explain it. */
export function SlaPanel({ targets, history, now }: { targets: SlaTargetJson[]; history: (SlaHistoryEntry & { policy: string | null })[]; now: number }) {
  const { t } = useT();
  const fmt = useTimeFormat();
  if (targets.length === 0 && history.length === 0) return <p className="muted small">{t("sla.noTargets")}</p>;
  return (
    <div className="sla-panel" data-testid="sla-panel">
      <ul className="sla-runs">
        {targets.map((run) => {
          const state = stateOf(run, now);
          return (
            <li key={run.target} className="sla-run" data-target={run.target} data-state={state}>
              <span>
                {t(`sla.target.${run.target}`)}
                {run.cycle > 1 && <span className="muted small"> · {t("sla.cycle", { cycle: run.cycle })}</span>}
              </span>
              {run.fulfilledAt === null ? (
                <SlaCountdown run={run} now={now} named={false} />
              ) : (
                <span className={`badge sla-${state}`} data-sla={state}>
                  {t(`sla.state.${state}`)}
                </span>
              )}
              <span className="muted small sla-when">
                {run.fulfilledAt
                  ? t("sla.metAt", { time: fmt.dateTime(run.fulfilledAt) })
                  : run.dueAt
                    ? t("sla.due", { time: fmt.dateTime(run.dueAt) })
                    : t("sla.dueOpen")}
              </span>
            </li>
          );
        })}
      </ul>
      {history.length > 0 && (
        <details className="sla-history">
          <summary>{t("sla.history")}</summary>
          <ol>
            {history.map((h) => (
              <li key={h.id} data-event={h.event} data-target={h.target}>
                <span className="muted small">
                  <time dateTime={h.at}>{fmt.dateTime(h.at)}</time> · {t(`sla.target.${h.target}`)}
                  {h.cycle !== null && h.cycle > 1 ? ` (${t("sla.cycle", { cycle: h.cycle })})` : ""}
                </span>
                <div>
                  {t(`sla.event.${h.event}`, {
                    policy: h.policy ?? t("sla.removedPolicy"),
                    due: h.dueAt ? fmt.dateTime(h.dueAt) : t("sla.noDue"),
                  })}
                </div>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
