// Files with a message: the picker in the composers (choose, drop on the
// form, paste a screenshot) and the list under each message in a thread
// (images previewed). The picker keeps the chosen files in the form's own
// file input, so the form posts them as it is, with or without scripts; the
// server checks everything again (server/attachments/).
import { useEffect, useRef, useState } from "react";
import { useT } from "../i18n/i18n.ts";
import {
  ATTACHMENTS_FIELD,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  attachmentHref,
  isPreviewable,
  type AttachmentView,
} from "../../server/attachments/limits.ts";

const MB = 1024 * 1024;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

const sameFile = (a: File, b: File) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;

/** A pasted screenshot is called "image.png" by every browser: give it a name that says when. */
function namedPaste(file: File): File {
  if (file.name && file.name !== "image.png") return file;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const ext = file.type.split("/")[1]?.replace("jpeg", "jpg") ?? "png";
  return new File([file], `screenshot-${stamp}.${ext}`, { type: file.type, lastModified: file.lastModified });
}

/**
 * The file picker of a composer. Files dropped anywhere on the form or
 * pasted into it join the list; each is checked against the limits at once
 * (a file too large never starts uploading).
 */
export function AttachmentPicker({ id, errors, file }: { id: string; errors?: string[]; file?: string }) {
  const { t } = useT();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const limits = { count: MAX_ATTACHMENTS, size: MAX_ATTACHMENT_BYTES / MB };

  // The input holds what is sent: keep it in step with the list.
  const keep = (next: File[]) => {
    const transfer = new DataTransfer();
    for (const file of next) transfer.items.add(file);
    if (input.current) input.current.files = transfer.files;
    setFiles(next);
  };

  const add = (incoming: File[], current: File[]) => {
    const found: string[] = [];
    const next = [...current];
    for (const file of incoming) {
      if (next.some((f) => sameFile(f, file))) continue;
      if (file.size > MAX_ATTACHMENT_BYTES) found.push(t("attachments.tooLarge", { name: file.name, size: limits.size }));
      else if (file.size === 0) found.push(t("attachments.empty", { name: file.name }));
      else if (next.length >= MAX_ATTACHMENTS) found.push(t("attachments.tooMany", { count: limits.count }));
      else next.push(file);
    }
    setProblems([...new Set(found)]);
    keep(next);
  };

  const filesRef = useRef(files);
  filesRef.current = files;
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes("Files") ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!form.contains(e.relatedTarget as Node | null)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      add([...(e.dataTransfer?.files ?? [])], filesRef.current);
    };
    const paste = (e: ClipboardEvent) => {
      const pasted = [...(e.clipboardData?.files ?? [])];
      // Text copied from a spreadsheet or a document comes with a picture of itself: it is text.
      if (pasted.length === 0 || e.clipboardData?.getData("text/plain")) return;
      // A screenshot pasted into the text becomes an attachment.
      e.preventDefault();
      add(pasted.map(namedPaste), filesRef.current);
    };
    // After sending, the form is reset: so is the list.
    const reset = () => {
      setFiles([]);
      setProblems([]);
    };
    form.addEventListener("dragover", over);
    form.addEventListener("dragleave", leave);
    form.addEventListener("drop", drop);
    form.addEventListener("paste", paste);
    form.addEventListener("reset", reset);
    form.classList.add("drop-target");
    return () => {
      form.removeEventListener("dragover", over);
      form.removeEventListener("dragleave", leave);
      form.removeEventListener("drop", drop);
      form.removeEventListener("paste", paste);
      form.removeEventListener("reset", reset);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    input.current?.form?.classList.toggle("dragging", dragging);
  }, [dragging]);

  // The server's refusal names the file it is about, when it is one file.
  const shown = [...problems, ...(errors ?? []).map((k) => (file ? `“${file}”: ${t(k)}` : t(k)))];
  return (
    <div className={`attach${shown.length ? " has-error" : ""}`} data-testid={`attach-${id}`}>
      <div className="attach-bar">
        <label htmlFor={id} className="btn btn-secondary btn-small attach-choose">
          <svg aria-hidden width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
            <path d="M21 11.5 12.5 20a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8" />
          </svg>
          {t("attachments.choose")}
        </label>
        <input
          ref={input}
          id={id}
          className="attach-input"
          type="file"
          name={ATTACHMENTS_FIELD}
          multiple
          onChange={(e) => {
            // The input now holds only the new choice: add it to what was there.
            const chosen = [...(e.target.files ?? [])];
            add(chosen, filesRef.current);
          }}
        />
        <span className="muted small">{t("attachments.hint", limits)}</span>
      </div>
      {files.length > 0 && (
        <ul className="attach-list" aria-label={t("attachments.label")}>
          {files.map((file, index) => (
            <li key={`${file.name}-${file.size}-${file.lastModified}`} className="attach-chip">
              <FileThumb file={file} />
              <span className="attach-name">{file.name}</span>
              <span className="muted small">{formatSize(file.size)}</span>
              <button
                type="button"
                className="btn-link attach-remove"
                aria-label={t("attachments.remove", { name: file.name })}
                onClick={() => {
                  setProblems([]);
                  keep(files.filter((_, i) => i !== index));
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="attach-drop-hint" aria-hidden>
        {t("attachments.dropHere")}
      </div>
      {shown.map((message) => (
        <p key={message} className="field-error" role="alert">
          {message}
        </p>
      ))}
    </div>
  );
}

/** A small preview of an image about to be sent. */
function FileThumb({ file }: { file: File }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file.type.startsWith("image/") || file.type === "image/svg+xml") return;
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  return url ? <img className="attach-thumb" src={url} alt="" /> : <FileIcon />;
}

function FileIcon() {
  return (
    <svg className="attach-icon" aria-hidden width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
      <path d="M14 3v6h6" />
    </svg>
  );
}

/** The files of one message in a thread: images as previews, the others as links to download. */
export function AttachmentList({ attachments }: { attachments: AttachmentView[] | undefined }) {
  const { t } = useT();
  if (!attachments?.length) return null;
  const images = attachments.filter(isPreviewable);
  const others = attachments.filter((a) => !isPreviewable(a));
  return (
    <div className="msg-attachments" aria-label={t("attachments.label")}>
      {images.length > 0 && (
        <ul className="attach-previews">
          {images.map((a) => (
            <li key={a.id}>
              <a href={attachmentHref(a)} target="_blank" rel="noreferrer" title={`${a.filename} · ${formatSize(a.size)}`}>
                {/* Loaded when scrolled near, decoded off the main thread: a long thread may carry many 20 MB images. */}
                <img src={attachmentHref(a)} alt={t("attachments.preview", { name: a.filename })} loading="lazy" decoding="async" />
              </a>
            </li>
          ))}
        </ul>
      )}
      <ul className="attach-list">
        {[...others, ...images].map((a) => (
          <li key={a.id} className="attach-chip">
            <FileIcon />
            <a href={attachmentHref(a, { download: true })} download={a.filename} className="attach-name" aria-label={t("attachments.download", { name: a.filename })}>
              {a.filename}
            </a>
            <span className="muted small">{formatSize(a.size)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
