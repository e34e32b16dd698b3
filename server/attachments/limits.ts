// What may be attached, shared by the server and the pickers in the browser
// (which warn before sending). Pure: no I/O, safe for the client bundle.

/** The largest file, in bytes (20 MB, as in most helpdesks' mail gateways). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** The most files one message carries. */
export const MAX_ATTACHMENTS = 10;
/** Uploads not yet sent with a message that one person may hold (a stop for filling the disk). */
export const MAX_PENDING_UPLOADS = 50;
/** Uploads not sent with a message within this time are removed. */
export const PENDING_UPLOAD_HOURS = 24;

/** The form field of the pickers. */
export const ATTACHMENTS_FIELD = "attachments";

/** Images the browser shows inline (and we preview). Never SVG: it can carry scripts. */
export const PREVIEWABLE_IMAGES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"];

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Where the signed-in browser downloads an attachment (the name is for the reader; the id decides). */
export function attachmentHref(a: Pick<AttachmentView, "id" | "filename">, options: { download?: boolean } = {}): string {
  return `/attachments/${a.id}/${encodeURIComponent(a.filename)}${options.download ? "?download=1" : ""}`;
}

export const isPreviewable = (a: Pick<AttachmentView, "contentType">) => PREVIEWABLE_IMAGES.includes(a.contentType);
