// Pieces of a ticket shared by the portal and the agent workspace.
import { useTranslation } from "react-i18next";
import { useTimeFormat } from "../utils/time.tsx";

export function StatusBadge({ status, staff = false }: { status: string; staff?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {t(`${staff ? "ticket.statusStaff" : "ticket.status"}.${status}`)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  const { t } = useTranslation();
  return <span className={`badge priority-${priority}`}>{t(`ticket.priority.${priority}`)}</span>;
}

export function SlaBadge({ state, dueAt }: { state: string; dueAt?: string | null }) {
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  const detail =
    dueAt && (state === "on_track" || state === "at_risk") ? t("sla.dueIn", { time: fmt.relative(dueAt) }) : null;
  return (
    <span className={`badge sla-${state}`} data-sla={state} title={dueAt ? fmt.dateTime(dueAt) : undefined}>
      {t(`sla.state.${state}`)}
      {detail ? <span className="sla-detail"> · {detail}</span> : null}
    </span>
  );
}

export interface ThreadMessage {
  id: string;
  ticketId?: string;
  kind: "public" | "internal" | "system";
  body: string;
  createdAt: string | Date;
  author: { id: string; name: string; role: string } | null;
}

/** System events are stored as `field:value` lines and told in the reader's language. */
function SystemEvent({ message }: { message: ThreadMessage }) {
  const { t } = useTranslation();
  const actor = message.author?.name ?? t("ticket.support");
  return (
    <>
      {message.body.split("\n").map((line, i) => {
        const [field, ...rest] = line.split(":");
        const value = rest.join(":");
        let text: string;
        if (field === "status") text = t("ticket.system.status", { actor, value: t(`ticket.statusStaff.${value}`) });
        else if (field === "priority") text = t("ticket.system.priority", { actor, value: t(`ticket.priority.${value}`) });
        else if (field === "assignee" && value) text = t("ticket.system.assignee", { actor, value });
        else if (field === "assignee") text = t("ticket.system.unassigned", { actor });
        else text = line;
        return <div key={i}>{text}</div>;
      })}
    </>
  );
}

/** Notes the system writes (a low CSAT rating) are stored as `csat:N` plus the comment. */
function InternalBody({ body }: { body: string }) {
  const { t } = useTranslation();
  const match = /^csat:(\d)(?:\n([\s\S]*))?$/.exec(body);
  if (!match) return <>{body}</>;
  return (
    <>
      <strong>{t("ticket.csatNote", { rating: match[1] })}</strong>
      {match[2] ? `\n“${match[2]}”` : null}
    </>
  );
}

export function MessageThread({ messages, viewerId }: { messages: ThreadMessage[]; viewerId: string }) {
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  return (
    <ol className="thread" aria-live="polite">
      {messages.map((m) => {
        const mine = m.author?.id === viewerId;
        const who = mine ? t("ticket.you") : (m.author?.name ?? t("ticket.support"));
        if (m.kind === "system") {
          return (
            <li key={m.id} className="msg msg-system" data-kind="system">
              <SystemEvent message={m} />
              <time dateTime={new Date(m.createdAt).toISOString()}>{fmt.dateTime(m.createdAt)}</time>
            </li>
          );
        }
        return (
          <li
            key={m.id}
            className={`msg msg-${m.kind}${mine ? " msg-mine" : ""}${m.author?.role === "customer" ? " msg-customer" : ""}`}
            data-kind={m.kind}
          >
            <div className="msg-head">
              <strong>{who}</strong>
              {m.kind === "internal" && <span className="badge internal">{t("ticket.internalNote")}</span>}
              <time dateTime={new Date(m.createdAt).toISOString()}>{fmt.dateTime(m.createdAt)}</time>
            </div>
            <div className="msg-body">{m.kind === "internal" ? <InternalBody body={m.body} /> : m.body}</div>
          </li>
        );
      })}
    </ol>
  );
}
