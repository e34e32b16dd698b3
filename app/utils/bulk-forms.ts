// The workspace's bulk form as the input of bulkChange (server/tickets/bulk.ts
// validates it): "" leaves a field as it is, "none" empties it. Pure.
import { formFields } from "./form-fields.ts";

export function bulkFromForm(form: FormData) {
  const { one, orNone, tags } = formFields(form);
  const into = one("mergeInto")?.replace(/^#/, "");
  return {
    numbers: form.getAll("numbers").map((n) => Number(n)),
    change: {
      status: one("status"),
      priority: one("priority"),
      type: one("type"),
      assigneeId: orNone("assigneeId"),
      teamId: orNone("teamId"),
      addTags: tags("addTags"),
      removeTags: tags("removeTags"),
      macroId: one("macroId"),
      mergeInto: into === undefined ? undefined : /^\d+$/.test(into) ? Number(into) : into,
    },
  };
}
