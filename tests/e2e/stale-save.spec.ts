// Two people editing one ticket: a save based on an old page never undoes a
// colleague's newer change to the same field; it says what changed instead.
// The agent's page runs without JavaScript here: no live reload, so the page
// really is stale when saved (as on a dropped connection).
import { expect, test, signIn, scriptsRunning } from "./support.ts";

test("a stale save shows the colleague's change instead of overwriting it; other fields still save", async ({ browser }) => {
  const agent = await signIn(browser, "agent@demo.helpdesk", "en-US", { javaScript: false });
  await expect(agent).toHaveURL(/\/agent/);

  // A ticket of Li's that is still being worked, with normal priority.
  await agent.goto("/agent?view=active");
  const rows = agent.getByTestId("queue").locator("[data-ticket]").filter({ has: agent.locator('[data-status="open"]') }).filter({ hasText: "Normal" });
  const number = await rows.first().getAttribute("data-ticket");
  await agent.goto(`/agent/tickets/${number}`);
  await expect(agent.getByTestId("properties").getByLabel("Priority")).toHaveValue("normal");

  // Meanwhile the supervisor raises the priority (with scripts: saved as it changes).
  const supervisor = await signIn(browser, "supervisor@demo.helpdesk");
  await supervisor.goto(`/agent/tickets/${number}`);
  await scriptsRunning(supervisor);
  await supervisor.getByTestId("properties").getByLabel("Priority").selectOption("urgent");
  await expect(supervisor.getByTestId("save-state")).toHaveText("Saved");
  await expect(supervisor.locator(".ticket-main .badges")).toContainText("Urgent");

  // Li, on the old page, lowers it: refused, with what changed and the current value shown.
  await agent.getByTestId("properties").getByLabel("Priority").selectOption("low");
  await agent.getByRole("button", { name: "Save" }).click();
  await expect(agent.getByText("Someone else changed this ticket while you were editing it.")).toBeVisible();
  await expect(agent.getByTestId("conflicts")).toContainText("Helen Zhou: Priority Normal → Urgent");
  await expect(agent.getByTestId("properties").getByLabel("Priority")).toHaveValue("urgent");

  // A change to another field, from a page that is again behind, goes through.
  await supervisor.reload();
  await scriptsRunning(supervisor);
  await supervisor.getByTestId("properties").getByLabel("Priority").selectOption("high");
  // Saved once the page shows it (the "Saved" of the first change is still on screen).
  await expect(supervisor.locator(".ticket-main .badges")).toContainText("High");
  await agent.getByTestId("properties").getByLabel("Status").selectOption("pending");
  await agent.getByRole("button", { name: "Save" }).click();
  await expect(agent.getByText("Saved")).toBeVisible();
  await expect(agent.getByTestId("properties").getByLabel("Status")).toHaveValue("pending");
  await expect(agent.getByTestId("properties").getByLabel("Priority")).toHaveValue("high");
  await agent.context().close();
});
