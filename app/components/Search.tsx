// The ticket search box in the header (staff): a plain GET form, so it works
// without JavaScript; with it, "/" anywhere outside a text field focuses it.
import { Form, useLocation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useT } from "../i18n/i18n.ts";
import { typingIn } from "./Shortcuts.tsx";


export function TicketSearchBox() {
  const { t } = useT();
  const input = useRef<HTMLInputElement>(null);
  const location = useLocation();
  const [params] = useSearchParams();
  const onSearchPage = location.pathname === "/agent/search";

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey || typingIn(event.target)) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <Form method="get" action="/agent/search" role="search" className="ticket-search">
      <label className="visually-hidden" htmlFor="ticket-search">
        {t("search.label")}
      </label>
      <input
        ref={input}
        id="ticket-search"
        name="q"
        type="search"
        // A new key per query, so going back to another search shows its text.
        key={onSearchPage ? params.get("q") ?? "" : "box"}
        defaultValue={onSearchPage ? params.get("q") ?? "" : ""}
        placeholder={t("search.placeholder")}
        autoComplete="off"
        spellCheck={false}
        maxLength={500}
      />
      <kbd className="search-key" aria-hidden>
        /
      </kbd>
    </Form>
  );
}
