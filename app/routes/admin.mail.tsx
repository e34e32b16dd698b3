// /admin/mail (settings.manage): the mail pages under one heading, as tabs: mail sent (the index),
// mail received and the addresses mail arrives at. Each page's loader checks its permission.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLocation } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { pageTitle } from "../utils/meta.ts";
import { requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "mail.adminTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings.manage");
  return {};
}

const TABS = [
  { name: "sent", to: "/admin/mail", key: "mail.admin.sent" },
  { name: "received", to: "/admin/mail/received", key: "mail.admin.received" },
  { name: "addresses", to: "/admin/mail/addresses", key: "mail.admin.addresses" },
] as const;

/** The tab a page belongs to: a sent mail's own page (/admin/mail/<id>) is under "Sent". */
function tabOf(pathname: string): (typeof TABS)[number]["name"] {
  if (pathname.startsWith("/admin/mail/received")) return "received";
  if (pathname.startsWith("/admin/mail/addresses")) return "addresses";
  return "sent";
}

export default function MailLayout() {
  const { t } = useT();
  const current = tabOf(useLocation().pathname);
  return (
    <>
      <h1>{t("mail.adminTitle")}</h1>
      <nav className="tabs" aria-label={t("mail.admin.tabs")} data-testid="mail-tabs">
        {TABS.map((tab) => (
          <Link key={tab.name} to={tab.to} className={current === tab.name ? "tab active" : "tab"} aria-current={current === tab.name ? "page" : undefined}>
            {t(tab.key)}
          </Link>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
