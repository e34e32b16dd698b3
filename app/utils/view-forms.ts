// The view editor's form as the input of createView / updateView
// (server/views/service.ts validates it). Pure, so it is tested on its own.
import { FILTER_INPUT_PREFIX, fieldsFromForm } from "./field-forms.ts";

/** Tags as typed: separated by commas (either width) or spaces. */
export const tagsFromText = (text: string) => text.split(/[\s,，、]+/).filter(Boolean);

export function viewFromForm(form: FormData) {
  const all = (name: string) => form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
  const one = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  return {
    name: form.get("name") ?? "",
    shared: form.get("shared") === "on",
    sort: one("sort") ?? "due",
    filters: {
      statuses: all("statuses"),
      priorities: all("priorities"),
      types: all("types"),
      slaStates: all("slaStates"),
      tiers: all("tiers"),
      teamIds: all("teamIds"),
      assigneeIds: all("assigneeIds"),
      categoryIds: all("categoryIds"),
      tags: tagsFromText(one("tags") ?? ""),
      requester: one("requester"),
      createdFrom: one("createdFrom"),
      createdTo: one("createdTo"),
      updatedFrom: one("updatedFrom"),
      updatedTo: one("updatedTo"),
      /** Custom fields: those given a value (an empty one means any). */
      fields: fieldsFromForm(form, FILTER_INPUT_PREFIX, true),
    },
  };
}
