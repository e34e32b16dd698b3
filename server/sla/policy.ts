// SLA rules as plain functions: which policy applies to a ticket and the due
// times it sets (server/sla/clock.ts counts them), and the state of a target
// at a given moment. No I/O.
import { addBusinessMinutes, ALWAYS_OPEN, ClosedCalendarError, type BusinessCalendar } from "./calendar.ts";
import type { TargetName, TargetSpec } from "./clock.ts";

export type TicketType = "complaint" | "inquiry";
export type Priority = "low" | "normal" | "high" | "urgent";
export type CustomerTier = "key" | "growth" | "standard";
export type Channel = "portal" | "email" | "api" | "agent";

/** A policy's targets for each priority (a priority left out has none). */
export type PolicyTargets = Partial<Record<Priority, Partial<Record<TargetName, TargetSpec>>>>;

export interface SlaPolicyRule {
  id: string;
  position: number;
  enabled: boolean;
  /** The ticket's value must be in each list that is not empty. */
  types: readonly TicketType[];
  priorities: readonly Priority[];
  tiers: readonly CustomerTier[];
  channels: readonly Channel[];
  categoryIds: readonly string[];
  teamIds: readonly string[];
  calendar: BusinessCalendar;
  pauseOnHold: boolean;
  atRiskShare: number;
  atRiskMinutesBefore: number | null;
  targets: PolicyTargets;
}

export const PRIORITIES: readonly Priority[] = ["low", "normal", "high", "urgent"];

/** The same targets for every priority. */
export function samePerPriority(targets: Partial<Record<TargetName, TargetSpec>>): PolicyTargets {
  return Object.fromEntries(PRIORITIES.map((priority) => [priority, targets]));
}

/** A new policy's settings until told otherwise: for every ticket, on the always-open calendar, at risk at 75 %. */
export const POLICY_DEFAULTS = {
  enabled: true,
  types: [],
  priorities: [],
  tiers: [],
  channels: [],
  categoryIds: [],
  teamIds: [],
  calendar: ALWAYS_OPEN,
  pauseOnHold: false,
  atRiskShare: 0.75,
  atRiskMinutesBefore: null,
} satisfies Omit<SlaPolicyRule, "id" | "position" | "targets">;

/** What a policy's conditions look at. */
export interface SlaSubject {
  type: TicketType;
  priority: Priority;
  tier: CustomerTier;
  channel: Channel;
  categoryId: string;
  teamId: string | null;
}

const holds = <T>(allowed: readonly T[], value: T) => allowed.length === 0 || allowed.includes(value);

/** The first enabled policy (by position) whose conditions all hold; an empty condition matches anything. */
export function selectPolicy<P extends SlaPolicyRule>(policies: readonly P[], subject: SlaSubject): P | undefined {
  return [...policies]
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .find(
      (p) =>
        p.enabled &&
        holds(p.types, subject.type) &&
        holds(p.priorities, subject.priority) &&
        holds(p.tiers, subject.tier) &&
        holds(p.channels, subject.channel) &&
        holds(p.categoryIds, subject.categoryId) &&
        (p.teamIds.length === 0 || (subject.teamId !== null && p.teamIds.includes(subject.teamId))),
    );
}

/** When a new ticket's first response and resolution are due under the policy (null for a target it does not set). */
export function dueTimes(policy: Pick<SlaPolicyRule, "targets" | "calendar">, priority: Priority, from: Date) {
  const due = (spec: TargetSpec | undefined) => {
    if (!spec) return null;
    // Calendar minutes need no calendar walk: filing a ticket is the busiest write.
    if (!spec.business) return new Date(from.getTime() + spec.minutes * 60_000);
    try {
      return new Date(addBusinessMinutes(policy.calendar, from.getTime(), spec.minutes));
    } catch (error) {
      // The calendar has too little open time for the target (it changed after the policy was set up):
      // the ticket is filed without that due time rather than refused.
      if (error instanceof ClosedCalendarError) return null;
      throw error;
    }
  };
  const targets = policy.targets[priority] ?? {};
  return { firstResponseDueAt: due(targets.first_response), resolutionDueAt: due(targets.resolution) };
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
