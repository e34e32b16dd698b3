// One select for "which role": the built-in staff roles, then custom roles as
// "custom:<id>" (held on top of the agent role, whose permissions they replace). Pure.
type StaffRole = "agent" | "supervisor" | "admin";

export function roleChoice(account: { role: string; customRoleId: string | null }): string {
  return account.customRoleId ? `custom:${account.customRoleId}` : account.role;
}

/** The service input a choice stands for; an unknown text is passed on for the schema to refuse. */
export function roleFromChoice(choice: string | undefined): { role: StaffRole | string | undefined; customRoleId: string | null } {
  if (choice?.startsWith("custom:")) return { role: "agent", customRoleId: choice.slice("custom:".length) };
  return { role: choice, customRoleId: null };
}
