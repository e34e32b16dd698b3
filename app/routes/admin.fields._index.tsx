// Custom ticket fields (fields.manage): every field in the order forms ask
// them, with its type, whether it is required, who sees it and whether it is
// archived. Moving a field up or down and archiving / restoring it are small
// forms of their own, so the page works without scripts; on a phone the
// table becomes cards (.admin-table, app.css).
import { OrderButtons } from "../components/OrderButtons.tsx";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { fieldLabel } from "../../server/fields/values.ts";
import { text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { db, DomainError, listFields, moveField, requirePermission, updateField } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "ticketFields.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "fields.manage");
  const fields = await listFields(db(), user);
  return { fields: fields.map(({ createdAt: _c, updatedAt: _u, ...field }) => field) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "fields.manage");
  const form = await readForm(request);
  const id = text(form, "id") ?? "";
  const intent = text(form, "intent");
  const from = { ip: context.clientIp };
  try {
    if (intent === "up" || intent === "down") await moveField(db(), user, id, intent, from);
    else if (intent === "archive" || intent === "restore") await updateField(db(), user, id, { active: intent === "restore" }, from);
    else throw new Response("errors.validation", { status: 400 });
    return { ok: true as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminFields() {
  const { fields } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, language } = useT();
  return (
    <>
      <h1>{t("ticketFields.title")}</h1>
      <p className="muted">{t("ticketFields.lead")}</p>
      <div className="admin-actions">
        <Link to="/admin/fields/new" className="btn">
          {t("ticketFields.newField")}
        </Link>
      </div>
      {result && !result.ok && <FormError messageKey={result.formError} />}
      {fields.length === 0 ? (
        <p className="muted">{t("ticketFields.empty")}</p>
      ) : (
        <table className="admin-table fields-table" data-testid="fields-table">
          <thead>
            <tr>
              <th>{t("ticketFields.columns.order")}</th>
              <th>{t("ticketFields.columns.field")}</th>
              <th>{t("ticketFields.columns.type")}</th>
              <th>{t("ticketFields.columns.required")}</th>
              <th>{t("ticketFields.columns.audience")}</th>
              <th>{t("ticketFields.columns.status")}</th>
              <th>{t("ticketFields.columns.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field, i) => {
              const label = fieldLabel(field, language);
              return (
                <tr key={field.id} className={field.active ? undefined : "archived"} data-key={field.key}>
                  <td data-label={t("ticketFields.columns.order")}>
                    <OrderButtons
                      id={field.id}
                      index={i}
                      count={fields.length}
                      busy={busy}
                      upLabel={t("ticketFields.moveUp", { label })}
                      downLabel={t("ticketFields.moveDown", { label })}
                    />
                  </td>
                  <td>
                    <Link to={`/admin/fields/${field.id}`}>{label}</Link>
                    <div className="muted small">
                      <code>{field.key}</code>
                    </div>
                  </td>
                  <td data-label={t("ticketFields.columns.type")}>
                    {t(`ticketFields.types.${field.type}`)}
                    {field.type === "dropdown" && <span className="muted small"> · {t("ticketFields.optionCount", { count: field.options.length })}</span>}
                  </td>
                  <td data-label={t("ticketFields.columns.required")}>{field.required ? t("ticketFields.requiredShort") : t("ticketFields.optional")}</td>
                  <td data-label={t("ticketFields.columns.audience")}>
                    {field.customerVisible ? t("ticketFields.audienceCustomers") : t("ticketFields.audienceStaff")}
                  </td>
                  <td data-label={t("ticketFields.columns.status")}>
                    <span className={`badge ${field.active ? "field-active" : "field-archived"}`}>
                      {field.active ? t("ticketFields.active") : t("ticketFields.archived")}
                    </span>
                  </td>
                  <td data-label={t("ticketFields.columns.actions")}>
                    <Form method="post" className="row-actions">
                      <input type="hidden" name="id" value={field.id} />
                      <Link to={`/admin/fields/${field.id}`}>{t("ticketFields.edit")}</Link>
                      <button type="submit" name="intent" value={field.active ? "archive" : "restore"} className="btn-link" disabled={busy}>
                        {field.active ? t("ticketFields.archive") : t("ticketFields.restore")}
                      </button>
                    </Form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
