// The runs of a ticket's SLA targets as stored: what filing starts, what a
// recompute keeps and changes, what falls due and is recorded exactly once,
// and the ticket's summary.
import { describe, expect, test } from "vitest";
import { newTicketSla } from "../../server/sla/engine.ts";
import { POLICY_DEFAULTS, type SlaPolicyRule } from "../../server/sla/policy.ts";
import type { BusinessCalendar } from "../../server/sla/calendar.ts";
import type { Fact } from "../../server/sla/clock.ts";
import { alarmOf, planRuns, recordDue, ticketSla, type AppliedPolicy, type TargetRun } from "../../server/sla/targets.ts";

const T0 = Date.parse("2026-11-23T10:00:00Z");
const min = (m: number) => T0 + m * 60_000;
const created: Fact = { at: T0, kind: "created" };
const agentReply = (at: number): Fact => ({ at, kind: "reply", by: "agent" });
const status = (at: number, to: "pending" | "open" | "solved"): Fact => ({ at, kind: "status", to });

/** First response in 60 minutes and resolution in 600, calendar time, at risk at 75 %. */
const policy = (id = "p", minutes = { fr: 60, res: 600 }): AppliedPolicy => ({
  id,
  clock: {
    targets: { first_response: { minutes: minutes.fr, business: false }, resolution: { minutes: minutes.res, business: false } },
    calendar: POLICY_DEFAULTS.calendar,
    pauseOnHold: false,
    atRisk: { share: 0.75 },
  },
  levels: [],
});

const run = (runs: TargetRun[], target: TargetRun["target"]) => runs.find((r) => r.target === target)!;

describe("filing", () => {
  test("starts a run per target of the ticket's priority, due in calendar or business minutes; no targets, no runs", () => {
    const office: BusinessCalendar = { timezone: "UTC", hours: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] }, holidays: [] };
    const rule: SlaPolicyRule = {
      ...POLICY_DEFAULTS,
      id: "office",
      position: 1,
      calendar: office,
      targets: {
        normal: { first_response: { minutes: 60, business: false }, resolution: { minutes: 120, business: true } },
      },
    };
    const filed = new Date("2026-11-23T16:00:00Z"); // Monday, an hour before closing
    const ticket = { type: "inquiry", tier: "standard", channel: "portal", categoryId: "c", teamId: null } as const;
    const normal = newTicketSla([rule], { ...ticket, priority: "normal" }, filed);
    expect(normal.policyId).toBe("office");
    expect(normal.runs.map((r) => [r.target, new Date(r.dueAt!).toISOString()])).toEqual([
      ["first_response", "2026-11-23T17:00:00.000Z"],
      ["resolution", "2026-11-24T10:00:00.000Z"], // an hour on Monday, an hour on Tuesday
    ]);
    expect(normal).toMatchObject({ state: "on_track", dueAt: Date.parse("2026-11-23T17:00:00Z") });
    expect(normal.events.map((e) => e.kind === "changed" && e.change)).toEqual(["applied", "applied"]);
    // The first alarm is the at-risk moment: three quarters of the time.
    expect(new Date(run(normal.runs, "first_response").alarmAt!).toISOString()).toBe("2026-11-23T16:45:00.000Z");

    const urgent = newTicketSla([rule], { ...ticket, priority: "urgent" }, filed);
    expect(urgent).toMatchObject({ policyId: "office", runs: [], state: "none", dueAt: null });
    expect(newTicketSla([], { ...ticket, priority: "normal" }, filed)).toMatchObject({ policyId: null, runs: [], state: "none" });
  });
});

describe("what falls due is recorded once", () => {
  const filed = planRuns(policy(), [created], [], T0).runs;
  const first = run(filed, "first_response");

  test("the warning at the at-risk time, then the breach at the due time", () => {
    expect(recordDue(first, min(44)).events).toEqual([]);
    const warned = recordDue(first, min(45));
    expect(warned.events.map((e) => e.kind)).toEqual(["warned"]);
    expect(warned.run).toMatchObject({ warnedAt: min(45), alarmAt: min(60) });
    expect(recordDue(warned.run, min(50)).events).toEqual([]);
    const breached = recordDue(warned.run, min(60));
    expect(breached.events.map((e) => e.kind)).toEqual(["breached"]);
    expect(breached.run).toMatchObject({ breachedAt: min(60), alarmAt: null });
    expect(recordDue(breached.run, min(90)).events).toEqual([]);
  });

  test("a run found already out of time gets the breach, not a late warning", () => {
    const late = recordDue(first, min(70));
    expect(late.events.map((e) => e.kind)).toEqual(["breached"]);
    expect(late.run.warnedAt).toBeNull();
  });

  test("a target met after its due time is breached when it is met, once", () => {
    const { runs, events } = planRuns(policy(), [created, agentReply(min(75))], filed, min(75));
    expect(events.map((e) => (e.kind === "changed" ? e.change : e.kind))).toEqual(["fulfilled", "breached"]);
    expect(run(runs, "first_response")).toMatchObject({ fulfilledAt: min(75), breachedAt: min(75), alarmAt: null });
    expect(planRuns(policy(), [created, agentReply(min(75))], runs, min(80)).events).toEqual([]);
  });

  test("a clock that stands still is not warned; its alarm waits until it runs again", () => {
    const paused = planRuns(policy(), [created, agentReply(min(5)), status(min(10), "pending")], [], min(500)).runs;
    expect(run(paused, "resolution")).toMatchObject({ pausedSince: min(10), dueAt: null, warnedAt: null, alarmAt: null });
  });
});

describe("escalation levels", () => {
  // At risk; at the breach; an hour after it.
  const levels = [
    { on: "at_risk", afterMinutes: 0 },
    { on: "breached", afterMinutes: 0 },
    { on: "breached", afterMinutes: 60 },
  ] as const;
  const withLevels = { ...policy(), levels };
  const [first] = planRuns(withLevels, [created], [], T0).runs;
  const kinds = (events: { kind: string }[]) => events.map((e) => ("level" in e ? `level ${e.level}` : e.kind));

  test("fire once each, in order, with the warning and the breach; the alarm moves to the next one", () => {
    const warned = recordDue(first, min(45), levels);
    expect(kinds(warned.events)).toEqual(["warned", "level 0"]);
    expect(warned.run).toMatchObject({ escalatedThrough: min(45), alarmAt: min(60) });
    const breached = recordDue(warned.run, min(60), levels);
    expect(kinds(breached.events)).toEqual(["breached", "level 1"]);
    expect(breached.run).toMatchObject({ escalatedThrough: min(60), alarmAt: min(120) });
    expect(recordDue(breached.run, min(119), levels).events).toEqual([]);
    const later = recordDue(breached.run, min(120), levels);
    expect(kinds(later.events)).toEqual(["level 2"]);
    expect(later.run).toMatchObject({ escalatedThrough: min(120), alarmAt: null });
  });

  test("found late, the warning's level passes without firing; a met or paused run escalates no further", () => {
    const late = recordDue(first, min(61), levels);
    expect(kinds(late.events)).toEqual(["breached", "level 1"]);
    expect(late.run.escalatedThrough).toBe(min(60));
    const met = planRuns(withLevels, [created, agentReply(min(70))], [late.run], min(200));
    expect(met.events.filter((e) => e.kind === "escalated")).toEqual([]);
    expect(run(met.runs, "first_response")).toMatchObject({ escalatedThrough: min(60), alarmAt: null });
  });
});

test("levels added or removed later never fire one twice; under another policy its own levels start afresh", () => {
  const levels = [{ on: "breached", afterMinutes: 0 }] as const;
  const withLevels = { ...policy(), levels };
  const [first] = planRuns(withLevels, [created], [], T0).runs;
  const breached = recordDue(first, min(61), levels);
  expect(breached.events.filter((e) => e.kind === "escalated")).toHaveLength(1);
  // A supervisor adds an at-risk level and one an hour after the breach.
  const more = [{ on: "at_risk", afterMinutes: 0 }, ...levels, { on: "breached", afterMinutes: 60 }] as const;
  const again = planRuns({ ...policy(), levels: more }, [created], [breached.run, ...planRuns(withLevels, [created], [], T0).runs.slice(1)], min(62));
  expect(again.events.filter((e) => e.kind === "escalated")).toEqual([]);
  expect(run(again.runs, "first_response").alarmAt).toBe(min(120));
  // The ticket moves to another policy with the same breach level: it fires there once.
  const moved = planRuns({ ...policy("other"), levels }, [created], again.runs, min(63));
  expect(moved.events.filter((e) => e.kind === "escalated").map((e) => e.run.target)).toEqual(["first_response"]);
});

describe("recomputing", () => {
  test("keeps what was recorded while its moment is still past, and says how each run changed", () => {
    const start = planRuns(policy(), [created], [], T0).runs;
    const warned = start.map((r) => recordDue(r, min(50)).run);
    expect(run(warned, "first_response").warnedAt).toBe(min(50));

    // Waiting on the customer: both clocks stand still.
    const facts = [created, agentReply(min(55)), status(min(56), "pending")];
    const paused = planRuns(policy(), facts, warned, min(56));
    expect(paused.events.map((e) => [e.run.target, e.kind === "changed" ? e.change : e.kind])).toEqual([
      ["first_response", "fulfilled"],
      ["resolution", "paused"],
    ]);
    expect(run(paused.runs, "first_response").warnedAt).toBe(min(50));

    // Back to work: the resolution clock resumes with the waiting time added.
    const resumed = planRuns(policy(), [...facts, status(min(156), "open")], paused.runs, min(156));
    expect(resumed.events.map((e) => (e.kind === "changed" ? e.change : e.kind))).toEqual(["resumed"]);
    expect(run(resumed.runs, "resolution")).toMatchObject({ dueAt: min(700), alarmAt: min(550) });
  });

  test("a policy that moves the due time later takes back the breach; one without the target removes the run", () => {
    const breached = planRuns(policy(), [created], [], min(61)).runs;
    expect(run(breached, "first_response").breachedAt).toBe(min(61));
    const longer = planRuns(policy("longer", { fr: 120, res: 600 }), [created], breached, min(61));
    expect(run(longer.runs, "first_response")).toMatchObject({ policyId: "longer", dueAt: min(120), breachedAt: null, warnedAt: null, alarmAt: min(90) });
    expect(longer.events.filter((e) => e.kind === "changed").map((e) => e.kind === "changed" && e.change)).toEqual(["recomputed", "recomputed"]);

    const none = planRuns(null, [created], longer.runs, min(62));
    expect(none.runs).toEqual([]);
    expect(none.removed.map((r) => r.target)).toEqual(["first_response", "resolution"]);
  });
});

describe("the ticket's summary", () => {
  const base: TargetRun = {
    target: "first_response",
    cycle: 1,
    policyId: "p",
    startedAt: T0,
    dueAt: min(60),
    atRiskAt: min(45),
    fulfilledAt: null,
    pausedSince: null,
    warnedAt: null,
    breachedAt: null,
    escalatedThrough: null,
    alarmAt: min(45),
  };
  const resolution: TargetRun = { ...base, target: "resolution", dueAt: min(600), atRiskAt: min(450), alarmAt: min(450) };

  test("the worst running target wins, with the earliest due time", () => {
    expect(ticketSla("open", [base, resolution])).toEqual({ state: "on_track", dueAt: min(60) });
    expect(ticketSla("open", [{ ...base, warnedAt: min(45) }, resolution]).state).toBe("at_risk");
    expect(ticketSla("open", [base, { ...resolution, breachedAt: min(600) }]).state).toBe("breached");
    expect(ticketSla("pending", [{ ...base, pausedSince: min(5), dueAt: null }])).toEqual({ state: "paused", dueAt: null });
  });

  test("once nothing runs: met, or missed when any run was breached; no runs, no SLA", () => {
    const met = { ...base, fulfilledAt: min(30), alarmAt: null };
    expect(ticketSla("solved", [met, { ...resolution, fulfilledAt: min(300) }]).state).toBe("met");
    expect(ticketSla("closed", [{ ...met, breachedAt: min(60) }, resolution]).state).toBe("missed");
    expect(ticketSla("open", []).state).toBe("none");
  });

  test("the alarm is the first moment not yet recorded", () => {
    expect(alarmOf(base)).toBe(min(45));
    expect(alarmOf({ ...base, warnedAt: min(45) })).toBe(min(60));
    expect(alarmOf({ ...base, breachedAt: min(60) })).toBeNull();
    expect(alarmOf({ ...base, fulfilledAt: min(10) })).toBeNull();
  });
});
