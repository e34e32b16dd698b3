// /admin/audit: the audit log (audit.view), newest first, filtered by person,
// action and days (in the reader's time zone), with a CSV download of the
// same filter for those who may export data.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useT } from "../i18n/i18n.ts";
import { FieldErrors } from "../components/Field.tsx";
import { pageTitle } from "../utils/meta.ts";
import { timeZoneFromRequest } from "../utils/format.ts";
import { useTimeFormat, type TimeFormat } from "../utils/time.tsx";
import { scopeText } from "../utils/token-forms.ts";
import { describeData, type ChangeLine } from "../../server/audit/present.ts";
import { AUDIT_ACTIONS, auditPeople, can, db, DomainError, listAuditEntries, requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auditLog.title");

const FILTERS = ["actorId", "action", "from", "to"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "audit.view");
  const params = new URL(request.url).searchParams;
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof FILTERS)[number], string>;
  const people = await auditPeople(db(), user);
  let page: Awaited<ReturnType<typeof listAuditEntries>> = { items: [], nextCursor: null };
  let errors: Record<string, string[]> | undefined;
  try {
    // A field left empty ("anyone") filters nothing.
    const given = Object.fromEntries(FILTERS.flatMap((k) => (filter[k] ? [[k, filter[k]]] : [])));
    page = await listAuditEntries(db(), user, { ...given, timeZone: timeZoneFromRequest(request), cursor: params.get("cursor") || undefined, limit: 50 });
  } catch (error) {
    // A filter that cannot be read (a typed-in address) shows what is wrong with it, and no entries.
    if (!(error instanceof DomainError) || error.code !== "validation_failed") throw error;
    errors = error.details;
  }
  return {
    filter,
    errors,
    people,
    actions: AUDIT_ACTIONS,
    canExport: can(user, "data.export"),
    nextCursor: page.nextCursor,
    entries: page.items.map((e) => ({
      id: e.id,
      at: e.at,
      action: e.action,
      actor: e.actor,
      actorEmail: e.actorEmail,
      target: e.target,
      ip: e.ip,
      lines: describeData(e.data),
    })),
  };
}

// Account recovery names its own actions (app/i18n/recovery.*.ts).
const actionName = (t: TFunction, action: string) => t([`auditLog.actions.${action}`, `recovery.auditActions.${action}`], { defaultValue: action });

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** One line of what changed, in words where the log's own details are known (reasons, scopes, times). */
function lineText(t: TFunction, fmt: TimeFormat, line: ChangeLine) {
  const words = (value: string) => {
    if (line.key === "reason") return t(`auditLog.reasons.${value}`, { defaultValue: value });
    if (line.key === "origin") return t(`auditLog.origins.${value}`, { defaultValue: value });
    if (line.key === "scopes" && value !== "—") return value.split(", ").map((s) => scopeText(t, s)).join(", ");
    return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? fmt.dateTime(value) : value;
  };
  const key = t(`auditLog.keys.${line.key}`, { defaultValue: line.key });
  return line.before !== undefined ? `${key}: ${words(line.before)} → ${words(line.value)}` : `${key}: ${words(line.value)}`;
}

export default function AuditLog() {
  const { t } = useT();
  const fmt = useTimeFormat();
  const { filter, errors, people, actions, canExport, entries, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const filtered = new URLSearchParams(FILTERS.flatMap((k) => (filter[k] ? [[k, filter[k]]] : [])));
  const older = nextCursor ? new URLSearchParams([...filtered, ["cursor", nextCursor]]) : null;

  return (
    <>
      <h1>{t("auditLog.title")}</h1>
      <p className="lead">{t("auditLog.lead")}</p>

      <Form method="get" className="card form" data-testid="audit-filters">
        <div className="date-range">
          <div>
            <label htmlFor="actorId">{t("auditLog.person")}</label>
            <select id="actorId" name="actorId" defaultValue={filter.actorId}>
              <option value="">{t("auditLog.anyone")}</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
            <FieldErrors keys={errors?.actorId} />
          </div>
          <div>
            <label htmlFor="action">{t("auditLog.action")}</label>
            <select id="action" name="action" defaultValue={filter.action}>
              <option value="">{t("auditLog.anyAction")}</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionName(t, a)}
                </option>
              ))}
            </select>
            <FieldErrors keys={errors?.action} />
          </div>
          <div>
            <label htmlFor="from">{t("auditLog.from")}</label>
            <input id="from" type="date" name="from" defaultValue={filter.from} />
            <FieldErrors keys={errors?.from} />
          </div>
          <div>
            <label htmlFor="to">{t("auditLog.to")}</label>
            <input id="to" type="date" name="to" defaultValue={filter.to} />
            <FieldErrors keys={errors?.to} />
          </div>
        </div>
        <FieldErrors keys={errors?.cursor} />
        <div className="admin-actions">
          <button type="submit" className="btn btn-small">
            {t("auditLog.apply")}
          </button>
          {filtered.size > 0 && <Link to="/admin/audit">{t("auditLog.clear")}</Link>}
          {canExport && (
            <a href={`/admin/audit.csv${filtered.size > 0 ? `?${filtered}` : ""}`} download data-testid="audit-csv">
              {t("auditLog.download")}
            </a>
          )}
        </div>
      </Form>

      {entries.length === 0 ? (
        <p className="empty">{t("auditLog.none")}</p>
      ) : (
        <table className="admin-table" data-testid="audit-entries">
          <thead>
            <tr>
              <th>{t("auditLog.when")}</th>
              <th>{t("auditLog.who")}</th>
              <th>{t("auditLog.action")}</th>
              <th>{t("auditLog.target")}</th>
              <th>{t("auditLog.changes")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td data-label={t("auditLog.when")}>{fmt.dateTime(e.at)}</td>
                <td data-label={t("auditLog.who")}>
                  {e.actor ? (
                    <>
                      {e.actor.name} <span className="muted small break">{e.actor.email}</span>
                    </>
                  ) : (
                    <>
                      <span className="muted">{t("auditLog.noAccount")}</span> <span className="small break">{e.actorEmail}</span>
                    </>
                  )}
                  {e.ip && <div className="muted small">{t("auditLog.fromAddress", { ip: e.ip })}</div>}
                </td>
                <td data-label={t("auditLog.action")}>{actionName(t, e.action)}</td>
                <td data-label={t("auditLog.target")}>
                  {e.target ? (
                    <>
                      {t(`auditLog.targetTypes.${e.target.type}`, { defaultValue: e.target.type })}
                      {": "}
                      <span className="break">{e.target.label ?? (e.target.type === "token" ? t("apiTokens.fromSignIn") : e.target.id)}</span>
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td data-label={t("auditLog.changes")}>
                  {e.lines.length === 0 ? (
                    "—"
                  ) : (
                    <ul className="audit-changes">
                      {e.lines.map((line) => (
                        <li key={line.key} className="break">
                          {lineText(t, fmt, line)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("auditLog.title")}>
        {params.get("cursor") && <Link to={`/admin/audit${filtered.size > 0 ? `?${filtered}` : ""}`}>{t("auditLog.newest")}</Link>}
        {older && <Link to={`?${older}`}>{t("auditLog.older")}</Link>}
      </nav>
    </>
  );
}
