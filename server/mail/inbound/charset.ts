// Which charset a piece of mail text is in when the mail does not say (an unlabelled part, HTML
// with only a <meta charset>, 8-bit bytes in a header). Pure: no I/O.
//
// Valid UTF-8 is taken as UTF-8 (other multi-byte text is almost never valid UTF-8). Otherwise
// chardet's guess when it is sure; when it is not (a few characters are too little to tell GBK from
// Big5 or Shift_JIS), each likely charset is tried and the one whose reading looks most like text
// wins, GB18030 first on a tie: the helpdesk's Chinese-writing customers mostly send GBK.
import chardet from "chardet";
import iconv from "iconv-lite";

/** Candidates when chardet is unsure, in the order ties are broken. */
const FALLBACKS = ["gb18030", "big5", "shift_jis", "euc-kr", "windows-1252"] as const;
const SURE = 50;

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const isAscii = (bytes: Uint8Array) => bytes.every((b) => b < 0x80);

/** The charset to read these bytes with (an iconv-lite name), when nothing labels them. */
export function detectCharset(bytes: Uint8Array): string {
  if (isAscii(bytes) || isValidUtf8(bytes)) return "utf-8";
  const guesses = chardet.analyse(bytes).filter((g) => iconv.encodingExists(g.name));
  if (guesses[0] && guesses[0].confidence >= SURE) return normalName(guesses[0].name);
  let best: { charset: string; score: number } | null = null;
  for (const charset of FALLBACKS) {
    const score = plausibility(iconv.decode(Buffer.from(bytes), charset));
    if (!best || score > best.score) best = { charset, score };
  }
  return best!.charset;
}

/** GBK and GB2312 are subsets of GB18030: reading with the superset loses nothing. */
function normalName(name: string): string {
  const lower = name.toLowerCase();
  return lower === "gbk" || lower === "gb2312" ? "gb18030" : lower;
}

/**
 * How much a decoded text looks like text: CJK ideographs, kana, hangul, ASCII and common
 * punctuation count for it; replacement characters, controls and stray Latin-1 symbols against.
 */
function plausibility(text: string): number {
  let score = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "\uFFFD" || (code < 0x20 && ch !== "\n" && ch !== "\r" && ch !== "\t")) score -= 5;
    else if (code < 0x80) score += 0.2;
    else if (code >= 0xff61 && code <= 0xff9f) score -= 1;
    // Han, CJK punctuation and full-width forms (half-width katakana, above, is rare in mail and common in misreadings).
    else if (/[\p{Script=Han}\u3000-\u303F\uFF01-\uFF5E]/u.test(ch)) score += 1;
    else if (/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) score += 0.6;
    else score -= 1;
  }
  return score;
}

/** The charset named in an HTML document's <meta> (charset= or http-equiv content), if any. */
export function htmlMetaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  const match = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return match ? match[1].toLowerCase() : null;
}

/**
 * Text from bytes: in the labelled charset when it is one we can read (and the bytes are not plainly
 * something else), else in the detected one.
 */
export function decodeText(bytes: Uint8Array, label: string | null): string {
  const buffer = Buffer.from(bytes);
  const named = label ? normalName(label.trim().replace(/^["']|["']$/g, "")) : null;
  if (named && iconv.encodingExists(named)) {
    // "ASCII" on 8-bit bytes is a mislabel (common with old scripts): what they are is detected.
    if (!/^(us-)?ascii$/.test(named) || isAscii(buffer)) return iconv.decode(buffer, named);
  }
  return iconv.decode(buffer, detectCharset(buffer));
}
