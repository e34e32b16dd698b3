// Light formatting for agents' replies and notes: Markdown, with buttons that
// write it for you and a preview rendered by the server exactly as the
// message will show (server/text/markdown.ts). Without scripts the box is a
// plain textarea and Markdown still works.
import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import { useT } from "../i18n/i18n.ts";
import type { action as previewAction } from "../routes/agent_.preview.tsx";

type Edit = { wrap: [string, string] } | { prefix: string };

const LINK_ICON = (
  <svg aria-hidden width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
    <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
    <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
  </svg>
);

const EDITS: { name: "bold" | "italic" | "code" | "link" | "list" | "quote"; label: React.ReactNode; edit: Edit }[] = [
  { name: "bold", label: "B", edit: { wrap: ["**", "**"] } },
  { name: "italic", label: "I", edit: { wrap: ["_", "_"] } },
  { name: "code", label: "</>", edit: { wrap: ["`", "`"] } },
  { name: "link", label: LINK_ICON, edit: { wrap: ["[", "](https://)"] } },
  { name: "list", label: "•", edit: { prefix: "- " } },
  { name: "quote", label: "“", edit: { prefix: "> " } },
];

/** Applies an edit to the selection, as typing would (the form hears an input event). */
function apply(textarea: HTMLTextAreaElement, edit: Edit) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  textarea.focus();
  if ("wrap" in edit) {
    const [before, after] = edit.wrap;
    textarea.setRangeText(`${before}${value.slice(start, end)}${after}`, start, end, "end");
    if (start === end) textarea.setSelectionRange(start + before.length, start + before.length);
  } else {
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const lines = value.slice(lineStart, end).split("\n").map((line) => `${edit.prefix}${line}`);
    textarea.setRangeText(lines.join("\n"), lineStart, end, "end");
  }
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * The toolbar and the Write / Preview switch above a composer's textarea;
 * `children` is the textarea itself, hidden (but still sent) while
 * previewing.
 */
export function MarkdownField({ textareaId, children }: { textareaId: string; children: React.ReactNode }) {
  const { t } = useT();
  const preview = useFetcher<typeof previewAction>();
  const [previewing, setPreviewing] = useState(false);
  const textarea = () => document.getElementById(textareaId) as HTMLTextAreaElement | null;
  const show = (on: boolean) => {
    setPreviewing(on);
    const text = textarea()?.value ?? "";
    if (on) preview.submit({ text }, { method: "post", action: "/agent/preview" });
    else requestAnimationFrame(() => textarea()?.focus());
  };
  return (
    <div className="markdown-field">
      <div className="md-bar needs-scripts" role="toolbar" aria-label={t("composer.formatting")} aria-controls={textareaId}>
        <span className="md-tabs">
          <button type="button" className={previewing ? "md-tab" : "md-tab active"} aria-pressed={!previewing} onClick={() => show(false)}>
            {t("composer.write")}
          </button>
          <button type="button" className={previewing ? "md-tab active" : "md-tab"} aria-pressed={previewing} onClick={() => show(true)}>
            {t("composer.preview")}
          </button>
        </span>
        {!previewing &&
          EDITS.map(({ name, label, edit }) => (
            <button
              key={name}
              type="button"
              className="md-button"
              title={t(`composer.${name}`)}
              aria-label={t(`composer.${name}`)}
              onClick={() => {
                const box = textarea();
                if (box) apply(box, edit);
              }}
            >
              {label}
            </button>
          ))}
      </div>
      <div hidden={previewing}>{children}</div>
      {previewing && (
        <div className="md-preview msg-body md" data-testid="md-preview" aria-live="polite">
          {preview.state !== "idle" ? (
            <p className="muted small">{t("composer.previewing")}</p>
          ) : preview.data?.html ? (
            <div dangerouslySetInnerHTML={{ __html: preview.data.html }} />
          ) : (
            <p className="muted small">{t("composer.nothingToPreview")}</p>
          )}
        </div>
      )}
    </div>
  );
}
