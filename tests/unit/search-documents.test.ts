import { expect, test } from "vitest";
import { MARK_END, MARK_START, snippetToHtml, toArticleDocument } from "../../search/documents.ts";

test("an article becomes a search document with plain-text body and excerpt", () => {
  const updatedAt = new Date("2026-11-20T10:00:00Z");
  const doc = toArticleDocument({
    id: "a1",
    slug: "request-refund",
    locale: "en",
    title: "Requesting a refund",
    body: "## How\n\nOpen **Orders** and choose *Request refund*.",
    tags: ["billing", "refund"],
    status: "published",
    updatedAt,
    category: { key: "billing" },
  });
  expect(doc).toEqual({
    id: "a1",
    slug: "request-refund",
    locale: "en",
    title: "Requesting a refund",
    body: "How\nOpen Orders and choose Request refund.",
    excerpt: "How Open Orders and choose Request refund.",
    tags: ["billing", "refund"],
    category: "billing",
    status: "published",
    updatedAt: updatedAt.getTime(),
  });
});

test("an uncategorised article has category null, and highlight markers are stripped from its text", () => {
  const doc = toArticleDocument({
    id: "a2",
    slug: "x",
    locale: "zh-CN",
    title: `标题${MARK_START}`,
    body: `正文${MARK_START}<script>${MARK_END}`,
    tags: [],
    status: "draft",
    updatedAt: new Date(0),
    category: null,
  });
  expect(doc.category).toBeNull();
  expect(doc.title).toBe("标题");
  expect(doc.body).not.toMatch(/[\uE000\uE001]/);
});

test("snippets become escaped HTML with matches in <mark>", () => {
  expect(snippetToHtml(`…orders over $50 & <5 kg get a ${MARK_START}refund${MARK_END} "fast"…`)).toBe(
    "…orders over $50 &amp; &lt;5 kg get a <mark>refund</mark> &quot;fast&quot;…",
  );
});

test("a snippet without a match gives no highlight", () => {
  expect(snippetToHtml("Refunds are issued within 5 days")).toBeUndefined();
  expect(snippetToHtml(undefined)).toBeUndefined();
});
