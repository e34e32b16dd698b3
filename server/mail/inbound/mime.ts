// A small MIME walker for what mailparser cannot do: read the text of parts that do not name their
// charset (mailparser reads them as UTF-8, which turns GBK into U+FFFD), and header values sent as
// raw 8-bit bytes. mailparser does everything else (addresses, encoded words, attachments). Pure.
import { decodeText, detectCharset, htmlMetaCharset } from "./charset.ts";
import iconv from "iconv-lite";

export interface MimePart {
  /** Header names in lower case; values unfolded, as Latin-1 strings (one character per byte). */
  headers: Map<string, string>;
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  /** The body with its transfer encoding undone (the parts' own bytes for a multipart). */
  body: Buffer;
  children: MimePart[];
}

const MAX_DEPTH = 20;
const MAX_PARTS = 500;

export function walkMime(raw: Uint8Array): MimePart {
  let count = 0;
  const walk = (bytes: Buffer, depth: number, defaultType: string): MimePart => {
    count += 1;
    const { headers, body } = splitHead(bytes);
    const [contentType, params] = parseValue(headers.get("content-type") ?? defaultType);
    const [disposition] = headers.has("content-disposition") ? parseValue(headers.get("content-disposition")!) : [null];
    const part: MimePart = { headers, contentType, params, disposition, body, children: [] };
    if (contentType.startsWith("multipart/") && params.boundary && depth < MAX_DEPTH) {
      const childType = contentType === "multipart/digest" ? "message/rfc822" : "text/plain";
      for (const piece of splitParts(body, params.boundary)) {
        if (count >= MAX_PARTS) break;
        part.children.push(walk(piece, depth + 1, childType));
      }
    } else {
      part.body = undoTransferEncoding(body, (headers.get("content-transfer-encoding") ?? "").trim().toLowerCase());
    }
    return part;
  };
  return walk(Buffer.from(raw), 0, "text/plain");
}

function splitHead(bytes: Buffer): { headers: Map<string, string>; body: Buffer } {
  let end = bytes.indexOf("\r\n\r\n");
  let skip = 4;
  const lf = bytes.indexOf("\n\n");
  if (lf !== -1 && (end === -1 || lf < end)) {
    end = lf;
    skip = 2;
  }
  const head = (end === -1 ? bytes : bytes.subarray(0, end)).toString("latin1");
  const body = end === -1 ? Buffer.alloc(0) : bytes.subarray(end + skip);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // The first of a repeated header counts (as in mailparser for single-valued ones).
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** "text/plain; charset=gbk; format=flowed" → ["text/plain", { charset: "gbk", format: "flowed" }]. */
export function parseValue(value: string): [string, Record<string, string>] {
  const [first, ...rest] = splitOutsideQuotes(value, ";");
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf("=");
    if (eq <= 0) continue;
    const name = piece.slice(0, eq).trim().toLowerCase().replace(/\*$/, "");
    let v = piece.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    params[name] = v;
  }
  return [first.trim().toLowerCase(), params];
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && value[i - 1] !== "\\") quoted = !quoted;
    if (ch === separator && !quoted) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out;
}

function splitParts(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString("latin1");
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let position = text.indexOf(delimiter);
  while (position !== -1) {
    const lineEnd = text.indexOf("\n", position);
    if (text.startsWith(`${delimiter}--`, position) || lineEnd === -1) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    const end = next === -1 ? text.length : next;
    parts.push(Buffer.from(text.slice(lineEnd + 1, end).replace(/\r$/, ""), "latin1"));
    position = next === -1 ? -1 : next + 1;
  }
  return parts;
}

function undoTransferEncoding(body: Buffer, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (encoding === "quoted-printable") {
    const text = body.toString("latin1").replace(/=\r?\n/g, "");
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const hex = text[i] === "=" ? text.slice(i + 1, i + 3) : "";
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else out.push(text.charCodeAt(i) & 0xff);
    }
    return Buffer.from(out);
  }
  return body;
}

const isInlineText = (part: MimePart, type: string) =>
  part.contentType === type && part.disposition !== "attachment" && !part.params.name && part.children.length === 0;

function leaves(part: MimePart): MimePart[] {
  // An attached mail's text is its own, not this mail's.
  if (part.contentType === "message/rfc822") return [];
  return part.children.length > 0 ? part.children.flatMap(leaves) : [part];
}

/**
 * The mail's plain-text and HTML bodies, each part read in its charset: the label when there is one,
 * else (HTML) its <meta charset>, else detected. Several parts of a kind are joined.
 */
export function readBodies(root: MimePart): { text: string | null; html: string | null } {
  const all = leaves(root);
  const read = (type: string) => {
    const parts = all.filter((p) => isInlineText(p, type));
    if (parts.length === 0) return null;
    return parts
      .map((p) => decodeText(p.body, p.params.charset ?? (type === "text/html" ? htmlMetaCharset(p.body) : null)))
      .join(type === "text/html" ? "<br>" : "\n");
  };
  return { text: read("text/plain"), html: read("text/html") };
}

/** Whether some body part of the mail has 8-bit bytes and names no charset (mailparser would misread it). */
export function hasUnlabelledText(root: MimePart): boolean {
  return leaves(root).some(
    (p) => (isInlineText(p, "text/plain") || isInlineText(p, "text/html")) && !p.params.charset && p.body.some((b) => b >= 0x80),
  );
}

/** A header sent as raw 8-bit bytes (no encoded words), read in its detected charset; null when absent. */
export function rawHeaderText(root: MimePart, name: string): string | null {
  const value = root.headers.get(name);
  if (value === undefined) return null;
  const bytes = Buffer.from(value, "latin1");
  return iconv.decode(bytes, detectCharset(bytes));
}
