// Macros in the workspace: what one does, in words; the picker above the
// composer; and the "/" menu inside it. Picking a macro opens the ticket with
// ?macro=<id>, whose loader fills the composer (app/routes/agent.tickets.$number.tsx),
// so picking works without scripts too.
import { Form, Link, useLocation, useNavigate, useSubmit } from "@remix-run/react";
import { useState, type KeyboardEvent } from "react";
import { useT } from "../i18n/i18n.ts";
import type { MacroActions } from "../../server/macros/macros.ts";

export interface MacroChoice {
  id: string;
  name: string;
}

type Named = { id: string; name: string }[];

/** "status: Pending", "assignee: you", "+ refund": what a macro changes, one phrase each. */
export function useMacroEffects(names: { agents: Named; teams: Named }) {
  const { t } = useT();
  const nameOf = (list: Named, id: string) => list.find((x) => x.id === id)?.name ?? "?";
  return (actions: MacroActions): string[] => {
    const out: string[] = [];
    const add = (key: string, value: string) => out.push(t(`macros.does.${key}`, { value }));
    if (actions.status) add("status", t(`ticket.statusStaff.${actions.status}`));
    if (actions.priority) add("priority", t(`ticket.priority.${actions.priority}`));
    if (actions.type) add("type", t(`ticket.type.${actions.type}`));
    if (actions.teamId !== undefined) add("team", actions.teamId === null ? t("macros.noTeam") : nameOf(names.teams, actions.teamId));
    if (actions.assigneeId !== undefined) {
      add(
        "assignee",
        actions.assigneeId === null ? t("macros.nobody") : actions.assigneeId === "me" ? t("macros.you") : nameOf(names.agents, actions.assigneeId),
      );
    }
    if (actions.addTags?.length) add("addTags", actions.addTags.join(", "));
    if (actions.removeTags?.length) add("removeTags", actions.removeTags.join(", "));
    return out;
  };
}

/** The page's address with ?macro= set (or removed), other parameters kept. */
export function withMacro(search: string, macroId: string | null): string {
  const params = new URLSearchParams(search);
  if (macroId) params.set("macro", macroId);
  else params.delete("macro");
  const query = params.toString();
  return query ? `?${query}` : "?";
}

/** A select of macros above the composer: choosing one opens it in the composer. */
export function MacroPicker({ macros, current }: { macros: MacroChoice[]; current: string | null }) {
  const { t } = useT();
  const location = useLocation();
  const submit = useSubmit();
  const kept = [...new URLSearchParams(location.search)].filter(([name]) => name !== "macro");
  return (
    <Form
      method="get"
      className="macro-picker"
      onChange={(event) => submit(event.currentTarget, { replace: true, preventScrollReset: true })}
    >
      {kept.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label htmlFor="macro-picker" className="visually-hidden">
        {t("macros.apply")}
      </label>
      <select id="macro-picker" name="macro" defaultValue={current ?? ""} key={current ?? ""} disabled={macros.length === 0}>
        <option value="">{t("macros.choose")}</option>
        {macros.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="btn btn-small btn-secondary">
          {t("macros.use")}
        </button>
      </noscript>
      <Link to="/agent/macros" className="small">
        {t("macros.manage")}
      </Link>
    </Form>
  );
}

const SLASH = /^\/([^\n]*)$/;
const MENU_SIZE = 8;

/**
 * The "/" menu: while the composer holds only "/" and a few letters, macros
 * whose names contain them are offered; arrows move, Enter or a click picks,
 * Escape closes. Returns the textarea's handlers and the menu to render.
 */
export function useSlashMenu(macros: MacroChoice[]) {
  const { t } = useT();
  const location = useLocation();
  const navigate = useNavigate();
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const matches =
    query === null ? [] : macros.filter((m) => m.name.toLocaleLowerCase().includes(query.toLocaleLowerCase())).slice(0, MENU_SIZE);
  const pick = (macro: MacroChoice) => {
    setQuery(null);
    navigate(withMacro(location.search, macro.id), { replace: true, preventScrollReset: true });
  };

  const onChange = (event: React.ChangeEvent<HTMLTextAreaElement>) => {
    const match = SLASH.exec(event.currentTarget.value);
    setQuery(match ? match[1].trim() : null);
    setActive(0);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (query === null) return;
    if (event.key === "Escape") {
      event.preventDefault();
      setQuery(null);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (matches.length ? (i + step + matches.length) % matches.length : 0));
    } else if (event.key === "Enter" && matches[active]) {
      event.preventDefault();
      pick(matches[active]);
    }
  };

  const open = query !== null;
  const menu = open ? (
    <ul className="slash-menu" role="listbox" id="slash-menu" aria-label={t("macros.slashMenu")} data-testid="slash-menu">
      {matches.length === 0 && (
        <li role="option" aria-disabled="true" aria-selected="false" className="muted small">
          {t("macros.slashNone")}
        </li>
      )}
      {matches.map((m, i) => (
        <li
          key={m.id}
          id={`slash-${m.id}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? "active" : undefined}
          // Before the textarea's blur: a click picks instead of just closing the menu.
          onMouseDown={(event) => {
            event.preventDefault();
            pick(m);
          }}
        >
          {m.name}
        </li>
      ))}
    </ul>
  ) : null;
  const textareaProps = {
    onChange,
    onKeyDown,
    onBlur: () => setQuery(null),
    // Stays a textbox (it is one): the menu is tied to it and its active option announced.
    "aria-controls": open ? "slash-menu" : undefined,
    "aria-activedescendant": open && matches[active] ? `slash-${matches[active].id}` : undefined,
  };
  return { menu, textareaProps };
}
