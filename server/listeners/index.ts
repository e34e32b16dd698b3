// The registry of listeners: one concern per file.
// - in-transaction: their work commits with the change (server/events/emit.ts);
// - durable, after commit: one process at a time, own position, retries and
//   dead letters (server/events/durable.ts);
// - live, after commit: every web process delivers to its own sockets
//   (server/listeners/realtime.ts, started by server/app.ts).
import type { InTransactionListener } from "../events/emit.ts";
import type { DurableListener } from "../events/durable.ts";
import { healthScore } from "./health-score.ts";
import { csatSurvey } from "./csat-survey.ts";
import { slaTimers } from "./sla-timers.ts";
import { slaClocks } from "./sla-clocks.ts";
import { slaRecompute } from "./sla-recompute.ts";
import { searchIndex } from "./search-index.ts";
import { ticketSearch } from "./ticket-search.ts";
import { ticketNotifications } from "./ticket-notifications.ts";
import { assignment } from "./assignment.ts";
import { routingRules } from "./routing-rules.ts";
import { automationClock, automationTimers } from "./automation-timers.ts";
import { ticketMail } from "./ticket-mail.ts";

export function inTransactionListeners(): readonly InTransactionListener[] {
  // Routing first: the others (the SLA clocks above all) then see the ticket as the rules left it.
  return [routingRules, slaClocks, csatSurvey, healthScore, ticketNotifications, automationClock];
}

export function durableListeners(): readonly DurableListener[] {
  return [searchIndex, ticketSearch, slaTimers, slaRecompute, assignment, automationTimers, ticketMail];
}
