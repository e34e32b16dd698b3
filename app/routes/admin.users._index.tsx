// People (users.manage): staff by name with role, teams, load and status,
// filtered by text and status; inviting someone shows their link once.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CheckGroup, Field, FormError } from "../components/Field.tsx";
import { RoleSelect } from "../components/RoleSelect.tsx";
import { useT } from "../i18n/i18n.ts";
import { LOCALES } from "../i18n/config.ts";
import { checked, text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { db, DomainError, inviteUser, listRoles, listTeams, listUsers, requirePermission } from "../services.server.ts";
import { roleFromChoice } from "../utils/role-choice.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminUsers.title");

const Filters = z.object({
  q: z.string().max(200).optional().catch(undefined),
  status: z.enum(["active", "invited", "deactivated"]).optional().catch(undefined),
  cursor: z.uuid().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const filters = Filters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [page, teams, roles] = await Promise.all([
    listUsers(db(), user, { ...filters, limit: 50 }),
    listTeams(db(), user).catch(() => []),
    listRoles(db(), user),
  ]);
  return {
    filters,
    users: page.items,
    nextCursor: page.nextCursor,
    teams: teams.map((t) => ({ id: t.id, name: t.name })),
    roles: roles.map((r) => ({ id: r.id, name: r.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const form = await readForm(request);
  try {
    const invited = await inviteUser(
      db(),
      user,
      {
        name: text(form, "name"),
        email: text(form, "email"),
        locale: text(form, "locale"),
        ...roleFromChoice(text(form, "role")),
        teamIds: checked(form, "teamIds"),
      },
      { ip: context.clientIp },
    );
    const link = new URL(`/invite/${invited.token}`, request.url).toString();
    return { ok: true as const, link, name: invited.account.name, email: invited.account.email, expiresAt: invited.expiresAt.toISOString() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function AdminUsers() {
  const { filters, users, nextCursor, teams, roles } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const fmt = useTimeFormat();
  const failed = result && !result.ok ? result : undefined;
  const typed = failed?.values;
  const teamName = new Map(teams.map((x) => [x.id, x.name]));
  return (
    <>
      <h1>{t("adminUsers.title")}</h1>
      <Form method="get" className="admin-actions" role="search">
        <input name="q" type="search" defaultValue={filters.q ?? ""} placeholder={t("adminUsers.searchPlaceholder")} aria-label={t("adminUsers.searchPlaceholder")} />
        <select name="status" defaultValue={filters.status ?? ""} aria-label={t("adminUsers.status")}>
          <option value="">{t("adminUsers.anyStatus")}</option>
          {(["active", "invited", "deactivated"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`adminUsers.statuses.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary">
          {t("adminUsers.filter")}
        </button>
        <a href="#invite" className="tabs-end">
          {t("adminUsers.inviteLink")}
        </a>
      </Form>

      <table className="admin-table" data-testid="staff-table">
        <thead>
          <tr>
            <th>{t("adminUsers.person")}</th>
            <th>{t("adminUsers.role")}</th>
            <th>{t("adminUsers.teams")}</th>
            <th>{t("adminUsers.load")}</th>
            <th>{t("adminUsers.status")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
                <div className="muted small">{u.email}</div>
              </td>
              <td data-label={t("adminUsers.role")}>{u.customRoleName ?? t(`roles.${u.role}`)}</td>
              <td data-label={t("adminUsers.teams")}>{u.teamIds.map((id) => teamName.get(id) ?? "?").join(", ") || "—"}</td>
              <td data-label={t("adminUsers.load")}>
                {u.capacity === null ? t("adminUsers.openNoLimit", { count: u.openTickets }) : t("adminUsers.openOfCapacity", { open: u.openTickets, capacity: u.capacity })}
              </td>
              <td data-label={t("adminUsers.status")}>
                <span className={`badge status-${u.status}`}>{t(`adminUsers.statuses.${u.status}`)}</span>
                {u.status === "active" && u.role !== "customer" && <span className="muted small"> {t(`availability.${u.availability}`)}</span>}
                {u.status === "invited" && u.invitedAt && <div className="muted small">{fmt.dateTime(u.invitedAt)}</div>}
              </td>
            </tr>
          ))}
          {users.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t("adminUsers.none")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {nextCursor && (
        <p>
          <Link to={`?${new URLSearchParams({ ...(filters.q ? { q: filters.q } : {}), ...(filters.status ? { status: filters.status } : {}), cursor: nextCursor })}`}>
            {t("adminUsers.more")}
          </Link>
        </p>
      )}

      <section className="card" id="invite" aria-labelledby="invite-title">
        <h2 id="invite-title">{t("adminUsers.inviteTitle")}</h2>
        {result?.ok && (
          <div role="status" data-testid="invitation">
            <p>{t("adminUsers.invited", { name: result.name, email: result.email, time: fmt.dateTime(result.expiresAt) })}</p>
            <p className="secret-once" data-testid="invitation-link">
              {result.link}
            </p>
          </div>
        )}
        <FormError messageKey={failed?.formError} />
        <Form method="post" className="stack" key={result?.ok ? result.link : "form"}>
          <div className="form-row">
            <Field name="name" label={t("adminUsers.name")} errors={failed?.fieldErrors.name}>
              <input id="name" name="name" required maxLength={120} defaultValue={typed?.name} autoComplete="off" />
            </Field>
            <Field name="email" label={t("adminUsers.email")} errors={failed?.fieldErrors.email}>
              <input id="email" name="email" type="email" required maxLength={320} defaultValue={typed?.email} autoComplete="off" />
            </Field>
          </div>
          <div className="form-row">
            <Field name="role" label={t("adminUsers.role")} errors={failed?.fieldErrors.role ?? failed?.fieldErrors.customRoleId}>
              <RoleSelect defaultValue={typed?.role ?? "agent"} customRoles={roles} />
            </Field>
            <Field name="locale" label={t("adminUsers.language")}>
              <select id="locale" name="locale" defaultValue={typed?.locale ?? "en"}>
                {LOCALES.map((l) => (
                  <option key={l} value={l}>
                    {t(`languages.${l}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {teams.length > 0 && (
            <CheckGroup name="teamIds" legend={t("adminUsers.teams")} choices={teams} isChecked={() => false} errors={failed?.fieldErrors.teamIds} />
          )}
          <p className="muted small">{t("adminUsers.inviteHint")}</p>
          <div className="form-actions">
            <button type="submit" className="btn" disabled={navigation.state === "submitting"}>
              {t("adminUsers.invite")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
