// A macro's editor: /agent/macros/new and /agent/macros/<id>. Texts per
// language with placeholders, and the changes the macro makes.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as respond, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { LOCALES } from "../i18n/config.ts";
import { Field, FormError } from "../components/Field.tsx";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { macroFromForm } from "../utils/macro-forms.ts";
import { pageTitle } from "../utils/meta.ts";
import { can, createMacro, db, deleteMacro, DomainError, fieldChoices, getMacro, requirePermission, updateMacro } from "../services.server.ts";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../../server/tickets/schemas.ts";
import { MACRO_PLACEHOLDERS, ME } from "../../server/macros/macros.ts";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, data?.macro.id ? "macros.editTitle" : "macros.newTitle");

const EMPTY = { id: null, name: "", shared: false, reply: null, note: null, actions: {} };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const options = { ...(await fieldChoices(db(), user)), mayShare: can(user, "macros.manage") };
  if (params.id === "new") return { options, macro: EMPTY };
  const macro = await getMacro(db(), user, params.id!).catch((error) => {
    if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
    throw error;
  });
  if (!macro.editable) throw new Response("errors.forbidden", { status: 403 });
  return { options, macro: { id: macro.id, name: macro.name, shared: macro.shared, reply: macro.reply, note: macro.note, actions: macro.actions } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const form = await readForm(request);
  const input = macroFromForm(form);
  try {
    if (form.get("intent") === "delete" && params.id !== "new") {
      await deleteMacro(db(), user, params.id!);
      return redirect("/agent/macros");
    }
    if (params.id === "new") await createMacro(db(), user, input);
    else await updateMacro(db(), user, params.id!, input);
    return redirect("/agent/macros");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The form shows again with what was typed.
    return respond({ ...formFailureBody(error, form), typed: input }, { status: error.status });
  }
}

export default function MacroEditor() {
  const { options, macro } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const errors = result?.fieldErrors;
  const values = result?.typed ?? macro;
  const actions = (values.actions ?? {}) as Record<string, unknown>;
  const choice = (name: string) => (actions[name] === null ? "none" : typeof actions[name] === "string" ? (actions[name] as string) : "");
  const tags = (name: string) => ((actions[name] as string[] | undefined) ?? []).join(", ");
  const busy = navigation.state === "submitting";

  const texts = (kind: "reply" | "note") => (
    <fieldset className="field macro-texts">
      <legend>{t(`macros.${kind}`)}</legend>
      {LOCALES.map((locale) => {
        const name = `${kind}.${locale}`;
        return (
          <Field key={locale} name={name} label={t(`macros.inLanguage.${locale}`)} errors={errors?.[name]}>
            <textarea id={name} name={name} rows={kind === "reply" ? 5 : 3} defaultValue={(values[kind] as Record<string, string> | null)?.[locale] ?? ""} />
          </Field>
        );
      })}
    </fieldset>
  );

  const select = (name: string, label: string, choices: { value: string; label: string }[]) => (
    <Field name={name} label={label} errors={errors?.[`actions.${name}`]}>
      <select id={name} name={name} defaultValue={choice(name)}>
        <option value="">{t("macros.noChange")}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <div className="page macro-editor">
      <p>
        <Link to="/agent/macros">← {t("macros.title")}</Link>
      </p>
      <h1>{macro.id ? t("macros.editTitle") : t("macros.newTitle")}</h1>
      <Form method="post" className="card form" noValidate>
        {result && <FormError messageKey={result.formError} />}
        <Field name="name" label={t("macros.name")} errors={errors?.name}>
          <input id="name" name="name" defaultValue={String(values.name)} maxLength={80} required />
        </Field>
        {options.mayShare && (
          <label className="check">
            <input type="checkbox" name="shared" defaultChecked={values.shared} /> {t("macros.shared")}
          </label>
        )}
        <p className="muted small">{t("macros.textsHint")}</p>
        {texts("reply")}
        {texts("note")}
        <details className="placeholders">
          <summary>{t("macros.placeholders")}</summary>
          <p className="small">{t("macros.placeholdersHint")}</p>
          <dl className="small">
            {MACRO_PLACEHOLDERS.map((p) => (
              <div key={p}>
                <dt>
                  <code>{`{{${p}}}`}</code>
                </dt>
                <dd>{t(`macros.placeholder.${p}`)}</dd>
              </div>
            ))}
          </dl>
        </details>

        <h2>{t("macros.actions")}</h2>
        <p className="muted small">{t("macros.actionsHint")}</p>
        <div className="macro-actions">
          {select(
            "status",
            t("agent.columns.status"),
            STATUSES.filter((s) => s !== "new").map((s) => ({ value: s, label: t(`ticket.statusStaff.${s}`) })),
          )}
          {select("priority", t("agent.columns.priority"), PRIORITIES.map((p) => ({ value: p, label: t(`ticket.priority.${p}`) })))}
          {select("type", t("views.type"), TICKET_TYPES.map((type) => ({ value: type, label: t(`ticket.type.${type}`) })))}
          {select("teamId", t("views.team"), [{ value: "none", label: t("macros.noTeam") }, ...options.teams.map((team) => ({ value: team.id, label: team.name }))])}
          {select("assigneeId", t("ticket.assignee"), [
            { value: ME, label: t("macros.me") },
            { value: "none", label: t("macros.nobody") },
            ...options.agents.map((a) => ({ value: a.id, label: a.name })),
          ])}
          <Field name="addTags" label={t("macros.addTags")} errors={errors?.["actions.addTags"]} hint={t("macros.tagsHint")}>
            <input id="addTags" name="addTags" defaultValue={tags("addTags")} />
          </Field>
          <Field name="removeTags" label={t("macros.removeTags")} errors={errors?.["actions.removeTags"]} hint={t("macros.tagsHint")}>
            <input id="removeTags" name="removeTags" defaultValue={tags("removeTags")} />
          </Field>
        </div>

        <div className="form-actions">
          <button type="submit" className="btn" disabled={busy}>
            {macro.id ? t("macros.save") : t("macros.create")}
          </button>
          {macro.id && (
            <button type="submit" name="intent" value="delete" className="btn-link danger" disabled={busy} formNoValidate>
              {t("macros.delete")}
            </button>
          )}
        </div>
      </Form>
    </div>
  );
}
