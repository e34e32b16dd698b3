// /admin/mail/received (settings.manage): mail the helpdesk received, newest first, filtered by
// what became of it; each opens its own page (admin.mail.received_.$id.tsx).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useT } from "../i18n/i18n.ts";
import { asResponse } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { db, INBOUND_STATUSES, listInboundMail, requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "inbound.received.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  // Built here, not at the top: the statuses come from server code, which the browser's bundle leaves out.
  const Filters = z.object({
    status: z.enum(INBOUND_STATUSES).optional().catch(undefined),
    cursor: z.string().max(300).optional().catch(undefined),
  });
  const filters = Filters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listInboundMail(db(), user, { ...filters, limit: 50 }).catch(asResponse);
  return {
    filters,
    statuses: INBOUND_STATUSES,
    mails: page.items.map((m) => ({
      id: m.id,
      receivedAt: m.receivedAt.toISOString(),
      from: m.fromAddress ?? m.envelopeFrom ?? "",
      subject: m.subject,
      status: m.status,
      outcome: m.outcome,
      ticketNumber: m.ticketNumber,
      via: m.via,
      channelAddress: m.channelAddress,
    })),
    nextCursor: page.nextCursor,
  };
}

export default function ReceivedMail() {
  const { filters, statuses, mails, nextCursor } = useLoaderData<typeof loader>();
  const { t } = useT();
  const fmt = useTimeFormat();
  return (
    <>
      <h2>{t("inbound.received.title")}</h2>
      <p className="muted">{t("inbound.received.lead")}</p>
      <Form method="get" className="admin-actions" role="search">
        <select name="status" defaultValue={filters.status ?? ""} aria-label={t("inbound.received.status")}>
          <option value="">{t("inbound.received.anyStatus")}</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`inbound.status.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary">
          {t("inbound.received.filter")}
        </button>
      </Form>
      <table className="admin-table" data-testid="received-mail">
        <thead>
          <tr>
            <th>{t("inbound.received.receivedAt")}</th>
            <th>{t("inbound.received.from")}</th>
            <th>{t("inbound.received.subject")}</th>
            <th>{t("inbound.received.status")}</th>
            <th>{t("inbound.received.ticket")}</th>
          </tr>
        </thead>
        <tbody>
          {mails.map((m) => (
            <tr key={m.id}>
              <td>
                <Link to={`/admin/mail/received/${m.id}`}>{fmt.dateTime(m.receivedAt)}</Link>
                {m.via === "imap" && <div className="muted small">{t("inbound.received.viaImap", { address: m.channelAddress ?? "?" })}</div>}
              </td>
              <td data-label={t("inbound.received.from")} className="break">
                {m.from || "—"}
              </td>
              <td data-label={t("inbound.received.subject")}>
                <Link to={`/admin/mail/received/${m.id}`}>{m.subject || t("inbound.received.noSubject")}</Link>
              </td>
              <td data-label={t("inbound.received.status")}>
                <span className={`badge mail-status-${m.status}`}>{t(`inbound.status.${m.status}`)}</span>
                {m.outcome && <div className="muted small">{t(`inbound.outcome.${m.outcome}`, { defaultValue: m.outcome })}</div>}
              </td>
              <td data-label={t("inbound.received.ticket")}>{m.ticketNumber ? <Link to={`/agent/tickets/${m.ticketNumber}`}>#{m.ticketNumber}</Link> : "—"}</td>
            </tr>
          ))}
          {mails.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t("inbound.received.none")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {nextCursor && (
        <p>
          <Link to={`?${new URLSearchParams({ ...(filters.status ? { status: filters.status } : {}), cursor: nextCursor })}`}>{t("inbound.received.more")}</Link>
        </p>
      )}
    </>
  );
}
