// An agent makes a read-only token for a script on their account page (shown
// once), the script can read but not write; an admin finds the token, revokes
// it, and reads what happened in the audit log, in Chinese too.
import { expect, signIn, test } from "./support.ts";

test("a read-only token is made, used, revoked by an admin, and the audit log tells it", async ({ browser, request }) => {
  const agent = await signIn(browser, "zhang.min@demo.helpdesk");
  await agent.goto("/account");
  await agent.getByRole("link", { name: "Manage API tokens" }).click();
  await agent.getByLabel("Name", { exact: true }).fill("Queue report");
  await agent.getByLabel("Expires after").selectOption("7");
  await agent.getByLabel("Tickets", { exact: true }).selectOption("read");
  await agent.getByRole("button", { name: "Create token" }).click();
  const shown = agent.getByTestId("new-token");
  await expect(shown).toContainText("Copy it now: it will not be shown again.");
  const token = await shown.getByRole("textbox").inputValue();
  expect(token).toMatch(/^hd_/);
  const row = agent.getByTestId("token-list").getByRole("row", { name: /Queue report/ });
  await expect(row).toContainText("Tickets: Read");
  await expect(row).toContainText("Never");

  const headers = { authorization: `Bearer ${token}` };
  expect((await request.get("/api/v1/tickets", { headers })).status()).toBe(200);
  const refused = await request.post("/api/v1/tickets", { headers, data: {} });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("tickets:write");
  // Seen again later, the page knows when it was used but never shows the token.
  await agent.reload();
  await expect(agent.getByTestId("token-list").getByRole("row", { name: /Queue report/ })).toContainText("this minute");
  await expect(agent.getByText(token)).toHaveCount(0);

  const admin = await signIn(browser, "admin@demo.helpdesk");
  await admin.goto("/admin/tokens");
  const adminRow = admin.getByTestId("admin-token-list").getByRole("row", { name: /Queue report/ });
  await expect(adminRow).toContainText("Zhang");
  await adminRow.getByRole("button", { name: /Revoke/ }).click();
  await expect(admin.getByRole("status").filter({ hasText: "was revoked" })).toContainText("“Queue report” was revoked");
  expect((await request.get("/api/v1/tickets", { headers })).status()).toBe(401);

  await admin.goto("/admin/audit");
  await admin.getByLabel("Action").selectOption({ label: "API token revoked" });
  await admin.getByRole("button", { name: "Show" }).click();
  await expect(admin).toHaveURL(/action=token.revoked/);
  const entry = admin.getByTestId("audit-entries").getByRole("row", { name: /Queue report/ }).first();
  await expect(entry).toContainText("API token revoked");
  await expect(entry).toContainText("Morgan Reed");
  await expect(admin.getByTestId("audit-csv")).toHaveAttribute("href", "/admin/audit.csv?action=token.revoked");

  const zh = await signIn(browser, "admin@demo.helpdesk", "zh-CN");
  await zh.goto("/admin/audit?action=token.created");
  await expect(zh.getByRole("heading", { name: "审计日志" })).toBeVisible();
  await expect(zh.getByTestId("audit-entries").getByRole("row", { name: /Queue report/ })).toContainText("创建了 API 令牌");
});
