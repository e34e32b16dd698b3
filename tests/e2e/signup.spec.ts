// A new customer finds their way in: sign-up with validation, the same answer for an address
// that already has an account (its owner is told by mail instead), the mailed link that confirms
// the address and sets the password, an empty portal that says so, a question filed, and an
// agent's reply arriving live.
import { expect, mailLink, mailTo, signIn, test } from "./support.ts";

test("a new customer signs up, files a question and gets a live answer", async ({ page, browser }) => {
  const email = `new.customer.${Date.now().toString(36)}@example.com`;

  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Noor Haddad");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Noor Haddad");
  // A field in error is outlined in red, text inputs included.
  await expect(page.getByLabel("Email")).toHaveCSS("border-color", "rgb(180, 35, 24)");
  // No password here: it is chosen from the mailed link.
  await expect(page.getByLabel("Password")).toHaveCount(0);

  // The error goes as soon as the field is fixed, before sending again.
  await page.getByLabel("Email").fill("customer@demo.helpdesk");
  await expect(page.getByText("Enter a valid email address.")).toBeHidden();
  await expect(page.getByLabel("Email")).not.toHaveCSS("border-color", "rgb(180, 35, 24)");
  // An address with an account gets the same answer here; its owner is told by mail.
  const before = new Date();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your mail" })).toBeVisible();
  await expect(page.getByText("We have sent a mail to customer@demo.helpdesk.")).toBeVisible();
  const told = await mailTo("customer@demo.helpdesk", { after: before });
  expect(told.subject).toBe("You already have an account at Helpdesk");
  expect(mailLink(told, "/forgot-password")).toBe("/forgot-password");

  // A new address: the mail's link confirms it and lets them choose a password.
  const since = new Date();
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Noor Haddad");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your mail" })).toBeVisible();
  const welcome = await mailTo(email, { after: since });
  expect(welcome.subject).toBe("Confirm your email address for Helpdesk");
  expect(welcome.headers.get("auto-submitted")).toBe("auto-generated");
  await page.goto(mailLink(welcome, "/verify/"));
  await expect(page.getByRole("heading", { name: "Confirm your address and choose a password" })).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill("a-good-long-password");
  await page.getByLabel("Password again").fill("a-good-long-passwort");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.getByText("The two passwords do not match.")).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill("a-good-long-password");
  await page.getByLabel("Password again").fill("a-good-long-password");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByText("You have no requests yet.")).toBeVisible();
  await expect(page.getByText("Confirm your email address to see your requests.")).toHaveCount(0);

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
