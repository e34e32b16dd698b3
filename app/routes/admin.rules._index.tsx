// Routing rules (rules.manage: admins and supervisors): every rule in the
// order it runs, with when it runs, whether it is on, and what it does in one
// line of the reader's language (app/utils/rule-summary.ts). Moving a rule up
// or down and turning it on or off are small forms of their own, so the page
// works without scripts; on a phone the table becomes cards (.admin-table).
import { OrderButtons, OnOffCells } from "../components/OrderButtons.tsx";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { ruleSummary } from "../utils/rule-summary.ts";
import { db, DomainError, listRules, moveRule, requirePermission, ruleChoices, updateRule } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.rules.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const [rules, choices] = await Promise.all([listRules(db(), user), ruleChoices(db(), user)]);
  const { categories, teams, people, calendars, fields } = choices;
  return {
    rules: rules.map(({ createdAt: _c, updatedAt: _u, ...rule }) => rule),
    names: { categories, teams, people, calendars, fields },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const form = await readForm(request);
  const id = text(form, "id") ?? "";
  const intent = text(form, "intent");
  const from = { ip: context.clientIp };
  try {
    if (intent === "up" || intent === "down") await moveRule(db(), user, id, intent, from);
    else if (intent === "enable" || intent === "disable") await updateRule(db(), user, id, { enabled: intent === "enable" }, from);
    else throw new Response("errors.validation", { status: 400 });
    return { ok: true as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminRules() {
  const { rules, names } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, language } = useT();
  return (
    <>
      <h1>{t("admin.rules.title")}</h1>
      <p className="muted">{t("admin.rules.lead")}</p>
      <div className="admin-actions">
        <Link to="/admin/rules/new" className="btn">
          {t("admin.rules.newRule")}
        </Link>
      </div>
      {result && !result.ok && <FormError messageKey={result.formError} />}
      {rules.length === 0 ? (
        <section className="card rules-empty" data-testid="rules-empty">
          <h2>{t("admin.rules.emptyTitle")}</h2>
          <p className="muted">{t("admin.rules.empty")}</p>
          <Link to="/admin/rules/new" className="btn btn-secondary">
            {t("admin.rules.newRule")}
          </Link>
        </section>
      ) : (
        <table className="admin-table rules-table" data-testid="rules-table">
          <thead>
            <tr>
              <th>{t("admin.rules.columns.order")}</th>
              <th>{t("admin.rules.columns.rule")}</th>
              <th>{t("admin.rules.columns.runs")}</th>
              <th>{t("admin.rules.columns.status")}</th>
              <th>{t("admin.rules.columns.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, i) => {
              const summary = ruleSummary(rule, names, t, language);
              const runs = [rule.onCreate && t("admin.rules.runsOnCreate"), rule.onUpdate && t("admin.rules.runsOnUpdate")].filter((x): x is string => Boolean(x));
              return (
                <tr key={rule.id} className={rule.enabled ? undefined : "disabled"} data-rule={rule.name}>
                  <td data-label={t("admin.rules.columns.order")}>
                    <OrderButtons
                      id={rule.id}
                      index={i}
                      count={rules.length}
                      busy={busy}
                      upLabel={t("admin.rules.moveUp", { name: rule.name })}
                      downLabel={t("admin.rules.moveDown", { name: rule.name })}
                    />
                  </td>
                  <td className="rule-cell">
                    <Link to={`/admin/rules/${rule.id}`} className="ticket-link">
                      {rule.name}
                    </Link>
                    <p className="rule-summary small" data-testid="rule-summary">
                      <span>{summary.conditions}</span> <span aria-hidden="true">→</span>
                      <span className="visually-hidden">{t("admin.rules.then")}</span> <span>{summary.actions}</span>
                    </p>
                  </td>
                  <td data-label={t("admin.rules.columns.runs")} className="runs">
                    {runs.map((when, j) => (
                      <span key={when}>
                        {j > 0 && " · "}
                        {when}
                      </span>
                    ))}
                  </td>
                  <OnOffCells id={rule.id} enabled={rule.enabled} editTo={`/admin/rules/${rule.id}`} busy={busy} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
