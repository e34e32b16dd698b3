// Joining the staff by an invitation link: the invited person sets their name
// and password once, and is signed in. A used, replaced or expired link says so.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { acceptInvitation, createUserSession, db, hashPassword, homeFor, loadAuthUser, openInvitation } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "invite.title");

export async function loader({ params }: LoaderFunctionArgs) {
  const invitation = await openInvitation(db(), params.token ?? "");
  return { invitation: invitation ? { name: invitation.name, email: invitation.email } : null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const { userId } = await acceptInvitation(db(), params.token ?? "", Object.fromEntries(form), hashPassword, { ip: context.clientIp });
    const user = await loadAuthUser(db(), userId);
    return createUserSession(request, userId, user ? homeFor(user) : "/");
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function AcceptInvitation() {
  const { invitation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation();
  if (!invitation || result?.formError === "errors.invitationInvalid") {
    return (
      <div className="page narrow">
        <h1>{t("invite.title")}</h1>
        <p className="card" role="alert">
          {t("errors.invitationInvalid")}
        </p>
        <p>
          <Link to="/login">{t("nav.signIn")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t("invite.title")}</h1>
      <p>{t("invite.lead", { email: invitation.email })}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={result?.formError} />
        <Field name="name" label={t("auth.name")} errors={result?.fieldErrors?.name}>
          <input id="name" name="name" autoComplete="name" required defaultValue={result?.values?.name ?? invitation.name} />
        </Field>
        <Field name="password" label={t("invite.password")} errors={result?.fieldErrors?.password} hint={t("invite.passwordHint")}>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={8} required />
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          {t("invite.join")}
        </button>
      </Form>
    </div>
  );
}
