// SLA rules as plain functions: which policy applies to a ticket, and the
// clocks it sets for the ticket's priority (server/sla/clock.ts counts them).
// No I/O.
import { ALWAYS_OPEN, type BusinessCalendar } from "./calendar.ts";
import type { ClockPolicy, TargetName, TargetSpec } from "./clock.ts";
import type { AppliedPolicy, EscalationMoment } from "./targets.ts";

export type TicketType = "complaint" | "inquiry";
export type Priority = "low" | "normal" | "high" | "urgent";
export type CustomerTier = "key" | "growth" | "standard";
export type Channel = "portal" | "email" | "api" | "agent";

/**
 * Whom a level tells: the assignee; the ticket's team, while nobody is assigned (someone there should
 * take it); the supervisors (staff holding sla.escalations).
 */
export const ESCALATION_RECIPIENTS = ["assignee", "team", "supervisors"] as const;
export type EscalationRecipient = (typeof ESCALATION_RECIPIENTS)[number];

/**
 * What a policy does when a level falls due for a run of one of its targets: tell people, raise
 * the priority (never lower it), hand the ticket to a team or an agent, add tags.
 */
export type EscalationLevel = EscalationMoment & {
  notify: EscalationRecipient[];
  raisePriorityTo: Priority | null;
  assignTeamId: string | null;
  assignAgentId: string | null;
  addTags: string[];
};

/** Levels in the order they fall due for a run: at risk first, then after the breach by minutes. */
export function levelOrder(a: EscalationMoment, b: EscalationMoment): number {
  return (a.on === "at_risk" ? 0 : 1) - (b.on === "at_risk" ? 0 : 1) || a.afterMinutes - b.afterMinutes;
}

/** A policy's targets for each priority (a priority left out has none). */
export type PolicyTargets = Partial<Record<Priority, Partial<Record<TargetName, TargetSpec>>>>;

export interface SlaPolicyRule {
  id: string;
  /** As stored (what people call it: notifications name it). */
  name?: string;
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
  /** In the order they fall due (levelOrder). */
  escalations: readonly EscalationLevel[];
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
  escalations: [],
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

/** The clocks of a ticket of this priority under the policy (no targets when the policy sets none for it), and its escalation levels. */
export function appliedPolicyOf(policy: SlaPolicyRule, priority: Priority): AppliedPolicy {
  const clock: ClockPolicy = {
    targets: policy.targets[priority] ?? {},
    calendar: policy.calendar,
    pauseOnHold: policy.pauseOnHold,
    atRisk: policy.atRiskMinutesBefore !== null ? { minutesBefore: policy.atRiskMinutesBefore } : { share: policy.atRiskShare },
  };
  return { id: policy.id, clock, levels: policy.escalations };
}
