// Macros as an agent uses them: written once in the editor, then picked by
// typing "/" in the composer, which fills the reply (placeholders filled in
// for this ticket) and shows the changes that go with it; sending does both.
import { expect, test, signIn, fileTicket } from "./support.ts";

test("a macro made in the editor fills a reply picked with / and sets the ticket's fields when sent", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "Router keeps dropping the connection", description: "Every evening the router drops Wi-Fi for a minute." });

  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent/macros/new");
  const name = `Need logs ${Date.now()}`;
  await agent.getByLabel("Name").fill(name);
  await agent.getByRole("group", { name: "Public reply" }).getByLabel("English").fill("Hi {{customer.name}}, could you send us the router's logs for #{{ticket.number}}?");
  await agent.getByLabel("Status").selectOption("pending");
  await agent.getByLabel("Add tags").fill("needs-logs");
  await agent.getByRole("button", { name: "Create macro" }).click();
  await expect(agent.getByTestId("macro-list")).toContainText(name);
  await expect(agent.getByTestId("macro-list")).toContainText("status: Pending");

  await agent.goto(`/agent/tickets/${number}`);
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true"); // scripts are running
  const composer = agent.getByRole("textbox", { name: "Reply" });
  await composer.fill("/need lo");
  await expect(agent.getByTestId("slash-menu").getByRole("option").first()).toHaveText(name);
  await composer.press("Enter");

  const staged = agent.getByTestId("macro-composer");
  const reply = staged.getByRole("textbox", { name: "Reply" });
  await expect(reply).toHaveValue(`Hi Emma Clarke, could you send us the router's logs for #${number}?`);
  await expect(staged.getByTestId("macro-effects")).toHaveText("When sent: status: Pending · + needs-logs");
  await reply.fill(`${await reply.inputValue()} A screenshot of the status page helps too.`);
  await staged.getByRole("button", { name: "Apply macro and send" }).click();

  await expect(agent.getByTestId("macro-composer")).toHaveCount(0);
  await expect(agent.locator(".thread")).toContainText("A screenshot of the status page helps too.");
  await expect(agent.getByTestId("properties").getByLabel("Status")).toHaveValue("pending");
  await expect(agent.getByTestId("properties")).toContainText("needs-logs");
  await expect(agent.locator(".thread")).toContainText(`applied the macro “${name}”`);
  await agent.context().close();
});
