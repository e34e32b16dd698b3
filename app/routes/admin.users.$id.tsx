// One staff account (users.manage): name, language, role or custom role,
// teams, skills and capacity in one form; a fresh invitation link for someone
// who has not joined; deactivating and reactivating.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CheckGroup, Field, FormError } from "../components/Field.tsx";
import { RoleSelect } from "../components/RoleSelect.tsx";
import { useT } from "../i18n/i18n.ts";
import { localName, LOCALES, type Locale } from "../i18n/config.ts";
import { checked, numberOrNull, text } from "../utils/admin-forms.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { roleChoice, roleFromChoice } from "../utils/role-choice.ts";
import {
  db,
  deactivateUser,
  DomainError,
  getAccount,
  listCategories,
  listRoles,
  listTeams,
  reactivateUser,
  renewInvitation,
  requirePermission,
  updateAccount,
} from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, null, data?.account.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const id = z.uuid().catch("00000000-0000-0000-0000-000000000000").parse(params.id);
  const account = await getAccount(db(), user, id).catch(asResponse);
  const [teams, roles, categories] = await Promise.all([
    listTeams(db(), user).catch(() => []),
    listRoles(db(), user),
    listCategories(db(), user).catch(() => []),
  ]);
  return {
    account,
    isSelf: account.id === user.id,
    teams: teams.map((t) => ({ id: t.id, name: t.name })),
    roles: roles.map((r) => ({ id: r.id, name: r.name })),
    categories: categories.map((c) => ({ id: c.id, nameEn: c.nameEn, nameZh: c.nameZh })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const form = await readForm(request);
  const id = z.uuid().catch("00000000-0000-0000-0000-000000000000").parse(params.id);
  const from = { ip: context.clientIp };
  try {
    switch (form.get("intent")) {
      case "deactivate":
        await deactivateUser(db(), user, id, from);
        return { ok: true as const, done: "deactivated" as const };
      case "reactivate":
        await reactivateUser(db(), user, id, from);
        return { ok: true as const, done: "reactivated" as const };
      case "invite": {
        const invited = await renewInvitation(db(), user, id, from);
        return { ok: true as const, done: "invited" as const, link: new URL(`/invite/${invited.token}`, request.url).toString() };
      }
      default:
        await updateAccount(
          db(),
          user,
          id,
          {
            name: text(form, "name"),
            locale: text(form, "locale"),
            ...roleFromChoice(text(form, "role")),
            teamIds: checked(form, "teamIds"),
            skillCategoryIds: checked(form, "skillCategoryIds"),
            skillLanguages: checked(form, "skillLanguages"),
            capacity: numberOrNull(form, "capacity"),
          },
          from,
        );
        return { ok: true as const, done: "saved" as const };
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminUser() {
  const { account, isSelf, teams, roles, categories } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, language } = useT();
  const fmt = useTimeFormat();
  const failed = result && !result.ok ? result : undefined;
  const typed = failed?.values;
  const busy = navigation.state === "submitting";
  const staff = account.role !== "customer";
  return (
    <>
      <p>
        <Link to="/admin/users">← {t("adminUsers.title")}</Link>
      </p>
      <h1>
        {account.name} <span className={`badge status-${account.status}`}>{t(`adminUsers.statuses.${account.status}`)}</span>
      </h1>
      <p className="muted">
        {account.email} · {t("adminUsers.since", { time: fmt.dateTime(account.createdAt) })}
      </p>
      {result?.ok && (
        <p role="status" className="notice" data-testid="saved">
          {t(`adminUsers.done.${result.done}`)}
        </p>
      )}
      {result?.ok && result.done === "invited" && (
        <p className="secret-once" data-testid="invitation-link">
          {result.link}
        </p>
      )}
      <FormError messageKey={failed?.formError} />

      {staff ? (
        <Form method="post" className="stack" key={JSON.stringify(account)}>
          <section className="card">
            <div className="form-row">
              <Field name="name" label={t("adminUsers.name")} errors={failed?.fieldErrors.name}>
                <input id="name" name="name" required maxLength={120} defaultValue={typed?.name ?? account.name} />
              </Field>
              <Field name="locale" label={t("adminUsers.language")}>
                <select id="locale" name="locale" defaultValue={typed?.locale ?? account.locale}>
                  {LOCALES.map((l) => (
                    <option key={l} value={l}>
                      {t(`languages.${l}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field name="role" label={t("adminUsers.role")} errors={failed?.fieldErrors.role ?? failed?.fieldErrors.customRoleId} hint={isSelf ? t("adminUsers.selfRoleHint") : undefined}>
                <RoleSelect defaultValue={typed?.role ?? roleChoice(account)} customRoles={roles} />
              </Field>
            </div>
            <CheckGroup name="teamIds" legend={t("adminUsers.teams")} choices={teams} isChecked={(id) => account.teamIds.includes(id)} errors={failed?.fieldErrors.teamIds} />
          </section>

          <section className="card">
            <h2>{t("adminUsers.workTitle")}</h2>
            <p className="muted small">{t("adminUsers.workLead")}</p>
            <Field name="capacity" label={t("adminUsers.capacity")} errors={failed?.fieldErrors.capacity} hint={t("adminUsers.capacityHint", { count: account.openTickets })}>
              <input id="capacity" name="capacity" className="narrow" inputMode="numeric" defaultValue={typed?.capacity ?? account.capacity?.toString() ?? ""} placeholder={t("adminUsers.noLimit")} />
            </Field>
            <CheckGroup
              name="skillCategoryIds"
              legend={t("adminUsers.skillCategories")}
              choices={categories.map((c) => ({ id: c.id, name: localName(c, language as Locale) }))}
              isChecked={(id) => account.skillCategoryIds.includes(id)}
              errors={failed?.fieldErrors.skillCategoryIds}
            />
            <CheckGroup
              name="skillLanguages"
              legend={t("adminUsers.skillLanguages")}
              choices={LOCALES.map((l) => ({ id: l, name: t(`languages.${l}`) }))}
              isChecked={(l) => (account.skillLanguages as string[]).includes(l)}
              errors={failed?.fieldErrors.skillLanguages}
            />
            <p className="muted small">{t("adminUsers.skillsHint")}</p>
          </section>
          <div className="form-actions">
            <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
              {t("adminUsers.save")}
            </button>
          </div>
        </Form>
      ) : (
        <p className="card">{t("adminUsers.customerAccount")}</p>
      )}

      {!isSelf && (
        <section className="card danger-zone">
          <h2>{t("adminUsers.accessTitle")}</h2>
          <Form method="post" className="admin-actions">
            {account.status === "invited" && (
              <button type="submit" name="intent" value="invite" className="btn btn-secondary" disabled={busy}>
                {t("adminUsers.newLink")}
              </button>
            )}
            {account.status === "deactivated" ? (
              <button type="submit" name="intent" value="reactivate" className="btn btn-secondary" disabled={busy}>
                {t("adminUsers.reactivate")}
              </button>
            ) : (
              <button type="submit" name="intent" value="deactivate" className="btn btn-secondary" disabled={busy}>
                {t("adminUsers.deactivate")}
              </button>
            )}
          </Form>
          <p className="muted small">{t(account.status === "deactivated" ? "adminUsers.reactivateHint" : "adminUsers.deactivateHint")}</p>
        </section>
      )}
    </>
  );
}
