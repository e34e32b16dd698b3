// Files both ways: a customer attaches a screenshot and a log when filing,
// the agent sees the preview and downloads the log, and answers with a file
// pasted into the reply; another customer following the file's link is
// refused.
import { expect, signIn, signUpByMail, test } from "./support.ts";

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
  await expect(li.locator(".thread li.msg").last().getByRole("img", { name: /Preview of screenshot-/ })).toBeVisible();
  await expect(li.getByTestId("attach-files").getByRole("listitem")).toHaveCount(0);
  // The customer gets it live, with its file.
  await expect(customer.locator(".thread li.msg").last().getByRole("img", { name: /Preview of screenshot-/ })).toBeVisible();

  // Someone else signs up and follows the link: as if the file did not exist.
  await signUpByMail(page, { name: "Noor Haddad", email: `noor.${Date.now().toString(36)}@example.com`, password: "a-good-long-password" });
  const refused = await page.request.get(logHref!);
  expect(refused.status()).toBe(404);
  expect(await refused.text()).not.toContain("export failed");

  await customer.context().close();
  await li.context().close();
});
