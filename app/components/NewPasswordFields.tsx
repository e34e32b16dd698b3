// A password chosen from a mailed link (reset, confirmation), typed twice, with the account's
// address beside it so a password manager files it under the right account.
import { useTranslation } from "react-i18next";
import { Field } from "./Field.tsx";

export function NewPasswordFields({ email, label, errors }: { email: string; label: string; errors?: Record<string, string[]> }) {
  const { t } = useTranslation();
  return (
    <>
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field name="password" label={label} hint={t("recovery.passwordHint")} errors={errors?.password}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          aria-invalid={errors?.password ? true : undefined}
        />
      </Field>
      <Field name="confirmPassword" label={t("recovery.confirmPassword")} errors={errors?.confirmPassword}>
        <input
          id="confirmPassword"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={errors?.confirmPassword ? true : undefined}
        />
      </Field>
    </>
  );
}
