// The mails of accounts (password reset, address confirmation, "you already have an account",
// staff invitation), in the recipient's language, as HTML and plain text. Their words live in
// app/i18n/recovery.*.ts (key "recovery.mail"). Automatic mail: RFC 3834's Auto-Submitted, and
// Outlook's X-Auto-Response-Suppress so that out-of-office replies stay away (as server/mail/templates.ts).
import type { TFunction } from "i18next";
import { translator } from "../../app/i18n/i18n.ts";
import { isLocale, DEFAULT_LOCALE } from "../../app/i18n/config.ts";
import type { MailContent } from "./outbox.ts";
import { AUTO_GENERATED, escapeHtml } from "./templates.ts";

export type AccountMail =
  | { kind: "password_reset"; name: string; link: string }
  | { kind: "verify_email"; name: string; link: string; choosePassword: boolean }
  | { kind: "already_registered"; name: string; signInLink: string; resetLink: string }
  | { kind: "invitation"; name: string; link: string; inviter: string; role: string };

/** Who the mail is from, in words: the helpdesk's name as its admin set it, or the product's own in this language. */
export interface MailContext {
  locale: string;
  /** The helpdesk's name; null: the product's name in the recipient's language. */
  helpdeskName: string | null;
}

const BODY_STYLE = [
  "margin:0;padding:16px;font-size:15px;line-height:1.5;color:#1f2937",
  "font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif",
].join(";");

interface Parts {
  subject: string;
  name: string;
  body: string;
  links: { label: string; href: string }[];
}

function render(t: TFunction, parts: Parts, lang: string): MailContent {
  const greeting = t("recovery.mail.greeting", { name: parts.name });
  const text = [
    greeting,
    "",
    parts.body,
    "",
    ...parts.links.flatMap((link) => [t("recovery.mail.linkLabel", { label: link.label }), link.href, ""]),
    t("recovery.mail.ignore"),
    "",
  ].join("\n");
  const button = (link: Parts["links"][number], first: boolean) =>
    `<p><a href="${escapeHtml(link.href)}" style="display:inline-block;padding:10px 18px;border-radius:6px;text-decoration:none;${
      first ? "background:#1d4ed8;color:#ffffff" : "color:#1d4ed8;border:1px solid #1d4ed8"
    }">${escapeHtml(link.label)}</a></p>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.subject)}</title></head>
<body style="${BODY_STYLE}">
<div style="max-width:560px">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(parts.body)}</p>
${parts.links.map((link, i) => button(link, i === 0)).join("\n")}
<p style="font-size:13px;color:#6b7280">${escapeHtml(t("recovery.mail.linkNote"))}<br>${parts.links
    .map((link) => `<a href="${escapeHtml(link.href)}" style="color:#6b7280;word-break:break-all">${escapeHtml(link.href)}</a>`)
    .join("<br>")}</p>
<p style="font-size:13px;color:#6b7280">${escapeHtml(t("recovery.mail.ignore"))}</p>
</div>
</body></html>
`;
  return { subject: parts.subject, text, html, headers: { ...AUTO_GENERATED } };
}

/** Renders one account mail in the recipient's language. */
export function accountMailContent(mail: AccountMail, context: MailContext): MailContent {
  const locale = isLocale(context.locale) ? context.locale : DEFAULT_LOCALE;
  const t = translator(locale);
  const helpdesk = context.helpdeskName ?? t("app.name");
  switch (mail.kind) {
    case "password_reset":
      return render(
        t,
        {
          subject: t("recovery.mail.passwordReset.subject", { helpdesk }),
          name: mail.name,
          body: t("recovery.mail.passwordReset.body", { helpdesk }),
          links: [{ label: t("recovery.mail.passwordReset.button"), href: mail.link }],
        },
        locale,
      );
    case "verify_email":
      return render(
        t,
        {
          subject: t("recovery.mail.verifyEmail.subject", { helpdesk }),
          name: mail.name,
          body: t(mail.choosePassword ? "recovery.mail.verifyEmail.body" : "recovery.mail.verifyEmail.bodyConfirmOnly", { helpdesk }),
          links: [{ label: t("recovery.mail.verifyEmail.button"), href: mail.link }],
        },
        locale,
      );
    case "already_registered":
      return render(
        t,
        {
          subject: t("recovery.mail.alreadyRegistered.subject", { helpdesk }),
          name: mail.name,
          body: t("recovery.mail.alreadyRegistered.body", { helpdesk }),
          links: [
            { label: t("recovery.mail.alreadyRegistered.signIn"), href: mail.signInLink },
            { label: t("recovery.mail.alreadyRegistered.reset"), href: mail.resetLink },
          ],
        },
        locale,
      );
    case "invitation": {
      const role = t(`roles.${mail.role}`, { defaultValue: mail.role });
      return render(
        t,
        {
          subject: t("recovery.mail.invitation.subject", { helpdesk, inviter: mail.inviter }),
          name: mail.name,
          body: t("recovery.mail.invitation.body", { helpdesk, inviter: mail.inviter, role }),
          links: [{ label: t("recovery.mail.invitation.button", { helpdesk }), href: mail.link }],
        },
        locale,
      );
    }
  }
}
