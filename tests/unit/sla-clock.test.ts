// A ticket's SLA clocks from its history (docs/sla-clocks.md, "Targets"):
// what meets each target, what pauses it, reopening, and the states an agent
// and a supervisor see.
import { describe, expect, test } from "vitest";
import { Temporal } from "temporal-polyfill";
import { ticketClocks, type ClockPolicy, type Fact } from "../../server/sla/clock.ts";
import type { BusinessCalendar } from "../../server/sla/calendar.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0); // Monday 23 November 2026, 08:00 UTC
const min = (n: number) => T0 + n * 60_000;
const office: BusinessCalendar = {
  timezone: "Europe/Berlin",
  hours: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] },
  holidays: [],
};
const policy = (targets: ClockPolicy["targets"], extra: Partial<ClockPolicy> = {}): ClockPolicy => ({
  targets,
  calendar: office,
  pauseOnHold: false,
  atRisk: { share: 0.75 },
  ...extra,
});
const calendarMinutes = (minutes: number) => ({ minutes, business: false });
const created: Fact = { at: T0, kind: "created" };
const agent = (at: number): Fact => ({ at, kind: "reply", by: "agent" });
const customer = (at: number): Fact => ({ at, kind: "reply", by: "customer" });
const status = (at: number, to: Extract<Fact, { kind: "status" }>["to"]): Fact => ({ at, kind: "status", to });

describe("first response", () => {
  const p = policy({ first_response: calendarMinutes(60) });

  test("on track, at risk once three quarters are used, breached when the time is out", () => {
    expect(ticketClocks(p, [created], min(44))[0]).toMatchObject({ state: "on_track", dueAt: min(60), atRiskAt: min(45) });
    expect(ticketClocks(p, [created], min(45))[0].state).toBe("at_risk");
    expect(ticketClocks(p, [created], min(60))[0].state).toBe("breached");
  });

  test("met by the first public reply of an agent, late when after the due time; a customer's own follow-up does not count", () => {
    expect(ticketClocks(p, [created, customer(min(5)), agent(min(30))], min(500))[0]).toMatchObject({ state: "met", fulfilledAt: min(30) });
    expect(ticketClocks(p, [created, agent(min(61))], min(500))[0]).toMatchObject({ state: "met_late", usedMs: 61 * 60_000 });
  });

  test("a fixed warning time before due instead of a share", () => {
    const early = policy({ first_response: calendarMinutes(60) }, { atRisk: { minutesBefore: 10 } });
    expect(ticketClocks(early, [created], min(49))[0]).toMatchObject({ state: "on_track", atRiskAt: min(50) });
    expect(ticketClocks(early, [created], min(50))[0].state).toBe("at_risk");
  });

  test("time that runs out at closing time is late from then on, though no business time passes until the next opening", () => {
    const business = policy({ first_response: { minutes: 60, business: true } });
    const monday4pm = Temporal.ZonedDateTime.from("2026-11-23T16:00[Europe/Berlin]").epochMilliseconds;
    const filed: Fact = { at: monday4pm, kind: "created" };
    const hour = 3_600_000;
    expect(ticketClocks(business, [filed], monday4pm + 1.5 * hour)[0]).toMatchObject({ state: "breached", dueAt: monday4pm + hour });
    expect(ticketClocks(business, [filed, agent(monday4pm + 2 * hour)], monday4pm + 3 * hour)[0].state).toBe("met_late");
    expect(ticketClocks(business, [filed, agent(monday4pm + hour)], monday4pm + 3 * hour)[0].state).toBe("met");
    // No time at all, filed on a Saturday: due at Monday's opening, not breached over the weekend.
    const saturday = Temporal.ZonedDateTime.from("2026-11-28T10:00[Europe/Berlin]").epochMilliseconds;
    const instant = policy({ first_response: { minutes: 0, business: true } });
    const [clock] = ticketClocks(instant, [{ at: saturday, kind: "created" }], saturday + hour);
    expect(clock.state).toBe("on_track");
    expect(new Date(clock.dueAt!).toISOString()).toBe("2026-11-30T08:00:00.000Z");
  });

  test("in business minutes: filed on Friday afternoon, due on Monday morning", () => {
    const friday = Temporal.ZonedDateTime.from("2026-11-27T16:30[Europe/Berlin]").epochMilliseconds;
    const [clock] = ticketClocks(policy({ first_response: { minutes: 60, business: true } }), [{ at: friday, kind: "created" }], friday + 3_600_000);
    expect(new Date(clock.dueAt!).toISOString()).toBe("2026-11-30T08:30:00.000Z"); // Monday 09:30 in Berlin
    expect(clock.state).toBe("on_track"); // an hour of real time later, half an hour of business time is used
    expect(clock.usedMs).toBe(30 * 60_000);
  });
});

describe("pauses", () => {
  const p = policy({ first_response: calendarMinutes(60), resolution: calendarMinutes(240) });

  test("pending stands the clocks still; the time is not counted and the due time moves", () => {
    const facts = [created, status(min(10), "pending"), status(min(70), "open")];
    const [first, resolution] = ticketClocks(p, facts, min(80));
    expect(first).toMatchObject({ state: "on_track", dueAt: min(120), usedMs: 20 * 60_000, pausedSince: null });
    expect(resolution.dueAt).toBe(min(300));
  });

  test("while paused the due time is open; a target missed before the pause stays missed", () => {
    const paused = ticketClocks(p, [created, status(min(10), "pending")], min(500))[0];
    expect(paused).toMatchObject({ state: "paused", dueAt: null, atRiskAt: null, pausedSince: min(10), usedMs: 10 * 60_000 });
    const late = ticketClocks(p, [created, status(min(90), "pending")], min(500))[0];
    expect(late).toMatchObject({ state: "breached", dueAt: min(60), pausedSince: min(90) });
  });

  test("on hold pauses only when the policy says so", () => {
    const facts = [created, status(min(10), "on_hold"), status(min(70), "open")];
    expect(ticketClocks(p, facts, min(80))[0].dueAt).toBe(min(60));
    expect(ticketClocks({ ...p, pauseOnHold: true }, facts, min(80))[0].dueAt).toBe(min(120));
  });
});

describe("resolution", () => {
  const p = policy({ resolution: calendarMinutes(240) });

  test("met on solve; reopening resumes the clock where it stopped", () => {
    const solved = [created, agent(min(20)), status(min(100), "solved")];
    expect(ticketClocks(p, solved, min(1000))[0]).toMatchObject({ state: "met", fulfilledAt: min(100), usedMs: 100 * 60_000 });
    const reopened = [...solved, customer(min(1000)), status(min(1000), "open")];
    expect(ticketClocks(p, reopened, min(1010))[0]).toMatchObject({ state: "on_track", fulfilledAt: null, usedMs: 110 * 60_000, dueAt: min(1140) });
    expect(ticketClocks(p, reopened, min(1140))[0].state).toBe("breached");
    const solvedAgain = [...reopened, status(min(1100), "solved")];
    expect(ticketClocks(p, solvedAgain, min(5000))[0]).toMatchObject({ state: "met", fulfilledAt: min(1100), usedMs: 200 * 60_000 });
  });
});

describe("next response and periodic update", () => {
  test("next response runs from the oldest customer reply no agent has answered", () => {
    const p = policy({ next_response: calendarMinutes(30) });
    const facts = [created, agent(min(10)), customer(min(20)), customer(min(30)), agent(min(60)), customer(min(70))];
    const cycles = ticketClocks(p, facts, min(80));
    expect(cycles.map((c) => [c.startedAt, c.fulfilledAt, c.state])).toEqual([
      [min(20), min(60), "met_late"],
      [min(70), null, "on_track"],
    ]);
    // Before the first response, a customer's follow-up is the first response's business.
    expect(ticketClocks(p, [created, customer(min(5))], min(80))).toEqual([]);
  });

  test("periodic update: the longest gap between an agent's public replies while the ticket is open", () => {
    const p = policy({ periodic_update: calendarMinutes(45) });
    const facts = [created, agent(min(10)), agent(min(40)), agent(min(100))];
    expect(ticketClocks(p, facts, min(110)).map((c) => [c.startedAt, c.state])).toEqual([
      [min(10), "met"],
      [min(40), "met_late"],
      [min(100), "on_track"],
    ]);
    // Solved: no update is owed while it stays solved.
    const solved = ticketClocks(p, [...facts, status(min(120), "solved")], min(1000)).at(-1)!;
    expect(solved).toMatchObject({ state: "paused", pausedSince: min(120), dueAt: null });
  });
});
