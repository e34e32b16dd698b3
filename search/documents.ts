// The shape of an article in Meilisearch and the pure conversions around it
// (no I/O here, so they are unit-tested on their own).
import { makeExcerpt, markdownToText } from "../server/text/markdown.ts";

export interface ArticleDocument {
  /** The Article row id (primary key of the index). */
  id: string;
  slug: string;
  locale: string;
  title: string;
  /** The markdown body as plain text. */
  body: string;
  excerpt: string;
  tags: string[];
  /** Category key, or null for uncategorised articles. */
  category: string | null;
  status: "draft" | "published";
  /** Milliseconds since the epoch (sortable). */
  updatedAt: number;
}

export interface ArticleRow {
  id: string;
  slug: string;
  locale: string;
  title: string;
  body: string;
  tags: string[];
  status: "draft" | "published";
  updatedAt: Date;
  category: { key: string } | null;
}

/**
 * Highlight markers for Meilisearch. Private-use characters rather than HTML,
 * so the snippet can be HTML-escaped first and the markers turned into <mark>
 * afterwards; they are stripped from indexed text so an article can't forge them.
 */
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
const MARKERS = /[\uE000\uE001]/g;

export function toArticleDocument(article: ArticleRow): ArticleDocument {
  const body = markdownToText(article.body).replace(MARKERS, "");
  return {
    id: article.id,
    slug: article.slug,
    locale: article.locale,
    title: article.title.replace(MARKERS, ""),
    body,
    excerpt: makeExcerpt(body),
    tags: article.tags,
    category: article.category?.key ?? null,
    status: article.status,
    updatedAt: article.updatedAt.getTime(),
  };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * A Meilisearch snippet (with MARK_START/MARK_END around matches) as safe HTML:
 * everything escaped, matches wrapped in <mark>. Undefined when nothing in the
 * snippet matched, so callers fall back to the excerpt.
 */
export function snippetToHtml(snippet: string | undefined): string | undefined {
  if (!snippet || !snippet.includes(MARK_START)) return undefined;
  return snippet
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(MARK_START, "<mark>")
    .replaceAll(MARK_END, "</mark>");
}
