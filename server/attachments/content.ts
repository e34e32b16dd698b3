// Judging a file by its bytes, not by what the sender says it is: the
// content type we store and serve is the one the bytes show, programs are
// refused, and a file whose name promises one kind of document while its
// bytes are another ("invoice.pdf" that is a zip) is refused too. Pure.

/** What file-type read from the first bytes (undefined: no known signature). */
export interface Detected {
  ext: string;
  mime: string;
}

export type ContentVerdict =
  | { ok: true; contentType: string }
  | { ok: false; reason: "program" | "mismatch" };

const PROGRAMS = new Set([
  "application/x-msdownload",
  "application/vnd.microsoft.portable-executable",
  "application/x-elf",
  "application/x-mach-binary",
  "application/x-executable",
  "application/x-sharedlib",
  "application/x-msi",
  "application/x-ms-installer",
  "application/vnd.android.package-archive",
]);

/** Names that run when opened on Windows, whatever their bytes (scripts are plain text). */
const PROGRAM_NAMES = new Set([
  "exe", "com", "scr", "msi", "bat", "cmd", "pif", "reg", "msc", "vb", "vbs", "vbe", "js", "jse", "wsf", "wsh",
  "ps1", "psm1", "hta", "cpl", "jar", "apk", "dll", "lnk",
]);

/**
 * Names whose kind the bytes must confirm: the common documents and images.
 * Each maps to the file-type extensions that confirm it.
 */
const PROMISES: Record<string, readonly string[]> = {
  png: ["png"],
  jpg: ["jpg"],
  jpeg: ["jpg"],
  gif: ["gif"],
  webp: ["webp"],
  avif: ["avif"],
  heic: ["heic"],
  bmp: ["bmp"],
  tif: ["tif"],
  tiff: ["tif"],
  pdf: ["pdf"],
  zip: ["zip"],
  docx: ["docx", "zip"],
  xlsx: ["xlsx", "zip"],
  pptx: ["pptx", "zip"],
  doc: ["cfb"],
  xls: ["cfb"],
  ppt: ["cfb"],
  mp4: ["mp4", "m4v", "mov"],
  mov: ["mov", "mp4"],
  mp3: ["mp3"],
  wav: ["wav"],
};

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot <= 0 ? "" : filename.slice(dot + 1).toLowerCase();
}

export function judgeContent(filename: string, detected: Detected | undefined, looksLikeText: boolean): ContentVerdict {
  const ext = extensionOf(filename);
  if ((detected && PROGRAMS.has(detected.mime)) || PROGRAM_NAMES.has(ext)) return { ok: false, reason: "program" };
  const promised = PROMISES[ext];
  if (promised && !(detected && promised.includes(detected.ext))) return { ok: false, reason: "mismatch" };
  if (detected) return { ok: true, contentType: detected.mime };
  if (looksLikeText) return { ok: true, contentType: ext === "csv" ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8" };
  return { ok: true, contentType: "application/octet-stream" };
}

/** Text, as far as the first bytes tell: UTF-8 without NUL bytes (a character cut at the end is fine). */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** A file name safe to store and show: no path, no control characters, not too long, never empty. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  // Control and direction characters could make "exe.pdf" show as something else; Windows drops trailing dots and spaces.
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|*?:\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "_").replace(/[. ]+$/, "").trim();
  if (!cleaned || cleaned === "." || cleaned === "..") return "file";
  if (cleaned.length <= 200) return cleaned;
  const ext = extensionOf(cleaned);
  return ext && ext.length < 20 ? `${cleaned.slice(0, 199 - ext.length)}.${ext}` : cleaned.slice(0, 200);
}
