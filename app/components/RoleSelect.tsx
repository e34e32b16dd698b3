// The one "role" select of the admin center: built-in staff roles, then custom
// roles (as "custom:<id>", see app/utils/role-choice.ts).
import { useTranslation } from "react-i18next";
import { roleChoice } from "../utils/role-choice.ts";

export function RoleSelect({ defaultValue, customRoles }: { defaultValue: string; customRoles: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  return (
    <select id="role" name="role" defaultValue={defaultValue}>
      {(["agent", "supervisor", "admin"] as const).map((r) => (
        <option key={r} value={r}>
          {t(`roles.${r}`)}
        </option>
      ))}
      {customRoles.length > 0 && (
        <optgroup label={t("adminUsers.customRoles")}>
          {customRoles.map((r) => (
            <option key={r.id} value={roleChoice({ role: "agent", customRoleId: r.id })}>
              {r.name}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}
