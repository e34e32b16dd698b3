// /admin/mail/received/:id (settings.manage): one received mail, read again from its stored bytes:
// what became of it, its headers, the text the ticket got, the whole text with its quoted history,
// its files, the original .eml (what it says only with tickets.view_all), and "Try again" for a mail
// that failed or has waited for minutes.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { db, DomainError, getInboundMail, INBOUND_RAW_DAYS, requirePermission, retryInboundMail } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "inbound.detail.title");

const isId = (id: string | undefined) => !!id && /^[0-9a-f-]{36}$/i.test(id);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  if (!isId(params.id)) throw new Response("inbound.errors.mailNotFound", { status: 404 });
  const mail = await getInboundMail(db(), user, params.id!).catch(asResponse);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    rawDays: INBOUND_RAW_DAYS,
    mail: {
      ...mail,
      receivedAt: mail.receivedAt.toISOString(),
      processedAt: iso(mail.processedAt),
      mail: mail.mail ? { ...mail.mail, date: iso(mail.mail.date) } : null,
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const form = await readForm(request);
  if (!isId(params.id)) throw new Response("inbound.errors.mailNotFound", { status: 404 });
  try {
    await retryInboundMail(db(), user, params.id!);
    return { ok: true as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data(formFailureBody(error, form), { status: error.status });
  }
}

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export default function ReceivedMailDetail() {
  const { mail, rawDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const fmt = useTimeFormat();
  const read = mail.mail;
  const details = mail.details;
  const threadedBy = details?.threadedBy
    ? t(`inbound.threadedBy.${details.threadedBy}`)
    : details && mail.status === "processed"
      ? t("inbound.threadedBy.none")
      : null;
  const row = (label: string, value: React.ReactNode) =>
    value === null || value === undefined || value === "" ? null : (
      <div className="mail-fact">
        <dt>{label}</dt>
        <dd>{value}</dd>
      </div>
    );
  return (
    <>
      <p>
        <Link to="/admin/mail/received">← {t("inbound.detail.back")}</Link>
      </p>
      <h2 className="break">{mail.subject || read?.fullText.slice(0, 80) || t("inbound.received.noSubject")}</h2>
      {result?.ok && (
        <p role="status" className="notice success">
          {t("inbound.detail.retried")}
        </p>
      )}
      <FormError messageKey={result && !result.ok ? result.formError : undefined} />
      <div className="admin-actions">
        <span className={`badge mail-status-${mail.status}`}>{t(`inbound.status.${mail.status}`)}</span>
        {mail.outcome && <span>{t(`inbound.outcome.${mail.outcome}`, { defaultValue: mail.outcome })}</span>}
        {mail.ticketNumber && <Link to={`/agent/tickets/${mail.ticketNumber}`}>{t("inbound.detail.openTicket", { number: mail.ticketNumber })}</Link>}
        {!mail.contentHidden && !mail.rawPruned && (
          <a href={`/admin/mail/received/${mail.id}/original.eml`} download className="tabs-end" data-testid="download-eml">
            {t("inbound.detail.download")}
          </a>
        )}
        {mail.retryable && (
          <Form method="post">
            <button type="submit" className="btn" disabled={navigation.state === "submitting"}>
              {t("inbound.detail.retry")}
            </button>
          </Form>
        )}
      </div>
      {mail.error && (
        <div className="form-error" data-testid="mail-error">
          <strong>{t("inbound.detail.error")}</strong> <span className="break">{t(mail.error.split(" ")[0], { defaultValue: mail.error })}</span>
        </div>
      )}

      <section className="card">
        <dl className="mail-facts">
          {row(t("inbound.detail.receivedAt"), fmt.dateTime(mail.receivedAt))}
          {row(t("inbound.detail.via"), mail.via === "imap" ? t("inbound.received.viaImap", { address: mail.channelAddress ?? "?" }) : t("inbound.detail.viaSmtp"))}
          {row(t("inbound.detail.from"), read?.from ?? mail.fromAddress)}
          {row(t("inbound.detail.to"), read?.to.join(", "))}
          {row(t("inbound.detail.cc"), read?.cc.join(", "))}
          {row(t("inbound.detail.envelope"), `${mail.envelopeFrom === "" ? "<>" : (mail.envelopeFrom ?? "—")} → ${mail.envelopeTo.join(", ") || "—"}`)}
          {row(t("inbound.detail.date"), read?.date ? fmt.dateTime(read.date) : null)}
          {row(t("inbound.detail.messageId"), mail.messageId)}
          {row(t("inbound.detail.size"), kb(mail.size))}
          {row(t("inbound.detail.attempts"), String(mail.attempts))}
          {row(t("inbound.detail.processedAt"), mail.processedAt ? fmt.dateTime(mail.processedAt) : null)}
          {row(t("inbound.detail.threadedBy"), threadedBy)}
          {row(t("inbound.detail.sender"), details?.sender ? t(`inbound.sender.${details.sender}`) : null)}
          {row(t("inbound.detail.followUpOf"), details?.followUpOf ? <Link to={`/agent/tickets/${details.followUpOf}`}>#{details.followUpOf}</Link> : null)}
          {row(t("inbound.detail.followersAdded"), details?.followersAdded?.join(", "))}
          {row(t("inbound.detail.throttledUntil"), details?.throttledUntil && mail.status === "received" ? fmt.dateTime(details.throttledUntil) : null)}
          {row(t("inbound.detail.charset"), read?.charset === "detected" ? t("inbound.detail.charsetDetected") : null)}
        </dl>
      </section>

      {mail.contentHidden && <p className="notice">{t("inbound.detail.contentHidden")}</p>}
      {mail.rawPruned && !mail.contentHidden && <p className="notice">{t("inbound.detail.rawPruned", { days: rawDays })}</p>}
      {mail.readError && (
        <div className="form-error">
          <strong>{t("inbound.detail.unreadable")}</strong> <span className="break">{mail.readError}</span>
        </div>
      )}
      {read && (
        <>
          <section className="card">
            <h3>{t("inbound.detail.newText")}</h3>
            <p className="muted small">{t("inbound.detail.newTextHint")}</p>
            <pre className="mail-text" data-testid="new-text">
              {read.newText || t("inbound.detail.nothing")}
            </pre>
          </section>
          <section className="card">
            <h3>{t("inbound.detail.fullText")}</h3>
            <pre className="mail-text" data-testid="full-text">
              {read.fullText || t("inbound.detail.nothing")}
            </pre>
          </section>
          <section className="card">
            <h3>{t("inbound.detail.attachments")}</h3>
            {read.attachments.length === 0 ? (
              <p className="muted">{t("inbound.detail.noAttachments")}</p>
            ) : (
              <ul>
                {read.attachments.map((a, i) => {
                  const refused = details?.refused?.find((r) => r.filename === a.filename);
                  return (
                    <li key={i}>
                      <span className="break">{a.filename}</span> <span className="muted small">({a.contentType}, {kb(a.size)})</span>
                      {refused && <span className="field-error"> {t("inbound.detail.refused", { reason: t(refused.reason) })}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <details className="card">
            <summary>{t("inbound.detail.headers")}</summary>
            <pre className="mail-text small">{read.headerLines.join("\n")}</pre>
          </details>
        </>
      )}
    </>
  );
}
