// Forms are plain HTML forms handled on the server, so the portal and the
// workspace keep working when JavaScript is off or has not loaded yet.
import { expect, test, signIn, DEMO_PASSWORD } from "./support.ts";

test("filing a request and adding an internal note work without JavaScript", async ({ browser }) => {
  const page = await signIn(browser, "customer@demo.helpdesk", "en-US", { javaScript: false });
  const subject = `No-script request ${Date.now().toString(36)}`;
  await expect(page).toHaveURL(/\/portal/);

  await page.goto("/portal/new");
  await page.getByLabel("Subject").fill(subject);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByText("Choose a topic.")).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue(subject);
  await page.getByLabel("Question: I need information or help").check();
  await page.getByLabel("Topic").selectOption("technical");
  await page.getByLabel("Description").fill("Testing that the portal works with scripts turned off.");
  await page.getByRole("button", { name: "Send request" }).click();
  const created = page.getByTestId("ticket-created");
  await expect(created).toBeVisible();
  const number = Number(/#(\d+)/.exec((await created.textContent()) ?? "")?.[1]);

  await page.goto("/logout"); // GET only redirects; sign out is a POST
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/login");
  await page.getByLabel("Email").fill("agent@demo.helpdesk");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto(`/agent/tickets/${number}`);
  // No live channel without scripts: the badge says how to see changes instead of "Connecting…" for ever.
  await expect(page.getByText("Reload to see changes")).toBeVisible();
  await expect(page.getByText("Connecting…")).toBeHidden();
  await page.getByRole("group", { name: "Write as" }).getByText("Internal note").click();
  await page.locator("textarea#body").fill("Checked without scripts: all good");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator('[data-kind="internal"]', { hasText: "Checked without scripts: all good" })).toBeVisible();
  await page.context().close();
});
