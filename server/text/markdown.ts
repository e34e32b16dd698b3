// Markdown written by staff: knowledge-base articles and the replies and
// notes agents write. Shown as sanitised HTML (renderArticleHtml,
// renderMessageHtml) and indexed for search as plain text (markdownToText /
// makeExcerpt).
import { Marked, type Token, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";

// Private instances, so global `marked.use(...)` calls elsewhere can't change
// what articles and messages render to.
const markdown = new Marked({ gfm: true, breaks: false });
// A message is written like an email: a line break is a line break.
const messageMarkdown = new Marked({ gfm: true, breaks: true });

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6",
    "p", "br", "hr", "blockquote",
    "ul", "ol", "li",
    "strong", "em", "del", "code", "pre",
    "a",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
    code: ["class"],
  },
  // Only fenced-code language hints (marked emits class="language-js").
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  // Every link gets rel=noopener (overriding whatever the author wrote), so a
  // linked page can't reach back through window.opener.
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }) },
  // Disallowed tags (script, img, iframe, …) are dropped; their text is kept
  // except for script/style/textarea, whose content sanitize-html discards.
  disallowedTagsMode: "discard",
};

/** Markdown → HTML that is safe to put in the page (no scripts, handlers or images). */
export function renderArticleHtml(source: string): string {
  const html = markdown.parse(source, { async: false });
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** A reply or note an agent wrote in Markdown → HTML safe for the page (and for mail): the same rules as articles. */
export function renderMessageHtml(source: string): string {
  return sanitizeHtml(messageMarkdown.parse(source, { async: false }), SANITIZE_OPTIONS);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

// The lexer keeps entities as written (`&amp;`); plain text wants the character.
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function inlineText(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    switch (token.type) {
      case "html":
        // Inline raw HTML: keep nothing of the tags themselves.
        break;
      case "br":
        out += "\n";
        break;
      case "image":
        // The alt text says what the picture shows; worth searching.
        out += (token as Tokens.Image).text;
        break;
      default:
        if ("tokens" in token && token.tokens) out += inlineText(token.tokens);
        else if ("text" in token && typeof token.text === "string") out += token.text;
    }
  }
  return out;
}

function blockText(tokens: Token[]): string[] {
  const blocks: string[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case "space":
      case "hr":
      case "def":
        break;
      case "html":
        // Raw HTML blocks: keep the words, drop the markup.
        blocks.push((token as Tokens.HTML).text.replace(/<[^>]*>/g, " "));
        break;
      case "code":
        blocks.push((token as Tokens.Code).text);
        break;
      case "blockquote":
        blocks.push(...blockText((token as Tokens.Blockquote).tokens));
        break;
      case "list":
        for (const item of (token as Tokens.List).items) blocks.push(...blockText(item.tokens));
        break;
      case "table": {
        const table = token as Tokens.Table;
        for (const row of [table.header, ...table.rows]) blocks.push(row.map((cell) => inlineText(cell.tokens)).join(" "));
        break;
      }
      default:
        // heading, paragraph, and the block-level "text" of tight list items.
        if ("tokens" in token && token.tokens) blocks.push(inlineText(token.tokens));
        else if ("text" in token && typeof token.text === "string") blocks.push(token.text);
    }
  }
  return blocks;
}

/** The words of a markdown document, one block per line, without markup. */
export function markdownToText(source: string): string {
  return blockText(markdown.lexer(source))
    .map((block) => decodeEntities(block).replace(/[ \t]+/g, " ").trim())
    .filter((block) => block !== "")
    .join("\n");
}

/**
 * A short single-line preview of plain text, cut at a word boundary where the
 * text has spaces (Chinese has none, so it is cut at the length).
 */
export function makeExcerpt(text: string, maxLength = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxLength) return flat;
  // Don't leave half of a surrogate pair (emoji) at the end.
  const cut = flat.slice(0, maxLength).replace(/[\uD800-\uDBFF]$/, "");
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
