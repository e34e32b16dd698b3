import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import {
  changePassword,
  ChangePasswordFormSchema,
  db,
  parseInput,
  requireUser,
  sessionCookie,
  startSession,
} from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "account.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return {
    user: { name: user.name, email: user.email, role: user.role },
    changed: new URL(request.url).searchParams.has("changed"),
  };
}

/**
 * Changing the password ends every session of the account, this one
 * included, and hands this browser a fresh one: a copy of the old cookie,
 * wherever it went, stops working with the rest.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const fields = Object.fromEntries(form);
  try {
    parseInput(ChangePasswordFormSchema, fields);
    const sid = await changePassword(db(), user, fields, { ip: context.clientIp }, startSession);
    return redirect("/account?changed", { headers: { "Set-Cookie": await sessionCookie(request, sid) } });
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function Account() {
  const { t } = useTranslation();
  const { user, changed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.fieldErrors;
  return (
    <div className="page narrow">
      <h1>{t("account.title")}</h1>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t("account.profile")}</h2>
        <dl className="facts">
          <dt>{t("account.name")}</dt>
          <dd>{user.name}</dd>
          <dt>{t("account.email")}</dt>
          <dd className="break">{user.email}</dd>
          <dt>{t("account.role")}</dt>
          <dd>{t(`roles.${user.role}`)}</dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="api-tokens-heading">
        <h2 id="api-tokens-heading">{t("apiTokens.title")}</h2>
        <p className="muted small">{t("apiTokens.accountLead")}</p>
        <Link to="/account/tokens" className="btn btn-secondary">
          {t("apiTokens.manage")}
        </Link>
      </section>

      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">{t("account.changePassword")}</h2>
        {changed && !result && (
          <p className="notice success" role="status">
            {t("account.changed")}
          </p>
        )}
        <p className="muted small">{t("account.changePasswordLead")}</p>
        {/* Remounted after a success so the fields are emptied. */}
        <Form method="post" className="form" noValidate key={changed ? "changed" : "form"}>
          <FormError messageKey={result?.formError !== "errors.validation" ? result?.formError : undefined} />
          {/* Lets a password manager tie the new password to this account. */}
          <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
          <Field name="currentPassword" label={t("account.currentPassword")} errors={errors?.currentPassword}>
            <PasswordInput name="currentPassword" autoComplete="current-password" invalid={!!errors?.currentPassword} />
          </Field>
          <Field name="newPassword" label={t("account.newPassword")} hint={t("account.newPasswordHint")} errors={errors?.newPassword}>
            <PasswordInput name="newPassword" autoComplete="new-password" invalid={!!errors?.newPassword} minLength={8} />
          </Field>
          <Field name="confirmPassword" label={t("account.confirmPassword")} errors={errors?.confirmPassword}>
            <PasswordInput name="confirmPassword" autoComplete="new-password" invalid={!!errors?.confirmPassword} />
          </Field>
          <button type="submit" className="btn" disabled={busy}>
            {t("account.submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}

function PasswordInput(props: { name: string; autoComplete: string; invalid: boolean; minLength?: number }) {
  return (
    <input
      id={props.name}
      name={props.name}
      type="password"
      autoComplete={props.autoComplete}
      minLength={props.minLength}
      required
      aria-invalid={props.invalid || undefined}
      aria-describedby={props.invalid ? `${props.name}-error` : undefined}
    />
  );
}
