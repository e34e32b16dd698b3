// The rows of a ticket list: dense on a wide list (one line per ticket),
// cards in a narrow one (beside an open ticket, on a phone). One markup; the
// list pane's width decides (container queries in app.css).
import { useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";
import type { QueueTicket } from "../../server/realtime/protocol.ts";
import { useT } from "../i18n/i18n.ts";
import { useNow, useTimeFormat } from "../utils/time.tsx";
import { PriorityBadge, StatusBadge } from "./Ticket.tsx";
import { SlaTargets } from "./Sla.tsx";
import { BULK_FORM } from "./Bulk.tsx";

/** Which rows are ticked for a bulk change. */
export interface Selection {
  selected: Set<number>;
  toggle(number: number): void;
  setAll(numbers: number[], on: boolean): void;
}

/**
 * The rows link to their tickets with plain anchors, and this one handler
 * on the list follows a plain click inside the app, as a router Link would
 * (fifty Links cost the server a millisecond of every render of the queue).
 * Clicks with a modifier, other buttons and other sites are the browser's.
 */
function useFollowLinks() {
  const navigate = useNavigate();
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as HTMLElement).closest("a");
    if (!link || link.target || link.hasAttribute("download") || link.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  };
}

export function QueueList({
  tickets,
  fresh,
  linkSearch,
  openNumber,
  selection,
}: {
  tickets: QueueTicket[];
  fresh: Set<string>;
  /** Kept on the ticket links, so the list beside the ticket stays the same view and page. */
  linkSearch: string;
  openNumber: number | null;
  selection: Selection;
}) {
  const { t } = useT();
  // Countdowns in minutes: a tick every 10 s keeps them and their colours on time.
  const now = useNow(10_000);
  const fmt = useTimeFormat();
  const followLink = useFollowLinks();
  return (
    <div className="queue" data-testid="queue" onClick={followLink}>
      <div className="queue-row queue-header">
        <input
          type="checkbox"
          className="row-select"
          aria-label={t("bulk.selectPage")}
          checked={tickets.length > 0 && tickets.every((x) => selection.selected.has(x.number))}
          onChange={(event) => selection.setAll(tickets.map((x) => x.number), event.currentTarget.checked)}
        />
        <span aria-hidden>{t("agent.columns.ticket")}</span>
        <span aria-hidden>{t("agent.columns.requester")}</span>
        <span aria-hidden>{t("agent.columns.status")}</span>
        <span aria-hidden>{t("agent.columns.priority")}</span>
        <span aria-hidden>{t("agent.columns.sla")}</span>
        <span aria-hidden>{t("agent.columns.assignee")}</span>
        <span aria-hidden>{t("agent.columns.updated")}</span>
      </div>
      <ul className="queue-rows">
        {tickets.map((ticket) => (
          <li
            key={ticket.id}
            className={`queue-row${fresh.has(ticket.id) ? " fresh" : ""}${ticket.number === openNumber ? " open" : ""}`}
            data-ticket={ticket.number}
            aria-current={ticket.number === openNumber ? "true" : undefined}
          >
            <input
              type="checkbox"
              className="row-select"
              name="numbers"
              value={ticket.number}
              form={BULK_FORM}
              aria-label={t("bulk.select", { number: ticket.number })}
              checked={selection.selected.has(ticket.number)}
              onChange={() => selection.toggle(ticket.number)}
            />
            <a href={`/agent/tickets/${ticket.number}${linkSearch}`} className="ticket-link" title={ticket.subject}>
              <span className="muted">#{ticket.number}</span> {ticket.subject}
            </a>
            <span className="q-requester">
              {ticket.requesterName}
              {ticket.requesterTier === "key" && <span className="badge tier-key">{t("ticket.tier.key")}</span>}
              {ticket.teamName && <span className="muted q-team"> · {ticket.teamName}</span>}
            </span>
            <span className="q-status">
              <StatusBadge status={ticket.status} staff />
            </span>
            <span className="q-priority">
              <PriorityBadge priority={ticket.priority} />
            </span>
            <span className="q-sla">
              <SlaTargets state={ticket.slaState} targets={ticket.slaTargets} now={now} first />
            </span>
            <span className="q-assignee">{ticket.assigneeName ?? <span className="muted">{t("ticket.unassigned")}</span>}</span>
            <span className="q-updated muted small">{fmt.relative(ticket.updatedAt)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
