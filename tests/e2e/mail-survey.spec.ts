// A customer rates a solved request from the link in the mail the helpdesk sent them (read from
// the local sink, as no SMTP server is set up), and the admin finds that mail under Admin → Mail.
import type { ParsedMail } from "mailparser";
import { apiToken, expect, fileTicket, mailLink, mailTo, signIn, test } from "./support.ts";

/** The newest mail to an address since a moment, once it is the one with this subject (mail of earlier steps may still arrive). */
async function mailWithSubject(address: string, subject: string, after: Date): Promise<ParsedMail> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mail = await mailTo(address, { after, timeout: Math.max(1, deadline - Date.now()) });
    if (mail.subject === subject) return mail;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${address}; the newest is "${mail.subject}"`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("a customer rates a solved ticket from the link in the received mail; the admin reads the mail", async ({ page, request, browser }) => {
  const number = await fileTicket(request, {
    type: "inquiry",
    category: "technical",
    subject: "Export to CSV is greyed out",
    description: "The export button in reports is greyed out since yesterday.",
  });
  const admin = { authorization: `Bearer ${await apiToken(request, "admin@demo.helpdesk")}` };
  const reply = await request.post(`/api/v1/tickets/${number}/messages`, {
    headers: admin,
    data: { kind: "public", body: "Reports need the **Export** permission; we have added it to your account." },
  });
  expect(reply.status()).toBe(201);
  const since = new Date();
  expect((await request.patch(`/api/v1/tickets/${number}`, { headers: admin, data: { status: "solved" } })).status()).toBe(200);

  const mail = await mailWithSubject("customer@demo.helpdesk", `[#${number}] Solved: Export to CSV is greyed out`, since);
  expect(mail.text).toContain("##- Please type your reply above this line -##");
  await page.goto(mailLink(mail, "/survey/"));
  await expect(page.getByRole("heading", { name: "How did we do?" })).toBeVisible();
  await expect(page.getByText(`About request #${number}: Export to CSV is greyed out`)).toBeVisible();
  await page.getByLabel("Very satisfied").check();
  await page.getByLabel("Anything you want to add? (optional)").fill("Quick and clear, thank you.");
  await page.getByRole("button", { name: "Send rating" }).click();
  await expect(page.getByTestId("survey-thanks")).toBeVisible();
  // The link worked once.
  await page.goto(mailLink(mail, "/survey/"));
  await expect(page.getByTestId("survey-used")).toBeVisible();

  const adminPage = await signIn(browser, "admin@demo.helpdesk");
  await adminPage.goto("/admin");
  await adminPage.getByRole("link", { name: "Mail", exact: true }).click();
  await expect(adminPage.getByRole("heading", { name: "Sent mail" })).toBeVisible();
  await adminPage.getByLabel("Recipient").fill("customer@demo.helpdesk");
  await adminPage.getByRole("button", { name: "Filter" }).click();
  await adminPage.getByRole("link", { name: `[#${number}] Solved: Export to CSV is greyed out` }).click();
  await expect(adminPage.getByTestId("mail-subject")).toHaveText(`[#${number}] Solved: Export to CSV is greyed out`);
  await expect(adminPage.getByTestId("mail-text")).toContainText("/survey/");
  await expect(adminPage.getByTestId("mail-html")).toHaveAttribute("srcdoc", /Rate our service/);
  const download = adminPage.waitForEvent("download");
  await adminPage.getByTestId("download-eml").click();
  expect((await download).suggestedFilename()).toMatch(/\.eml$/);
  await adminPage.context().close();
});
