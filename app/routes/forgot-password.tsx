// "Forgot password?": the address in, the same answer out whether or not it has an account; the
// mail (if any) carries a one-hour, single-use link to /reset-password/<token>.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { db, requestPasswordReset } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { redirectIfSignedIn } from "../utils/auth-pages.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "recovery.forgot.title");

export const loader = ({ request }: LoaderFunctionArgs) => redirectIfSignedIn(request);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    await requestPasswordReset(db(), Object.fromEntries(form), { ip: context.clientIp });
    return { ok: true as const };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function ForgotPassword() {
  const { t } = useTranslation();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (result?.ok) {
    return (
      <div className="page narrow">
        <h1>{t("recovery.forgot.sentTitle")}</h1>
        <p className="card" role="status">
          {t("recovery.forgot.sent")}
        </p>
        <p className="muted small">
          {t("recovery.forgot.notArrived")} <Link to="/forgot-password">{t("recovery.forgot.askAgain")}</Link>.
        </p>
        <p>
          <Link to="/login">{t("recovery.backToSignIn")}</Link>
        </p>
      </div>
    );
  }
  const failed = result && !result.ok ? result : undefined;
  return (
    <div className="page narrow">
      <h1>{t("recovery.forgot.title")}</h1>
      <p className="lead">{t("recovery.forgot.lead")}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={failed?.formError !== "errors.validation" ? failed?.formError : undefined} />
        <Field name="email" label={t("auth.email")} errors={failed?.fieldErrors?.email}>
          <input id="email" name="email" type="email" autoComplete="email" required defaultValue={failed?.values?.email} />
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          {t("recovery.forgot.submit")}
        </button>
        <p className="muted">
          <Link to="/login">{t("recovery.backToSignIn")}</Link>
        </p>
      </Form>
    </div>
  );
}
