// A ticket's SLA clocks from its history, as a plain function: for each
// target of its policy, when its clock started, whether it runs or is
// paused, when it is (or was) due, when it turns at risk, and its state now.
// Everything is recomputed from the facts, never from "now" alone, so a
// change of policy or calendar gives the same answer as if it had always
// applied (docs/sla-clocks.md, "Targets").
import { runState, type RunState } from "./state.ts";
import { addBusinessMinutes, ALWAYS_OPEN, businessMsBetween, ClosedCalendarError, type BusinessCalendar, type Span } from "./calendar.ts";

export const TARGETS = ["first_response", "next_response", "periodic_update", "resolution"] as const;
export type TargetName = (typeof TARGETS)[number];

/** A type, not an interface: stored as JSON, it must fit Prisma's JSON input type. */
export type TargetSpec = {
  minutes: number;
  /** Business minutes of the policy's calendar, or calendar minutes (always open). */
  business: boolean;
};

export interface ClockPolicy {
  targets: Partial<Record<TargetName, TargetSpec>>;
  calendar: BusinessCalendar;
  /** Pending always pauses the clocks; on hold only when the policy says so. */
  pauseOnHold: boolean;
  /** At risk once this share of the time is used, or this many (target) minutes before due. */
  atRisk: { share: number } | { minutesBefore: number };
}

export type TicketStatus = "new" | "open" | "pending" | "on_hold" | "solved" | "closed";

/** What the clocks follow, in the order it happened. Internal notes and automatic replies are not facts. */
export type Fact =
  | { at: number; kind: "created" }
  | { at: number; kind: "status"; to: TicketStatus }
  | { at: number; kind: "reply"; by: "agent" | "customer" };

export type TargetState = RunState;

/** One run of a target's clock: first response and resolution have one, next response and periodic update one per exchange. */
export interface Cycle {
  target: TargetName;
  startedAt: number;
  /** When the time runs (or ran) out; null while paused with time left (it depends on when the pause ends). */
  dueAt: number | null;
  /** When it turns (or turned) at risk; null as dueAt. */
  atRiskAt: number | null;
  /** When the target was achieved, if it was. */
  fulfilledAt: number | null;
  /** Since when the clock stands still, if it does now. */
  pausedSince: number | null;
  /** Time counted so far (business or calendar ms, as the target says). */
  usedMs: number;
  state: TargetState;
}

const ACTIVE: ReadonlySet<TicketStatus> = new Set(["new", "open", "pending", "on_hold"]);

/** Spans in which a ticket's clocks stand still: pending (and on hold when the policy says so), and while solved or closed. */
function stillSpans(facts: readonly Fact[], policy: ClockPolicy): Span[] {
  const spans: Span[] = [];
  let pausedFrom: number | null = null;
  const stands = (status: TicketStatus) => status === "pending" || (policy.pauseOnHold && status === "on_hold") || !ACTIVE.has(status);
  for (const fact of facts) {
    if (fact.kind !== "status") continue;
    const still = stands(fact.to);
    if (still && pausedFrom === null) pausedFrom = fact.at;
    if (!still && pausedFrom !== null) {
      spans.push({ from: pausedFrom, to: fact.at });
      pausedFrom = null;
    }
  }
  // Still now: open-ended.
  if (pausedFrom !== null) spans.push({ from: pausedFrom, to: Number.POSITIVE_INFINITY });
  return spans;
}

/** Where each target's clock starts and stops, from the replies and statuses. */
function cyclesOf(facts: readonly Fact[], targets: ClockPolicy["targets"]): { target: TargetName; startedAt: number; fulfilledAt: number | null }[] {
  const out: { target: TargetName; startedAt: number; fulfilledAt: number | null }[] = [];
  const created = facts.find((f) => f.kind === "created")?.at ?? facts[0]?.at;
  if (created === undefined) return out;
  let firstReply: number | null = null;
  let waitingSince: number | null = null; // the oldest customer reply no agent has answered (after the first response)
  let lastAgentReply: number | null = null;
  let solvedAt: number | null = null;
  const nextResponses: { startedAt: number; fulfilledAt: number | null }[] = [];
  const updates: { startedAt: number; fulfilledAt: number | null }[] = [];
  for (const fact of facts) {
    if (fact.kind === "reply" && fact.by === "agent") {
      firstReply ??= fact.at;
      if (waitingSince !== null) {
        nextResponses.push({ startedAt: waitingSince, fulfilledAt: fact.at });
        waitingSince = null;
      }
      if (lastAgentReply !== null) updates.push({ startedAt: lastAgentReply, fulfilledAt: fact.at });
      lastAgentReply = fact.at;
    }
    if (fact.kind === "reply" && fact.by === "customer" && firstReply !== null && waitingSince === null) waitingSince = fact.at;
    if (fact.kind === "status") solvedAt = ACTIVE.has(fact.to) ? null : (solvedAt ?? fact.at);
  }
  if (waitingSince !== null) nextResponses.push({ startedAt: waitingSince, fulfilledAt: null });
  if (lastAgentReply !== null) updates.push({ startedAt: lastAgentReply, fulfilledAt: null });

  if (targets.first_response) out.push({ target: "first_response", startedAt: created, fulfilledAt: firstReply });
  if (targets.next_response) for (const c of nextResponses) out.push({ target: "next_response", ...c });
  if (targets.periodic_update) for (const c of updates) out.push({ target: "periodic_update", ...c });
  // Reopening resumes the resolution clock where it stopped: solved time counts as a pause below.
  if (targets.resolution) out.push({ target: "resolution", startedAt: created, fulfilledAt: solvedAt });
  return out;
}

function orIfClosed<T, F>(count: () => T, fallback: F): T | F {
  try {
    return count();
  } catch (error) {
    if (error instanceof ClosedCalendarError) return fallback;
    throw error;
  }
}

/**
 * Every cycle of every target of the policy, with its state at `now`. Pending
 * (and on hold when the policy says so) pauses every running clock; so do
 * solved and closed, which fulfil the resolution target (until reopened).
 */
export function ticketClocks(policy: ClockPolicy, allFacts: readonly Fact[], now: number): Cycle[] {
  // What has not happened yet does not count (a clock is asked about a moment of the ticket's past too).
  const facts = allFacts.filter((f) => f.at <= now);
  const still = stillSpans(facts, policy);
  return cyclesOf(facts, policy.targets).map(({ target, startedAt, fulfilledAt }) => {
    const spec = policy.targets[target]!;
    const calendar = spec.business ? policy.calendar : ALWAYS_OPEN;
    const end = fulfilledAt ?? now;
    // Stillness that began by the cycle's end (a clock paused this very moment is paused); an open
    // one (paused now) is cut at the end.
    const pauses = still.filter((p) => p.from <= end).map((p) => ({ from: p.from, to: Math.min(p.to, end) }));
    const open = still.find((p) => p.to === Number.POSITIVE_INFINITY && p.from <= end);
    const pausedSince = fulfilledAt === null && open ? Math.max(open.from, startedAt) : null;
    const usedMs = orIfClosed(() => businessMsBetween(calendar, startedAt, end, pauses), 0);
    // A due time reached before an open pause began is known; one after it depends on when the pause ends.
    // A calendar with too little open time (changed after the policy was set up) leaves it unknown.
    const known = (minutes: number) => {
      const at = orIfClosed(() => addBusinessMinutes(calendar, startedAt, minutes, pausedSince === null ? pauses : pauses.filter((p) => p.from < pausedSince)), null);
      return at === null || (pausedSince !== null && at > pausedSince) ? null : at;
    };
    const dueAt = known(spec.minutes);
    const riskMinutes = "share" in policy.atRisk ? spec.minutes * policy.atRisk.share : Math.max(0, spec.minutes - policy.atRisk.minutesBefore);
    const atRiskAt = known(riskMinutes);
    // States go by instants: time that ran out at a closing time is late from that moment on, although
    // no more business time passes until the next opening.
    const state = runState({ dueAt, atRiskAt, fulfilledAt, pausedSince }, now);
    return { target, startedAt, dueAt, atRiskAt, fulfilledAt, pausedSince, usedMs, state };
  });
}
