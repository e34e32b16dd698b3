// The token form of the account page as the API takes it, and scopes as
// words. Pure: used by the page's action and its component.
import type { TFunction } from "i18next";
import { API_RESOURCES, type Scope } from "../../server/auth/scopes.ts";

/** How long a token made on the page may last, in days. */
export const TOKEN_DAY_CHOICES = [7, 30, 90, 180, 365] as const;

/**
 * { name, expiresInDays, scopes } from the form: "full" checked gives "*";
 * otherwise each resource's choice ("read" / "write"; anything else is
 * passed on for the schema to refuse).
 */
export function tokenInputFromForm(form: FormData) {
  const scopes = form.get("full")
    ? ["*"]
    : API_RESOURCES.flatMap((resource) => {
        const access = form.get(`scope.${resource}`);
        return typeof access === "string" && access !== "" && access !== "none" ? [`${resource}:${access}`] : [];
      });
  return { name: form.get("name") ?? "", expiresInDays: form.get("expiresInDays") ?? undefined, scopes };
}

/** "Tickets: Read", or "Everything" for "*". */
export function scopeText(t: TFunction, scope: Scope | string): string {
  if (scope === "*") return t("apiTokens.everything");
  const [resource, access] = scope.split(":");
  return `${t(`apiTokens.resources.${resource}`)}: ${t(`apiTokens.access.${access}`)}`;
}
