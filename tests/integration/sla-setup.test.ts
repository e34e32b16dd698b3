// Setting up SLAs as supervisors do: the due-time preview (in the
// calendar's own zone, bad input named by its field in the caller's
// language, stored calendars by id), calendars, and policies that new
// tickets follow at once. Only for those who set up SLAs.
import { describe, expect, test } from "vitest";
import { useLiveServer } from "../support/live.ts";

const { ctx, api, tokenFor } = useLiveServer();

const OFFICE = {
  timezone: "Europe/Berlin",
  hours: { mon: [["09:00", "12:00"], ["13:00", "18:00"]], tue: [["09:00", "18:00"]], wed: [["09:00", "18:00"]], thu: [["09:00", "18:00"]], fri: [["09:00", "18:00"]] },
  holidays: ["2026-12-25", "--01-01"],
};
/** The calendar every installation starts with (its migration). */
const ALWAYS_OPEN_ID = "00000000-0000-4000-8000-000000002407";

describe("previewing a due time", () => {
  test("a supervisor sees when a ticket filed at T would be due, lunch, holidays and pauses left out", async () => {
    const token = await tokenFor("sup@test.example");
    const preview = (body: unknown) => api("/sla/preview", { method: "POST", token, body });

    // Monday 11:00 in Berlin, 4 business hours: 1 before lunch, 3 after it.
    const monday = await preview({ calendar: OFFICE, start: "2026-11-23T10:00:00Z", minutes: 240 });
    expect(monday).toMatchObject({ status: 200, body: { dueAt: "2026-11-23T16:00:00+01:00" } });
    // Thursday 24 December 17:30: half an hour that day, Christmas is closed, the weekend too.
    const christmas = await preview({ calendar: OFFICE, start: "2026-12-24T17:30:00+01:00", minutes: 60 });
    expect(christmas.body.dueAt).toBe("2026-12-28T09:30:00+01:00");
    // Paused from 14:00 to 16:00 on Monday: due two hours later.
    const paused = await preview({
      calendar: OFFICE,
      start: "2026-11-23T10:00:00Z",
      minutes: 240,
      pauses: [{ from: "2026-11-23T14:00:00+01:00", to: "2026-11-23T16:00:00+01:00" }],
    });
    expect(paused.body.dueAt).toBe("2026-11-23T18:00:00+01:00");
    // A stored calendar by id: always open, so calendar minutes.
    const stored = await preview({ calendar: ALWAYS_OPEN_ID, start: "2026-11-23T23:30:00+08:00", minutes: 45 });
    expect(stored.body.dueAt).toBe("2026-11-23T16:15:00+00:00");
  });

  test("bad input is refused naming the field, in the caller's language; an unknown calendar is a 404", async () => {
    const token = await tokenFor("admin@test.example");
    const bad = await api("/sla/preview", {
      method: "POST",
      token,
      lang: "zh-CN",
      body: { calendar: { ...OFFICE, timezone: "Europe/Atlantis", hours: { mon: [["09:00", "25:00"]] } }, start: "2026-11-23T10:00", minutes: 60 },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["calendar.hours.mon.0.1", "calendar.timezone", "start"]);
    expect(bad.body.error.details["calendar.timezone"][0]).toContain("IANA");
    expect(bad.body.error.details.start[0]).toMatch(/[\u4e00-\u9fff]/);

    const overlapping = await api("/sla/preview", {
      method: "POST",
      token,
      body: { calendar: { ...OFFICE, hours: { mon: [["09:00", "13:00"], ["12:00", "18:00"]] } }, start: "2026-11-23T10:00:00Z", minutes: 60 },
    });
    expect(overlapping.body.error.details["calendar.hours.mon"]).toEqual(["The open periods of this day overlap: make them separate."]);

    const unknown = await api("/sla/preview", {
      method: "POST",
      token,
      body: { calendar: "00000000-0000-4000-8000-00000000dead", start: "2026-11-23T10:00:00Z", minutes: 60 },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("There is no calendar with that id.");
  });

  test("a calendar without enough open time is refused, not searched for ever", async () => {
    const token = await tokenFor("sup@test.example");
    const sparse = { timezone: "Europe/Berlin", hours: { mon: [["09:00", "09:01"]] } };
    const preview = await api("/sla/preview", { method: "POST", token, body: { calendar: sparse, start: "2026-11-23T08:00:00Z", minutes: 525_600 } });
    expect(preview.status).toBe(400);
    expect(preview.body.error.details.calendar).toEqual(["The calendar has no open hours: add at least one open period."]);
    const everyDay = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(4, 10).replace(/^/, "-"));
    const stored = await api("/sla/calendars", { method: "POST", token, body: { name: "Never open", ...sparse, holidays: everyDay } });
    expect(stored.status).toBe(400);
    expect(stored.body.error.details).toHaveProperty("hours");
  });

  test("a calendar that SLA policies use cannot be removed", async () => {
    const token = await tokenFor("admin@test.example");
    const created = await api("/sla/calendars", { method: "POST", token, body: { name: "Used by a policy", ...OFFICE } });
    expect(created.status).toBe(201);
    await ctx.db.slaPolicy.updateMany({ where: { name: "Default" }, data: { calendarId: created.body.id } });
    try {
      const refused = await api(`/sla/calendars/${created.body.id}`, { method: "DELETE", token });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe("SLA policies use this calendar: give them another one first.");
    } finally {
      await ctx.db.slaPolicy.updateMany({ where: { name: "Default" }, data: { calendarId: ALWAYS_OPEN_ID } });
    }
  });

  test("a policy set up and moved first applies to the next ticket filed, in business minutes of its calendar", async () => {
    const supervisor = await tokenFor("sup@test.example");
    const calendar = await api("/sla/calendars", { method: "POST", token: supervisor, body: { name: "Shanghai office", timezone: "Asia/Shanghai", hours: { mon: [["09:00", "18:00"]], tue: [["09:00", "18:00"]], wed: [["09:00", "18:00"]], thu: [["09:00", "18:00"]], fri: [["09:00", "18:00"]] } } });
    const created = await api("/sla/policies", {
      method: "POST",
      token: supervisor,
      body: {
        name: "Inquiries through the API",
        types: ["inquiry"],
        channels: ["api"],
        calendarId: calendar.body.id,
        targets: { normal: { first_response: { minutes: 120, business: true }, resolution: { minutes: 60 * 9 * 2, business: true } } },
      },
    });
    expect(created.status).toBe(201);
    const policies = (await api("/sla/policies", { token: supervisor })).body.data as { id: string; name: string }[];
    expect(policies.at(-1)!.name).toBe("Inquiries through the API"); // a new policy is tried last
    const reordered = await api("/sla/policies/order", {
      method: "POST",
      token: supervisor,
      body: { ids: [created.body.id, ...policies.filter((p) => p.id !== created.body.id).map((p) => p.id)] },
    });
    expect(reordered.body.data.map((p: { name: string; position: number }) => [p.name, p.position])[0]).toEqual(["Inquiries through the API", 10]);

    const customer = await tokenFor("otto@std.example");
    const filed = await api("/tickets", { method: "POST", token: customer, body: { type: "inquiry", category: "technical", subject: "Under the new policy", description: "Which targets does this one get?" } });
    expect(filed.status).toBe(201);
    // Two business hours of 09:00-18:00 on weekdays in Shanghai, from the moment it was filed.
    const expected = (await api("/sla/preview", { method: "POST", token: supervisor, body: { calendar: calendar.body.id, start: filed.body.createdAt, minutes: 120 } })).body.dueAt;
    expect(new Date(filed.body.firstResponseDueAt).getTime()).toBe(new Date(expected).getTime());
    // A policy a ticket counts under cannot be removed (turned off, its tickets move to the next that applies).
    expect((await api(`/sla/policies/${created.body.id}`, { method: "DELETE", token: supervisor })).status).toBe(409);

    // Turned off, it no longer applies: the next ticket gets the default policy's 8 calendar hours.
    await api(`/sla/policies/${created.body.id}`, { method: "PATCH", token: supervisor, body: { enabled: false } });
    const next = await api("/tickets", { method: "POST", token: customer, body: { type: "inquiry", category: "technical", subject: "After it was turned off", description: "Back to the default targets?" } });
    expect(new Date(next.body.firstResponseDueAt).getTime() - new Date(next.body.createdAt).getTime()).toBe(480 * 60_000);

    // Turned on again and its calendar's hours changed: the next ticket follows the new hours at once.
    await api(`/sla/policies/${created.body.id}`, { method: "PATCH", token: supervisor, body: { enabled: true } });
    const allWeek = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));
    expect((await api(`/sla/calendars/${calendar.body.id}`, { method: "PATCH", token: supervisor, body: { hours: allWeek } })).status).toBe(200);
    const later = await api("/tickets", { method: "POST", token: customer, body: { type: "inquiry", category: "technical", subject: "After the hours changed", description: "Open all week now." } });
    expect(new Date(later.body.firstResponseDueAt).getTime() - new Date(later.body.createdAt).getTime()).toBe(120 * 60_000);
  });

  test("a policy is refused when a field is unknown, a target cannot fit its calendar, or an order names a policy twice", async () => {
    const token = await tokenFor("sup@test.example");
    const base = { name: "Careful", calendarId: ALWAYS_OPEN_ID, targets: { urgent: { first_response: { minutes: 30, business: false } } } };
    const misspelt = await api("/sla/policies", { method: "POST", token, body: { ...base, priority: ["urgent"] } });
    expect(misspelt.status).toBe(400);
    const sparse = await api("/sla/calendars", { method: "POST", token, body: { name: "An hour on Mondays", timezone: "UTC", hours: { mon: [["09:00", "10:00"]] } } });
    const tooLong = await api("/sla/policies", {
      method: "POST",
      token,
      body: { ...base, calendarId: sparse.body.id, targets: { urgent: { resolution: { minutes: 525_600, business: true } } } },
    });
    expect(tooLong.body.error.details).toEqual({
      "targets.urgent.resolution": ["The calendar has too little open time for this target: shorten it, or count calendar minutes."],
    });
    const ids = ((await api("/sla/policies", { token })).body.data as { id: string }[]).map((p) => p.id);
    const twice = await api("/sla/policies/order", { method: "POST", token, body: { ids: [ids[0], ...ids.slice(0, -1)] } });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details).toHaveProperty("ids");
  });

  test("agents and customers may not use it", async () => {
    const body = { calendar: OFFICE, start: "2026-11-23T10:00:00Z", minutes: 60 };
    for (const email of ["li@test.example", "ada@key.example"]) {
      expect((await api("/sla/preview", { method: "POST", token: await tokenFor(email), body })).status).toBe(403);
    }
    expect((await api("/sla/preview", { method: "POST", body })).status).toBe(401);
  });
});
