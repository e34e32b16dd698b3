// /admin/mail (settings.manage): the mail the helpdesk sent (or keeps in its local sink, or could
// not send), newest first, filtered by status, kind and recipient; each opens its own page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useT } from "../i18n/i18n.ts";
import { asResponse } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { db, listOutboundMail, mailSettings, OUTBOUND_KINDS, OUTBOUND_STATUSES, requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "mail.admin.sentTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  // Built here, not at the top: the lists come from server code, which the browser's bundle leaves out.
  const Filters = z.object({
    status: z.enum(OUTBOUND_STATUSES).optional().catch(undefined),
    kind: z.enum(OUTBOUND_KINDS).optional().catch(undefined),
    recipient: z.string().trim().min(1).max(320).optional().catch(undefined),
    cursor: z.string().max(300).optional().catch(undefined),
  });
  const filters = Filters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listOutboundMail(db(), user, { ...filters, limit: 50 }).catch(asResponse);
  return {
    filters,
    statuses: OUTBOUND_STATUSES,
    kinds: OUTBOUND_KINDS,
    sink: mailSettings().smtpUrl === null,
    mails: page.items.map((m) => ({
      id: m.id,
      createdAt: m.createdAt.toISOString(),
      kind: m.kind,
      to: [...m.to, ...m.cc].join(", "),
      subject: m.subject,
      status: m.status,
      delivery: m.delivery,
      attempts: m.attempts,
      ticketNumber: m.ticketNumber,
    })),
    nextCursor: page.nextCursor,
  };
}

export default function SentMail() {
  const { filters, statuses, kinds, sink, mails, nextCursor } = useLoaderData<typeof loader>();
  const { t } = useT();
  const fmt = useTimeFormat();
  const kept = Object.fromEntries(Object.entries({ status: filters.status, kind: filters.kind, recipient: filters.recipient }).filter(([, v]) => v)) as Record<string, string>;
  return (
    <>
      <h2>{t("mail.admin.sentTitle")}</h2>
      <p className="muted">{t(sink ? "mail.admin.leadSink" : "mail.admin.leadSmtp")}</p>
      <Form method="get" className="admin-actions" role="search">
        <select name="status" defaultValue={filters.status ?? ""} aria-label={t("mail.admin.status")}>
          <option value="">{t("mail.admin.anyStatus")}</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`mail.admin.statuses.${s}`)}
            </option>
          ))}
        </select>
        <select name="kind" defaultValue={filters.kind ?? ""} aria-label={t("mail.admin.kind")}>
          <option value="">{t("mail.admin.anyKind")}</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`mail.admin.kinds.${k}`)}
            </option>
          ))}
        </select>
        <input
          name="recipient"
          type="search"
          defaultValue={filters.recipient ?? ""}
          placeholder={t("mail.admin.recipientPlaceholder")}
          aria-label={t("mail.admin.recipient")}
          maxLength={320}
        />
        <button type="submit" className="btn btn-secondary">
          {t("mail.admin.filter")}
        </button>
      </Form>
      <table className="admin-table" data-testid="sent-mail">
        <thead>
          <tr>
            <th>{t("mail.admin.when")}</th>
            <th>{t("mail.admin.to")}</th>
            <th>{t("mail.admin.subject")}</th>
            <th>{t("mail.admin.status")}</th>
          </tr>
        </thead>
        <tbody>
          {mails.map((m) => (
            <tr key={m.id} data-kind={m.kind}>
              <td>
                <Link to={`/admin/mail/${m.id}`}>{fmt.dateTime(m.createdAt)}</Link>
                <div className="muted small">{t(`mail.admin.kinds.${m.kind}`, { defaultValue: m.kind })}</div>
              </td>
              <td data-label={t("mail.admin.to")} className="break">
                {m.to || "—"}
              </td>
              <td data-label={t("mail.admin.subject")}>
                <Link to={`/admin/mail/${m.id}`} className="break">
                  {m.subject}
                </Link>
                {m.ticketNumber && (
                  <div className="muted small">
                    <Link to={`/agent/tickets/${m.ticketNumber}`}>#{m.ticketNumber}</Link>
                  </div>
                )}
              </td>
              <td data-label={t("mail.admin.status")}>
                <span className={`badge mail-status-${m.status}`}>{t(`mail.admin.statuses.${m.status}`)}</span>
                {m.delivery && <div className="muted small">{t(`mail.admin.delivery.${m.delivery}`)}</div>}
                {m.status !== "sent" && m.attempts > 0 && (
                  <div className="muted small">
                    {t("mail.admin.attempts")}: {m.attempts}
                  </div>
                )}
              </td>
            </tr>
          ))}
          {mails.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t("mail.admin.none")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {nextCursor && (
        <p>
          <Link to={`?${new URLSearchParams({ ...kept, cursor: nextCursor })}`}>{t("mail.admin.more")}</Link>
        </p>
      )}
    </>
  );
}
