// A saved view's editor: /agent/views/new (optionally ?from=<view> to start
// from a copy of another, built-in ones included) and /agent/views/<id>.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as respond, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { localName, type Locale } from "../i18n/config.ts";
import { CheckGroup, Field, FormError } from "../components/Field.tsx";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { viewFromForm } from "../utils/view-forms.ts";
import { errorsFor } from "../utils/sla-forms.ts";
import { pageTitle } from "../utils/meta.ts";
import { createView, db, deleteView, DomainError, getView, requirePermission, updateView, fieldChoices } from "../services.server.ts";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../../server/tickets/schemas.ts";
import { TICKET_SLA_STATES } from "../../server/sla/state.ts";
import { CUSTOMER_TIERS, ME, MY_TEAMS, NOBODY, VIEW_SORTS, ViewFiltersSchema } from "../../server/views/filters.ts";
import { fieldLabel, optionLabel } from "../../server/fields/values.ts";
import { FILTER_INPUT_PREFIX } from "../utils/field-forms.ts";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, data?.view.key ? "views.editTitle" : "views.newTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const options = await fieldChoices(db(), user);
  const from = new URL(request.url).searchParams.get("from");
  const load = (key: string) =>
    getView(db(), user, key).catch((error) => {
      if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
      throw error;
    });
  if (params.id === "new") {
    const source = from ? await load(from) : null;
    return {
      options,
      view: { key: null, name: "", shared: false, sort: source?.sort ?? "due", filters: source?.filters ?? ViewFiltersSchema.parse({}) },
    };
  }
  const view = await load(params.id!);
  if (view.builtIn) throw redirect(`/agent/views/new?from=${view.key}`);
  if (!view.editable) throw new Response("errors.forbidden", { status: 403 });
  return { options, view: { key: view.key, name: view.name ?? "", shared: view.shared, sort: view.sort, filters: view.filters } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const form = await readForm(request);
  const input = viewFromForm(form);
  try {
    if (form.get("intent") === "delete" && params.id !== "new") {
      await deleteView(db(), user, params.id!);
      return redirect("/agent");
    }
    const view = params.id === "new" ? await createView(db(), user, input) : await updateView(db(), user, params.id!, input);
    return redirect(`/agent?view=${view.key}`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The form shows again with what was typed, lists included.
    return respond({ ...formFailureBody(error, form), typed: input }, { status: error.status });
  }
}

export default function ViewEditor() {
  const { options, view } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, language } = useT();
  const errors = result?.fieldErrors;
  const typed = result?.typed;
  const values = typed ?? { ...view, filters: { ...view.filters, tags: view.filters.tags } };
  const f = values.filters as Record<string, unknown>;
  const has = (name: string) => (id: string) => ((f[name] as string[] | undefined) ?? []).includes(id);
  const text = (name: string) => (typeof f[name] === "string" ? (f[name] as string) : "");
  const busy = navigation.state === "submitting";

  return (
    <div className="page view-editor">
      <p>
        <Link to={view.key ? `/agent?view=${view.key}` : "/agent"}>← {t("agent.queueTitle")}</Link>
      </p>
      <h1>{view.key ? t("views.editTitle") : t("views.newTitle")}</h1>
      <Form method="post" className="card form" noValidate>
        {result && <FormError messageKey={result.formError} />}
        <Field name="name" label={t("views.name")} errors={errors?.name}>
          <input id="name" name="name" defaultValue={String(values.name)} maxLength={80} required />
        </Field>
        {options.mayShare && (
          <label className="check">
            <input type="checkbox" name="shared" defaultChecked={values.shared} /> {t("views.shared")}
          </label>
        )}
        <Field name="sort" label={t("views.sort")} errors={errors?.sort}>
          <select id="sort" name="sort" defaultValue={String(values.sort)}>
            {VIEW_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`agent.sort.${sort}`)}
              </option>
            ))}
          </select>
        </Field>

        <h2>{t("views.filters")}</h2>
        <p className="muted small">{t("views.filtersHint")}</p>
        <CheckGroup
          name="statuses"
          legend={t("agent.columns.status")}
          choices={STATUSES.map((s) => ({ id: s, name: t(`ticket.statusStaff.${s}`) }))}
          isChecked={has("statuses")}
          errors={errorsFor(errors, "filters.statuses")}
        />
        <CheckGroup
          name="priorities"
          legend={t("agent.columns.priority")}
          choices={PRIORITIES.map((p) => ({ id: p, name: t(`ticket.priority.${p}`) }))}
          isChecked={has("priorities")}
          errors={errorsFor(errors, "filters.priorities")}
        />
        <CheckGroup
          name="slaStates"
          legend={t("views.slaState")}
          choices={TICKET_SLA_STATES.map((s) => ({ id: s, name: t(`sla.state.${s}`) }))}
          isChecked={has("slaStates")}
          errors={errorsFor(errors, "filters.slaStates")}
        />
        <CheckGroup
          name="types"
          legend={t("views.type")}
          choices={TICKET_TYPES.map((type) => ({ id: type, name: t(`ticket.type.${type}`) }))}
          isChecked={has("types")}
          errors={errorsFor(errors, "filters.types")}
        />
        <CheckGroup
          name="tiers"
          legend={t("views.tier")}
          choices={CUSTOMER_TIERS.map((tier) => ({ id: tier, name: t(`ticket.tier.${tier}`) }))}
          isChecked={has("tiers")}
          errors={errorsFor(errors, "filters.tiers")}
        />
        <CheckGroup
          name="teamIds"
          legend={t("views.team")}
          choices={[
            { id: MY_TEAMS, name: t("views.myTeams") },
            { id: NOBODY, name: t("views.noTeam") },
            ...options.teams.map((team) => ({ id: team.id, name: team.name })),
          ]}
          isChecked={has("teamIds")}
          errors={errorsFor(errors, "filters.teamIds")}
        />
        <CheckGroup
          name="assigneeIds"
          legend={t("ticket.assignee")}
          choices={[
            { id: ME, name: t("views.me") },
            { id: NOBODY, name: t("ticket.unassigned") },
            ...options.agents.map((agent) => ({ id: agent.id, name: agent.name })),
          ]}
          isChecked={has("assigneeIds")}
          errors={errorsFor(errors, "filters.assigneeIds")}
        />
        <CheckGroup
          name="categoryIds"
          legend={t("views.category")}
          choices={options.categories.map((c) => ({ id: c.id, name: localName(c, language as Locale) }))}
          isChecked={has("categoryIds")}
          errors={errorsFor(errors, "filters.categoryIds")}
        />
        <Field name="tags" label={t("views.tags")} errors={errorsFor(errors, "filters.tags")} hint={t("views.tagsHint")}>
          <input id="tags" name="tags" defaultValue={((f.tags as string[] | undefined) ?? []).join(", ")} />
        </Field>
        <Field name="requester" label={t("views.requester")} errors={errorsFor(errors, "filters.requester")}>
          <input id="requester" name="requester" type="email" defaultValue={text("requester")} />
        </Field>
        <div className="date-range">
          <Field name="createdFrom" label={t("views.createdFrom")} errors={errorsFor(errors, "filters.createdFrom")}>
            <input id="createdFrom" name="createdFrom" type="date" defaultValue={text("createdFrom")} />
          </Field>
          <Field name="createdTo" label={t("views.createdTo")} errors={errorsFor(errors, "filters.createdTo")}>
            <input id="createdTo" name="createdTo" type="date" defaultValue={text("createdTo")} />
          </Field>
          <Field name="updatedFrom" label={t("views.updatedFrom")} errors={errorsFor(errors, "filters.updatedFrom")}>
            <input id="updatedFrom" name="updatedFrom" type="date" defaultValue={text("updatedFrom")} />
          </Field>
          <Field name="updatedTo" label={t("views.updatedTo")} errors={errorsFor(errors, "filters.updatedTo")}>
            <input id="updatedTo" name="updatedTo" type="date" defaultValue={text("updatedTo")} />
          </Field>
        </div>
        {options.ticketFields.length > 0 && (
          <fieldset className="field-filters" data-testid="field-filters">
            <legend>{t("ticketFields.filters")}</legend>
            <p className="hint">{t("ticketFields.filtersHint")}</p>
            {options.ticketFields.map((field) => {
              const name = `${FILTER_INPUT_PREFIX}${field.key}`;
              const chosen = (f.fields as Record<string, unknown> | undefined)?.[field.key];
              const current = chosen === undefined || chosen === null ? "" : String(chosen);
              const label = fieldLabel(field, language);
              return (
                <Field key={field.key} name={name} label={label} errors={errorsFor(errors, `filters.fields.${field.key}`)}>
                  {field.type === "dropdown" || field.type === "checkbox" ? (
                    <select id={name} name={name} defaultValue={current}>
                      <option value="">{t("ticketFields.any")}</option>
                      {field.type === "checkbox" ? (
                        <>
                          <option value="true">{t("ticketFields.yes")}</option>
                          <option value="false">{t("ticketFields.no")}</option>
                        </>
                      ) : (
                        field.options.map((o) => (
                          <option key={o.value} value={o.value}>
                            {optionLabel(field, o.value, language)}
                          </option>
                        ))
                      )}
                    </select>
                  ) : (
                    <input
                      id={name}
                      name={name}
                      type={field.type === "date" ? "date" : "text"}
                      inputMode={field.type === "number" ? "decimal" : undefined}
                      defaultValue={current}
                      autoComplete="off"
                    />
                  )}
                </Field>
              );
            })}
          </fieldset>
        )}
        <div className="form-actions">
          <button type="submit" className="btn" disabled={busy}>
            {view.key ? t("views.save") : t("views.create")}
          </button>
          {view.key && (
            <button type="submit" name="intent" value="delete" className="btn-link danger" formNoValidate disabled={busy}>
              {t("views.delete")}
            </button>
          )}
        </div>
      </Form>
    </div>
  );
}
