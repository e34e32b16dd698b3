// Ticket categories (teams.manage): what customers choose when filing, and
// the team each routes to. Every row is its own small form; a new one below.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldErrors, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { idOrNull, text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { createCategory, db, deleteCategory, DomainError, listCategories, listTeams, requirePermission, updateCategory } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminCategories.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "teams.manage");
  const [categories, teams] = await Promise.all([listCategories(db(), user), listTeams(db(), user)]);
  return { categories, teams: teams.map((t) => ({ id: t.id, name: t.name })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "teams.manage");
  const form = await readForm(request);
  const id = text(form, "id") || null;
  const from = { ip: context.clientIp };
  try {
    if (form.get("intent") === "delete" && id) {
      await deleteCategory(db(), user, id, from);
      return { ok: true as const, id, done: "deleted" as const };
    }
    const input = { key: text(form, "key"), nameEn: text(form, "nameEn"), nameZh: text(form, "nameZh"), teamId: idOrNull(form, "teamId") };
    if (id) await updateCategory(db(), user, id, input, from);
    else await createCategory(db(), user, input, from);
    return { ok: true as const, id, done: "saved" as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data({ ...formFailureBody(error, form), id }, { status: error.status });
  }
}

export default function AdminCategories() {
  const { categories, teams } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const busy = navigation.state === "submitting";
  const failedFor = (id: string | null) => (result && !result.ok && result.id === id ? result : undefined);
  const row = (c: { id: string; key: string; nameEn: string; nameZh: string; teamId: string | null; tickets: number } | null) => {
    const failed = failedFor(c?.id ?? null);
    const typed = failed?.values;
    const errors = failed ? Object.values(failed.fieldErrors).flat() : undefined;
    return (
      <Form method="post" className="category-row" key={c ? `${c.id}-${c.key}-${c.nameEn}-${c.nameZh}-${c.teamId}` : `new-${categories.length}`}>
        {c && <input type="hidden" name="id" value={c.id} />}
        <input name="key" aria-label={t("adminCategories.key")} placeholder={t("adminCategories.key")} defaultValue={typed?.key ?? c?.key} required maxLength={40} />
        <input name="nameEn" aria-label={t("adminCategories.nameEn")} placeholder={t("adminCategories.nameEn")} defaultValue={typed?.nameEn ?? c?.nameEn} required maxLength={80} />
        <input name="nameZh" aria-label={t("adminCategories.nameZh")} placeholder={t("adminCategories.nameZh")} defaultValue={typed?.nameZh ?? c?.nameZh} required maxLength={80} />
        <select name="teamId" aria-label={t("adminCategories.team")} defaultValue={typed?.teamId ?? c?.teamId ?? ""}>
          <option value="">{t("adminCategories.noTeam")}</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
        <span className="muted small">{c ? t("adminCategories.tickets", { count: c.tickets }) : ""}</span>
        <span className="category-buttons">
          <button type="submit" name="intent" value="save" className="btn btn-secondary" disabled={busy}>
            {c ? t("adminCategories.save") : t("adminCategories.add")}
          </button>
          {c && c.tickets === 0 && (
            <button type="submit" name="intent" value="delete" className="btn-link" formNoValidate disabled={busy}>
              {t("adminCategories.delete")}
            </button>
          )}
        </span>
        {failed && (
          <div className="category-errors">
            <FormError messageKey={failed.formError} />
            <FieldErrors keys={errors} />
          </div>
        )}
      </Form>
    );
  };
  return (
    <>
      <h1>{t("adminCategories.title")}</h1>
      <p className="muted">{t("adminCategories.lead")}</p>
      {result?.ok && (
        <p role="status" className="notice success">
          {t(`adminCategories.done.${result.done}`)}
        </p>
      )}
      <div className="card category-list" data-testid="categories">
        <div className="category-row category-head" aria-hidden>
          <span>{t("adminCategories.key")}</span>
          <span>{t("adminCategories.nameEn")}</span>
          <span>{t("adminCategories.nameZh")}</span>
          <span>{t("adminCategories.team")}</span>
          <span />
          <span />
        </div>
        {categories.map((c) => row(c))}
        <h2>{t("adminCategories.new")}</h2>
        {row(null)}
      </div>
    </>
  );
}
