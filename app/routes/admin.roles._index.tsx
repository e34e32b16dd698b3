// Custom roles (users.manage): each a name and a list of permissions, with
// how many people hold it; the built-in roles are listed for comparison.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { pageTitle } from "../utils/meta.ts";
import { db, listRoles, permissionCatalog, requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminRoles.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  return { roles: await listRoles(db(), user), builtIn: permissionCatalog().builtIn };
}

export default function AdminRoles() {
  const { roles, builtIn } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <h1>{t("adminRoles.title")}</h1>
      <p className="muted">{t("adminRoles.lead")}</p>
      <div className="admin-actions">
        <Link to="/admin/roles/new" className="btn">
          {t("adminRoles.new")}
        </Link>
      </div>
      <table className="admin-table" data-testid="roles-table">
        <thead>
          <tr>
            <th>{t("adminRoles.name")}</th>
            <th>{t("adminRoles.permissionsCount")}</th>
            <th>{t("adminRoles.holders")}</th>
          </tr>
        </thead>
        <tbody>
          {roles.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/admin/roles/${r.id}`}>{r.name}</Link>
                {r.description && <div className="muted small">{r.description}</div>}
              </td>
              <td data-label={t("adminRoles.permissionsCount")}>{r.permissions.length}</td>
              <td data-label={t("adminRoles.holders")}>{r.users}</td>
            </tr>
          ))}
          {(["agent", "supervisor", "admin"] as const).map((r) => (
            <tr key={r} className="muted">
              <td>
                {t(`roles.${r}`)} <span className="badge">{t("adminRoles.builtIn")}</span>
              </td>
              <td data-label={t("adminRoles.permissionsCount")}>{builtIn[r].length}</td>
              <td data-label={t("adminRoles.holders")}>—</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
