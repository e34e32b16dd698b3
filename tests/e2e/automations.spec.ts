// Time-based automations as an admin sets one up: "Close solved tickets"
// (solved for 4 days → set status closed) made in the editor, shown in the
// list with its one-line summary, turned off and on again, and opened again
// with its time shown back in days; and the same without scripts, from the
// empty list's suggestion. Removed at the end (the other tests' tickets must
// not be closed by them).
import { expect, test, signIn } from "./support.ts";

test("an admin creates an automation in the editor, sees its summary and turns it off and on", async ({ browser }) => {
  const page = await signIn(browser, "admin@demo.helpdesk");
  await page.goto("/admin/automations");
  await expect(page.getByRole("heading", { name: "Automations", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "New automation" }).first().click();
  await expect(page.getByRole("heading", { name: "New automation" })).toBeVisible();

  const name = `Close solved tickets ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  const when = page.getByTestId("automation-when");
  await when.getByLabel("Status").selectOption("solved");
  await when.getByLabel("How long").fill("4");
  await when.getByLabel("Unit").selectOption("days");
  // A new automation starts with a reply: made into setting the status instead.
  const action = page.getByRole("group", { name: "Action 1" });
  await action.locator('select[name="actions.0.type"]').selectOption("set_status");
  await action.locator('select[name="actions.0.status"]').selectOption("closed");
  await page.getByRole("button", { name: "Create automation" }).click();

  await expect(page).toHaveURL(/\/admin\/automations$/);
  const row = page.getByRole("row", { name: new RegExp(name) });
  const summary = row.getByTestId("automation-summary");
  await expect(summary).toContainText("Solved for 4 days");
  await expect(summary).toContainText("Set status: Closed");
  await expect(row.locator(".rule-state")).toHaveText("On");

  await row.getByRole("button", { name: "Turn off" }).click();
  await expect(row.locator(".rule-state")).toHaveText("Off");
  await row.getByRole("button", { name: "Turn on" }).click();
  await expect(row.locator(".rule-state")).toHaveText("On");

  // Opened again: the time in the largest whole unit.
  await row.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(when.getByLabel("How long")).toHaveValue("4");
  await expect(when.getByLabel("Unit")).toHaveValue("days");
  await expect(when.getByLabel("Status")).toHaveValue("solved");

  // Tidy up.
  await page.getByText("Delete this automation…").click();
  await page.getByRole("button", { name: "Yes, delete the automation" }).click();
  await expect(page).toHaveURL(/\/admin\/automations$/);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  await page.context().close();
});

test("without scripts: a suggested automation opens filled in, rows are added and removed, and it is saved and turned off", async ({ browser }) => {
  const page = await signIn(browser, "admin@demo.helpdesk", "en-US", { javaScript: false });
  await page.goto("/admin/automations");
  await page.getByRole("link", { name: "Close solved tickets" }).click();
  const name = `Close solved without scripts ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await expect(page.getByTestId("automation-when").getByLabel("How long")).toHaveValue("4");
  await page.getByRole("button", { name: "Add an action" }).click();
  const second = page.getByRole("group", { name: "Action 2" });
  await expect(second.locator('select[name="actions.1.type"]')).toHaveValue("set_status");
  await second.getByRole("button", { name: "Remove action 2" }).click();
  await expect(page.getByRole("group", { name: "Action 2" })).toHaveCount(0);
  await expect(page.getByLabel("Name")).toHaveValue(name);
  await page.getByRole("button", { name: "Create automation" }).click();

  await expect(page).toHaveURL(/\/admin\/automations$/);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByTestId("automation-summary")).toContainText("Solved for 4 days");
  await row.getByRole("button", { name: "Turn off" }).click();
  await expect(row.locator(".rule-state")).toHaveText("Off");

  await row.getByRole("link", { name: "Edit" }).click();
  await page.getByText("Delete this automation…").click();
  await page.getByRole("button", { name: "Yes, delete the automation" }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  await page.context().close();
});
