// A new customer finds their way in: sign-up with validation, an empty
// portal that says so, a question filed, and an agent's reply arriving live.
import { expect, signIn, test } from "./support.ts";

test("a new customer signs up, files a question and gets a live answer", async ({ page, browser }) => {
  const email = `new.customer.${Date.now().toString(36)}@example.com`;

  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Noor Haddad");
  await page.getByLabel("Email").fill("customer@demo.helpdesk");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use a password of at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Noor Haddad");
  // A field in error is outlined in red, text inputs included.
  await expect(page.getByLabel("Password")).toHaveCSS("border-color", "rgb(180, 35, 24)");

  // The error goes as soon as the field is fixed, before sending again.
  await page.getByLabel("Password").fill("a-good-long-password");
  await expect(page.getByText("Use a password of at least 8 characters.")).toBeHidden();
  await expect(page.getByLabel("Password")).not.toHaveCSS("border-color", "rgb(180, 35, 24)");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveCSS("border-color", "rgb(180, 35, 24)");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByText("You have no requests yet.")).toBeVisible();

  await page.getByRole("link", { name: "New request" }).first().click();
  await page.getByLabel("Question: I need information or help").check();
  await page.getByLabel("Topic").selectOption("billing");
  await page.getByLabel("Subject").fill("Can I pay by bank transfer?");
  await page.getByLabel("Description").fill("We would prefer to pay our invoices by bank transfer instead of card.");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("ticket-created")).toBeVisible();
  const number = Number(/#(\d+)/.exec((await page.getByTestId("ticket-created").textContent()) ?? "")?.[1]);

  // Maria works in Billing: she answers from her own browser.
  const agent = await signIn(browser, "maria.santos@demo.helpdesk");
  await agent.goto(`/agent/tickets/${number}`);
  await agent.getByPlaceholder("Write to the customer…").fill("Yes, bank transfer is fine. The details are on every invoice.");
  await agent.getByRole("button", { name: "Send", exact: true }).click();

  await expect(page.getByText("Yes, bank transfer is fine.")).toBeVisible({ timeout: 5_000 });
  await page.getByRole("link", { name: "My requests" }).first().click();
  await expect(page.getByRole("link", { name: /Can I pay by bank transfer\?/ })).toBeVisible();
  await agent.context().close();
});
