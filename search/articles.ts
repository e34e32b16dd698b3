// Knowledge-base search. PostgreSQL holds the articles; Meilisearch holds a
// copy shaped for search (search/documents.ts), kept up to date by the
// search-index listener ("article.changed" → indexArticle) and rebuilt
// wholesale by reindexAllArticles.
//
// Writes (settings, indexing, reindexing) wait for their Meilisearch task and
// throw if it failed, so the listener retries them. Searching is read-only
// and logs each query to SearchLog for the "what are people looking for" report.
import { z } from "zod";
import type { Settings } from "meilisearch";
import { db as sharedDb, type Tx } from "../server/db/client.ts";
import { ARTICLE_LOCALES } from "../server/kb/articles.ts";
import { parseInput } from "../server/validation.ts";
import { articlesIndexUid, createIndexWithSettings, ensureIndex, meili, rebuildIndex, waitForTask } from "./client.ts";
import { MARK_END, MARK_START, snippetToHtml, toArticleDocument, type ArticleDocument } from "./documents.ts";

export { searchHealth } from "./client.ts";

/**
 * The index settings, applied by ensureSearchSettings(). Searchable attributes
 * are in ranking order: a match in the title beats one in the tags, which
 * beats one in the body. Typo tolerance stays at Meilisearch's default (on).
 *
 * Chinese needs nothing here: Meilisearch (charabia) detects Han text as
 * Mandarin and segments it into words, so 退款 or 重置密码 match zh-CN
 * articles. `localizedAttributes` was tried and changed no result, so it is
 * left unset (tests/integration/search.test.ts checks the Chinese queries).
 */
export const ARTICLE_INDEX_SETTINGS = {
  searchableAttributes: ["title", "tags", "body"],
  filterableAttributes: ["locale", "status", "category"],
  sortableAttributes: ["updatedAt"],
  typoTolerance: { enabled: true },
} satisfies Settings;

/** Creates the articles index if needed and applies its settings; waits until done. */
export async function ensureSearchSettings(): Promise<void> {
  await createIndexWithSettings(articlesIndexUid(), ARTICLE_INDEX_SETTINGS);
}

const articleSelect = {
  id: true,
  slug: true,
  locale: true,
  title: true,
  body: true,
  tags: true,
  status: true,
  updatedAt: true,
  category: { select: { key: true } },
} as const;

/** Brings the search copy of one article in line with PostgreSQL (upsert, or delete when gone). */
export async function indexArticle(articleId: string, database: Tx): Promise<void> {
  const article = await database.article.findUnique({ where: { id: articleId }, select: articleSelect });
  await ensureIndex(articlesIndexUid(), ARTICLE_INDEX_SETTINGS);
  const index = meili().index<ArticleDocument>(articlesIndexUid());
  if (article) await waitForTask(index.addDocuments([toArticleDocument(article)]));
  else await waitForTask(index.deleteDocument(articleId));
}

const REINDEX_BATCH = 500;

/**
 * Rebuilds the index from PostgreSQL without a moment of empty or partial
 * results: documents go into a fresh temporary index, which is then swapped
 * with the live one in a single Meilisearch task, and the old one is deleted.
 */
export async function reindexAllArticles(database: Tx): Promise<{ indexed: number }> {
  const client = meili();
  const live = articlesIndexUid();
  const startedAt = new Date();
  let indexed = 0;
  await rebuildIndex(live, ARTICLE_INDEX_SETTINGS, async (temp) => {
    for (let cursor: string | undefined; ; ) {
      const batch = await database.article.findMany({
        select: articleSelect,
        orderBy: { id: "asc" },
        take: REINDEX_BATCH,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      if (batch.length === 0) break;
      await waitForTask(client.index<ArticleDocument>(temp).addDocuments(batch.map(toArticleDocument)));
      indexed += batch.length;
      cursor = batch[batch.length - 1].id;
    }
  });

  // An article saved while we were copying may have been indexed (by the
  // listener) into the old index only; index those again into the new one.
  const changed = await database.article.findMany({ where: { updatedAt: { gte: startedAt } }, select: articleSelect });
  if (changed.length > 0) await waitForTask(client.index<ArticleDocument>(live).addDocuments(changed.map(toArticleDocument)));
  return { indexed };
}

/**
 * At start-up: rebuild the index only when it lacks articles PostgreSQL has
 * (first start, a wiped search server). Otherwise the listener keeps it current.
 */
export async function reindexIfBehind(database: Tx): Promise<{ indexed: number } | null> {
  const stored = await database.article.count();
  const stats = await meili()
    .index(articlesIndexUid())
    .getStats()
    .catch(() => ({ numberOfDocuments: 0 }));
  if (stats.numberOfDocuments >= stored) return null;
  return reindexAllArticles(database);
}

export const MAX_SEARCH_OFFSET = 1000;

// Messages are i18n keys (app/i18n), like the other input schemas.
export const SearchInputSchema = z.object({
  query: z.string({ error: "validation.query" }).trim().max(200, "validation.query"),
  /** The reader's language: its articles come first, others only if it has none. */
  locale: z.enum(ARTICLE_LOCALES).optional(),
  limit: z.number().int().min(1).max(50).default(10),
  /** Hits to skip, to page through results (Meilisearch returns at most 1,000 hits). */
  offset: z.number().int().min(0).max(MAX_SEARCH_OFFSET).default(0),
  userId: z.string().min(1).nullish(),
});
export type SearchInput = z.input<typeof SearchInputSchema>;

export interface SearchHit {
  id: string;
  slug: string;
  locale: string;
  title: string;
  excerpt: string;
  /** A body snippet around the match as safe HTML (escaped, matches in <mark>). */
  highlight?: string;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Meilisearch's estimate of all matches (hits holds at most `limit`). */
  total: number;
  /** Whether hits follow after these (ask again with offset + limit). */
  hasMore: boolean;
}

/** Searches published articles. Throws a validation DomainError for bad input. */
export async function searchArticles(input: SearchInput, database: Tx = sharedDb()): Promise<SearchResult> {
  const { query, locale, limit, offset, userId } = parseInput(SearchInputSchema, input);
  if (query === "") return { hits: [], total: 0, hasMore: false };

  const index = meili().index<ArticleDocument>(articlesIndexUid());
  const run = (filter: string[]) =>
    index.search(query, {
      filter,
      // One hit more than asked for tells whether another page exists.
      limit: limit + 1,
      offset,
      attributesToRetrieve: ["id", "slug", "locale", "title", "excerpt"],
      attributesToCrop: ["body"],
      cropLength: 30,
      cropMarker: "…",
      attributesToHighlight: ["body"],
      highlightPreTag: MARK_START,
      highlightPostTag: MARK_END,
    });

  const published = 'status = "published"';
  // Locales come from the enum above, so quoting them into the filter is safe.
  let response = locale ? await run([published, `locale = "${locale}"`]) : await run([published]);
  // Decided on the total, not on this page's hits, so every page of one search uses the same filter.
  if (locale && (response.estimatedTotalHits ?? response.hits.length) === 0) response = await run([published]);

  const hits = response.hits.slice(0, limit).map((hit) => ({
    id: hit.id,
    slug: hit.slug,
    locale: hit.locale,
    title: hit.title,
    excerpt: hit.excerpt,
    highlight: snippetToHtml(hit._formatted?.body),
  }));
  const total = response.estimatedTotalHits ?? hits.length;

  const hasMore = response.hits.length > limit;
  // Only a search is logged, not each further page of it.
  if (offset > 0) return { hits, total, hasMore };
  // The log feeds reporting only: losing a row must not cost the user their results.
  try {
    await database.searchLog.create({
      data: { query, locale: locale ?? "all", resultCount: total, userId: userId ?? null },
    });
  } catch (error) {
    console.warn("[search] could not record the search:", (error as Error).message);
  }
  return { hits, total, hasMore };
}
