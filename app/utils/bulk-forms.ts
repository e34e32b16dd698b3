// The workspace's bulk form as the input of bulkChange (server/tickets/bulk.ts
// validates it): "" leaves a field as it is, "none" empties it. Pure.
import { tagsFromText } from "./view-forms.ts";

export function bulkFromForm(form: FormData) {
  const one = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const orNone = (name: string) => {
    const value = one(name);
    return value === "none" ? null : value;
  };
  const tags = (name: string) => {
    const list = tagsFromText(one(name) ?? "");
    return list.length > 0 ? list : undefined;
  };
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
