import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { localeFromRequest, localName } from "../i18n/config.ts";
import { db, getUser, listArticles, searchArticles, type SearchHit } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "help.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = localeFromRequest(request);
  const query = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 200);
  const user = await getUser(request);
  let results: SearchHit[] | null = null;
  let searchFailed = false;
  if (query.trim()) {
    try {
      results = (await searchArticles({ query, locale, userId: user?.id ?? null })).hits;
    } catch {
      // Meilisearch down: the help center still lists its articles.
      searchFailed = true;
    }
  }
  const articles = await listArticles(db(), { locale });
  return {
    query,
    results,
    searchFailed,
    articles: articles.map((a) => ({
      slug: a.slug,
      title: a.title,
      excerpt: a.excerpt,
      category: a.category ? localName(a.category, locale) : null,
    })),
  };
}

export default function Help() {
  const { query, results, searchFailed, articles } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="page">
      <h1>{t("help.title")}</h1>
      <Form method="get" className="search-bar" role="search">
        <label htmlFor="q" className="visually-hidden">
          {t("help.search")}
        </label>
        <input id="q" name="q" type="search" defaultValue={query} placeholder={t("help.searchPlaceholder")} maxLength={200} />
        <button type="submit" className="btn">
          {t("help.search")}
        </button>
      </Form>
      {searchFailed && <p className="notice">{t("help.searchUnavailable")}</p>}
      {results && (
        <section className="card" data-testid="search-results">
          <p className="muted">
            {results.length === 0 ? t("help.noResults", { query }) : t("help.results", { count: results.length })}
          </p>
          <ul className="article-list">
            {results.map((hit) => (
              <li key={hit.id}>
                <Link to={`/help/${hit.slug}?locale=${hit.locale}`}>{hit.title}</Link>
                {hit.highlight ? (
                  <p className="muted small" dangerouslySetInnerHTML={{ __html: hit.highlight }} />
                ) : (
                  <p className="muted small">{hit.excerpt}</p>
                )}
              </li>
            ))}
          </ul>
          {results.length === 0 && (
            <p>
              {t("help.stillNeedHelp")} <Link to="/portal/new">{t("home.fileRequest")}</Link>
            </p>
          )}
        </section>
      )}
      <section>
        <h2>{t("help.allArticles")}</h2>
        {articles.length === 0 && <p className="empty card">{t("help.noArticles")}</p>}
        <ul className="article-grid">
          {articles.map((a) => (
            <li key={a.slug} className="card">
              {a.category && <span className="muted small">{a.category}</span>}
              <Link to={`/help/${a.slug}`}>{a.title}</Link>
              <p className="muted small">{a.excerpt}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
