// The agent workspace as agents use it to find and triage tickets: search
// from the header (in Chinese and with a typo).
import { expect, test, signIn, DEMO_PASSWORD } from "./support.ts";
import type { APIRequestContext } from "@playwright/test";

async function tokenFor(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post("/api/v1/auth/token", { data: { email, password: DEMO_PASSWORD } });
  return (await res.json()).token;
}

test("search from the header finds a ticket by a Chinese phrase and by an English word with a typo", async ({ browser, request }) => {
  const customer = await tokenFor(request, "customer@demo.helpdesk");
  const filed = await request.post("/api/v1/tickets", {
    headers: { authorization: `Bearer ${customer}` },
    data: {
      type: "complaint",
      category: "technical",
      subject: "Espresso machine leaking after the update",
      description: "您好，更新固件以后咖啡机一直漏水，我想申请退款或者换一台新的。",
    },
  });
  expect(filed.status()).toBe(201);
  const { number } = await filed.json();
  // Indexing follows the commit by a moment: wait until search has it.
  const supervisorToken = await tokenFor(request, "supervisor@demo.helpdesk");
  await expect
    .poll(async () => {
      const res = await request.get(`/api/v1/search/tickets?q=${encodeURIComponent("咖啡机漏水")}`, {
        headers: { authorization: `Bearer ${supervisorToken}` },
      });
      // A failed search shows its status in the poll's failure message.
      return res.ok() ? (await res.json()).data.map((h: { number: number }) => h.number) : [`HTTP ${res.status()}`];
    })
    .toContain(number);

  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent");
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true"); // scripts are running
  // "/" focuses the search box from anywhere outside a text field.
  await agent.keyboard.press("/");
  await expect(agent.getByRole("searchbox", { name: "Search tickets" })).toBeFocused();
  await agent.keyboard.type("咖啡机漏水");
  await agent.keyboard.press("Enter");
  const hit = agent.getByTestId("search-hits").locator(`[data-ticket="${number}"]`);
  await expect(hit).toBeVisible();
  await expect(hit.locator("mark").first()).toHaveText(/咖啡|漏水/);

  await agent.getByRole("searchbox", { name: "Search tickets" }).fill("espreso leaking");
  await agent.keyboard.press("Enter");
  await expect(agent.getByTestId("search-hits").locator("li").first()).toHaveAttribute("data-ticket", String(number));
  await expect(agent.getByTestId("search-hits").locator("li").first().locator("mark").first()).toHaveText("Espresso");

  // Operators narrow it; a value an operator cannot take is said, not guessed.
  await agent.getByRole("searchbox", { name: "Search tickets" }).fill("espresso status:solved priority:hot");
  await agent.keyboard.press("Enter");
  await expect(agent.getByTestId("search-ignored")).toContainText("priority:hot");
  await expect(agent.getByTestId("search-hits")).toHaveCount(0);

  // A ticket number alone opens that ticket.
  await agent.getByRole("searchbox", { name: "Search tickets" }).fill(`#${number}`);
  await agent.keyboard.press("Enter");
  await agent.waitForURL(`**/agent/tickets/${number}`);
  await expect(agent.getByRole("heading", { level: 1 })).toContainText("Espresso machine leaking");
});
