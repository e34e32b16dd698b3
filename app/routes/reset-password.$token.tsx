// A mailed reset link: the new password twice, then signed in (every other session and API token
// ended). A used, replaced or expired link says so and offers to ask again. Opening the page
// changes nothing: mail scanners that follow links do not use them up.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "../components/Field.tsx";
import { NewPasswordFields } from "../components/NewPasswordFields.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { createUserSession, db, homeFor, openAccountLink, resetPassword } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "recovery.reset.title");

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await openAccountLink(db(), "reset_password", params.token ?? "");
  return { email: link?.email ?? null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const { role, userId } = await resetPassword(db(), params.token ?? "", Object.fromEntries(form), { ip: context.clientIp });
    return createUserSession(request, userId, homeFor({ role }));
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function ResetPassword() {
  const { t } = useTranslation();
  const { email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!email || result?.formError === "recovery.errors.linkInvalid") {
    return (
      <div className="page narrow">
        <h1>{t("recovery.reset.invalidTitle")}</h1>
        <p className="card" role="alert">
          {t("recovery.reset.invalid")}
        </p>
        <p>
          <Link to="/forgot-password" className="btn">
            {t("recovery.reset.askAgain")}
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t("recovery.reset.title")}</h1>
      <p className="lead break">{t("recovery.reset.lead", { email })}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError !== "errors.validation" ? result?.formError : undefined} />
        <NewPasswordFields email={email} label={t("recovery.newPassword")} errors={result?.fieldErrors} />
        <button type="submit" className="btn" disabled={busy}>
          {t("recovery.reset.submit")}
        </button>
      </Form>
    </div>
  );
}
