// Changing the tickets selected in a list: the bar of changes, sent a slice at
// a time so progress shows, and the report of what could not be done. The
// bar is a plain form (the row checkboxes belong to it), so it also works
// without scripts: app/routes/agent_.bulk.tsx then shows the report.
import { useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useT } from "../i18n/i18n.ts";
import { withAvailability } from "./Availability.tsx";
import type { Availability } from "../../server/auth/availability.ts";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../../server/tickets/schemas.ts";
import type { action as bulkAction } from "../routes/agent_.bulk.tsx";

export const BULK_FORM = "bulk-form";
/** Tickets per request: small enough that progress moves, large enough to be quick. */
const SLICE = 10;

interface Result {
  number: number;
  ok: boolean;
  error?: string;
}

interface Run {
  slices: number[][];
  sent: number;
  fields: [string, string][];
  results: Result[];
  error: string | null;
  finished: boolean;
}

export function BulkBar({
  selected,
  choices,
  onFinished,
}: {
  selected: number[];
  choices: { agents: { id: string; name: string; availability?: Availability }[]; teams: { id: string; name: string }[]; macros: { id: string; name: string }[] };
  onFinished: () => void;
}) {
  const { t } = useT();
  const location = useLocation();
  const fetcher = useFetcher<typeof bulkAction>();
  const [run, setRun] = useState<Run | null>(null);
  const waiting = useRef(false);
  const consumed = useRef<unknown>(undefined);

  // One slice at a time: when the last one's answer is in, add its results and send the next.
  useEffect(() => {
    if (!run || run.finished) return;
    let next = run;
    if (waiting.current) {
      if (fetcher.state !== "idle" || fetcher.data === consumed.current) return;
      consumed.current = fetcher.data;
      waiting.current = false;
      next = { ...run, results: [...run.results, ...(fetcher.data?.results ?? [])], error: fetcher.data?.error ?? null };
    }
    if (next.error || next.sent >= next.slices.length) {
      setRun({ ...next, finished: true });
      onFinished();
      return;
    }
    const body = new FormData();
    for (const [name, value] of next.fields) body.append(name, value);
    for (const number of next.slices[next.sent]) body.append("numbers", String(number));
    waiting.current = true;
    consumed.current = fetcher.data;
    fetcher.submit(body, { method: "post", action: "/agent/bulk" });
    setRun({ ...next, sent: next.sent + 1 });
  }, [run, fetcher, onFinished]);

  const start = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (selected.length === 0 || (run && !run.finished)) return;
    const fields = [...new FormData(event.currentTarget).entries()].filter(
      (entry): entry is [string, string] => entry[0] !== "numbers" && typeof entry[1] === "string",
    );
    const slices: number[][] = [];
    for (let i = 0; i < selected.length; i += SLICE) slices.push(selected.slice(i, i + SLICE));
    setRun({ slices, sent: 0, fields, results: [], error: null, finished: false });
  };

  const busy = run !== null && !run.finished;
  const total = run ? run.slices.flat().length : 0;
  return (
    <>
      <form id={BULK_FORM} method="post" action="/agent/bulk" className="bulk-bar" onSubmit={start} data-testid="bulk-bar">
        <input type="hidden" name="back" value={location.pathname + location.search} />
        <span className="bulk-count" role="status">
          {t("bulk.selected", { count: selected.length })}
        </span>
        <select name="status" aria-label={t("bulk.newStatus")} defaultValue="">
          <option value="">{t("bulk.status")}</option>
          {STATUSES.filter((s) => s !== "new").map((s) => (
            <option key={s} value={s}>
              {t(`ticket.statusStaff.${s}`)}
            </option>
          ))}
        </select>
        <select name="priority" aria-label={t("bulk.newPriority")} defaultValue="">
          <option value="">{t("bulk.priority")}</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`ticket.priority.${p}`)}
            </option>
          ))}
        </select>
        <select name="type" aria-label={t("bulk.newType")} defaultValue="">
          <option value="">{t("bulk.type")}</option>
          {TICKET_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`ticket.type.${type}`)}
            </option>
          ))}
        </select>
        <select name="assigneeId" aria-label={t("bulk.newAssignee")} defaultValue="">
          <option value="">{t("bulk.assignee")}</option>
          <option value="none">{t("ticket.unassigned")}</option>
          {choices.agents.map((a) => (
            <option key={a.id} value={a.id}>
              {withAvailability(a, t)}
            </option>
          ))}
        </select>
        <select name="teamId" aria-label={t("bulk.newTeam")} defaultValue="">
          <option value="">{t("bulk.team")}</option>
          <option value="none">{t("views.noTeam")}</option>
          {choices.teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
        {choices.macros.length > 0 && (
          <select name="macroId" aria-label={t("bulk.applyMacro")} defaultValue="">
            <option value="">{t("bulk.macro")}</option>
            {choices.macros.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
        <input name="addTags" placeholder={t("bulk.addTags")} aria-label={t("bulk.addTags")} size={10} />
        <input name="removeTags" placeholder={t("bulk.removeTags")} aria-label={t("bulk.removeTags")} size={10} />
        <input name="mergeInto" placeholder={t("bulk.mergeInto")} aria-label={t("bulk.mergeInto")} size={9} inputMode="numeric" />
        <button type="submit" className="btn btn-small" disabled={busy}>
          {t("bulk.apply")}
        </button>
      </form>
      {busy && (
        <div className="bulk-progress" role="status" data-testid="bulk-progress">
          <progress max={total} value={run.results.length} />
          {t("bulk.progress", { done: run.results.length, total })}
        </div>
      )}
      {run?.finished && (
        <div className="bulk-done" data-testid="bulk-report">
          <BulkReport results={run.results} error={run.error} total={total} />
          <button type="button" className="btn-link small" onClick={() => setRun(null)}>
            {t("bulk.dismiss")}
          </button>
        </div>
      )}
    </>
  );
}

/** What was changed and, ticket by ticket, what could not be and why. */
export function BulkReport({ results, error, total }: { results: Result[]; error: string | null; total: number }) {
  const { t } = useT();
  const failed = results.filter((r) => !r.ok);
  if (error) {
    return (
      <p className="error-text" role="alert">
        {t(error)}
      </p>
    );
  }
  return (
    <div role="status">
      <p>{t("bulk.changed", { count: results.length - failed.length, total })}</p>
      {failed.length > 0 && (
        <>
          <p className="error-text">{t("bulk.notChanged", { count: failed.length })}</p>
          <ul className="bulk-failures">
            {failed.map((r) => (
              <li key={r.number} data-ticket={r.number}>
                <a href={`/agent/tickets/${r.number}`}>#{r.number}</a>: {t(r.error ?? "errors.generic")}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
