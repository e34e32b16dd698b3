// Custom ticket fields in forms and on ticket pages: one input per field type,
// labelled in the reader's language, required ones marked, errors (i18n keys)
// shown on the field. Used by the portal's new-ticket form and the agent's
// properties; the values are read back by app/utils/field-forms.ts.
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { displayValue, fieldLabel, optionLabel, type FieldDefinition, type FieldValue } from "../../server/fields/values.ts";
import { Field, FieldErrors } from "./Field.tsx";
import { FIELD_INPUT_PREFIX } from "../utils/field-forms.ts";

export type FormField = Pick<FieldDefinition, "key" | "labelEn" | "labelZh" | "type" | "options" | "required" | "customerVisible">;

/** The input for one field. `value` is what to show (as stored, or as typed back after an error). */
export function FieldInput({
  field,
  value,
  errors,
  prefix = FIELD_INPUT_PREFIX,
  showAudience = false,
  onCommit,
}: {
  field: FormField;
  value: FieldValue | string | null | undefined;
  errors?: string[];
  prefix?: string;
  /** Staff forms say which fields the customer does not see. */
  showAudience?: boolean;
  /** Called when a typed value is finished (left, or Enter): forms that save at once submit then. */
  onCommit?: (form: HTMLFormElement) => void;
}) {
  const { t, i18n } = useTranslation();
  const name = `${prefix}${field.key}`;
  const plain = fieldLabel(field, i18n.language);
  const label = `${field.required ? t("ticketFields.requiredLabel", { label: plain }) : plain}${showAudience && !field.customerVisible ? ` · ${t("ticketFields.staffOnly")}` : ""}`;
  const text = value === null || value === undefined ? "" : String(value);
  const invalid = errors?.length ? true : undefined;
  const described = invalid ? `${name}-error` : undefined;
  // Typed values save when left (or on Enter, which submits the form), not on every key.
  const commit = onCommit
    ? (event: React.FocusEvent<HTMLInputElement>) => {
        const input = event.currentTarget;
        if (input.form && input.value !== input.defaultValue) onCommit(input.form);
      }
    : undefined;

  if (field.type === "checkbox") {
    const checked = value === true || text === "true" || text === "on";
    return (
      <div className={`field${errors?.length ? " has-error" : ""}`}>
        {/* Unticked, the hidden "false" is what the form sends. */}
        <input type="hidden" name={name} value="false" />
        <label className="check" htmlFor={name}>
          <input id={name} type="checkbox" name={name} value="true" defaultChecked={checked} aria-invalid={invalid} aria-describedby={described} />{" "}
          {label}
        </label>
        <FieldErrors keys={errors} />
      </div>
    );
  }
  return (
    <Field name={name} label={label} errors={errors}>
      {field.type === "dropdown" ? (
        <select id={name} name={name} defaultValue={text} aria-required={field.required || undefined} aria-invalid={invalid} aria-describedby={described}>
          <option value="">{t("ticketFields.choose")}</option>
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {optionLabel(field, o.value, i18n.language)}
            </option>
          ))}
          {/* A value whose option was removed since stays visible rather than silently changing. */}
          {text && !field.options.some((o) => o.value === text) && <option value={text}>{text}</option>}
        </select>
      ) : (
        <input
          id={name}
          name={name}
          type={field.type === "date" ? "date" : "text"}
          inputMode={field.type === "number" ? "decimal" : undefined}
          maxLength={field.type === "text" ? 500 : undefined}
          defaultValue={text}
          autoComplete="off"
          aria-required={field.required || undefined}
          aria-invalid={invalid}
          aria-describedby={described}
          onBlur={commit}
        />
      )}
    </Field>
  );
}

/** The values of a ticket's fields as a list of facts (fields without a value are left out). */
export function FieldFacts({ fields, values }: { fields: FormField[]; values: Record<string, FieldValue> }) {
  const { t, i18n } = useTranslation();
  const words = { yes: t("ticketFields.yes"), no: t("ticketFields.no") };
  const shown = fields.filter((f) => values[f.key] !== undefined);
  if (shown.length === 0) return null;
  return (
    <dl className="facts ticket-field-facts" data-testid="ticket-fields">
      {shown.map((f) => (
        <Fragment key={f.key}>
          <dt>{fieldLabel(f, i18n.language)}</dt>
          <dd>{displayValue(f, values[f.key], i18n.language, words)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
