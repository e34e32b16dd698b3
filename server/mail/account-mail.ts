// Queuing account mail: password reset, address confirmation, "you already have an account" (server/auth/recovery.ts)
// and staff invitations (server/admin/users.ts). The links are built here, on the helpdesk's public address, and
// the mail is queued in the caller's transaction, with its token named (content.secrets) so that the copy we keep
// loses it once the mail is sent (server/mail/send.ts). Rendering: account-templates.ts.
import type { Db, Tx } from "../db/client.ts";
import { prismaSql } from "../db/sql.ts";
import { currentSettings } from "../admin/settings.ts";
import { accountLink } from "../auth/recovery-rules.ts";
import { accountMailContent, type AccountMail } from "./account-templates.ts";
import { queueMails } from "./outbox.ts";
import { mailSettings } from "./settings.ts";

/** An account mail as its command knows it: the one-time token, not yet the link. */
export type AccountMailRequest =
  | { kind: "password_reset"; name: string; token: string }
  | { kind: "verify_email"; name: string; token: string; replacesPassword: boolean }
  | { kind: "already_registered"; name: string }
  | { kind: "invitation"; name: string; token: string; inviter: string; role: string };

/** The helpdesk's name in mail: as its admin set it, the same in every mail and in the From header. Read outside the transaction. */
export async function helpdeskName(db: Db): Promise<string> {
  return (await currentSettings(db)).name;
}

/** The mail with its links, and the token that must not outlive its sending. */
function withLinks(request: AccountMailRequest, publicUrl: string): { mail: AccountMail; secret: string | null } {
  switch (request.kind) {
    case "password_reset":
      return { mail: { kind: request.kind, name: request.name, link: accountLink(publicUrl, "reset_password", request.token) }, secret: request.token };
    case "verify_email": {
      const link = accountLink(publicUrl, "verify_email", request.token);
      return { mail: { kind: request.kind, name: request.name, link, replacesPassword: request.replacesPassword }, secret: request.token };
    }
    case "already_registered": {
      const mail = { ...request, signInLink: accountLink(publicUrl, "sign_in"), resetLink: accountLink(publicUrl, "forgot_password") };
      return { mail, secret: null };
    }
    case "invitation": {
      const link = accountLink(publicUrl, "invitation", request.token);
      return { mail: { kind: request.kind, name: request.name, link, inviter: request.inviter, role: request.role }, secret: request.token };
    }
  }
}

/** Queues an account mail in the caller's transaction (sensitive: only admins who manage users read it). */
export async function queueAccountMail(
  tx: Tx,
  to: { email: string; locale: string },
  request: AccountMailRequest,
  helpdesk: string,
  now: Date,
): Promise<void> {
  const { mail, secret } = withLinks(request, mailSettings().publicUrl);
  const content = { ...accountMailContent(mail, { locale: to.locale, helpdeskName: helpdesk }), ...(secret ? { secrets: [secret] } : {}) };
  await queueMails(prismaSql(tx), [{ kind: mail.kind, to: [to.email], content, sensitive: true }], now);
}
