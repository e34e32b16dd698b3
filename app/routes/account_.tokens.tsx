// /account/tokens: the signed-in person's API tokens. They make a named,
// scoped token (shown once, in the answer to the form) and revoke their own.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { scopeText, TOKEN_DAY_CHOICES, tokenInputFromForm } from "../utils/token-forms.ts";
import { resourcesFor } from "../../server/auth/scopes.ts";
import { can, createApiToken, db, listApiTokens, requireUser, revokeApiToken } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "apiTokens.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = await listApiTokens(db(), user, { limit: 100 });
  return { tokens: page.items, resources: resourcesFor((p) => can(user, p)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const from = { ip: context.clientIp };
  try {
    if (form.get("intent") === "revoke") {
      const token = await revokeApiToken(db(), user, String(form.get("id") ?? ""), from);
      return { ok: true as const, revoked: token.name };
    }
    // The token goes back in this answer only: it is never stored or shown again.
    const created = await createApiToken(db(), user, tokenInputFromForm(form), from);
    return { ok: true as const, created: { name: created.name, token: created.token } };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function AccountTokens() {
  const { t } = useT();
  const fmt = useTimeFormat();
  const { tokens, resources } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failed = result && !result.ok ? result : undefined;
  const errors = failed?.fieldErrors;
  const values = failed?.values ?? {};
  const created = result?.ok && "created" in result ? result.created : undefined;
  const revoked = result?.ok && "revoked" in result ? result.revoked : undefined;
  const now = fmt.now;

  return (
    <div className="page">
      <p>
        <Link to="/account">{t("apiTokens.backToAccount")}</Link>
      </p>
      <h1>{t("apiTokens.title")}</h1>
      <p className="lead">{t("apiTokens.lead")}</p>

      {created && (
        <div className="notice success" role="status" data-testid="new-token">
          <p>{t("apiTokens.shownOnce", { name: created.name })}</p>
          <label htmlFor="new-token" className="visually-hidden">
            {t("apiTokens.tokenLabel")}
          </label>
          <input id="new-token" className="secret-once" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} size={60} />
        </div>
      )}
      {revoked !== undefined && (
        <p className="notice success" role="status">
          {revoked ? t("apiTokens.revoked", { name: revoked }) : t("apiTokens.revokedUnnamed")}
        </p>
      )}

      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{t("apiTokens.yourTokens")}</h2>
        {failed?.formError && failed.formError !== "errors.validation" && values.intent === "revoke" && <FormError messageKey={failed.formError} />}
        {tokens.length === 0 ? (
          <p className="empty">{t("apiTokens.none")}</p>
        ) : (
          <table className="admin-table" data-testid="token-list">
            <thead>
              <tr>
                <th>{t("apiTokens.name")}</th>
                <th>{t("apiTokens.scopes")}</th>
                <th>{t("apiTokens.created")}</th>
                <th>{t("apiTokens.expires")}</th>
                <th>{t("apiTokens.lastUsed")}</th>
                <th>
                  <span className="visually-hidden">{t("apiTokens.revoke")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td data-label={t("apiTokens.name")}>{token.name || <span className="muted">{t("apiTokens.fromSignIn")}</span>}</td>
                  <td data-label={t("apiTokens.scopes")}>{token.scopes.map((s) => scopeText(t, s)).join(", ")}</td>
                  <td data-label={t("apiTokens.created")}>{fmt.dateTime(token.createdAt)}</td>
                  <td data-label={t("apiTokens.expires")}>
                    {new Date(token.expiresAt).getTime() <= now ? <strong>{t("apiTokens.expired")}</strong> : fmt.dateTime(token.expiresAt)}
                  </td>
                  <td data-label={t("apiTokens.lastUsed")}>{token.lastUsedAt ? fmt.relative(token.lastUsedAt) : t("apiTokens.never")}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={token.id} />
                      <button type="submit" className="btn-link danger" disabled={busy} aria-label={`${t("apiTokens.revoke")}: ${token.name || t("apiTokens.fromSignIn")}`}>
                        {t("apiTokens.revoke")}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="create-heading">
        <h2 id="create-heading">{t("apiTokens.create")}</h2>
        {/* Remounted after a success so the fields are emptied. */}
        <Form method="post" className="form" noValidate key={created ? created.token : "form"}>
          <input type="hidden" name="intent" value="create" />
          <FormError messageKey={failed?.formError !== "errors.validation" && values.intent !== "revoke" ? failed?.formError : undefined} />
          <Field name="name" label={t("apiTokens.name")} hint={t("apiTokens.nameHint")} errors={errors?.name}>
            <input id="name" name="name" maxLength={80} required defaultValue={values.name} aria-invalid={errors?.name ? true : undefined} />
          </Field>
          <Field name="expiresInDays" label={t("apiTokens.expiresIn")} errors={errors?.expiresInDays}>
            <select id="expiresInDays" name="expiresInDays" defaultValue={values.expiresInDays ?? "30"}>
              {TOKEN_DAY_CHOICES.map((days) => (
                <option key={days} value={days}>
                  {t("apiTokens.days", { count: days })}
                </option>
              ))}
            </select>
          </Field>
          <fieldset className="field">
            <legend>{t("apiTokens.scopes")}</legend>
            <p className="hint">{t("apiTokens.scopesHint")}</p>
            <label className="choice">
              <input type="checkbox" name="full" value="1" defaultChecked={values.full === "1"} /> {t("apiTokens.fullAccess")}
            </label>
            <div className="date-range">
              {resources.map((resource) => (
                <div key={resource}>
                  <label htmlFor={`scope-${resource}`}>{t(`apiTokens.resources.${resource}`)}</label>
                  <select id={`scope-${resource}`} name={`scope.${resource}`} defaultValue={values[`scope.${resource}`] ?? "none"}>
                    {(["none", "read", "write"] as const).map((access) => (
                      <option key={access} value={access}>
                        {t(`apiTokens.access.${access}`)}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
            <FieldErrors keys={errors?.scopes ?? Object.entries(errors ?? {}).find(([k]) => k.startsWith("scopes."))?.[1]} />
          </fieldset>
          <button type="submit" className="btn" disabled={busy}>
            {t("apiTokens.createButton")}
          </button>
        </Form>
      </section>
    </div>
  );
}
