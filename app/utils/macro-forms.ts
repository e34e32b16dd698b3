// The macro editor's form as the input of createMacro / updateMacro
// (server/macros/macros.ts validates it): an empty select leaves that field
// alone, "none" empties it; each language's text is its own box. Pure.
import { LOCALES } from "../i18n/config.ts";
import { formFields } from "./form-fields.ts";

export function macroFromForm(form: FormData) {
  const { one, orNone, tags } = formFields(form);
  const texts = (prefix: string) => {
    const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, one(`${prefix}.${locale}`)]));
    return Object.values(byLocale).some(Boolean) ? byLocale : null;
  };
  return {
    name: one("name") ?? "",
    shared: form.get("shared") === "on",
    reply: texts("reply"),
    note: texts("note"),
    actions: {
      status: one("status"),
      priority: one("priority"),
      type: one("type"),
      teamId: orNone("teamId"),
      assigneeId: orNone("assigneeId"),
      addTags: tags("addTags"),
      removeTags: tags("removeTags"),
    },
  };
}
