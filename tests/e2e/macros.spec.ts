// Macros as an agent uses them: written once in the editor, then picked by
// typing "/" in the composer, which fills the reply (placeholders filled in
// for this ticket) and shows the changes that go with it; sending does both.
// A macro is a message like any other: held back when a colleague answered
// meanwhile, sent with the files the agent attached.
import { expect, test, signIn, fileTicket, apiToken, solveTickets } from "./support.ts";

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

test("a macro sent after a colleague's reply shows what they wrote, keeps the text and files, and goes with them when sent again", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "Printer prints blank pages", description: "Since Monday every page comes out blank." });
  const name = `Driver update ${Date.now()}`;
  const created = await request.post("/api/v1/macros", {
    headers: { authorization: `Bearer ${await apiToken(request, "agent@demo.helpdesk")}` },
    data: { name, reply: { en: "Hi {{customer.name}}, please install the latest printer driver." }, actions: { status: "pending" } },
  });
  expect(created.status()).toBe(201);

  const li = await signIn(browser, "agent@demo.helpdesk");
  const helen = await signIn(browser, "supervisor@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await expect(li.getByTestId("live-status")).toHaveAttribute("data-connected", "true"); // scripts are running
  // A file chosen before the macro is picked stays in the composer with it.
  await li.locator("#files").setInputFiles([{ name: "driver-steps.txt", mimeType: "text/plain", buffer: Buffer.from("1. Download the driver.\n2. Install it.\n") }]);
  await li.locator("#macro-picker").selectOption({ label: name });
  const staged = li.getByTestId("macro-composer");
  const reply = staged.getByRole("textbox", { name: "Reply" });
  await expect(reply).toHaveValue("Hi Emma Clarke, please install the latest printer driver.");
  await expect(staged.getByTestId("attach-files").getByRole("listitem")).toHaveText([/driver-steps\.txt/]);
  const edited = "Hi Emma Clarke, please install the latest printer driver: the steps are attached.";
  await reply.fill(edited);

  // Meanwhile Helen answers; Li sees it live, but sends the macro anyway.
  await helen.goto(`/agent/tickets/${number}`);
  await helen.getByRole("textbox", { name: "Reply" }).fill("Could you print a test page from the printer's own menu?");
  await helen.getByRole("button", { name: "Send", exact: true }).click();
  await expect(li.locator(".thread")).toContainText("Could you print a test page from the printer's own menu?");
  await staged.getByRole("button", { name: "Apply macro and send" }).click();

  // Held back, as a reply from the composer would be: what Helen wrote, Li's text and file kept, nothing applied.
  await expect(staged.getByRole("alert").filter({ hasText: "While you were writing, the ticket moved on." })).toBeVisible();
  await expect(staged.getByTestId("written-meanwhile")).toContainText("Helen Zhou wrote: “Could you print a test page from the printer's own menu?”");
  await expect(reply).toHaveValue(edited);
  await expect(staged.getByTestId("attach-files").getByRole("listitem")).toHaveText([/driver-steps\.txt/]);
  await expect(li.locator(".thread")).not.toContainText("the steps are attached");
  await expect(li.getByTestId("properties").getByLabel("Status")).toHaveValue("open");

  // Having read it, Li sends on purpose: the reply goes with its file, and the macro's change with it.
  await staged.getByRole("button", { name: "Apply macro and send" }).click();
  await expect(li.getByTestId("macro-composer")).toHaveCount(0);
  const sent = li.locator(".thread li.msg").filter({ hasText: edited });
  await expect(sent).toHaveCount(1);
  await expect(sent.getByRole("link", { name: "Download driver-steps.txt" })).toBeVisible();
  await expect(li.getByTestId("properties").getByLabel("Status")).toHaveValue("pending");
  // Sent once: the file does not wait in the composer for the next message.
  await expect(li.getByTestId("attach-files").getByRole("listitem")).toHaveCount(0);
  await li.context().close();
  await helen.context().close();
  await solveTickets(request, [number]);
});
