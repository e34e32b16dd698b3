// A mail's HTML as the ticket keeps it: customers' messages are plain text (server/tickets/present.ts
// messageHtml), so HTML is sanitised (sanitize-html: nothing of a script, style or tracking image
// survives) and turned into text with its line breaks. The quoted history that mail programs mark in
// their HTML is cut off first, where it is plainest. Pure: no I/O.
import sanitizeHtml from "sanitize-html";

/**
 * The most HTML read of one mail (characters): beyond it the text is cut short, not the process
 * held up. The whole mail stays stored (InboundMail.raw) for anyone who needs the rest.
 */
export const MAX_HTML_CHARS = 1_000_000;

/**
 * And at most this many tags: the HTML parser keeps its open tags in an array it shifts (time grows
 * with the square of the nesting), so 200,000 nested <div>s would take seconds.
 */
export const MAX_HTML_TAGS = 20_000;

/** A tag's attributes are read up to this many characters (a quote header's are a few dozen). */
const MAX_TAG_CHARS = 2_000;

/** The part of a mail's HTML that is read: the first MAX_HTML_CHARS characters, up to the MAX_HTML_TAGS-th tag. */
export function boundedHtml(html: string): string {
  const head = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  let count = 0;
  for (const tag of openingTags(head)) {
    count += 1;
    if (count > MAX_HTML_TAGS) return head.slice(0, tag.index);
  }
  return head;
}

type Attributes = ReadonlyMap<string, string>;
const classHas = (attrs: Attributes, word: RegExp) => word.test(attrs.get("class") ?? "");
const startsWith = (attrs: Attributes, name: string, prefix: string) => (attrs.get(name) ?? "").toLowerCase().startsWith(prefix.toLowerCase());

/**
 * Where a mail program's HTML quote starts; everything from there on is history:
 * Gmail (div.gmail_quote), Apple Mail and Thunderbird (blockquote type=cite, div.moz-cite-prefix),
 * Outlook on the web (#appendonsend, #divRplyFwdMsg), Outlook for Windows (the header block with a
 * top border, hr#stopSpelling), 163/NetEase (blockquote#isReplyContent), Yahoo (div.yahoo_quoted).
 */
const QUOTE_STARTS = new Map<string, (attrs: Attributes) => boolean>([
  [
    "div",
    (a) =>
      classHas(a, /\b(gmail_quote|moz-cite-prefix|yahoo_quoted)/i) ||
      startsWith(a, "id", "appendonsend") ||
      startsWith(a, "id", "divRplyFwdMsg") ||
      /border:\s*none;\s*border-top:\s*solid/i.test(a.get("style") ?? ""),
  ],
  ["blockquote", (a) => startsWith(a, "type", "cite") || startsWith(a, "id", "isReplyContent")],
  ["hr", (a) => startsWith(a, "id", "stopSpelling")],
]);

/**
 * The HTML with the quoted history cut off (sanitize-html closes whatever the cut leaves open).
 * The tags are found in one pass over the text, each character read a bounded number of times:
 * a pattern over the whole HTML from every "<div" would take minutes on a crafted mail.
 */
export function cutHtmlQuote(html: string): { html: string; cut: boolean } {
  for (const tag of openingTags(boundedHtml(html))) {
    if (QUOTE_STARTS.get(tag.name)?.(tag.attributes)) return { html: html.slice(0, tag.index), cut: true };
  }
  return { html, cut: false };
}

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
const isNameChar = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === "-" || c === ":";

/** The opening tags of an HTML text, in order: name (lower case), attributes (first of each name) and where the tag starts. */
export function* openingTags(html: string): Generator<{ name: string; attributes: Attributes; index: number }> {
  let at = 0;
  while ((at = html.indexOf("<", at)) !== -1) {
    const index = at;
    let i = at + 1;
    while (i < html.length && isNameChar(html[i])) i += 1;
    if (i === index + 1) {
      at = i;
      continue;
    }
    const name = html.slice(index + 1, i).toLowerCase();
    const limit = Math.min(html.length, i + MAX_TAG_CHARS);
    const attributes = new Map<string, string>();
    // Attributes up to ">", or up to a "<" (a broken tag: the next tag starts there), or the limit.
    while (i < limit) {
      const c = html[i];
      if (c === ">" || c === "<") break;
      if (isSpace(c) || c === "/" || c === "=") {
        i += 1;
        continue;
      }
      const nameStart = i;
      while (i < limit && !isSpace(html[i]) && !"=></".includes(html[i])) i += 1;
      const attribute = html.slice(nameStart, i).toLowerCase();
      let j = i;
      while (j < limit && isSpace(html[j])) j += 1;
      let value = "";
      if (html[j] === "=") {
        j += 1;
        while (j < limit && isSpace(html[j])) j += 1;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          let end = j + 1;
          while (end < limit && html[end] !== quote) end += 1;
          value = html.slice(j + 1, end);
          j = Math.min(end + 1, limit);
        } else {
          const start = j;
          while (j < limit && !isSpace(html[j]) && html[j] !== ">" && html[j] !== "<") j += 1;
          value = html.slice(start, j);
        }
        i = j;
      }
      if (!attributes.has(attribute)) attributes.set(attribute, value);
    }
    yield { name, attributes, index };
    at = Math.max(i, index + 1);
  }
}

const BLOCKS = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "ul", "ol", "pre", "address", "center", "section", "article", "header", "footer"];

/** Only structure survives, and links' addresses: the text is all the ticket keeps. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...BLOCKS, "br", "li", "td", "th", "hr", "a", "blockquote"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["http", "https", "mailto"],
  nonTextTags: ["style", "script", "textarea", "option", "noscript", "title", "head", "xml"],
  // Any blockquote left after the cut is a quote too (interleaved replies); its words are someone else's.
  exclusiveFilter: (frame) => frame.tag === "blockquote",
};

/** Sanitised HTML as plain text: blocks and <br> become line breaks, links keep their address. */
export function htmlToText(html: string): string {
  // Beyond the limits the text is cut short: 25 MB of HTML, or deep nesting, would hold the worker up.
  const clean = sanitizeHtml(boundedHtml(html), SANITIZE)
    // In HTML, line breaks in the source are spaces.
    .replace(/[ \t\r\n]+/g, " ")
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/gi, (_all, href: string, label: string) => {
      const address = decode(href);
      const words = decode(label.replace(/<[^>]*>/g, "")).trim();
      if (!words || words === address || address === `mailto:${words}` || words.includes(address.replace(/^mailto:/, ""))) return label;
      return `${label} (${address.replace(/^mailto:/, "")})`;
    })
    .replace(/<br\s*\/?>/gi, "\n")
    // A list item is a line of its own starting with "- " (the mark is put in after the line breaks).
    .replace(/<li[^>]*>/gi, "<li>\u0002")
    .replace(/<hr[^>]*>/gi, "\n")
    .replace(/<\/(td|th)>/gi, " ")
    // A run of block edges is one line break ("</p><p>" too): blank lines come from empty blocks and <br>s.
    .replace(new RegExp(`(?: *<\\/?(?:${[...BLOCKS, "li"].join("|")})[^>]*> *)+`, "gi"), "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/\u0002/g, "- ");
  return decode(clean)
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** sanitize-html writes text with these four entities escaped; nothing else. */
function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot);/g, (_all, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name]!);
}
