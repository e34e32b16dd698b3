// The SLA editor's forms, read as the API's input: what a supervisor typed
// goes to the schemas as it is (nothing silently dropped), and errors find
// the field they belong to.
import { describe, expect, test } from "vitest";
import { calendarFromForm, errorsFor, periodsFromText, periodsToText, policyFromForm } from "../../app/utils/sla-forms.ts";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

describe("the policy form", () => {
  test("conditions, targets typed per priority, the at-risk rule and escalation levels", () => {
    const policy = policyFromForm(
      form([
        ["name", " Urgent complaints "],
        ["enabled", "on"],
        ["types", "complaint"],
        ["priorities", "high"],
        ["priorities", "urgent"],
        ["calendarId", "cal"],
        ["atRiskMode", "before"],
        ["atRiskMinutesBefore", "15"],
        ["atRiskPercent", "80"],
        ["targets.urgent.first_response.minutes", "30"],
        ["targets.urgent.resolution.minutes", "240"],
        ["targets.urgent.resolution.business", "on"],
        ["targets.low.first_response.minutes", ""],
        ["escalations.0.on", "breached"],
        ["escalations.0.afterMinutes", "60"],
        ["escalations.0.notify", "assignee"],
        ["escalations.0.notify", "supervisors"],
        ["escalations.0.addTags", "late, vip，urgent"],
        ["escalations.1.on", ""],
      ]),
    );
    expect(policy).toMatchObject({
      name: "Urgent complaints",
      enabled: true,
      types: ["complaint"],
      priorities: ["high", "urgent"],
      tiers: [],
      pauseOnHold: false,
      // Minutes before due apply; the share typed is kept for when the rule is switched back.
      atRiskShare: 0.8,
      atRiskMinutesBefore: 15,
      targets: { urgent: { first_response: { minutes: 30, business: false }, resolution: { minutes: 240, business: true } } },
      escalations: [{ on: "breached", afterMinutes: 60, notify: ["assignee", "supervisors"], addTags: ["late", "vip", "urgent"], raisePriorityTo: null }],
    });
    expect(policy.targets.low).toBeUndefined();
  });

  test("what cannot be read is passed on for the schema to refuse, not dropped", () => {
    const policy = policyFromForm(form([["atRiskMode", "share"], ["atRiskPercent", "lots"], ["targets.high.first_response.minutes", "soon"]]));
    expect(policy.atRiskShare).toBeNaN();
    expect(policy.targets.high?.first_response?.minutes).toBeNaN();
  });
});

describe("the calendar form", () => {
  test("periods per weekday in the ways people write them, holidays one per line", () => {
    expect(periodsFromText("09:00-12:00, 13:00 – 18:00；22:00~06:00")).toEqual([["09:00", "12:00"], ["13:00", "18:00"], ["22:00", "06:00"]]);
    expect(periodsFromText("09:00至18:00")).toEqual([["09:00", "18:00"]]);
    expect(periodsFromText("9 to 5")).toEqual([["9 to 5"]]);
    expect(periodsToText([["09:00", "12:00"], ["13:00", "18:00"]])).toBe("09:00-12:00, 13:00-18:00");
    const calendar = calendarFromForm(form([["name", "Office"], ["timezone", "Asia/Shanghai"], ["hours.mon", "09:00-18:00"], ["hours.sat", ""], ["holidays", "2026-10-01\n--01-01"]]));
    expect(calendar).toEqual({ name: "Office", timezone: "Asia/Shanghai", hours: { mon: [["09:00", "18:00"]] }, holidays: ["2026-10-01", "--01-01"] });
  });

  test("an error inside a field belongs to that field", () => {
    const errors = { "hours.mon.0": ["validation.openPeriod"], "targets.high.first_response": ["validation.targetTooLong"], name: ["validation.calendarName"] };
    expect(errorsFor(errors, "hours.mon")).toEqual(["validation.openPeriod"]);
    expect(errorsFor(errors, "hours.tue")).toBeUndefined();
    expect(errorsFor(errors, "targets.high.first_response")).toEqual(["validation.targetTooLong"]);
    expect(errorsFor(errors, "name")).toEqual(["validation.calendarName"]);
  });
});
