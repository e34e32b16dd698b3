// After commit, durable: keeps the tickets search index in step with every
// change a search can see (text, status, people, tags). Indexing reads the
// tickets' current rows, so a retried or repeated batch writes the same
// documents again (idempotent), and a batch writes each ticket once.
import type { DurableListener } from "../events/durable.ts";
import { db } from "../db/client.ts";
import { indexTickets } from "../../search/tickets.ts";

export const ticketSearch: DurableListener = {
  name: "ticket-search",
  on: [
    "ticket.created",
    "ticket.message_added",
    "ticket.status_changed",
    "ticket.priority_changed",
    "ticket.type_changed",
    "ticket.assignee_changed",
    "ticket.team_changed",
    "ticket.tags_changed",
    // Not searched, but the document's "last updated" moves with it.
    "ticket.field_changed",
    // Messages moved from one ticket to the other.
    "ticket.merged",
    "ticket.merged_into",
  ],
  async handle(events) {
    const ids = new Set(events.flatMap((e) => (e.ticketId ? [e.ticketId] : [])));
    await indexTickets(db(), [...ids]);
  },
};
