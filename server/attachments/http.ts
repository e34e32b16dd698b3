// How an attachment is sent to a browser or API client, the same for pages
// and the API: its stored (sniffed) type, never guessed again by the browser,
// shown inline only when it is an image we preview, and sandboxed so a file
// can never run as a page of ours. Like every private response it is not
// cached (server/http/security.ts): a reader may lose access at any time.
import contentDisposition from "content-disposition";
import { isPreviewable, type AttachmentView } from "./limits.ts";

export function attachmentHeaders(file: AttachmentView, options: { download?: boolean } = {}): Record<string, string> {
  const inline = isPreviewable(file) && !options.download;
  return {
    "Content-Type": file.contentType,
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(file.filename, { type: inline ? "inline" : "attachment" }),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
  };
}
