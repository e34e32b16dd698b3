// SLA rules as plain functions: which policy applies to a ticket, the due
// times it sets, and the state of a target at a given moment. No I/O.
// Targets are in calendar minutes for now; business calendars come later.

export type TicketType = "complaint" | "inquiry";
export type Priority = "low" | "normal" | "high" | "urgent";
export type CustomerTier = "key" | "growth" | "standard";

export interface SlaPolicyRule {
  id: string;
  position: number;
  matchType: TicketType | null;
  matchPriority: Priority | null;
  matchTier: CustomerTier | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface SlaSubject {
  type: TicketType;
  priority: Priority;
  tier: CustomerTier;
}

/** The first policy (by position) whose set conditions all match; unset conditions match anything. */
export function selectPolicy<P extends SlaPolicyRule>(policies: readonly P[], subject: SlaSubject): P | undefined {
  return [...policies]
    .sort((a, b) => a.position - b.position)
    .find(
      (p) =>
        (p.matchType === null || p.matchType === subject.type) &&
        (p.matchPriority === null || p.matchPriority === subject.priority) &&
        (p.matchTier === null || p.matchTier === subject.tier),
    );
}

const MINUTE = 60_000;

export function dueTimes(policy: Pick<SlaPolicyRule, "firstResponseMinutes" | "resolutionMinutes">, from: Date) {
  return {
    firstResponseDueAt: new Date(from.getTime() + policy.firstResponseMinutes * MINUTE),
    resolutionDueAt: new Date(from.getTime() + policy.resolutionMinutes * MINUTE),
  };
}

export type SlaState = "none" | "met" | "on_track" | "at_risk" | "breached";

/** Share of the target window left below which a target counts as at risk. */
export const AT_RISK_SHARE = 0.25;

/**
 * State of one target. `startedAt` is when the clock started (ticket created),
 * `doneAt` when the target was achieved (first reply, solve), if it was.
 */
export function targetState(
  target: { startedAt: Date; dueAt: Date | null; doneAt: Date | null },
  now: Date,
): SlaState {
  if (!target.dueAt) return "none";
  const due = target.dueAt.getTime();
  if (target.doneAt) return target.doneAt.getTime() <= due ? "met" : "breached";
  if (now.getTime() > due) return "breached";
  const window = due - target.startedAt.getTime();
  const left = due - now.getTime();
  return window > 0 && left / window <= AT_RISK_SHARE ? "at_risk" : "on_track";
}

const severity: Record<SlaState, number> = { none: 0, met: 1, on_track: 2, at_risk: 3, breached: 4 };

/** The ticket's SLA state: the worst of its targets that are still open or were missed. */
export function ticketSlaState(
  t: {
    createdAt: Date;
    firstResponseDueAt: Date | null;
    firstRespondedAt: Date | null;
    resolutionDueAt: Date | null;
    solvedAt: Date | null;
  },
  now: Date,
): SlaState {
  const first = targetState({ startedAt: t.createdAt, dueAt: t.firstResponseDueAt, doneAt: t.firstRespondedAt }, now);
  const resolution = targetState({ startedAt: t.createdAt, dueAt: t.resolutionDueAt, doneAt: t.solvedAt }, now);
  return severity[first] >= severity[resolution] ? first : resolution;
}
