// /admin/mail/:id (settings.manage): one sent mail: where it went and when, its threading headers,
// its HTML (in a sandboxed frame: no scripts, no outside images, links open in a new tab) and its
// plain text, its attachments, and the .eml the local sink kept. Its words only for those who may
// read them: tickets.view_all for ticket mail, users.manage for account mail, whose link is gone
// from our copy once sent (server/mail/outbound-admin.ts).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { asResponse } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { currentSettings, db, getOutboundMail, mailSettings, requirePermission } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, data ? null : "mail.admin.sentTitle", data?.mail.subject);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const mail = await getOutboundMail(db(), user, params.id ?? "").catch(asResponse);
  return {
    from: `${(await currentSettings(db())).name} <${mailSettings().from}>`,
    mail: { ...mail, createdAt: mail.createdAt.toISOString(), sentAt: mail.sentAt?.toISOString() ?? null },
  };
}

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Links in the framed mail open outside the frame (the frame may open pop-ups, nothing else). */
const framed = (html: string) => html.replace(/<head>/i, '<head><base target="_blank">');

export default function SentMailDetail() {
  const { from, mail } = useLoaderData<typeof loader>();
  const { t } = useT();
  const fmt = useTimeFormat();
  const row = (label: string, value: React.ReactNode) =>
    value === null || value === undefined || value === "" ? null : (
      <div className="mail-fact">
        <dt>{label}</dt>
        <dd className="break">{value}</dd>
      </div>
    );
  return (
    <>
      <p>
        <Link to="/admin/mail">← {t("mail.admin.back")}</Link>
      </p>
      <h2 className="break" data-testid="mail-subject">
        {mail.subject}
      </h2>
      <div className="admin-actions">
        <span className={`badge mail-status-${mail.status}`}>{t(`mail.admin.statuses.${mail.status}`)}</span>
        <span>{t(`mail.admin.kinds.${mail.kind}`, { defaultValue: mail.kind })}</span>
        {mail.delivery && <span className="muted">{t(`mail.admin.delivery.${mail.delivery}`)}</span>}
        {mail.hasEml && (
          <a href={`/admin/mail/${mail.id}/message.eml`} download className="tabs-end" data-testid="download-eml">
            {t("mail.admin.download")}
          </a>
        )}
      </div>
      {mail.lastError && (
        <div className="form-error" data-testid="mail-error">
          <strong>{t("mail.admin.lastError")}</strong> <span className="break">{mail.lastError}</span>
        </div>
      )}

      <section className="card" aria-label={t("mail.admin.facts")}>
        <dl className="mail-facts">
          {row(t("mail.admin.from"), from)}
          {row(t("mail.admin.to"), mail.to.join(", "))}
          {row(t("mail.admin.cc"), mail.cc.join(", "))}
          {row(t("mail.admin.createdAt"), fmt.dateTime(mail.createdAt))}
          {row(t("mail.admin.sentAt"), mail.sentAt ? fmt.dateTime(mail.sentAt) : null)}
          {row(t("mail.admin.attempts"), String(mail.attempts))}
          {row(t("mail.admin.ticket"), mail.ticketNumber ? <Link to={`/agent/tickets/${mail.ticketNumber}`}>{t("mail.admin.openTicket", { number: mail.ticketNumber })}</Link> : null)}
        </dl>
      </section>

      <section className="card">
        <h3>{t("mail.admin.headers")}</h3>
        <pre className="mail-text" data-testid="mail-headers">
          {mail.headers.map((h) => `${h.name}: ${h.value}`).join("\n")}
        </pre>
      </section>

      {mail.hidden ? (
        <p className="notice" data-testid="mail-hidden">
          {t(mail.hidden === "link" ? "mail.admin.hidden" : mail.sensitive ? "mail.admin.hiddenAccountMail" : "mail.admin.hiddenTicketMail")}
        </p>
      ) : (
        <>
          {mail.redacted && (
            <p className="notice" data-testid="mail-redacted">
              {t("mail.admin.redacted")}
            </p>
          )}
          {mail.html && (
            <section className="card">
              <h3>{t("mail.admin.html")}</h3>
              {/* No allow-scripts, no allow-same-origin: the mail's HTML can run nothing and reach nothing of this page. */}
              <iframe
                title={t("mail.admin.htmlFrame")}
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                srcDoc={framed(mail.html)}
                className="mail-frame"
                data-testid="mail-html"
              />
            </section>
          )}
          <section className="card">
            <h3>{t("mail.admin.text")}</h3>
            <pre className="mail-text" data-testid="mail-text">
              {mail.text}
            </pre>
          </section>
        </>
      )}

      <section className="card">
        <h3>{t("mail.admin.attachments")}</h3>
        {mail.attachments.length === 0 ? (
          <p className="muted">{t("mail.admin.noAttachments")}</p>
        ) : (
          <ul>
            {mail.attachments.map((a, i) => (
              <li key={i}>
                {a.filename} <span className="muted small">({kb(a.size)})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
