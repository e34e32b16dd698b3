// The admin center's sections and the permission each needs: the layout's
// side bar and the header's "Admin" link are read off this one list.
import type { Permission } from "../../server/auth/policy.ts";

export const ADMIN_SECTIONS = [
  { key: "users", to: "/admin/users", permission: "users.manage" },
  { key: "roles", to: "/admin/roles", permission: "users.manage" },
  { key: "teams", to: "/admin/teams", permission: "teams.manage" },
  { key: "categories", to: "/admin/categories", permission: "teams.manage" },
  { key: "fields", to: "/admin/fields", permission: "fields.manage" },
  { key: "rules", to: "/admin/rules", permission: "rules.manage" },
  { key: "automations", to: "/admin/automations", permission: "rules.manage" },
  { key: "sla", to: "/supervisor/sla", permission: "sla.manage" },
  { key: "tokens", to: "/admin/tokens", permission: "tokens.manage" },
  { key: "settings", to: "/admin/settings", permission: "settings.manage" },
  // Mail sent and received, and the addresses mail arrives at (its words are the mail channel's: mail.*.ts).
  { key: "mail", to: "/admin/mail", permission: "settings.manage", label: "mail.adminTitle" },
  { key: "audit", to: "/admin/audit", permission: "audit.view" },
] as const satisfies readonly { key: string; to: string; permission: Permission; label?: string }[];

export type AdminSectionKey = (typeof ADMIN_SECTIONS)[number]["key"];

/** The text key of a section's name in the side bar. */
export function adminSectionLabel(section: { key: string; label?: string }): string {
  return section.label ?? `admin.sections.${section.key}`;
}

/** The sections someone may open, in order. */
export function adminSectionsFor(may: (permission: Permission) => boolean) {
  return ADMIN_SECTIONS.filter((s) => may(s.permission));
}
