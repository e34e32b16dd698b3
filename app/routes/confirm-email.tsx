// A signed-in customer whose address is not confirmed yet (an account from before confirmation
// existed, or one whose link ran out) asks for a confirmation link; the banner in the portal
// posts here. The link goes to the address; whoever reads it there confirms it and chooses the
// account's password (server/auth/recovery.ts confirmAddress): being signed in proves nothing.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { db, requireUser, sendConfirmationLink } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "recovery.unconfirmed.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { email: user.email, unconfirmed: !!user.emailUnconfirmed, sent: new URL(request.url).searchParams.has("sent") };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  try {
    await sendConfirmationLink(db(), user);
    return redirect("/confirm-email?sent");
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function ConfirmEmail() {
  const { t } = useTranslation();
  const { email, unconfirmed, sent } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <h1>{t("recovery.unconfirmed.title")}</h1>
      {!unconfirmed ? (
        <>
          <p className="notice success" role="status">
            {t("recovery.unconfirmed.confirmed")}
          </p>
          <Link to="/portal">{t("recovery.unconfirmed.toRequests")}</Link>
        </>
      ) : sent && !result ? (
        <p className="notice success break" role="status">
          {t("recovery.unconfirmed.sent", { email })}
        </p>
      ) : (
        <Form method="post" className="card form" noValidate>
          <p className="lead break">{t("recovery.unconfirmed.lead", { email })}</p>
          <FormError messageKey={result?.formError} />
          <button type="submit" className="btn" disabled={busy}>
            {t("recovery.unconfirmed.send")}
          </button>
        </Form>
      )}
    </div>
  );
}
