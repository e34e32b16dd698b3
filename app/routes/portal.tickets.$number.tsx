import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Field, FormError } from "../components/Field.tsx";
import { MessageThread, StatusBadge, type ThreadMessage } from "../components/Ticket.tsx";
import type { Locale } from "../i18n/config.ts";
import { localName } from "../i18n/config.ts";
import { asResponse, formFailure } from "../utils/forms.server.ts";
import { readFormWithFiles, storeFormFiles } from "../utils/uploads.server.ts";
import { AttachmentPicker } from "../components/Attachments.tsx";
import { useLiveTicket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import { db, requirePermission, addMessage, currentSettings, getTicket, messageHtml, formFields } from "../services.server.ts";
import { FieldFacts } from "../components/TicketFields.tsx";
import { visibleValues } from "../../server/fields/values.ts";
import { pageTitle } from "../utils/meta.ts";
import { ticketNumberParam } from "../utils/params.ts";
import { replyDueAt } from "../../server/tickets/present.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, null, data ? `#${data.ticket.number} ${data.ticket.subject}` : undefined);


export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "tickets.view_own");
  const { ticket, messages, survey, links } = await getTicket(db(), user, ticketNumberParam(params.number)).catch(asResponse);
  // Only the fields shown to customers, and only their values: never the ticket's stored fields as such.
  const shown = await formFields(db(), user);
  const fields = shown.map(({ key, labelEn, labelZh, type, options, required, customerVisible }) => ({
    key,
    labelEn,
    labelZh,
    type,
    options,
    required,
    customerVisible,
  }));
  return {
    viewerId: user.id,
    /** Whether replying to a solved request reopens it (else it takes no more replies). */
    reopenByReply: (await currentSettings(db())).portalReopenByReply,
    ticket: {
      id: ticket.id,
      number: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      type: ticket.type,
      category: ticket.category,
      createdAt: ticket.createdAt.toISOString(),
      replyDueAt: replyDueAt(ticket)?.toISOString() ?? null,
      fields: visibleValues(shown, ticket.fields, "customer"),
    },
    fields,
    messages: messages.map((m) => ({ ...m, html: messageHtml(m), createdAt: m.createdAt.toISOString() })) as ThreadMessage[],
    survey,
    mergedInto: links.mergedInto?.number ?? null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "tickets.reply");
  const upload = await readFormWithFiles(request);
  const { form } = upload;
  try {
    const attachments = await storeFormFiles(user, upload);
    await addMessage(db(), user, ticketNumberParam(params.number), { body: form.get("body"), kind: "public", attachments });
    return { ok: true as const };
  } catch (error) {
    return formFailure(error, form);
  } finally {
    await upload.discard();
  }
}

export default function CustomerTicket() {
  const data = useLoaderData<typeof loader>();
  const { ticket, survey } = data;
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const messages = useLiveTicket(ticket, data.messages);
  const formRef = useRef<HTMLFormElement>(null);
  const fmt = useTimeFormat();

  useEffect(() => {
    if (result?.ok) formRef.current?.reset();
  }, [result]);


  return (
    <div className="page">
      <p>
        <Link to="/portal">← {t("portal.myTickets")}</Link>
      </p>
      {params.get("created") && (
        <div className="notice success" role="status" data-testid="ticket-created">
          <strong>{t("portal.created", { number: ticket.number })}</strong>
          {ticket.replyDueAt && <span> {t("portal.replyDue", { time: fmt.dateTime(ticket.replyDueAt) })}</span>}
        </div>
      )}
      <div className="page-head">
        <h1>
          <span className="muted">#{ticket.number}</span> {ticket.subject}
        </h1>
        <StatusBadge status={ticket.status} />
      </div>
      <p className="muted small">
        {t(`ticket.type.${ticket.type}`)} · {localName(ticket.category, locale)} ·{" "}
        {t("ticket.created")} {fmt.dateTime(ticket.createdAt)}
        {ticket.replyDueAt && (
          <span data-testid="reply-due"> · {t("portal.replyDue", { time: fmt.dateTime(ticket.replyDueAt) })}</span>
        )}
      </p>
      <FieldFacts fields={data.fields} values={ticket.fields} />

      {survey?.token && (
        <div className="notice" data-testid="survey-invite">
          <strong>{t("portal.rateTitle")}</strong> {t("portal.rateLead")}{" "}
          <Link to={`/survey/${survey.token}`} className="btn btn-small">
            {t("portal.rateLink")}
          </Link>
        </div>
      )}
      {survey?.rating && <p className="notice">{t("portal.yourRating", { rating: survey.rating })}</p>}

      <section className="card">
        <h2 className="visually-hidden">{t("ticket.conversation")}</h2>
        <MessageThread messages={messages} viewerId={data.viewerId} />
      </section>

      {data.mergedInto ? (
        <p className="notice" data-testid="merged-notice">
          {t("portal.mergedNotice")} <Link to={`/portal/tickets/${data.mergedInto}`}>#{data.mergedInto}</Link>
        </p>
      ) : ticket.status === "closed" ? (
        <p className="notice">{t("portal.closedNotice")}</p>
      ) : ticket.status === "solved" && !data.reopenByReply ? (
        <p className="notice" data-testid="solved-notice">
          {t("errors.solvedNoReplies")} <Link to="/portal/new">{t("nav.newTicket")}</Link>
        </p>
      ) : (
        <Form method="post" encType="multipart/form-data" className="card form" ref={formRef} noValidate>
          <FormError messageKey={failure?.formError !== "errors.validation" ? failure?.formError : undefined} />
          <Field name="body" label={t("portal.replyLabel")} errors={failure?.fieldErrors?.body}>
            <textarea id="body" name="body" rows={4} defaultValue={failure?.values?.body} />
          </Field>
          <AttachmentPicker id="files" errors={failure?.fieldErrors?.attachments} file={failure?.file} />
          <button type="submit" className="btn" disabled={navigation.state === "submitting"}>
            {t("portal.replySubmit")}
          </button>
          <p className="muted small">{t("portal.liveHint")}</p>
        </Form>
      )}
    </div>
  );
}
