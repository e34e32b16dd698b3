// In-transaction: a change that can move a ticket's SLA clocks (a public
// reply, a status change, a new priority, type or team, which can select another
// policy) recomputes its targets in the same commit, recording at once what
// has fallen due. Filing sets a new ticket's targets itself (the busiest
// write; server/sla/engine.ts newTicketSla, after the routing rules ran), so
// the events of a filing are left alone here, and so are the changes an SLA
// escalation made (the engine recomputes those tickets itself). A routing
// rule's change on update moves the clocks like anyone's.
import type { InTransactionListener } from "../events/emit.ts";
import { escalationCauseOf } from "../events/types.ts";
import { recomputeSla } from "../sla/engine.ts";

export const slaClocks: InTransactionListener = {
  name: "sla-clocks",
  // A merge moves messages into a ticket: its clocks follow them.
  on: ["ticket.created", "ticket.message_added", "ticket.status_changed", "ticket.priority_changed", "ticket.type_changed", "ticket.team_changed", "ticket.merged"],
  async handle(sql, events) {
    const filed = new Set(events.filter((e) => e.type === "ticket.created").map((e) => e.ticketId));
    const moved = events.filter(
      (e) =>
        e.ticketId &&
        !filed.has(e.ticketId) &&
        (e.type !== "ticket.message_added" || e.data.kind === "public") &&
        // An escalation's own changes: the engine recomputed those tickets already.
        !escalationCauseOf(e),
    );
    if (moved.length === 0) return;
    // One moment for the whole command: its events share it.
    return recomputeSla(sql, moved.map((e) => e.ticketId!), moved[0].at);
  },
};
