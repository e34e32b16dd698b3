// In-transaction: a customer's health score follows the facts it is made of
// (complaints, status changes, missed targets, ratings), in the same commit.
import type { InTransactionListener } from "../events/emit.ts";
import type { NewEvent } from "../events/types.ts";
import { recomputeHealth } from "../health/service.ts";

/** Why the score was recomputed, as kept in its history; null when the event does not bear on it. */
function reasonFor(event: NewEvent): string | null {
  switch (event.type) {
    case "ticket.created":
      return event.data.type === "complaint" ? "complaint_filed" : null;
    case "ticket.status_changed": {
      const { from, to } = event.data;
      return to === "open" && (from === "solved" || from === "pending") ? "ticket_reopened" : `ticket_${to}`;
    }
    case "ticket.sla_breached":
      return "sla_breached";
    case "survey.answered":
      return "csat_answered";
    default:
      return null;
  }
}

export const healthScore: InTransactionListener = {
  name: "health-score",
  on: ["ticket.created", "ticket.status_changed", "ticket.sla_breached", "survey.answered"],
  async handle(sql, events) {
    // Once per customer per command, for the last reason given.
    const due = new Map<string, { reason: string; at: Date }>();
    for (const event of events) {
      const reason = reasonFor(event);
      if (reason && event.customerId) due.set(event.customerId, { reason, at: event.at });
    }
    const changes: NewEvent[] = [];
    // In id order: two transactions recomputing the same customers lock them in the same order (no deadlock).
    for (const [customerId, { reason, at }] of [...due].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const { health, previous } = await recomputeHealth(sql, customerId, reason, at);
      if (previous && previous.score === health.score) continue;
      changes.push({
        type: "customer.health_changed",
        customerId,
        actorId: null,
        at,
        data: {
          score: health.score,
          band: health.band,
          previousScore: previous?.score ?? null,
          previousBand: previous?.band ?? null,
          reason,
        },
      });
    }
    return changes;
  },
};
