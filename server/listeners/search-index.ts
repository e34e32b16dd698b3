// After commit, durable: keeps Meilisearch in step with article edits.
// Indexing reads the article's current row, so a retried or repeated event
// writes the same document again (idempotent).
import type { DurableListener } from "../events/durable.ts";
import { db } from "../db/client.ts";
import { indexArticle } from "../../search/articles.ts";

export const searchIndex: DurableListener = {
  name: "search-index",
  on: ["article.changed"],
  async handle(events) {
    const ids = new Set(events.flatMap((e) => (e.type === "article.changed" ? [e.data.articleId] : [])));
    for (const id of ids) await indexArticle(id, db());
  },
};
