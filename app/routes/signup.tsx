import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { localeFromRequest } from "../i18n/config.ts";
import { db, signUpCustomer, currentSettings } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { redirectIfSignedIn } from "../utils/auth-pages.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.signUpTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  await redirectIfSignedIn(request);
  return { open: (await currentSettings(db())).customerSignup };
}

/**
 * The same answer for every address, known or not: "check your mail". The mail says the rest
 * (confirm and choose a password, or: you already have an account).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const { email } = await signUpCustomer(db(), Object.fromEntries(form), localeFromRequest(request), { ip: context.clientIp });
    return { ok: true as const, email };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function Signup() {
  const { t } = useTranslation();
  const { open } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (answer?.ok) {
    return (
      <div className="page narrow">
        <h1>{t("recovery.signup.sentTitle")}</h1>
        <p className="card break" role="status">
          {t("recovery.signup.sent", { email: answer.email })}
        </p>
        <p className="muted small">
          {t("recovery.signup.notArrived")} <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      </div>
    );
  }
  const result = answer && !answer.ok ? answer : undefined;
  const v = result?.values ?? {};
  if (!open) {
    return (
      <div className="page narrow">
        <h1>{t("auth.signUpTitle")}</h1>
        <p className="card" role="alert">
          {t("errors.signupClosed")}
        </p>
        <p>
          {t("auth.haveAccount")} <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t("auth.signUpTitle")}</h1>
      <p className="lead">{t("recovery.signup.lead")}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError} />
        <Field name="name" label={t("auth.name")} errors={result?.fieldErrors?.name}>
          <input id="name" name="name" autoComplete="name" required defaultValue={v.name} />
        </Field>
        <Field name="email" label={t("auth.email")} errors={result?.fieldErrors?.email}>
          <input id="email" name="email" type="email" autoComplete="email" required defaultValue={v.email} />
        </Field>
        <Field name="company" label={t("auth.company")} errors={result?.fieldErrors?.company}>
          <input id="company" name="company" autoComplete="organization" defaultValue={v.company} />
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          {t("auth.signUpButton")}
        </button>
        <p className="muted">
          {t("auth.haveAccount")} <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      </Form>
    </div>
  );
}
