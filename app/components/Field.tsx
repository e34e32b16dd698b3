import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/** A labelled form field with its error messages (i18n keys) announced to screen readers. */
export function Field({
  name,
  label,
  errors,
  children,
  hint,
}: {
  name: string;
  label: string;
  errors?: string[];
  hint?: string;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  const [fixed, setFixed] = useState(false);
  // Each answer from the server brings its own errors.
  useEffect(() => setFixed(false), [errors]);
  const shown = fixed ? undefined : errors;
  return (
    <div
      className={`field${shown?.length ? " has-error" : ""}`}
      // The error goes once the field is changed into something its own
      // constraints accept (the server checks again on sending).
      onInput={(event) => {
        const input = event.target as HTMLInputElement;
        if (errors?.length && (typeof input.checkValidity !== "function" || input.checkValidity())) setFixed(true);
      }}
    >
      <label htmlFor={name}>{label}</label>
      {children}
      {hint && <p className="hint">{hint}</p>}
      {shown?.map((key) => (
        <p key={key} className="field-error" id={`${name}-error`} role="alert">
          {t(key)}
        </p>
      ))}
    </div>
  );
}

/** Errors (i18n keys) of a group of inputs that is not one Field (a table cell, a fieldset). */
export function FieldErrors({ keys }: { keys?: string[] }) {
  const { t } = useTranslation();
  return (
    <>
      {keys?.map((key) => (
        <p key={key} className="field-error" role="alert">
          {t(key)}
        </p>
      ))}
    </>
  );
}

export function FormError({ messageKey }: { messageKey?: string }) {
  const { t } = useTranslation();
  const shown = useRef<HTMLDivElement>(null);
  // Said where the form starts, which may be above the button pressed (on a phone, off the screen): brought into view.
  // (A block body: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.)
  useEffect(() => {
    shown.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [messageKey]);
  if (!messageKey) return null;
  return (
    <div className="form-error" role="alert" ref={shown}>
      {t(messageKey)}
    </div>
  );
}

/** Checkboxes that share a name: the form sends every checked value (an empty list when none is). */
export function CheckGroup(props: {
  name: string;
  legend: string;
  choices: { id: string; name: string }[];
  isChecked: (id: string) => boolean;
  errors?: string[];
}) {
  return (
    <fieldset className="field inline-checks">
      <legend>{props.legend}</legend>
      {props.choices.map((choice) => (
        <label key={choice.id} className="check-inline">
          <input type="checkbox" name={props.name} value={choice.id} defaultChecked={props.isChecked(choice.id)} /> {choice.name}
        </label>
      ))}
      <FieldErrors keys={props.errors} />
    </fieldset>
  );
}
