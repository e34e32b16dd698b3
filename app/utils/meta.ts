// Page titles in the reader's language. `meta` runs outside React, so it reads
// the locale the root loader chose and uses a plain translator.
import type { MetaArgs } from "@remix-run/node";
import { isLocale, DEFAULT_LOCALE } from "../i18n/config.ts";
import { translator } from "../i18n/i18n.ts";

export function pageTitle(matches: MetaArgs["matches"], key: string | null, text?: string) {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string; helpdeskName?: string | null } | undefined;
  const t = translator(isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE);
  const label = text ?? (key ? t(key) : null);
  // The name an admin gave the helpdesk, else the product's name in the reader's language.
  const name = root?.helpdeskName ?? t("app.name");
  return [{ title: label ? `${label} · ${name}` : name }];
}
