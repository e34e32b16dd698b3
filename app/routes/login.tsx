import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { safeRedirect } from "../utils/redirect.ts";
import { db, signIn, createUserSession, homeFor } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { redirectIfSignedIn } from "../utils/auth-pages.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.signInTitle");

export const loader = ({ request }: LoaderFunctionArgs) => redirectIfSignedIn(request);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const user = await signIn(db(), Object.fromEntries(form), { ip: context.clientIp });
    return createUserSession(request, user.id, safeRedirect(form.get("redirectTo"), homeFor(user)));
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function Login() {
  const { t } = useTranslation();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <h1>{t("auth.signInTitle")}</h1>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError !== "errors.validation" ? result?.formError : undefined} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field name="email" label={t("auth.email")} errors={result?.fieldErrors?.email}>
          <input id="email" name="email" type="email" autoComplete="email" required defaultValue={result?.values?.email} />
        </Field>
        <Field name="password" label={t("auth.password")} errors={result?.fieldErrors?.password}>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <p className="small field-aside">
          <Link to="/forgot-password">{t("recovery.forgotPassword")}</Link>
        </p>
        <button type="submit" className="btn" disabled={busy}>
          {t("auth.signInButton")}
        </button>
        <p className="muted">
          {t("auth.noAccount")} <Link to="/signup">{t("nav.signUp")}</Link>
        </p>
        <p className="muted small">{t("auth.demoHint")}</p>
      </Form>
    </div>
  );
}
