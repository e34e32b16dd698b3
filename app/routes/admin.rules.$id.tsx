// A routing rule's editor (rules.manage): /admin/rules/new and
// /admin/rules/<id>. Name, on or off, when it runs (on filing, on changes),
// whether all or any conditions must hold, the conditions and the actions as
// rows (app/components/RuleRows.tsx), and deleting it after a confirmation.
// The form goes to the service as the rule's input (app/utils/rule-form.ts);
// what it refuses comes back on the row it belongs to, with what was typed.
// Rows are added and removed in the page; without scripts the same buttons
// send the form and the page comes back with the row added or removed
// (ConditionsAndActions, shared with the automations' editor).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { ConditionsAndActions, useRefusal, type RuleChoices } from "../components/RuleRows.tsx";
import { useT } from "../i18n/i18n.ts";
import { asResponse, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { editDraft, newRuleDraft, ruleErrors, ruleFromForm, type RuleDraft } from "../utils/rule-form.ts";
import { createRule, db, deleteRule, DomainError, getRule, requirePermission, ruleChoices, updateRule } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data?.rule ? null : "admin.rules.newTitle", data?.rule?.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const [stored, choices] = await Promise.all([
    params.id === "new" ? null : getRule(db(), user, params.id ?? "").catch(asResponse),
    ruleChoices(db(), user),
  ]);
  const rule = stored && {
    id: stored.id,
    name: stored.name,
    enabled: stored.enabled,
    onCreate: stored.onCreate,
    onUpdate: stored.onUpdate,
    match: stored.match,
    conditions: stored.conditions,
    actions: stored.actions,
  };
  return { rule, choices };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const form = await readForm(request);
  const id = params.id === "new" ? null : (params.id ?? "");
  const intent = String(form.get("intent") ?? "save");
  const from = { ip: context.clientIp };
  const draft = ruleFromForm(form);
  // Each answer is drawn afresh from its draft (the stamp tells the page it is a new one).
  const stamp = `${Date.now()}`;
  try {
    if (intent === "delete" && id) {
      await deleteRule(db(), user, id, from);
      return redirect("/admin/rules");
    }
    // A row added or removed without scripts: the form again, nothing saved.
    const edited = editDraft(draft, intent);
    if (edited) return { ok: true as const, draft: edited, stamp };
    if (id) await updateRule(db(), user, id, draft, from);
    else await createRule(db(), user, draft, from);
    return redirect("/admin/rules");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data({ ok: false as const, formError: error.messageKey, fieldErrors: ruleErrors(error.details), draft, stamp }, { status: error.status });
  }
}

export default function RuleEditorPage() {
  const { rule, choices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const initial: RuleDraft = result?.draft ?? rule ?? newRuleDraft();
  return (
    <div className="rule-editor">
      <p>
        <Link to="/admin/rules">← {t("admin.rules.backToList")}</Link>
      </p>
      <h1>{rule ? rule.name : t("admin.rules.newTitle")}</h1>
      <RuleForm
        key={result?.stamp ?? "stored"}
        initial={initial}
        choices={choices}
        existing={rule ? { name: rule.name } : null}
        formError={result && !result.ok ? result.formError : undefined}
        fieldErrors={result && !result.ok ? result.fieldErrors : undefined}
      />
    </div>
  );
}

function RuleForm({
  initial,
  choices,
  existing,
  formError,
  fieldErrors,
}: {
  initial: RuleDraft;
  choices: RuleChoices;
  existing: { name: string } | null;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
}) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const { formRef, shownFormError } = useRefusal(formError, fieldErrors);

  return (
    <Form method="post" className="stack rule-form" noValidate ref={formRef}>
      {/* Enter in a text box saves (the first submit button of a form is the one Enter presses). */}
      <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      <FormError messageKey={shownFormError} />

      <section className="card form">
        <Field name="name" label={t("admin.rules.name")} errors={fieldErrors?.name} hint={t("admin.rules.nameHint")}>
          <input id="name" name="name" defaultValue={initial.name} maxLength={80} required autoComplete="off" />
        </Field>
        <div className="field">
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={initial.enabled} /> {t("admin.rules.enabled")}
          </label>
          <p className="hint">{t("admin.rules.enabledHint")}</p>
          <FieldErrors keys={fieldErrors?.enabled} />
        </div>
        <fieldset className="field rule-when">
          <legend>{t("admin.rules.when")}</legend>
          <label className="check">
            <input type="checkbox" name="onCreate" defaultChecked={initial.onCreate} /> {t("admin.rules.onCreate")}
            <span className="hint">{t("admin.rules.onCreateHint")}</span>
          </label>
          <label className="check">
            <input type="checkbox" name="onUpdate" defaultChecked={initial.onUpdate} /> {t("admin.rules.onUpdate")}
            <span className="hint">{t("admin.rules.onUpdateHint")}</span>
          </label>
          <FieldErrors keys={[...(fieldErrors?.onCreate ?? []), ...(fieldErrors?.onUpdate ?? [])]} />
        </fieldset>
      </section>

      <ConditionsAndActions
        initial={initial}
        choices={choices}
        fieldErrors={fieldErrors}
        noConditions={t("admin.rules.noConditions")}
        actionsLead={t("admin.rules.actionsLead")}
      />

      <div className="form-actions rule-form-actions">
        <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
          {existing ? t("admin.rules.save") : t("admin.rules.create")}
        </button>
        <Link to="/admin/rules">{t("admin.rules.cancel")}</Link>
        {existing && (
          <details className="rule-delete">
            <summary className="btn-link danger">{t("admin.rules.delete")}</summary>
            <p>{t("admin.rules.deleteConfirm", { name: existing.name })}</p>
            <button type="submit" name="intent" value="delete" className="btn btn-danger" formNoValidate disabled={busy}>
              {t("admin.rules.deleteYes")}
            </button>
          </details>
        )}
      </div>
    </Form>
  );
}
