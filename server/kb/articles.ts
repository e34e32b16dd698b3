// Reading knowledge-base articles for the portal: published ones only, body
// rendered to sanitised HTML. Search lives in search/articles.ts.
import type { Tx } from "../db/client.ts";
import { makeExcerpt, markdownToText, renderArticleHtml } from "../text/markdown.ts";

export const ARTICLE_LOCALES = ["en", "zh-CN"] as const;

export interface ArticleCategory {
  key: string;
  nameEn: string;
  nameZh: string;
}

export interface ArticleSummary {
  id: string;
  slug: string;
  locale: string;
  title: string;
  excerpt: string;
  tags: string[];
  category: ArticleCategory | null;
  updatedAt: Date;
}

export interface ArticleView extends Omit<ArticleSummary, "excerpt"> {
  /** The body as sanitised HTML, ready for dangerouslySetInnerHTML. */
  html: string;
}

const categorySelect = { select: { key: true, nameEn: true, nameZh: true } } as const;

/** A published article in the given locale, or null (drafts read as missing). */
export async function getArticle(db: Tx, slug: string, locale: string): Promise<ArticleView | null> {
  const article = await db.article.findFirst({
    where: { slug, locale, status: "published" },
    include: { category: categorySelect },
  });
  if (!article) return null;
  return {
    id: article.id,
    slug: article.slug,
    locale: article.locale,
    title: article.title,
    tags: article.tags,
    category: article.category,
    updatedAt: article.updatedAt,
    html: renderArticleHtml(article.body),
  };
}

/** Published articles of one locale, by category then title. */
export async function listArticles(db: Tx, options: { locale: string }): Promise<ArticleSummary[]> {
  const articles = await db.article.findMany({
    where: { locale: options.locale, status: "published" },
    include: { category: categorySelect },
    orderBy: [{ category: { key: "asc" } }, { title: "asc" }],
  });
  return articles.map((article) => ({
    id: article.id,
    slug: article.slug,
    locale: article.locale,
    title: article.title,
    excerpt: makeExcerpt(markdownToText(article.body)),
    tags: article.tags,
    category: article.category,
    updatedAt: article.updatedAt,
  }));
}
