import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can, getUser, homeFor } from "../services.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  // Staff have nothing to do on the customer landing page.
  if (user && can(user, "workspace.use")) throw redirect(homeFor(user));
  return null;
}

export default function Home() {
  const { t } = useTranslation();
  return (
    <div className="hero">
      <h1>{t("home.title")}</h1>
      <p className="lead">{t("home.lead")}</p>
      <Form method="get" action="/help" className="search-bar big" role="search">
        <label htmlFor="q" className="visually-hidden">
          {t("help.search")}
        </label>
        <input id="q" name="q" type="search" placeholder={t("help.searchPlaceholder")} maxLength={200} />
        <button type="submit" className="btn">
          {t("help.search")}
        </button>
      </Form>
      <p className="hero-actions">
        <Link to="/portal/new" className="btn btn-secondary">
          {t("home.fileRequest")}
        </Link>
        <Link to="/help">{t("home.browseHelp")}</Link>
      </p>
    </div>
  );
}
