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

export interface Mentionable {
  id: string;
  name: string;
  /** What follows the @ (server/notifications/mentions.ts). */
  handle: string;
}

/** "@" and what follows it up to the caret, at the start of the text or after a space. */
const MENTION = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u;
const MENU_SIZE = 6;

/**
 * The "@" menu of an internal note: colleagues whose name or handle starts
 * with what follows the @ are offered; arrows move, Enter, Tab or a click
 * writes "@handle ", Escape closes. Returns the textarea's handlers (to run
 * with the "/" menu's) and the menu to render.
 */
export function useMentionMenu(people: Mentionable[], enabled: boolean) {
  const { t } = useT();
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const needle = query?.toLocaleLowerCase() ?? "";
  const matches =
    query === null
      ? []
      : people.filter((p) => p.handle.startsWith(needle) || p.name.toLocaleLowerCase().split(/\s+/).some((word) => word.startsWith(needle))).slice(0, MENU_SIZE);
  const open = enabled && query !== null && matches.length > 0;

  const pick = (textarea: HTMLTextAreaElement, person: Mentionable) => {
    const caret = textarea.selectionStart;
    const typed = MENTION.exec(textarea.value.slice(0, caret));
    if (!typed) return;
    textarea.setRangeText(`@${person.handle} `, caret - typed[1].length - 1, caret, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    setQuery(null);
  };
  const onChange = (event: React.ChangeEvent<HTMLTextAreaElement>) => {
    const box = event.currentTarget;
    setQuery(enabled ? (MENTION.exec(box.value.slice(0, box.selectionStart))?.[1] ?? null) : null);
    setActive(0);
  };
  /** True when the key was the menu's. */
  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (event.key === "Escape") setQuery(null);
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") setActive((i) => (i + (event.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length);
    else if (event.key === "Enter" || event.key === "Tab") pick(event.currentTarget, matches[active]);
    else return false;
    event.preventDefault();
    return true;
  };
  const menu = open ? (
    <ul className="slash-menu" role="listbox" id="mention-menu" aria-label={t("composer.mentionMenu")} data-testid="mention-menu">
      {matches.map((p, i) => (
        <li
          key={p.id}
          id={`mention-${p.id}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? "active" : undefined}
          onMouseDown={(event) => {
            event.preventDefault();
            const box = document.querySelector<HTMLTextAreaElement>('textarea[aria-controls="mention-menu"]');
            if (box) pick(box, p);
          }}
        >
          {p.name} <span className="muted small">@{p.handle}</span>
        </li>
      ))}
    </ul>
  ) : null;
  return {
    menu,
    onChange,
    onKeyDown,
    onBlur: () => setQuery(null),
    aria: open
      ? { "aria-controls": "mention-menu", "aria-activedescendant": matches[active] ? `mention-${matches[active].id}` : undefined }
      : {},
  };
}
