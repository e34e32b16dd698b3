// What is new in a reply: the quoted history and the signature removed, for the common mail programs
// in English and Chinese (Gmail, Outlook, Apple Mail, QQ Mail, 163/NetEase, Thunderbird, our own
// "reply above this line" marker). Pure: no I/O. The whole mail stays stored (InboundMail.raw);
// this only decides what the ticket's message says.
//
// A mail is cut at the first line that starts the quoted history (a reply header, our marker, an
// "Original Message" rule); then quoted lines ("> …"), a trailing signature ("-- ") and a mobile
// footer ("Sent from my iPhone", "发自我的iPhone") are dropped. Forwarded mail is left whole: what
// was forwarded is what the sender wants us to read.

/** Our marker at the top of every mail the helpdesk sends: "##- Please type your reply above this line -##" (any language). */
const OUR_MARKER = /^[>\s]*##-.{0,80}-##\s*$/;

/** Lines that start the quoted history on their own. */
const CUT_LINES: RegExp[] = [
  OUR_MARKER,
  // Outlook: "-----Original Message-----"; 163 / Foxmail / Outlook in Chinese: "-----原始邮件-----", "-----邮件原件-----".
  /^\s*-{2,}\s*(Original Message|Original message|原始邮件|邮件原件|原邮件|原始郵件|郵件原件)\s*-{2,}\s*$/i,
  // QQ Mail: "------------------ 原始邮件 ------------------" (with non-breaking spaces too).
  /^\s*-{5,}[\s\u00a0]*(原始邮件|Original)[\s\u00a0]*-{5,}\s*$/i,
  // Outlook for Mac / Yahoo: "----- Reply message -----", "--- On Mon, … wrote:"
  /^\s*-{2,}\s*Reply message\s*-{2,}\s*$/i,
];

/** A reply header that may be wrapped over a few lines: "On … wrote:", "在 … 写道：", "2026年11月24日 … 写道：". */
const WROTE_START = /^\s*(On\s|Le\s|Am\s|在\s?|\d{4}[年\-/.]|\w{3}, \w{3} \d)/;
const WROTE_END = /(wrote|a écrit|schrieb|写道|寫道)\s*[:：]\s*$/i;

/** Outlook-style header block: "From:"/"发件人:" followed closely by "Sent:"/"Date:"/"发送时间:"/"To:"/"收件人:". */
const FROM_LINE = /^\s*\*{0,2}(From|发件人|寄件者|發件人)\s*\*{0,2}\s*[:：]/i;
const HEADER_FOLLOWS =
  /^\s*\*{0,2}(Sent|Date|To|Subject|Cc|发送时间|日期|时间|收件人|主题|抄送|寄件日期|傳送時間|收件者|主旨)\s*\*{0,2}\s*[:：]/i;
/** Outlook's plain text puts a line of underscores above that block. */
const RULE_LINE = /^\s*_{10,}\s*$/;

const SIGNATURE = /^-- ?$/;
const MOBILE_FOOTER = new RegExp(
  String.raw`^\s*(Sent from my .{1,40}|Sent from (Mail|Outlook|Yahoo Mail) for .{1,40}|Sent from Outlook|Get Outlook for .{1,30}|Sent via .{1,40}|` +
    String.raw`发自我的.{1,30}|发自.{1,20}(邮箱|邮件|Mail).{0,10}|从我的.{1,30}发送|来自.{1,20}(邮箱|邮件|手机))\s*$`,
  "i",
);

const QUOTED = /^\s*>/;

/** A forwarded mail's own header: what follows is what the sender wants us to read, not history. */
const FORWARD_MARKER =
  /^\s*(-{2,}\s*(Forwarded message|转发的邮件|轉寄的郵件|转发邮件)\s*-{2,}|Begin forwarded message:|以下是转发的邮件：?)\s*$/i;

export interface Stripped {
  /** The new part of the mail (may be empty: a mail that only quoted). */
  text: string;
  /** Whether anything was removed. */
  stripped: boolean;
}

/** The new part of a plain-text reply. */
export function stripQuotes(full: string): Stripped {
  const original = full.replace(/\r\n?/g, "\n");
  let lines = original.split("\n");
  lines = lines.slice(0, quoteStart(lines));
  // Quoted lines left above the cut (interleaved or bottom-posted replies): not the sender's words.
  lines = lines.filter((line) => !QUOTED.test(line));
  lines = dropSignature(lines);
  const text = tidy(lines.join("\n"));
  return { text, stripped: text !== tidy(original) };
}

/** The index of the first line of the quoted history (lines.length when there is none). */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FORWARD_MARKER.test(line)) return lines.length;
    if (CUT_LINES.some((re) => re.test(line))) return withRuleAbove(lines, i);
    if (WROTE_START.test(line) || WROTE_END.test(line)) {
      // The header may be wrapped: look up to three lines ahead for "wrote:". A real one names an
      // address or a date ("The printer wrote:" does neither).
      for (let j = i; j < Math.min(lines.length, i + 3); j++) {
        if (j > i && (lines[j].trim() === "" || QUOTED.test(lines[j]))) break;
        if (WROTE_END.test(lines[j]) && /@|\d/.test(lines.slice(i, j + 1).join(" "))) return i;
      }
    }
    if (FROM_LINE.test(line)) {
      const next = lines.slice(i + 1, i + 5).filter((l) => l.trim() !== "");
      if (next.some((l) => HEADER_FOLLOWS.test(l))) return withRuleAbove(lines, i);
    }
  }
  return lines.length;
}

/** Outlook's "_____" rule (or an empty line) directly above the cut goes with it. */
function withRuleAbove(lines: string[], i: number): number {
  let start = i;
  while (start > 0 && (RULE_LINE.test(lines[start - 1]) || lines[start - 1].trim() === "")) start -= 1;
  return start;
}

/** A "-- " signature and mobile footers at the end go; so do footers that are all that is left. */
function dropSignature(lines: string[]): string[] {
  const signature = lines.findIndex((line) => SIGNATURE.test(line));
  let kept = signature === -1 ? lines : lines.slice(0, signature);
  for (;;) {
    let end = kept.length;
    while (end > 0 && kept[end - 1].trim() === "") end -= 1;
    if (end > 0 && MOBILE_FOOTER.test(kept[end - 1])) kept = kept.slice(0, end - 1);
    else return kept.slice(0, end);
  }
}

/** Spaces at the end of a line go (a loop: /[ \t]+$/ retries from every space of a long run, quadratically). */
function trimEnd(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t" || line[end - 1] === "\u00a0")) end -= 1;
  return line.slice(0, end);
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map(trimEnd)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
}
