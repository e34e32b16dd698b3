// A custom ticket field's editor (fields.manage): /admin/fields/new and
// /admin/fields/<id>. Key and type are chosen once; labels in both languages,
// a dropdown's options, whether it is required and who sees it can change.
// Works without scripts (empty option rows to fill in); with them, option
// rows show only for dropdowns and more can be added.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { FIELD_TYPES, type FieldOption, type FieldType } from "../../server/fields/values.ts";
import { fieldDefinitionFromForm } from "../utils/field-forms.ts";
import { errorsFor } from "../utils/sla-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { createField, db, deleteField, DomainError, getField, requirePermission, updateField } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, data?.field ? "ticketFields.editTitle" : "ticketFields.newTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "fields.manage");
  if (params.id === "new") return { field: null };
  const field = await getField(db(), user, params.id!).catch((error) => {
    if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
    throw error;
  });
  const { createdAt: _c, updatedAt: _u, ...rest } = field;
  return { field: rest };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "fields.manage");
  const form = await readForm(request);
  const from = { ip: context.clientIp };
  const input = fieldDefinitionFromForm(form);
  try {
    if (params.id === "new") {
      await createField(db(), user, input, from);
    } else if (form.get("intent") === "delete") {
      await deleteField(db(), user, params.id!, from);
    } else {
      const { key: _key, type: _type, ...change } = input;
      await updateField(db(), user, params.id!, change, from);
    }
    return redirect("/admin/fields");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data({ ...formFailureBody(error, form), typed: input }, { status: error.status });
  }
}

/** Rows shown for options: those there are, and a few empty ones to fill in. */
const EMPTY_ROWS = 3;
const blankOption = (): FieldOption => ({ value: "", en: "", zh: "" });

export default function FieldEditor() {
  const { field } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const errors = result?.fieldErrors;
  const typed = result?.typed;
  const values = typed ?? field;
  const [type, setType] = useState<string>(values?.type ?? "text");
  const [options, setOptions] = useState<FieldOption[]>(() => [...(values?.options ?? []), ...Array.from({ length: EMPTY_ROWS }, blankOption)]);
  // Scripts on: option rows only for a dropdown (without scripts they always show, with a hint).
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);

  return (
    <div className="field-editor">
      <p>
        <Link to="/admin/fields">← {t("ticketFields.backToList")}</Link>
      </p>
      <h1>{field ? t("ticketFields.editTitle") : t("ticketFields.newTitle")}</h1>
      {field && !field.active && <p className="notice">{t("ticketFields.archivedNote")}</p>}
      <Form method="post" className="card form" noValidate>
        {result && <FormError messageKey={result.formError} />}
        <Field name="labelEn" label={t("ticketFields.labelEn")} errors={errors?.labelEn}>
          <input id="labelEn" name="labelEn" defaultValue={values?.labelEn ?? ""} maxLength={80} required />
        </Field>
        <Field name="labelZh" label={t("ticketFields.labelZh")} errors={errors?.labelZh}>
          <input id="labelZh" name="labelZh" defaultValue={values?.labelZh ?? ""} maxLength={80} required lang="zh-CN" />
        </Field>
        {field ? (
          <>
            <p className="facts-line">
              <span className="muted">{t("ticketFields.key")}:</span> <code>{field.key}</code> · <span className="muted">{t("ticketFields.type")}:</span>{" "}
              {t(`ticketFields.types.${field.type}`)}
            </p>
            <p className="hint">{t("ticketFields.typeFixed")}</p>
            <input type="hidden" name="type" value={field.type} />
          </>
        ) : (
          <>
            <Field name="key" label={t("ticketFields.key")} errors={errors?.key} hint={t("ticketFields.keyHint")}>
              <input id="key" name="key" defaultValue={typed?.key ?? ""} maxLength={40} pattern="[a-z][a-z0-9_]*" autoComplete="off" spellCheck={false} />
            </Field>
            <Field name="type" label={t("ticketFields.type")} errors={errors?.type} hint={t("ticketFields.typeFixed")}>
              <select id="type" name="type" value={type} onChange={(e) => setType(e.target.value)}>
                {FIELD_TYPES.map((ft: FieldType) => (
                  <option key={ft} value={ft}>
                    {t(`ticketFields.types.${ft}`)}
                  </option>
                ))}
              </select>
            </Field>
          </>
        )}
        {(!scripted || type === "dropdown") && (
          <fieldset className="field option-rows" data-testid="options">
            <legend>{t("ticketFields.options")}</legend>
            <p className="hint">{t("ticketFields.optionsHint")}</p>
            <FieldErrors keys={errors?.options} />
            <div className="option-row option-head" aria-hidden>
              <span>{t("ticketFields.optionValue")}</span>
              <span>{t("ticketFields.optionEn")}</span>
              <span>{t("ticketFields.optionZh")}</span>
            </div>
            {options.map((o, i) => (
              <div className="option-row" key={i}>
                <input name="optionValue" aria-label={`${t("ticketFields.optionValue")} ${i + 1}`} placeholder={t("ticketFields.optionValue")} defaultValue={o.value} maxLength={40} autoComplete="off" spellCheck={false} />
                <input name="optionEn" aria-label={`${t("ticketFields.optionEn")} ${i + 1}`} placeholder={t("ticketFields.optionEn")} defaultValue={o.en} maxLength={80} />
                <input name="optionZh" aria-label={`${t("ticketFields.optionZh")} ${i + 1}`} placeholder={t("ticketFields.optionZh")} defaultValue={o.zh} maxLength={80} lang="zh-CN" />
                {/* Rows are the options as sent (empty ones dropped) when the form comes back refused. */}
                <FieldErrors keys={errorsFor(errors, `options.${i}`)} />
              </div>
            ))}
            {scripted && (
              <button type="button" className="btn btn-secondary" onClick={() => setOptions((rows) => [...rows, blankOption()])}>
                {t("ticketFields.addOption")}
              </button>
            )}
          </fieldset>
        )}
        <div className="field">
          <label className="check">
            <input type="checkbox" name="required" defaultChecked={values?.required ?? false} /> {t("ticketFields.required")}
          </label>
          <p className="hint">{t("ticketFields.requiredHint")}</p>
          <FieldErrors keys={errors?.required} />
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" name="customerVisible" defaultChecked={values?.customerVisible ?? false} /> {t("ticketFields.customerVisible")}
          </label>
          <p className="hint">{t("ticketFields.customerVisibleHint")}</p>
          <FieldErrors keys={errors?.customerVisible} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={busy}>
            {field ? t("ticketFields.save") : t("ticketFields.create")}
          </button>
          {field && (
            <button type="submit" name="intent" value="delete" className="btn-link danger" formNoValidate disabled={busy} title={t("ticketFields.deleteHint")}>
              {t("ticketFields.delete")}
            </button>
          )}
        </div>
        {field && <p className="hint">{t("ticketFields.deleteHint")}</p>}
      </Form>
    </div>
  );
}
