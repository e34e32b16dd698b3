// The state of one run of an SLA target at a moment, from its instants: what
// screens show and count down to. Plain, with no imports, so the browser can
// run it too (the queue's badges change state without asking the server).

/** What the SLA board groups worked tickets and compliance by. */
export const SLA_GROUPS = ["team", "agent", "priority", "policy"] as const;
export type SlaGroup = (typeof SLA_GROUPS)[number];

/** A ticket's SLA at a glance (targets.ts ticketSla). */
export const TICKET_SLA_STATES = ["none", "on_track", "at_risk", "breached", "paused", "met", "missed"] as const;
export type TicketSlaState = (typeof TICKET_SLA_STATES)[number];

export const RUN_STATES = ["on_track", "at_risk", "breached", "paused", "met", "met_late"] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunInstants {
  dueAt: number | null;
  atRiskAt: number | null;
  fulfilledAt: number | null;
  pausedSince: number | null;
}

/**
 * Met (on time or late) once fulfilled; breached from the due time on, even while the clock
 * stands still; paused while it stands still with time left; at risk from the at-risk time on.
 */
export function runState(run: RunInstants, now: number): RunState {
  if (run.fulfilledAt !== null) return run.dueAt !== null && run.fulfilledAt > run.dueAt ? "met_late" : "met";
  if (run.dueAt !== null && now >= run.dueAt) return "breached";
  if (run.pausedSince !== null) return "paused";
  if (run.atRiskAt !== null && now >= run.atRiskAt) return "at_risk";
  return "on_track";
}
