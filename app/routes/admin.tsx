// The admin center: a side bar of the sections the signed-in person may open
// (app/utils/admin-sections.ts) beside the section itself. Each section's
// own loader checks its permission; this one only shows the way.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { adminSectionLabel, adminSectionsFor } from "../utils/admin-sections.ts";
import { pageTitle } from "../utils/meta.ts";
import { can, requireUser } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sections = adminSectionsFor((p) => can(user, p));
  if (sections.length === 0) throw new Response("errors.forbidden", { status: 403 });
  return { sections: sections.map((s) => ({ key: s.key, to: s.to, label: adminSectionLabel(s) })) };
}

export default function AdminLayout() {
  const { sections } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t("admin.title")}>
        <h1 className="admin-nav-title">{t("admin.title")}</h1>
        <ul>
          {sections.map((s) => (
            <li key={s.key}>
              <NavLink to={s.to}>{t(s.label)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-main">
        <Outlet />
      </div>
    </div>
  );
}
