// The golden path in a real browser: a customer and an agent side by side,
// proving live updates, the privacy of internal notes, CSAT and the boards.
import { expect, signIn, test } from "./support.ts";

test("complaint to health score: customer and agent side by side", async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const subject = `Checkout keeps failing ${stamp}`;
  const internalNote = `Internal: refund approved by finance ${stamp}`;
  const publicReply = `Thanks for your patience, we found the problem ${stamp}`;

  // The agent's queue is open before the ticket exists.
  const agent = await signIn(browser, "agent@demo.helpdesk");
  await expect(agent).toHaveURL(/\/agent/);
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  const customer = await signIn(browser, "customer@demo.helpdesk");
  await expect(customer).toHaveURL(/\/portal/);
  await customer.getByRole("link", { name: "New request" }).first().click();

  // Help articles are suggested while the customer types.
  await customer.getByLabel("Subject").pressSequentially("forgot my pasword", { delay: 20 });
  await expect(customer.getByTestId("kb-suggestions")).toContainText(/password/i);

  // Bad input: field errors, and what was typed stays.
  await customer.getByLabel("Subject").fill(subject);
  await customer.getByRole("button", { name: "Send request" }).click();
  await expect(customer.getByText("Choose whether this is a complaint or a question.")).toBeVisible();
  await expect(customer.getByText("Describe the problem in at least 10 characters.")).toBeVisible();
  await expect(customer.getByLabel("Subject")).toHaveValue(subject);

  await customer.getByLabel("Complaint: something went wrong").check();
  await customer.getByLabel("Topic").selectOption("technical");
  await customer.getByLabel("Description").fill("Every time I pay, the checkout page spins and then shows an error.");
  await customer.getByRole("button", { name: "Send request" }).click();

  const created = customer.getByTestId("ticket-created");
  await expect(created).toContainText("We received your request #");
  await expect(created).toContainText("We will reply by");
  const number = Number(/#(\d+)/.exec((await created.textContent()) ?? "")?.[1]);
  expect(number).toBeGreaterThan(0);

  // The agent sees it appear without reloading.
  const row = agent.getByTestId("queue").locator(`[data-ticket="${number}"]`);
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText(subject);

  // The row's link is followed inside the app, without loading a new document.
  await agent.evaluate(() => Object.assign(window, { sameDocument: true }));
  await row.getByRole("link").click();
  await expect(agent.getByRole("heading", { name: subject })).toBeVisible();
  expect(await agent.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await expect(agent.getByTestId("customer-card")).toContainText("Key account");

  // Internal note, then a public reply.
  await agent.getByRole("group", { name: "Write as" }).getByText("Internal note").click();
  await agent.getByPlaceholder("Write a note only your team will see…").fill(internalNote);
  await agent.getByRole("button", { name: "Add note" }).click();
  await expect(agent.getByText(internalNote)).toBeVisible();

  await agent.getByRole("group", { name: "Write as" }).getByText("Public reply").click();
  await agent.getByPlaceholder("Write to the customer…").fill(publicReply);
  await agent.getByRole("button", { name: "Send", exact: true }).click();
  await expect(agent.getByText(publicReply)).toBeVisible();

  // The reply shows up live on the customer's page; the note never does.
  await expect(customer.getByText(publicReply)).toBeVisible({ timeout: 5_000 });
  await expect(customer.getByText(internalNote)).toHaveCount(0);
  await customer.reload();
  await expect(customer.getByText(publicReply)).toBeVisible();
  expect(await customer.content()).not.toContain(internalNote);

  // Solve: the customer is invited to rate, live.
  // Properties save as they change.
  await agent.getByTestId("properties").getByLabel("Status").selectOption("solved");
  await expect(agent.getByTestId("save-state")).toHaveText("Saved");
  await expect(agent.locator('[data-kind="event"]').filter({ hasText: "You changed the status from Open to Solved" })).toBeVisible();
  const invite = customer.getByTestId("survey-invite");
  await expect(invite).toBeVisible({ timeout: 5_000 });
  await invite.getByRole("link", { name: "Rate this conversation" }).click();
  await customer.waitForURL(/\/survey\//);
  const surveyUrl = customer.url();

  await customer.getByText("Very dissatisfied").click();
  await customer.getByLabel(/Anything you want to add/).fill("The checkout was broken for two days.");
  await customer.getByRole("button", { name: "Send rating" }).click();
  await expect(customer.getByTestId("survey-thanks")).toBeVisible();

  // The link works once.
  await customer.goto(surveyUrl);
  await expect(customer.getByTestId("survey-used")).toBeVisible();

  // The supervisor's boards show it: CSAT, SLA counts, the low rating and at-risk customers.
  const supervisor = await signIn(browser, "supervisor@demo.helpdesk");
  await expect(supervisor).toHaveURL(/\/supervisor/);
  await expect(supervisor.getByTestId("csat-score")).toHaveText(/\d+%/);
  for (const state of ["on_track", "at_risk", "breached"]) {
    await expect(supervisor.locator(`[data-sla-count="${state}"] .stat-value`)).toHaveText(/^\d+$/);
  }
  await expect(supervisor.getByTestId("csat-board")).toContainText(subject);
  await expect(supervisor.getByTestId("health-board").locator("tbody tr").first()).toBeVisible();

  // The agent's view of the customer shows the rating's effect on health.
  await agent.goto(`/agent/tickets/${number}`);
  await expect(agent.getByTestId("customer-card")).toContainText(/Satisfaction/);
  await expect(agent.getByTestId("health-reasons")).toContainText(`CSAT 1 on #${number}`);
  await expect(agent.locator(".tag", { hasText: "csat-low" })).toBeVisible();
  // The ticket's history says who rated and who tagged it, from the event log.
  const history = agent.locator('[data-kind="event"]');
  await expect(history.filter({ hasText: /rated the conversation 1 \/ 5/ })).toBeVisible();
  await expect(history.filter({ hasText: "System added the tag csat-low" })).toBeVisible();
});

test("help center search finds articles in English with a typo and in Chinese", async ({ page }) => {
  await page.goto("/help?q=pasword");
  const results = page.getByTestId("search-results");
  await expect(results.getByRole("link").first()).toContainText(/password/i);

  await page.goto("/help?q=退款");
  await expect(page.getByTestId("search-results").getByRole("link").first()).toContainText("退款");
});

test("the interface switches to Simplified Chinese", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("How can we help?");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("link", { name: "帮助中心" }).first()).toBeVisible();
});
