import { describe, expect, test } from "vitest";
import { bandFor, computeHealth, drivers, isChurnWarning } from "../../server/health/score.ts";

const calm = { ratings: [], complaints: 0, slaBreaches: 0, oldestOpenDays: null };

describe("computeHealth", () => {
  test("a quiet customer without ratings is healthy", () => {
    const health = computeHealth(calm);
    expect(health.band).toBe("healthy");
    expect(health.score).toBeGreaterThanOrEqual(85);
  });

  test("every component is named, weighted and stored with its contribution", () => {
    const health = computeHealth({ ratings: [5, 4], complaints: 1, slaBreaches: 0, oldestOpenDays: 1 });
    expect(health.components.map((c) => c.key)).toEqual(["csat", "complaints", "sla_breaches", "open_backlog"]);
    expect(health.components.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1);
    const complaints = health.components.find((c) => c.key === "complaints")!;
    expect(complaints.value).toBe(75);
    expect(complaints.contribution).toBeCloseTo(18.8, 1);
  });

  test("a bad rating lowers the score", () => {
    const before = computeHealth({ ...calm, ratings: [5] });
    const after = computeHealth({ ...calm, ratings: [5, 1] });
    expect(after.score).toBeLessThan(before.score);
  });

  test("complaints, breaches, low ratings and a stale backlog make a customer critical", () => {
    const health = computeHealth({ ratings: [1, 2], complaints: 4, slaBreaches: 3, oldestOpenDays: 15 });
    expect(health.band).toBe("critical");
    expect(drivers(health)[0].key).toBe("csat");
  });

  test("the points lost are told ticket by ticket, and add up to the component's loss", () => {
    const health = computeHealth({
      ratings: [2, 5],
      complaints: 6,
      slaBreaches: 0,
      oldestOpenDays: 9.5,
      tickets: { ratings: [{ number: 11, rating: 2 }, { number: 10, rating: 5 }], complaints: [21, 20, 19, 18, 17, 16], slaBreaches: [], oldestOpen: 13 },
    });
    const byKey = Object.fromEntries(health.components.map((c) => [c.key, c]));
    // Only the 2 costs anything: its share of the average, weighted.
    expect(byKey.csat.reasons).toEqual([{ ticketNumber: 11, rating: 2, points: 13.1 }]);
    expect(byKey.csat.lost).toBe(13.1);
    // Four complaints bring the component to 0: the newest four are the reasons.
    expect(byKey.complaints.reasons.map((r) => r.ticketNumber)).toEqual([21, 20, 19, 18]);
    expect(byKey.complaints.reasons.reduce((sum, r) => sum + r.points, 0)).toBeCloseTo(byKey.complaints.lost, 0);
    expect(byKey.sla_breaches).toMatchObject({ lost: 0, reasons: [] });
    expect(byKey.open_backlog.reasons).toEqual([{ ticketNumber: 13, days: 9, points: byKey.open_backlog.lost }]);
    expect(byKey.csat.unrated).toBeUndefined();
  });

  test("without ratings, satisfaction says it holds a default", () => {
    const health = computeHealth({ ...calm, tickets: { ratings: [], complaints: [], slaBreaches: [], oldestOpen: null } });
    const csat = health.components.find((c) => c.key === "csat")!;
    expect(csat).toMatchObject({ unrated: true, reasons: [], lost: 10.5 });
  });

  test("scores stay within 0-100", () => {
    const worst = computeHealth({ ratings: [1], complaints: 50, slaBreaches: 50, oldestOpenDays: 400 });
    const best = computeHealth({ ratings: [5, 5], complaints: 0, slaBreaches: 0, oldestOpenDays: 0 });
    expect(worst.score).toBe(0);
    expect(best.score).toBe(100);
  });
});

describe("bands and churn warnings", () => {
  test("band thresholds", () => {
    expect(bandFor(70)).toBe("healthy");
    expect(bandFor(69)).toBe("at_risk");
    expect(bandFor(40)).toBe("at_risk");
    expect(bandFor(39)).toBe("critical");
  });
  test("only a move into a worse band is a churn warning", () => {
    expect(isChurnWarning("healthy", "at_risk")).toBe(true);
    expect(isChurnWarning("at_risk", "critical")).toBe(true);
    expect(isChurnWarning("critical", "at_risk")).toBe(false);
    expect(isChurnWarning(null, "critical")).toBe(false);
  });
});
