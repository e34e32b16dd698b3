// Reading the workspace's forms the same way everywhere: an empty box is
// "leave it", "none" empties a field, tags are typed separated by commas. Pure.
import { tagsFromText } from "./view-forms.ts";

export function formFields(form: FormData) {
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
  return { one, orNone, tags };
}
