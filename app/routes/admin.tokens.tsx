// /admin/tokens: every API token with its owner, scopes, last use and
// expiry; an admin (tokens.manage) revokes any of them. Never the tokens themselves.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { FormError } from "../components/Field.tsx";
import { asResponse, formFailure, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { scopeText } from "../utils/token-forms.ts";
import { db, listAllApiTokens, requirePermission, revokeAnyApiToken } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "apiTokens.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "tokens.manage");
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  try {
    const page = await listAllApiTokens(db(), user, { limit: 50, cursor });
    return { tokens: page.items, nextCursor: page.nextCursor };
  } catch (error) {
    return asResponse(error);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "tokens.manage");
  const form = await readForm(request);
  try {
    const token = await revokeAnyApiToken(db(), user, String(form.get("id") ?? ""), { ip: context.clientIp });
    return { ok: true as const, revoked: token.name, owner: token.owner.name };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function AdminTokens() {
  const { t } = useT();
  const fmt = useTimeFormat();
  const { tokens, nextCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("apiTokens.title")}</h1>
      <p className="lead">{t("apiTokens.adminLead")}</p>
      {result?.ok && (
        <p className="notice success" role="status">
          {result.revoked ? t("apiTokens.revoked", { name: result.revoked }) : t("apiTokens.revokedUnnamed")}
        </p>
      )}
      {result && !result.ok && <FormError messageKey={result.formError} />}
      {tokens.length === 0 ? (
        <p className="empty">{t("apiTokens.noneAtAll")}</p>
      ) : (
        <table className="admin-table" data-testid="admin-token-list">
          <thead>
            <tr>
              <th>{t("apiTokens.owner")}</th>
              <th>{t("apiTokens.name")}</th>
              <th>{t("apiTokens.scopes")}</th>
              <th>{t("apiTokens.lastUsed")}</th>
              <th>{t("apiTokens.expires")}</th>
              <th>
                <span className="visually-hidden">{t("apiTokens.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td data-label={t("apiTokens.owner")}>
                  {token.owner.name} <span className="muted small break">{token.owner.email}</span>
                </td>
                <td data-label={t("apiTokens.name")}>{token.name || <span className="muted">{t("apiTokens.fromSignIn")}</span>}</td>
                <td data-label={t("apiTokens.scopes")}>{token.scopes.map((s) => scopeText(t, s)).join(", ")}</td>
                <td data-label={t("apiTokens.lastUsed")}>{token.lastUsedAt ? fmt.relative(token.lastUsedAt) : t("apiTokens.never")}</td>
                <td data-label={t("apiTokens.expires")}>
                  {new Date(token.expiresAt).getTime() <= fmt.now ? <strong>{t("apiTokens.expired")}</strong> : fmt.dateTime(token.expiresAt)}
                </td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="id" value={token.id} />
                    <button
                      type="submit"
                      className="btn-link danger"
                      disabled={busy}
                      aria-label={`${t("apiTokens.revoke")}: ${token.owner.name}, ${token.name || t("apiTokens.fromSignIn")}`}
                    >
                      {t("apiTokens.revoke")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("apiTokens.title")}>
        {params.get("cursor") && <Link to="/admin/tokens">{t("apiTokens.first")}</Link>}
        {nextCursor && <Link to={`?${new URLSearchParams({ cursor: nextCursor })}`}>{t("apiTokens.more")}</Link>}
      </nav>
    </>
  );
}
