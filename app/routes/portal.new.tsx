import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { formFailure } from "../utils/forms.server.ts";
import { readFormWithFiles, storeFormFiles } from "../utils/uploads.server.ts";
import { AttachmentPicker } from "../components/Attachments.tsx";
import { db, requirePermission, createTicket, currentSettings, formFields } from "../services.server.ts";
import { FieldInput } from "../components/TicketFields.tsx";
import { FIELD_INPUT_PREFIX, fieldsFromForm } from "../utils/field-forms.ts";
import { pageTitle } from "../utils/meta.ts";
import { localName } from "../i18n/config.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "portal.newTicketTitle");

/** A customer whose address is not confirmed yet has no requests to file under: they confirm it first. */
const requireConfirmed = (user: { emailUnconfirmed?: boolean }) => {
  if (user.emailUnconfirmed) throw redirect("/confirm-email");
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "tickets.file");
  requireConfirmed(user);
  const [categories, fields] = await Promise.all([
    db().category.findMany({
      select: { key: true, nameEn: true, nameZh: true },
      orderBy: { nameEn: "asc" },
    }),
    // The custom fields this person is asked: customer-visible ones for customers.
    formFields(db(), user),
  ]);
  return {
    categories,
    /** Whether help articles are suggested while the customer writes (the helpdesk's setting). */
    suggest: (await currentSettings(db())).portalSuggestArticles,
    fields: fields.map(({ key, labelEn, labelZh, type, options, required, customerVisible }) => ({ key, labelEn, labelZh, type, options, required, customerVisible })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "tickets.file");
  requireConfirmed(user);
  const upload = await readFormWithFiles(request);
  const { form } = upload;
  try {
    const attachments = await storeFormFiles(user, upload);
    const ticket = await createTicket(db(), user, { ...Object.fromEntries(form), attachments, fields: fieldsFromForm(form) }, "portal");
    return redirect(`/portal/tickets/${ticket.number}?created=1`);
  } catch (error) {
    return formFailure(error, form);
  } finally {
    await upload.discard();
  }
}

interface Suggestion {
  id: string;
  slug: string;
  locale: string;
  title: string;
  excerpt: string;
}

/** Help articles matching what the customer is typing, fetched as they pause. */
function useSuggestions(text: string, locale: string) {
  const [hits, setHits] = useState<Suggestion[]>([]);
  useEffect(() => {
    const query = text.trim();
    if (query.length < 3) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const url = `/api/v1/kb/search?${new URLSearchParams({ q: query.slice(0, 200), locale, limit: "5" })}`;
        const res = await fetch(url, { signal: controller.signal });
        if (res.ok) setHits(((await res.json()) as { data: Suggestion[] }).data.slice(0, 5));
      } catch {
        // Suggestions are a help, not a requirement: stay quiet on failure.
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, locale]);
  return hits;
}

export default function NewTicket() {
  const { categories, fields, suggest } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const v = result?.values ?? {};
  const errors = result?.fieldErrors ?? {};
  const [subject, setSubject] = useState(v.subject ?? "");
  const suggestions = useSuggestions(suggest ? subject : "", i18n.language);

  return (
    <div className="page two-col">
      <section>
        <h1>{t("portal.newTicketTitle")}</h1>
        <p className="lead">{t("portal.newTicketLead")}</p>
        <Form method="post" encType="multipart/form-data" className="card form" noValidate>
          <FormError messageKey={result?.formError} />
          <fieldset className={`field${errors.type ? " has-error" : ""}`}>
            <legend>{t("portal.typeLabel")}</legend>
            <label className="choice">
              <input type="radio" name="type" value="inquiry" defaultChecked={v.type === "inquiry"} />
              {t("portal.typeInquiry")}
            </label>
            <label className="choice">
              <input type="radio" name="type" value="complaint" defaultChecked={v.type === "complaint"} />
              {t("portal.typeComplaint")}
            </label>
            {errors.type?.map((k) => (
              <p key={k} className="field-error" role="alert">
                {t(k)}
              </p>
            ))}
          </fieldset>
          <Field name="category" label={t("portal.categoryLabel")} errors={errors.category}>
            <select id="category" name="category" defaultValue={v.category ?? ""}>
              <option value="">{t("portal.chooseCategory")}</option>
              {categories.map((c) => (
                <option key={c.key} value={c.key}>
                  {localName(c, i18n.language)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="subject" label={t("portal.subjectLabel")} errors={errors.subject}>
            <input
              id="subject"
              name="subject"
              maxLength={200}
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              autoComplete="off"
            />
          </Field>
          <Field name="description" label={t("portal.descriptionLabel")} errors={errors.description}>
            <textarea id="description" name="description" rows={8} defaultValue={v.description} />
          </Field>
          {fields.map((field) => (
            <FieldInput
              key={field.key}
              field={field}
              value={v[`${FIELD_INPUT_PREFIX}${field.key}`]}
              errors={errors[`${FIELD_INPUT_PREFIX}${field.key}`]}
            />
          ))}
          <AttachmentPicker id="files" errors={errors.attachments} file={result?.file} />
          <button type="submit" className="btn" disabled={busy}>
            {t("portal.submit")}
          </button>
        </Form>
      </section>
      <aside aria-live="polite">
        {suggestions.length > 0 && (
          <div className="card suggestions" data-testid="kb-suggestions">
            <h2>{t("portal.suggestionsTitle")}</h2>
            <ul>
              {suggestions.map((s) => (
                <li key={s.id}>
                  <a href={`/help/${s.slug}?locale=${s.locale}`} target="_blank" rel="noreferrer">
                    {s.title}
                  </a>
                  <p className="muted small">{s.excerpt}</p>
                </li>
              ))}
            </ul>
          </div>
        )}
      </aside>
    </div>
  );
}
