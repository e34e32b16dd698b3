// A mailed confirmation link: "confirm your address and choose a password", always. A new sign-up or
// someone who wrote in by mail chooses their first; an account from the old sign-up (which took any
// address unchecked) a new one that replaces its password and ends its other sign-ins and tokens.
// Then signed in, seeing every request made from the address. Opening the page changes nothing (mail scanners).
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
    (data as { link?: { offer: string } | null } | undefined)?.link?.offer === "replace_password" ? "recovery.verify.replaceTitle" : "recovery.verify.title",
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
  const replace = link.offer === "replace_password";
  return (
    <div className="page narrow">
      <h1>{t(replace ? "recovery.verify.replaceTitle" : "recovery.verify.title")}</h1>
      <p className="lead break">{t(replace ? "recovery.verify.replaceLead" : "recovery.verify.lead", { email: link.email })}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError !== "errors.validation" ? result?.formError : undefined} />
        <NewPasswordFields email={link.email} label={t(replace ? "recovery.newPassword" : "recovery.password")} errors={result?.fieldErrors} />
        <button type="submit" className="btn" disabled={busy}>
          {t("recovery.verify.submit")}
        </button>
      </Form>
    </div>
  );
}
