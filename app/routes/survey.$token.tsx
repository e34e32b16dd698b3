import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { db, answerSurvey, getSurveyByToken, DomainError } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "survey.title");

// The token is the credential: whoever holds the link may rate, once.
export async function loader({ params }: LoaderFunctionArgs) {
  try {
    return { survey: await getSurveyByToken(db(), params.token ?? "") };
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") return { survey: null };
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    const result = await answerSurvey(db(), params.token ?? "", Object.fromEntries(form));
    return { ok: true as const, rating: result.rating };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function Survey() {
  const { survey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";

  if (!survey) return <Message text={t("survey.notFound")} />;
  if (result?.ok) return <Message text={t("survey.thanks")} testId="survey-thanks" />;
  if (survey.answered) return <Message text={t("survey.alreadyAnswered")} testId="survey-used" />;
  if (survey.expired) return <Message text={t("survey.expired")} />;

  const failure = result && !result.ok ? result : undefined;
  return (
    <div className="page narrow">
      <h1>{t("survey.title")}</h1>
      <p className="muted">{t("survey.about", { number: survey.ticketNumber, subject: survey.subject })}</p>
      <Form method="post" className="card form" noValidate>
        <FormError messageKey={failure?.fieldErrors?.rating ? undefined : failure?.formError} />
        <fieldset className={`field${failure?.fieldErrors?.rating ? " has-error" : ""}`}>
          <legend>{t("survey.question")}</legend>
          <div className="rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="rating-option">
                <input type="radio" name="rating" value={n} defaultChecked={failure?.values?.rating === String(n)} />
                <span className="rating-number">{n}</span>
                <span className="rating-label">{t(`survey.ratings.${n}`)}</span>
              </label>
            ))}
          </div>
          {failure?.fieldErrors?.rating?.map((k) => (
            <p key={k} className="field-error" role="alert">
              {t(k)}
            </p>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="comment">{t("survey.comment")}</label>
          <textarea id="comment" name="comment" rows={4} defaultValue={failure?.values?.comment} />
        </div>
        <button type="submit" className="btn" disabled={busy}>
          {t("survey.submit")}
        </button>
      </Form>
    </div>
  );
}

function Message({ text, testId }: { text: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div className="page narrow">
      <h1>{t("survey.title")}</h1>
      <p className="notice" data-testid={testId}>
        {text}
      </p>
    </div>
  );
}
