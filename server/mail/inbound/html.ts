// A mail's HTML as the ticket keeps it: customers' messages are plain text (server/tickets/present.ts
// messageHtml), so HTML is sanitised (sanitize-html: nothing of a script, style or tracking image
// survives) and turned into text with its line breaks. The quoted history that mail programs mark in
// their HTML is cut off first, where it is plainest. Pure: no I/O.
import sanitizeHtml from "sanitize-html";

/**
 * Where a mail program's HTML quote starts; everything from there on is history:
 * Gmail (div.gmail_quote), Apple Mail and Thunderbird (blockquote type=cite, div.moz-cite-prefix),
 * Outlook on the web (#appendonsend, #divRplyFwdMsg), Outlook for Windows (the header block with a
 * top border, hr#stopSpelling), 163/NetEase (blockquote#isReplyContent), Yahoo (div.yahoo_quoted).
 */
const QUOTE_STARTS: RegExp[] = [
  /<div[^>]*\bclass=["']?[^"'>]*\bgmail_quote/i,
  /<blockquote[^>]*\btype=["']?cite/i,
  /<div[^>]*\bclass=["']?[^"'>]*\bmoz-cite-prefix/i,
  /<div[^>]*\bid=["']?appendonsend/i,
  /<div[^>]*\bid=["']?divRplyFwdMsg/i,
  /<hr[^>]*\bid=["']?stopSpelling/i,
  /<div[^>]*\bstyle=["'][^"']*border:\s*none;\s*border-top:\s*solid[^"']*["']/i,
  /<blockquote[^>]*\bid=["']?isReplyContent/i,
  /<div[^>]*\bclass=["']?[^"'>]*\byahoo_quoted/i,
];

/** The HTML with the quoted history cut off (sanitize-html closes whatever the cut leaves open). */
export function cutHtmlQuote(html: string): { html: string; cut: boolean } {
  let at = -1;
  for (const re of QUOTE_STARTS) {
    const match = re.exec(html);
    if (match && (at === -1 || match.index < at)) at = match.index;
  }
  return at === -1 ? { html, cut: false } : { html: html.slice(0, at), cut: true };
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
  const clean = sanitizeHtml(html, SANITIZE)
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
