// The mails of accounts (password reset, address confirmation, "you already have an account",
// staff invitation), in the recipient's language, as HTML and plain text. Pure. They are drawn
// with the blocks and layout of ticket mail (server/mail/templates.ts: greeting, buttons with the
// address spelled out, signature and the "sent automatically" line), so every mail of the helpdesk
// looks alike; their words live in app/i18n/recovery.*.ts (key "recovery.mail"). Automatic mail:
// RFC 3834's Auto-Submitted, and Outlook's X-Auto-Response-Suppress so out-of-office replies stay away.
import { translator } from "../../app/i18n/i18n.ts";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../../app/i18n/config.ts";
import type { MailContent } from "./outbox.ts";
import { AUTO_GENERATED, fill, mailStrings, render, type Block } from "./templates.ts";

export type AccountMail =
  | { kind: "password_reset"; name: string; link: string }
  /** `replacesPassword`: the account has a password already (the old sign-up): the link replaces it. */
  | { kind: "verify_email"; name: string; link: string; replacesPassword: boolean }
  | { kind: "already_registered"; name: string; signInLink: string; resetLink: string }
  | { kind: "invitation"; name: string; link: string; inviter: string; role: string };

/** The recipient's language, and the helpdesk's name as ticket mail and the From header show it (HelpdeskSettings.name). */
export interface MailContext {
  locale: string;
  helpdeskName: string;
}

/** Renders one account mail in the recipient's language. */
export function accountMailContent(mail: AccountMail, context: MailContext): MailContent {
  const locale: Locale = isLocale(context.locale) ? context.locale : DEFAULT_LOCALE;
  const t = translator(locale);
  const helpdesk = context.helpdeskName;
  const draw = (subject: string, body: string, buttons: { label: string; href: string }[]): MailContent => {
    const blocks: Block[] = [
      { kind: "p", text: mail.name.trim() ? fill(mailStrings(locale).greeting, { name: mail.name.trim() }) : mailStrings(locale).greetingNoName },
      { kind: "p", text: body },
      ...buttons.map((button): Block => ({ kind: "button", ...button })),
      { kind: "p", text: t("recovery.mail.ignore"), muted: true },
    ];
    const { html, text } = render({ locale, helpdeskName: helpdesk, subject, blocks, automatic: true });
    return { subject, text, html, headers: { ...AUTO_GENERATED } };
  };
  switch (mail.kind) {
    case "password_reset":
      return draw(t("recovery.mail.passwordReset.subject", { helpdesk }), t("recovery.mail.passwordReset.body", { helpdesk }), [
        { label: t("recovery.mail.passwordReset.button"), href: mail.link },
      ]);
    case "verify_email":
      return draw(
        t("recovery.mail.verifyEmail.subject", { helpdesk }),
        t(mail.replacesPassword ? "recovery.mail.verifyEmail.bodyReplacePassword" : "recovery.mail.verifyEmail.body", { helpdesk }),
        [{ label: t("recovery.mail.verifyEmail.button"), href: mail.link }],
      );
    case "already_registered":
      return draw(t("recovery.mail.alreadyRegistered.subject", { helpdesk }), t("recovery.mail.alreadyRegistered.body", { helpdesk }), [
        { label: t("recovery.mail.alreadyRegistered.signIn"), href: mail.signInLink },
        { label: t("recovery.mail.alreadyRegistered.reset"), href: mail.resetLink },
      ]);
    case "invitation": {
      const role = t(`roles.${mail.role}`, { defaultValue: mail.role });
      return draw(
        t("recovery.mail.invitation.subject", { helpdesk, inviter: mail.inviter }),
        t("recovery.mail.invitation.body", { helpdesk, inviter: mail.inviter, role }),
        [{ label: t("recovery.mail.invitation.button", { helpdesk }), href: mail.link }],
      );
    }
  }
}
