// Time-based automations (rules.manage: admins and supervisors): every
// automation in order, whether it is on, and what it does in one line of the
// reader's language ("Pending for 3 days → Reply to the customer, Set status:
// Solved", app/utils/rule-summary.ts). Moving one up or down and turning it on
// or off are small forms of their own, so the page works without scripts; on
// a phone the table becomes cards (.admin-table). With none yet, the classic
// three are suggested, each opening the editor filled in.
import { OrderButtons, OnOffCells } from "../components/OrderButtons.tsx";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { text } from "../utils/admin-forms.ts";
import { AUTOMATION_PRESETS, type AutomationPreset } from "../utils/automation-form.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { automationSummary } from "../utils/rule-summary.ts";
import { db, DomainError, listAutomations, moveAutomation, requirePermission, ruleChoices, updateAutomation } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.automations.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const [automations, choices] = await Promise.all([listAutomations(db(), user), ruleChoices(db(), user)]);
  const { categories, teams, people, calendars, fields } = choices;
  return {
    automations: automations.map(({ id, name, enabled, status, afterMinutes, match, conditions, actions }) => ({ id, name, enabled, status, afterMinutes, match, conditions, actions })),
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
    if (intent === "up" || intent === "down") await moveAutomation(db(), user, id, intent, from);
    else if (intent === "enable" || intent === "disable") await updateAutomation(db(), user, id, { enabled: intent === "enable" }, from);
    else throw new Response("errors.validation", { status: 400 });
    return { ok: true as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminAutomations() {
  const { automations, names } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, language } = useT();
  const A = "admin.automations";
  return (
    <>
      <h1>{t(`${A}.title`)}</h1>
      <p className="muted">{t(`${A}.lead`)}</p>
      <div className="admin-actions">
        <Link to="/admin/automations/new" className="btn">
          {t(`${A}.newAutomation`)}
        </Link>
      </div>
      {result && !result.ok && <FormError messageKey={result.formError} />}
      {automations.length === 0 ? (
        <section className="card rules-empty" data-testid="automations-empty">
          <h2>{t(`${A}.emptyTitle`)}</h2>
          <p className="muted">{t(`${A}.empty`)}</p>
          <ul className="automation-presets">
            {(Object.keys(AUTOMATION_PRESETS) as AutomationPreset[]).map((key) => (
              <li key={key}>
                <Link to={`/admin/automations/new?preset=${key}`}>{t(`${A}.presets.${key}.name`)}</Link>
                <span className="muted small"> — {t(`${A}.presets.${key}.does`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <table className="admin-table rules-table" data-testid="automations-table">
          <thead>
            <tr>
              <th>{t("admin.rules.columns.order")}</th>
              <th>{t(`${A}.columns.automation`)}</th>
              <th>{t("admin.rules.columns.status")}</th>
              <th>{t("admin.rules.columns.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {automations.map((automation, i) => {
              const summary = automationSummary(automation, names, t, language);
              return (
                <tr key={automation.id} className={automation.enabled ? undefined : "disabled"} data-automation={automation.name}>
                  <td data-label={t("admin.rules.columns.order")}>
                    <OrderButtons
                      id={automation.id}
                      index={i}
                      count={automations.length}
                      busy={busy}
                      upLabel={t("admin.rules.moveUp", { name: automation.name })}
                      downLabel={t("admin.rules.moveDown", { name: automation.name })}
                    />
                  </td>
                  <td className="rule-cell">
                    <Link to={`/admin/automations/${automation.id}`} className="ticket-link">
                      {automation.name}
                    </Link>
                    <p className="rule-summary small" data-testid="automation-summary">
                      <span>{summary.when}</span> <span aria-hidden="true">→</span>
                      <span className="visually-hidden">{t("admin.rules.then")}</span> <span>{summary.actions}</span>
                    </p>
                  </td>
                  <OnOffCells id={automation.id} enabled={automation.enabled} editTo={`/admin/automations/${automation.id}`} busy={busy} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
