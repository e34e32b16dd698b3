import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isLocale, localeFromRequest } from "../i18n/config.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { db, getArticle } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, null, data?.article.title);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const requested = new URL(request.url).searchParams.get("locale");
  const locale = isLocale(requested) ? requested : localeFromRequest(request);
  const slug = params.slug ?? "";
  // Fall back to the other language when this one has no translation.
  const article = (await getArticle(db(), slug, locale)) ?? (await getArticle(db(), slug, locale === "en" ? "zh-CN" : "en"));
  if (!article) throw new Response("errors.notFound", { status: 404 });
  return { article: { ...article, updatedAt: article.updatedAt.toISOString() } };
}

export default function Article() {
  const { article } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  return (
    <div className="page narrow">
      <p>
        <Link to="/help">← {t("help.backToHelp")}</Link>
      </p>
      <article className="card article" lang={article.locale}>
        <h1>{article.title}</h1>
        <p className="muted small">{fmt.dateTime(article.updatedAt)}</p>
        <div className="prose" dangerouslySetInnerHTML={{ __html: article.html }} />
      </article>
      <p>
        {t("help.stillNeedHelp")} <Link to="/portal/new">{t("home.fileRequest")}</Link>
      </p>
    </div>
  );
}
