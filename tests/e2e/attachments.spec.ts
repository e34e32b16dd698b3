// Files both ways: a customer attaches a screenshot and a log when filing,
// the agent sees the preview and downloads the log, and answers with a file
// pasted into the reply; another customer following the file's link is
// refused. An agent drops a file onto the reply; a customer pastes a
// screenshot into theirs.
import { expect, fileTicket, signIn, signUpByMail, scriptsRunning, solveTickets, test } from "./support.ts";

// A 1×1 PNG: enough for the type to be read from its bytes.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d4944415478da63f8cfc0f01f0005000201c5d0bd0e0000000049454e44ae426082",
  "hex",
);
// About 1.5 MB: larger than any form without files may be.
const LOG = "2026-11-25 09:14:02 ERROR export failed: timeout after 30s\n".repeat(25_000);

test("a customer attaches files, the agent downloads them, another customer is refused", async ({ browser, page }) => {
  const customer = await signIn(browser, "customer@demo.helpdesk");
  await customer.goto("/portal/new");
  await customer.getByLabel(/^Question/).check();
  await customer.getByLabel("Topic").selectOption("technical");
  await customer.getByLabel("Subject").fill("Export fails with a timeout");
  await customer.getByLabel("Description").fill("The export stops after 30 seconds. Screenshot and log attached.");
  const picker = customer.getByTestId("attach-files");
  // A file over the limit is refused at once, before anything is sent.
  await customer.locator("#files").setInputFiles([{ name: "video.mp4", mimeType: "video/mp4", buffer: Buffer.alloc(21 * 1024 * 1024) }]);
  await expect(picker.getByRole("alert")).toHaveText("“video.mp4” is larger than 20 MB: share it by link instead.");
  // A file that is not what its name says is refused by the server, naming it; nothing typed is lost.
  await customer.locator("#files").setInputFiles([{ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") }]);
  await customer.getByRole("button", { name: "Send request" }).click();
  await expect(picker.getByRole("alert")).toHaveText(/^“photo\.png”: A file's contents do not match its name/);
  await expect(customer.getByLabel("Subject")).toHaveValue("Export fails with a timeout");
  await picker.getByRole("button", { name: "Remove photo.png" }).click();
  await customer.locator("#files").setInputFiles([{ name: "export-error.png", mimeType: "image/png", buffer: PNG }]);
  await customer.locator("#files").setInputFiles([{ name: "export.log", mimeType: "text/plain", buffer: Buffer.from(LOG) }]);
  // Chosen one after the other, both go.
  await expect(picker.getByRole("listitem")).toHaveText([/export-error\.png/, /export\.log/]);
  await customer.getByRole("button", { name: "Send request" }).click();
  await expect(customer.getByTestId("ticket-created")).toBeVisible();
  const number = Number(/\/portal\/tickets\/(\d+)/.exec(customer.url())![1]);
  const first = customer.locator(".thread li.msg").first();
  await expect(first.getByRole("img", { name: "Preview of export-error.png" })).toBeVisible();
  await expect(first.getByRole("link", { name: "Download export.log" })).toBeVisible();

  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await scriptsRunning(li);
  const message = li.locator(".thread li.msg").first();
  // The preview is the image itself, loaded (not a broken picture).
  const preview = message.getByRole("img", { name: "Preview of export-error.png" });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  const [download] = await Promise.all([li.waitForEvent("download"), message.getByRole("link", { name: "Download export.log" }).click()]);
  expect(download.suggestedFilename()).toBe("export.log");
  const saved = await download.path();
  expect((await import("node:fs")).readFileSync(saved, "utf8")).toBe(LOG);
  const logHref = await message.getByRole("link", { name: "Download export.log" }).getAttribute("href");

  // The agent pastes a screenshot into the reply: it goes as an attachment.
  const reply = li.getByRole("textbox", { name: "Reply" });
  await reply.fill("Here is where the export setting is.");
  await reply.evaluate((textarea, bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, [...PNG]);
  await expect(li.getByTestId("attach-files").getByRole("listitem")).toHaveText([/screenshot-\d{8}-\d{6}\.png/]);
  await li.getByRole("button", { name: "Send", exact: true }).click();
  await expect(
    li.locator(".thread li.msg").filter({ hasText: "Here is where the export setting is." }).getByRole("img", { name: /Preview of screenshot-/ }),
  ).toBeVisible();
  await expect(li.getByTestId("attach-files").getByRole("listitem")).toHaveCount(0);
  // The customer gets it live, with its file.
  await expect(
    customer.locator(".thread li.msg").filter({ hasText: "Here is where the export setting is." }).getByRole("img", { name: /Preview of screenshot-/ }),
  ).toBeVisible();

  // Someone else signs up and follows the link: as if the file did not exist.
  await signUpByMail(page, { name: "Noor Haddad", email: `noor.${Date.now().toString(36)}@example.com`, password: "a-good-long-password" });
  const refused = await page.request.get(logHref!);
  expect(refused.status()).toBe(404);
  expect(await refused.text()).not.toContain("export failed");

  await customer.context().close();
  await li.context().close();
});

test("an agent drops a file onto the reply: it is listed, and goes with the reply", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "App crashes on start", description: "Since this morning the app closes at once." });
  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await scriptsRunning(li);
  const reply = li.getByRole("textbox", { name: "Reply" });
  await reply.fill("These steps should clear the cache; the report shows what I looked at.");
  const picker = li.getByTestId("attach-files");

  // A file dragged from the desktop over the reply and let go there, as the browser reports it.
  const REPORT = "crash at launch: cache index corrupt\n";
  const dataTransfer = await li.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], "crash-report.txt", { type: "text/plain" }));
    return transfer;
  }, REPORT);
  await reply.dispatchEvent("dragenter", { dataTransfer });
  await reply.dispatchEvent("dragover", { dataTransfer });
  // While it is held over the form, the form says it takes it.
  await expect(picker.getByText("Drop to attach")).toBeVisible();
  await reply.dispatchEvent("drop", { dataTransfer });
  await expect(picker.getByText("Drop to attach")).toBeHidden();
  await expect(picker.getByRole("listitem")).toHaveText([/crash-report\.txt/]);
  // What was written stays: the file did not land in the text.
  await expect(reply).toHaveValue("These steps should clear the cache; the report shows what I looked at.");

  await li.getByRole("button", { name: "Send", exact: true }).click();
  // The reply itself, not a status entry that may come after it in the thread.
  const sent = li.locator(".thread li.msg").filter({ hasText: "These steps should clear the cache" });
  await expect(sent).toHaveCount(1);
  const link = sent.getByRole("link", { name: "Download crash-report.txt" });
  await expect(link).toBeVisible();
  await expect(picker.getByRole("listitem")).toHaveCount(0);
  const file = await li.request.get((await link.getAttribute("href"))!);
  expect(file.status()).toBe(200);
  expect(await file.text()).toBe(REPORT);

  await li.context().close();
  await solveTickets(request, [number]);
});

test("a customer pastes a screenshot into their reply: it is listed, and goes with the reply", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "Button does nothing", description: "The save button on my profile does nothing." });
  const customer = await signIn(browser, "customer@demo.helpdesk");
  await customer.goto(`/portal/tickets/${number}`);
  await scriptsRunning(customer);
  const reply = customer.getByRole("textbox", { name: "Add a reply" });
  await reply.fill("This is what I see when I press it.");
  // As the agent's paste above: the clipboard holds a picture and no text.
  await reply.evaluate((textarea, bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, [...PNG]);
  const picker = customer.getByTestId("attach-files");
  await expect(picker.getByRole("listitem")).toHaveText([/screenshot-\d{8}-\d{6}\.png/]);
  await expect(reply).toHaveValue("This is what I see when I press it.");

  await customer.getByRole("button", { name: "Send reply" }).click();
  const sent = customer.locator(".thread li.msg").filter({ hasText: "This is what I see when I press it." });
  await expect(sent).toHaveCount(1);
  const preview = sent.getByRole("img", { name: /Preview of screenshot-\d{8}-\d{6}\.png/ });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  await expect(picker.getByRole("listitem")).toHaveCount(0);

  // The agent finds it on the ticket too.
  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await expect(
    li.locator(".thread li.msg").filter({ hasText: "This is what I see when I press it." }).getByRole("img", { name: /Preview of screenshot-/ }),
  ).toBeVisible();

  await customer.context().close();
  await li.context().close();
  await solveTickets(request, [number]);
});
