// The helpdesk's settings (settings.manage): its name, the language for people
// who have not chosen one, customer sign-up and portal options.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { LOCALES } from "../i18n/config.ts";
import { flag, text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { db, DomainError, getSettings, requirePermission, updateSettings } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminSettings.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  return { settings: await getSettings(db(), user) };
}

const OPTIONS = ["customerSignup", "portalSuggestArticles", "portalReopenByReply"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const form = await readForm(request);
  try {
    await updateSettings(
      db(),
      user,
      { name: text(form, "name"), defaultLocale: text(form, "defaultLocale"), ...Object.fromEntries(OPTIONS.map((o) => [o, flag(form, o)])) },
      { ip: context.clientIp },
    );
    return { ok: true as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const failed = result && !result.ok ? result : undefined;
  return (
    <>
      <h1>{t("adminSettings.title")}</h1>
      {result?.ok && (
        <p role="status" className="notice success">
          {t("adminSettings.saved")}
        </p>
      )}
      <FormError messageKey={failed?.formError} />
      <Form method="post" className="stack" key={JSON.stringify(settings)}>
        <section className="card">
          <div className="form-row">
            <Field name="name" label={t("adminSettings.name")} errors={failed?.fieldErrors.name} hint={t("adminSettings.nameHint")}>
              <input id="name" name="name" required maxLength={60} defaultValue={failed?.values.name ?? settings.name} />
            </Field>
            <Field name="defaultLocale" label={t("adminSettings.defaultLocale")} hint={t("adminSettings.defaultLocaleHint")}>
              <select id="defaultLocale" name="defaultLocale" defaultValue={settings.defaultLocale}>
                {LOCALES.map((l) => (
                  <option key={l} value={l}>
                    {t(`languages.${l}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </section>
        <section className="card">
          <h2>{t("adminSettings.portal")}</h2>
          {OPTIONS.map((o) => (
            <label key={o} className="check">
              <input type="checkbox" name={o} defaultChecked={settings[o]} /> {t(`adminSettings.options.${o}`)}
              <span className="muted small"> {t(`adminSettings.optionHints.${o}`)}</span>
            </label>
          ))}
        </section>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={navigation.state === "submitting"}>
            {t("adminSettings.save")}
          </button>
        </div>
      </Form>
    </>
  );
}
