// A time-based automation's editor (rules.manage): /admin/automations/new
// (?preset=remind|solve|close starts from one of the classic three) and
// /admin/automations/<id>. Name, on or off, "when a ticket has been <status>
// for <N> <minutes|hours|days>" (stored as afterMinutes, shown back in the
// largest whole unit), then the routing rules' conditions and actions cards
// (app/components/RuleRows.tsx ConditionsAndActions) offering an
// automation's actions too: set the status, reply to the customer. The form
// goes to the service as the automation's input (app/utils/automation-form.ts);
// what it refuses comes back on the row it belongs to, with what was typed.
// Without scripts the row buttons send the form and the page comes back with
// the row added or removed.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { ConditionsAndActions, useRefusal, type RuleChoices } from "../components/RuleRows.tsx";
import { LOCALES } from "../i18n/config.ts";
import { translator, useT } from "../i18n/i18n.ts";
import { AUTOMATION_ACTION_TYPES, TRIGGER_STATUSES } from "../../server/automations/schemas.ts";
import { asResponse, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import {
  AFTER_UNITS,
  automationDraft,
  automationErrors,
  automationFromForm,
  automationInput,
  isPreset,
  newAutomationDraft,
  presetDraft,
  type AutomationDraft,
} from "../utils/automation-form.ts";
import { blankAction, editDraft } from "../utils/rule-form.ts";
import { createAutomation, db, deleteAutomation, DomainError, getAutomation, requirePermission, ruleChoices, updateAutomation } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data?.automation ? null : "admin.automations.newTitle", data?.automation?.name);

/** A new action row in this editor: setting the status is the commonest. */
const newAction = () => blankAction("set_status");
/** The actions offered, an automation's own first. */
const OFFERED = [...AUTOMATION_ACTION_TYPES].sort((a, b) => Number(b === "set_status" || b === "reply") - Number(a === "set_status" || a === "reply"));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const [stored, choices] = await Promise.all([
    params.id === "new" ? null : getAutomation(db(), user, params.id ?? "").catch(asResponse),
    ruleChoices(db(), user),
  ]);
  const automation = stored && { id: stored.id, name: stored.name, draft: automationDraft(stored) };
  // A suggestion from the empty list: its reminder written in every language (the customer's is sent).
  const key = new URL(request.url).searchParams.get("preset");
  const preset = !stored && isPreset(key) ? { key, reply: Object.fromEntries(LOCALES.map((l) => [l, translator(l)("admin.automations.presets.remind.reply", { skipInterpolation: true })])) } : null;
  return { automation, choices, preset };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "rules.manage");
  const form = await readForm(request);
  const id = params.id === "new" ? null : (params.id ?? "");
  const intent = String(form.get("intent") ?? "save");
  const from = { ip: context.clientIp };
  const draft = automationFromForm(form);
  // Each answer is drawn afresh from its draft (the stamp tells the page it is a new one).
  const stamp = `${Date.now()}`;
  try {
    if (intent === "delete" && id) {
      await deleteAutomation(db(), user, id, from);
      return redirect("/admin/automations");
    }
    // A row added or removed without scripts: the form again, nothing saved.
    const edited = editDraft(draft, intent, newAction);
    if (edited) return { ok: true as const, draft: edited, stamp };
    if (id) await updateAutomation(db(), user, id, automationInput(draft), from);
    else await createAutomation(db(), user, automationInput(draft), from);
    return redirect("/admin/automations");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data({ ok: false as const, formError: error.messageKey, fieldErrors: automationErrors(error.details), draft, stamp }, { status: error.status });
  }
}

export default function AutomationEditorPage() {
  const { automation, choices, preset } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const initial: AutomationDraft =
    result?.draft ??
    automation?.draft ??
    (preset && isPreset(preset.key) ? presetDraft(preset.key, t(`admin.automations.presets.${preset.key}.name`), preset.reply) : newAutomationDraft());
  return (
    <div className="rule-editor">
      <p>
        <Link to="/admin/automations">← {t("admin.automations.backToList")}</Link>
      </p>
      <h1>{automation ? automation.name : t("admin.automations.newTitle")}</h1>
      <AutomationForm
        key={result?.stamp ?? "stored"}
        initial={initial}
        choices={choices}
        existing={automation ? { name: automation.name } : null}
        formError={result && !result.ok ? result.formError : undefined}
        fieldErrors={result && !result.ok ? result.fieldErrors : undefined}
      />
    </div>
  );
}

function AutomationForm({
  initial,
  choices,
  existing,
  formError,
  fieldErrors,
}: {
  initial: AutomationDraft;
  choices: RuleChoices;
  existing: { name: string } | null;
  formError?: string;
  fieldErrors?: Record<string, string[]>;
}) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const { formRef, shownFormError } = useRefusal(formError, fieldErrors);
  const A = "admin.automations";
  const whenErrors = [...(fieldErrors?.status ?? []), ...(fieldErrors?.afterMinutes ?? [])];

  return (
    <Form method="post" className="stack rule-form" noValidate ref={formRef}>
      {/* Enter in a text box saves (the first submit button of a form is the one Enter presses). */}
      <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      <FormError messageKey={shownFormError} />

      <section className="card form">
        <Field name="name" label={t(`${A}.name`)} errors={fieldErrors?.name} hint={t(`${A}.nameHint`)}>
          <input id="name" name="name" defaultValue={initial.name} maxLength={80} required autoComplete="off" />
        </Field>
        <div className="field">
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={initial.enabled} /> {t(`${A}.enabled`)}
          </label>
          <p className="hint">{t(`${A}.enabledHint`)}</p>
          <FieldErrors keys={fieldErrors?.enabled} />
        </div>
        <fieldset className="field automation-when" data-testid="automation-when">
          <legend>{t(`${A}.when`)}</legend>
          <div className="automation-when-line">
            <span>{t(`${A}.whenBefore`)}</span>
            <select name="status" defaultValue={initial.status} aria-label={t(`${A}.status`)} aria-invalid={fieldErrors?.status ? true : undefined}>
              {!(TRIGGER_STATUSES as string[]).includes(initial.status) && <option value={initial.status}>{t("admin.rules.choose")}</option>}
              {TRIGGER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`ticket.statusStaff.${s}`)}
                </option>
              ))}
            </select>
            <span>{t(`${A}.whenMiddle`)}</span>
            <span className="automation-after">
              <input
                name="afterAmount"
                defaultValue={initial.afterAmount}
                inputMode="numeric"
                size={5}
                maxLength={9}
                autoComplete="off"
                aria-label={t(`${A}.afterAmount`)}
                aria-invalid={fieldErrors?.afterMinutes ? true : undefined}
              />
              <select name="afterUnit" defaultValue={initial.afterUnit} aria-label={t(`${A}.afterUnit`)}>
                {(Object.keys(AFTER_UNITS) as (keyof typeof AFTER_UNITS)[]).map((unit) => (
                  <option key={unit} value={unit}>
                    {t(`${A}.units.${unit}`)}
                  </option>
                ))}
              </select>
            </span>
            {t(`${A}.whenAfter`) && <span>{t(`${A}.whenAfter`)}</span>}
          </div>
          <p className="hint">{t(`${A}.whenHint`)}</p>
          <FieldErrors keys={whenErrors} />
        </fieldset>
      </section>

      <ConditionsAndActions
        initial={initial}
        choices={choices}
        fieldErrors={fieldErrors}
        actionTypes={OFFERED}
        blank={newAction}
        noConditions={t(`${A}.noConditions`)}
        actionsLead={t(`${A}.actionsLead`)}
      />

      <div className="form-actions rule-form-actions">
        <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
          {existing ? t(`${A}.save`) : t(`${A}.create`)}
        </button>
        <Link to="/admin/automations">{t("admin.rules.cancel")}</Link>
        {existing && (
          <details className="rule-delete">
            <summary className="btn-link danger">{t(`${A}.delete`)}</summary>
            <p>{t(`${A}.deleteConfirm`, { name: existing.name })}</p>
            <button type="submit" name="intent" value="delete" className="btn btn-danger" formNoValidate disabled={busy}>
              {t(`${A}.deleteYes`)}
            </button>
          </details>
        )}
      </div>
    </Form>
  );
}
