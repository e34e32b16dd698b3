// The composer's light formatting: Markdown written with the toolbar,
// previewed as it will show, and shown formatted to the customer.
import { expect, test, signIn, fileTicket, scriptsRunning } from "./support.ts";

test("an agent formats a reply with the toolbar, previews it, and the customer sees it formatted", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "How do I reset the cache?", description: "The app shows old data." });

  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await scriptsRunning(li);
  const reply = li.getByRole("textbox", { name: "Reply" });
  await reply.fill("Two steps:\n");
  await li.getByRole("button", { name: "Bulleted list" }).click();
  await li.keyboard.type("clear the cache");
  await reply.press("End");
  await li.keyboard.type("\n\n");
  await li.getByRole("button", { name: "Bold" }).click();
  await li.keyboard.type("then sign in again");
  await expect(reply).toHaveValue("Two steps:\n- clear the cache\n\n**then sign in again**");

  await li.getByRole("button", { name: "Preview" }).click();
  const preview = li.getByTestId("md-preview");
  await expect(preview.locator("li")).toHaveText("clear the cache");
  await expect(preview.locator("strong")).toHaveText("then sign in again");
  await li.getByRole("button", { name: "Send", exact: true }).click();
  // Its own message (the status change it made is an entry of the same moment, after it).
  await expect(li.locator(".thread li.msg-mine").last().locator(".msg-body strong")).toHaveText("then sign in again");

  const customer = await signIn(browser, "customer@demo.helpdesk");
  await customer.goto(`/portal/tickets/${number}`);
  const shown = customer.locator(".thread li.msg").last();
  await expect(shown.locator(".msg-body li")).toHaveText("clear the cache");
  await expect(shown.locator(".msg-body strong")).toHaveText("then sign in again");
  await expect(shown).not.toContainText("**");
  await li.context().close();
  await customer.context().close();
});
