// The runs of a ticket's SLA targets as stored (SlaTarget rows), as plain
// functions: what the clocks say now (clock.ts) laid over what was stored
// before, so that warnings and breaches already recorded stay recorded
// (each exactly once) and every change is a timeline event; what falls due
// at a moment (the firing job and every recompute record it); and the
// ticket's summary (state, next due time). No I/O (server/sla/engine.ts
// reads and writes).
import { ticketClocks, type ClockPolicy, type Fact, type TargetName, type TicketStatus } from "./clock.ts";
import type { TicketSlaState } from "./state.ts";

export type { TicketSlaState } from "./state.ts";

/** One run of one target's clock, as the SlaTarget row stores it (instants in epoch ms). */
export interface TargetRun {
  target: TargetName;
  /** 1 for the target's first run on the ticket, then 2, 3, … */
  cycle: number;
  policyId: string;
  startedAt: number;
  dueAt: number | null;
  atRiskAt: number | null;
  fulfilledAt: number | null;
  pausedSince: number | null;
  /** When the warning and the breach were recorded, each once. */
  warnedAt: number | null;
  breachedAt: number | null;
  /**
   * The moment of the last escalation level fired for this run: levels whose moments lie at or
   * before it have fired. A moment, not a count, so adding or removing levels never fires one twice.
   */
  escalatedThrough: number | null;
  /** The next moment something falls due for this run; null when nothing will. */
  alarmAt: number | null;
}

/** When an escalation level falls due: at the at-risk time, or some minutes after the due time. */
export interface EscalationMoment {
  on: "at_risk" | "breached";
  afterMinutes: number;
}

/** How a run changed in a recompute; each is a `ticket.sla_changed` event on the ticket's timeline. */
export type RunChange = "applied" | "paused" | "resumed" | "fulfilled" | "recomputed" | "removed";

export type RunEvent =
  | { kind: "changed"; change: RunChange; run: TargetRun }
  | { kind: "warned"; run: TargetRun }
  | { kind: "breached"; run: TargetRun }
  /** The policy's escalation level `level` (an index into its levels) fell due. */
  | { kind: "escalated"; run: TargetRun; level: number };

/** An instant of a run (epoch ms) as stored and sent: ISO 8601, or null. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const runKey = (run: Pick<TargetRun, "target" | "cycle">) => `${run.target}#${run.cycle}`;

/** The policy a ticket's clocks run under, with its escalation levels in the order they fall due. */
export interface AppliedPolicy {
  id: string;
  clock: ClockPolicy;
  levels: readonly EscalationMoment[];
}

/** When the level falls due for the run (null while that is not known). */
export function levelMoment(run: Pick<TargetRun, "atRiskAt" | "dueAt">, level: EscalationMoment): number | null {
  if (level.on === "at_risk") return run.atRiskAt;
  return run.dueAt === null ? null : run.dueAt + level.afterMinutes * 60_000;
}

/**
 * The next moment the firing job must look at the run: its warning, its breach or its next
 * escalation level, whichever is first and not yet recorded. Nothing falls due for a run that
 * was met or stands still.
 */
export function alarmOf(run: TargetRun, levels: readonly EscalationMoment[] = []): number | null {
  if (run.fulfilledAt !== null || run.pausedSince !== null) return null;
  const moments = [
    run.breachedAt === null ? run.dueAt : null,
    run.breachedAt === null && run.warnedAt === null ? run.atRiskAt : null,
    ...pendingLevels(run, levels).map((l) => l.at),
  ].filter((m): m is number => m !== null);
  return moments.length ? Math.min(...moments) : null;
}

/** The levels not fired yet, with their moments, in the order they fall due (levels are kept in that order). */
function pendingLevels(run: TargetRun, levels: readonly EscalationMoment[]): { level: number; at: number }[] {
  return levels.flatMap((level, i) => {
    const at = levelMoment(run, level);
    return at !== null && (run.escalatedThrough === null || at > run.escalatedThrough) ? [{ level: i, at }] : [];
  });
}

/**
 * Records what has fallen due by `now`: the breach of a run whose time ran out (before it was
 * met, however late it was met), and otherwise the warning of a running one past its at-risk
 * time. A run whose time already ran out gets no warning: the breach says more. A clock that
 * stands still is not getting later, so it is not warned until it runs again.
 */
export function recordDue(run: TargetRun, now: number, levels: readonly EscalationMoment[] = []): { run: TargetRun; events: RunEvent[] } {
  const events: RunEvent[] = [];
  let next = run;
  const ranOut = run.dueAt !== null && run.dueAt <= now && (run.fulfilledAt === null || run.fulfilledAt > run.dueAt);
  if (ranOut && run.breachedAt === null) {
    next = { ...next, breachedAt: now };
    events.push({ kind: "breached", run: next });
  } else if (
    !ranOut &&
    run.warnedAt === null &&
    run.fulfilledAt === null &&
    run.pausedSince === null &&
    run.atRiskAt !== null &&
    run.atRiskAt <= now
  ) {
    next = { ...next, warnedAt: now };
    events.push({ kind: "warned", run: next });
  }
  // Escalation levels in order, each once, while the run is running (one standing still waits); an
  // at-risk level whose warning never came (the time ran out first) passes without firing.
  let escalatedThrough = next.escalatedThrough;
  if (next.fulfilledAt === null && next.pausedSince === null) {
    for (const { level, at } of pendingLevels(next, levels)) {
      if (at > now) break;
      escalatedThrough = at;
      if (levels[level].on === "at_risk" && next.warnedAt === null) continue;
      events.push({ kind: "escalated", run: next, level });
    }
  }
  next = { ...next, escalatedThrough };
  next = { ...next, alarmAt: alarmOf(next, levels) };
  // The events carry the run as stored, alarm included.
  return { run: next, events: events.map((e) => ({ ...e, run: next })) };
}

const same = (a: TargetRun, b: TargetRun) =>
  a.policyId === b.policyId &&
  a.startedAt === b.startedAt &&
  a.dueAt === b.dueAt &&
  a.atRiskAt === b.atRiskAt &&
  a.fulfilledAt === b.fulfilledAt &&
  a.pausedSince === b.pausedSince;

function changeOf(before: TargetRun | undefined, after: TargetRun): RunChange | null {
  if (!before) return "applied";
  if (same(before, after)) return null;
  if (before.fulfilledAt === null && after.fulfilledAt !== null) return "fulfilled";
  if (before.pausedSince === null && after.pausedSince !== null) return "paused";
  if (before.pausedSince !== null && after.pausedSince === null && before.policyId === after.policyId) return "resumed";
  return "recomputed";
}

/**
 * The runs a ticket's targets have now under `policy` (none without one), from its facts, laid
 * over the runs stored before: a recorded warning or breach stays while its moment still lies
 * in the past (a policy or calendar that moved the due time later takes it back, and it can fall
 * due again), and whatever has fallen due by `now` is recorded. Returns the runs to store, the
 * stored runs that no longer exist, and the events of it all.
 */
export function planRuns(
  policy: AppliedPolicy | null,
  facts: readonly Fact[],
  previous: readonly TargetRun[],
  now: number,
): { runs: TargetRun[]; removed: TargetRun[]; events: RunEvent[] } {
  const before = new Map(previous.map((run) => [runKey(run), run]));
  const counted = new Map<TargetName, number>();
  const runs: TargetRun[] = [];
  const events: RunEvent[] = [];
  for (const cycle of policy ? ticketClocks(policy.clock, facts, now) : []) {
    const number = (counted.get(cycle.target) ?? 0) + 1;
    counted.set(cycle.target, number);
    const old = before.get(runKey({ target: cycle.target, cycle: number }));
    const stillPast = (recorded: number | null | undefined, moment: number | null) =>
      recorded != null && moment !== null && moment <= now ? recorded : null;
    const fresh: TargetRun = {
      target: cycle.target,
      cycle: number,
      policyId: policy!.id,
      startedAt: cycle.startedAt,
      dueAt: cycle.dueAt,
      atRiskAt: cycle.atRiskAt,
      fulfilledAt: cycle.fulfilledAt,
      pausedSince: cycle.pausedSince,
      warnedAt: stillPast(old?.warnedAt, cycle.atRiskAt),
      breachedAt: stillPast(old?.breachedAt, cycle.dueAt),
      // Under another policy its levels start afresh; under the same one, what fired stays fired
      // (levels whose moments moved later fall due again at their new moments).
      escalatedThrough: old && old.policyId === policy!.id ? old.escalatedThrough : null,
      alarmAt: null,
    };
    const recorded = recordDue(fresh, now, policy!.levels);
    const change = changeOf(old, recorded.run);
    if (change) events.push({ kind: "changed", change, run: recorded.run });
    events.push(...recorded.events);
    runs.push(recorded.run);
  }
  const kept = new Set(runs.map(runKey));
  const removed = previous.filter((run) => !kept.has(runKey(run)));
  for (const run of removed) events.push({ kind: "changed", change: "removed", run });
  return { runs, removed, events };
}


const ACTIVE: ReadonlySet<TicketStatus> = new Set(["new", "open", "pending", "on_hold"]);

/**
 * The ticket's SLA at a glance, from its runs as recorded: while it is worked, the worst of the
 * runs not yet met (breached, at risk once warned, on track, or paused when all stand still) and
 * the earliest due time among those running; once solved or closed, or when every run was met,
 * met or missed (a breach recorded on any run).
 */
export function ticketSla(status: TicketStatus, runs: readonly TargetRun[]): { state: TicketSlaState; dueAt: number | null } {
  if (runs.length === 0) return { state: "none", dueAt: null };
  const missed = runs.some((r) => r.breachedAt !== null);
  if (!ACTIVE.has(status)) return { state: missed ? "missed" : "met", dueAt: null };
  const open = runs.filter((r) => r.fulfilledAt === null);
  const running = open.filter((r) => r.pausedSince === null);
  const dues = running.map((r) => r.dueAt).filter((d): d is number => d !== null);
  const dueAt = dues.length ? Math.min(...dues) : null;
  if (open.some((r) => r.breachedAt !== null)) return { state: "breached", dueAt };
  if (running.some((r) => r.warnedAt !== null)) return { state: "at_risk", dueAt };
  if (running.length) return { state: "on_track", dueAt };
  if (open.length) return { state: "paused", dueAt: null };
  return { state: missed ? "missed" : "met", dueAt: null };
}
