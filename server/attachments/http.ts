// How an attachment is sent to a browser or API client, the same for pages
// and the API: its stored (sniffed) type, never guessed again by the browser,
// shown inline only when it is an image we preview, and sandboxed so a file
// can never run as a page of ours.
//
// A successful download may be kept by the reader's own browser for a day
// (only errors keep the no-store of every private response, server/http/security.ts):
// the bytes at an id never change, so a thread's images are not downloaded
// again on every view. `private` keeps it out of shared caches (proxies,
// CDNs); `Vary` on the credentials makes a browser shared by two people ask
// again for the other one, with the policy checked then. `immutable` spares
// the re-download on a reload as well; the price is that someone who loses
// access keeps, for up to that day, what their browser already holds
// (which they could have saved anyway).
import contentDisposition from "content-disposition";
import { isPreviewable, type AttachmentView } from "./limits.ts";

/** How long a reader's browser keeps a downloaded attachment, in seconds. */
export const ATTACHMENT_MAX_AGE = 86_400;

export function attachmentHeaders(file: AttachmentView, options: { download?: boolean } = {}): Record<string, string> {
  const inline = isPreviewable(file) && !options.download;
  return {
    "Content-Type": file.contentType,
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(file.filename, { type: inline ? "inline" : "attachment" }),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
    "Cache-Control": `private, max-age=${ATTACHMENT_MAX_AGE}, immutable`,
    Vary: "Cookie, Authorization",
  };
}
