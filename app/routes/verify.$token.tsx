// A mailed confirmation link: "confirm your address and choose a password" for a new sign-up or
// someone who wrote in by mail; only "confirm" for an account that has a password. Then signed in,
// seeing every request made from the address. Opening the page changes nothing (mail scanners).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "../components/Field.tsx";
import { NewPasswordFields } from "../components/NewPasswordFields.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { confirmAddress, createUserSession, db, homeFor, openAccountLink } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ data, matches }) =>
  pageTitle(
    matches,
    (data as { link?: { offer: string } | null } | undefined)?.link?.offer === "confirm_only" ? "recovery.verify.confirmTitle" : "recovery.verify.title",
  );

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await openAccountLink(db(), "verify_email", params.token ?? "");
  return { link: link ? { email: link.email, offer: link.offer } : null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const { role, userId } = await confirmAddress(db(), params.token ?? "", Object.fromEntries(form), { ip: context.clientIp });
    return createUserSession(request, userId, homeFor({ role }));
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function ConfirmAddress() {
  const { t } = useTranslation();
  const { link } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!link || result?.formError === "recovery.errors.linkInvalid") {
    return (
      <div className="page narrow">
        <h1>{t("recovery.verify.invalidTitle")}</h1>
        <p className="card" role="alert">
          {t("recovery.verify.invalid")}
        </p>
        <p>{t("recovery.verify.askAgain")}</p>
        <p className="link-row">
          <Link to="/signup" className="btn">
            {t("nav.signUp")}
          </Link>
          <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      </div>
    );
  }
  const choose = link.offer === "choose_password";
  return (
    <div className="page narrow">
      <h1>{t(choose ? "recovery.verify.title" : "recovery.verify.confirmTitle")}</h1>
      <p className="lead break">{t(choose ? "recovery.verify.lead" : "recovery.verify.confirmLead", { email: link.email })}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError !== "errors.validation" ? result?.formError : undefined} />
        {choose && <NewPasswordFields email={link.email} label={t("recovery.password")} errors={result?.fieldErrors} />}
        <button type="submit" className="btn" disabled={busy}>
          {t(choose ? "recovery.verify.submit" : "recovery.verify.confirmSubmit")}
        </button>
      </Form>
    </div>
  );
}
