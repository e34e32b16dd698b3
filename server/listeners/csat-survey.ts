// In-transaction: a solved ticket gets its CSAT survey (one-time link) in the same commit.
import type { InTransactionListener } from "../events/emit.ts";
import { createSurveyForTicket } from "../surveys/service.ts";

export const csatSurvey: InTransactionListener = {
  name: "csat-survey",
  on: ["ticket.status_changed"],
  async handle(sql, events) {
    for (const event of events) {
      if (event.type !== "ticket.status_changed" || event.data.to !== "solved") continue;
      if (!event.ticketId || !event.customerId) continue;
      await createSurveyForTicket(sql, { id: event.ticketId, requesterId: event.customerId }, event.at);
    }
  },
};
