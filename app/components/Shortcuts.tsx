// Keyboard shortcuts of the workspace, and the list of them that "?" opens.
// Single keys, as in Gmail, Front and Help Scout: they act only when the
// agent is not typing in a field ("/" and the others are then just text),
// except Ctrl/⌘+Enter, which sends from the composer.
import { useEffect, useRef } from "react";
import { useT } from "../i18n/i18n.ts";

/** Is the user typing somewhere, so that a key is theirs and not a shortcut? */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Every shortcut, as the overlay lists them (the keys are what the bindings below use). */
export const SHORTCUTS = [
  { keys: "?", does: "help" },
  { keys: "/", does: "search" },
  { keys: "j", does: "next" },
  { keys: "k", does: "previous" },
  { keys: "r", does: "reply" },
  { keys: "n", does: "note" },
  { keys: "s", does: "solve" },
  { keys: "mod+Enter", does: "send" },
  { keys: "g m", does: "goMine" },
  { keys: "g u", does: "goUnassigned" },
  { keys: "g t", does: "goTeams" },
  { keys: "g a", does: "goActive" },
] as const;

type Bindings = Partial<Record<(typeof SHORTCUTS)[number]["keys"], (event: KeyboardEvent) => void>>;

/** How long after "g" the second key of a pair counts. */
const PAIR_MS = 1_500;

/** Runs the bound action of each shortcut pressed while this component is on screen. */
export function useShortcuts(bindings: Bindings) {
  const latest = useRef(bindings);
  latest.current = bindings;
  useEffect(() => {
    let first: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const bound = latest.current as Record<string, ((event: KeyboardEvent) => void) | undefined>;
      if ((event.metaKey || event.ctrlKey) && event.key === "Enter") {
        bound["mod+Enter"]?.(event);
        return;
      }
      if (event.metaKey || event.ctrlKey || event.altKey || typingIn(event.target)) return;
      clearTimeout(timer);
      const keys = first ? `${first} ${event.key}` : event.key;
      first = null;
      if (keys === event.key && Object.keys(bound).some((k) => k.startsWith(`${event.key} `))) {
        first = event.key;
        timer = setTimeout(() => (first = null), PAIR_MS);
        event.preventDefault();
        return;
      }
      const action = bound[keys];
      if (!action) return;
      event.preventDefault();
      action(event);
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      clearTimeout(timer);
    };
  }, []);
}

/** The list of shortcuts: opened with "?" or its button, closed with Esc or its button. */
export function ShortcutsHelp({ dialog }: { dialog: React.RefObject<HTMLDialogElement> }) {
  const { t } = useT();
  const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  const keyLabel = (keys: string) =>
    keys.split(" ").map((key, i) => (
      <span key={i}>
        {i > 0 && ` ${t("shortcuts.then")} `}
        <kbd>{key === "mod+Enter" ? (mac ? "⌘ Enter" : "Ctrl Enter") : key}</kbd>
      </span>
    ));
  return (
    <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" data-testid="shortcuts">
      <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>{keyLabel(s.keys)}</td>
              <td>{t(`shortcuts.does.${s.does}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="btn btn-small">
          {t("shortcuts.close")}
        </button>
      </form>
    </dialog>
  );
}
