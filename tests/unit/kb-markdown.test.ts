import { describe, expect, test } from "vitest";
import { makeExcerpt, markdownToText, renderArticleHtml } from "../../server/text/markdown.ts";

describe("renderArticleHtml", () => {
  test("renders headings, lists, code and tables", () => {
    const html = renderArticleHtml(
      [
        "## Before you start",
        "",
        "1. Open **Settings**",
        "2. Choose `Security`",
        "",
        "```bash",
        "curl -X POST /api/v1/tickets",
        "```",
        "",
        "| Plan | Refund window |",
        "|:-----|--------------:|",
        "| Basic | 14 days |",
      ].join("\n"),
    );
    expect(html).toContain("<h2>Before you start</h2>");
    expect(html).toContain("<ol>");
    expect(html).toContain("<strong>Settings</strong>");
    expect(html).toContain("<code>Security</code>");
    expect(html).toContain('<code class="language-bash">curl -X POST /api/v1/tickets');
    expect(html).toContain('<td align="right">14 days</td>');
  });

  test("strips scripts, event handlers, images and javascript: links", () => {
    const html = renderArticleHtml(
      [
        "Hello <script>alert('x')</script>",
        "",
        '<img src="x" onerror="alert(1)">',
        "",
        "![tracking pixel](https://evil.example/p.gif)",
        "",
        '<a href="https://example.com" onclick="steal()" rel="opener">ok</a>',
        "",
        "[click me](javascript:alert(1))",
        "",
        '<p style="position:fixed" onmouseover="x()">styled</p>',
      ].join("\n"),
    );
    expect(html).not.toMatch(/<script|alert\('x'\)|onerror|onclick|onmouseover|<img|javascript:|style=/i);
    expect(html).toContain("Hello");
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer">ok</a>');
    expect(html).toContain("styled");
  });

  test("every link gets rel=noopener", () => {
    expect(renderArticleHtml("[Status page](https://status.example.com)")).toBe(
      '<p><a href="https://status.example.com" rel="noopener noreferrer">Status page</a></p>\n',
    );
  });
});

describe("markdownToText", () => {
  test("keeps the words and drops the markup", () => {
    const text = markdownToText(
      [
        "# Reset &amp; *recover* your password",
        "",
        "Click **Settings** > `Security`, then [Forgot password](https://x.example).",
        "",
        "- one",
        "- two <b>bold</b>",
        "",
        "| Plan | Days |",
        "|---|---|",
        "| Basic | 14 |",
        "",
        "> Note: links expire",
        "",
        "![diagram of the sign-in page](x.png) \\*escaped",
      ].join("\n"),
    );
    expect(text).toBe(
      [
        "Reset & recover your password",
        "Click Settings > Security, then Forgot password.",
        "one",
        "two bold",
        "Plan Days",
        "Basic 14",
        "Note: links expire",
        "diagram of the sign-in page *escaped",
      ].join("\n"),
    );
  });

  test("handles Chinese text", () => {
    expect(markdownToText("## 如何重置密码\n\n点击**忘记密码**。")).toBe("如何重置密码\n点击忘记密码。");
  });
});

describe("makeExcerpt", () => {
  test("short text is kept whole, on one line", () => {
    expect(makeExcerpt("Refunds are issued\nwithin 5 days.")).toBe("Refunds are issued within 5 days.");
  });

  test("long text is cut at a word boundary", () => {
    const excerpt = makeExcerpt("word ".repeat(100));
    expect(excerpt.length).toBeLessThanOrEqual(201);
    expect(excerpt).toMatch(/word…$/);
  });

  test("Chinese text without spaces is cut at the length", () => {
    const excerpt = makeExcerpt("退款将在审核通过后五个工作日内退回。".repeat(20));
    expect(excerpt).toHaveLength(201);
    expect(excerpt.endsWith("…")).toBe(true);
  });
});

describe("renderMessageHtml", () => {
  test("an agent's Markdown reply keeps its line breaks and formatting, and nothing that could run", async () => {
    const { renderMessageHtml } = await import("../../server/text/markdown.ts");
    const html = renderMessageHtml(
      "Hi Emma,\nthe fix is **live**:\n\n- clear the cache\n- sign in again\n\nSee [docs](https://docs.example.com) <img src=x onerror=alert(2)>\n\n<script>alert(1)</script>",
    );
    expect(html).toContain("<p>Hi Emma,<br />the fix is <strong>live</strong>:</p>");
    expect(html).toContain("<li>clear the cache</li>");
    expect(html).toContain('<a href="https://docs.example.com" rel="noopener noreferrer">docs</a>');
    expect(html).not.toMatch(/<script|<img|onerror|alert\(1\)/);
  });
});
