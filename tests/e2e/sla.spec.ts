// SLA set up and watched as a supervisor does it: a business calendar with a
// lunch break and its preview, then a one-minute policy for tickets filed
// through the API, with a warning that notifies the supervisors. A ticket
// filed under it turns at risk and then breached on the open board and in
// the queue, and the bell counts the warning, all without a reload.
import { expect, test, signIn, fileTicket } from "./support.ts";

test("a business calendar previews due times around lunch; a one-minute policy's ticket turns at risk, then breached, live", async ({ browser, request }) => {
  test.setTimeout(180_000);
  const supervisor = await signIn(browser, "supervisor@demo.helpdesk");

  // A calendar: Monday 09:00-12:00 and 13:00-18:00 in Berlin; 4 hours from 11:00 end at 16:00.
  await supervisor.goto("/supervisor/sla");
  await supervisor.getByRole("link", { name: "New calendar" }).click();
  await supervisor.getByLabel("Name").fill("Berlin office");
  await supervisor.getByLabel("Time zone").fill("Europe/Berlin");
  await supervisor.getByLabel("Monday").fill("09:00-12:00, 13:00-18:00");
  await supervisor.getByLabel("Starting at (the calendar's local time)").fill("2026-11-23T11:00");
  await supervisor.locator('input[name="previewMinutes"]').fill("240");
  await supervisor.getByRole("button", { name: "Show due times" }).click();
  await expect(supervisor.getByTestId("calendar-due")).toContainText("Due at 2026-11-23 16:00 (UTC+01:00)");
  // A period that cannot be read is refused, naming the day.
  await supervisor.getByLabel("Tuesday").fill("9 to 5");
  await supervisor.getByRole("button", { name: "Create" }).click();
  await expect(supervisor.locator(".field.has-error")).toContainText("Tuesday");
  await supervisor.getByLabel("Tuesday").fill("09:00-17:00");
  await supervisor.getByRole("button", { name: "Create" }).click();
  await expect(supervisor.getByTestId("calendars")).toContainText("Berlin office");

  // A policy for tickets filed through the API: first response in one minute, the supervisors warned.
  await supervisor.getByRole("link", { name: "New policy" }).click();
  await supervisor.getByLabel("Name").fill("One-minute API");
  await supervisor.getByRole("checkbox", { name: "API" }).check();
  await supervisor.getByLabel("Normal · First response (minutes)").fill("1");
  await supervisor.locator('select[name="escalations.0.on"]').selectOption("at_risk");
  await supervisor.locator('input[name="escalations.0.notify"][value="supervisors"]').check();
  await supervisor.locator('select[name="previewPriority"]').selectOption("normal");
  await supervisor.getByRole("button", { name: "Show due times" }).click();
  await expect(supervisor.getByTestId("policy-preview").locator('[data-target="first_response"]')).toBeVisible();
  await supervisor.getByRole("button", { name: "Create" }).click();
  const policies = supervisor.getByTestId("policies");
  await expect(policies).toContainText("One-minute API");
  // New policies are tried last: move it to the top.
  const order = () => policies.locator("li").evaluateAll((items) => items.map((li) => li.getAttribute("data-policy")).join("|"));
  while (!(await order()).startsWith("One-minute API|")) {
    const before = await order();
    await supervisor.getByRole("button", { name: "Move One-minute API up" }).click();
    await expect.poll(order).not.toBe(before);
  }

  // Watching: the board, and the queue sorted by next due.
  await supervisor.goto("/supervisor");
  const bell = supervisor.getByTestId("notification-bell");
  const badge = bell.locator("[data-unread]");
  const unreadBefore = (await badge.count()) ? Number(await badge.getAttribute("data-unread")) : 0;
  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent?view=active&sort=due");
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "Watching the one-minute clock", description: "Filed through the API to test the SLA." });

  const row = agent.getByTestId("queue").locator(`[data-ticket="${number}"]`);
  await expect(row.locator('[data-target="first_response"]')).toHaveAttribute("data-sla", "on_track");
  // 45 seconds in: at risk, on the queue and on the board, and the supervisors are told.
  await expect(supervisor.locator(`[data-testid="sla-attention"] tr[data-ticket="${number}"]`)).toHaveAttribute("data-sla-state", "at_risk", { timeout: 60_000 });
  await expect(row.locator('[data-target="first_response"]')).toHaveAttribute("data-sla", "at_risk");
  await expect(badge).toHaveAttribute("data-unread", String(unreadBefore + 1));
  // A minute in: breached.
  await expect(supervisor.locator(`[data-testid="sla-attention"] tr[data-ticket="${number}"]`)).toHaveAttribute("data-sla-state", "breached", { timeout: 30_000 });
  await expect(row.locator('[data-target="first_response"]')).toHaveAttribute("data-sla", "breached");

  // Compliance today counts the miss, and downloads as CSV for a spreadsheet.
  await supervisor.getByTestId("sla-compliance").getByRole("button", { name: "Show" }).click();
  await expect(supervisor.getByTestId("compliance-overall")).toContainText(/\d+ of \d+ targets due were met on time/);
  const href = await supervisor.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  const csv = await supervisor.request.get(href!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\n");
  expect(lines[0]).toBe("day,team,agent,policy,target,due,met_on_time,share_on_time");
  expect(lines.some((line) => line.includes(",One-minute API,first_response,"))).toBe(true);

  // The ticket says why: its SLA panel's history and the warning in its timeline.
  await agent.goto(`/agent/tickets/${number}`);
  await agent.getByText("Why it is due when it is").click();
  await expect(agent.getByTestId("sla-panel")).toContainText("Clock started under One-minute API");
  await expect(agent.getByTestId("sla-panel")).toContainText("Breached");
  await expect(agent.getByText(/Policy “One-minute API” escalated the First response target \(at risk\): told \d+ (person|people)/)).toBeVisible();
});
