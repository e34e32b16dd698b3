// The agent workspace as agents use it to find and triage tickets: search
// from the header (in Chinese and with a typo).
import { apiToken as tokenFor, expect, test, signIn } from "./support.ts";

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

test("a new ticket appears in the views it belongs to and their counts follow, without a reload", async ({ browser, request }) => {
  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent?view=unassigned");
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true");
  const views = agent.getByTestId("views");
  const count = async (key: string) => Number(await views.locator(`[data-view="${key}"] .view-count`).getAttribute("data-count"));
  const before = { mine: await count("mine"), unassigned: await count("unassigned"), teams: await count("teams"), active: await count("active") };

  const customer = await tokenFor(request, "customer@demo.helpdesk");
  const filed = await request.post("/api/v1/tickets", {
    headers: { authorization: `Bearer ${customer}` },
    data: { type: "inquiry", category: "technical", subject: "Views follow this ticket live", description: "Filed to watch the view counts move." },
  });
  const ticket = await filed.json();
  // It is unassigned and in Li Wei's team: in the list shown, and counted in three views, not in "My tickets".
  await expect(agent.getByTestId("queue").locator(`[data-ticket="${ticket.number}"]`)).toBeVisible();
  await expect.poll(() => count("unassigned")).toBe(before.unassigned + 1);
  await expect.poll(() => count("teams")).toBe(before.teams + 1);
  await expect.poll(() => count("active")).toBe(before.active + 1);
  expect(await count("mine")).toBe(before.mine);

  // Assigned to Li Wei: it leaves "Unassigned" (list and count) and joins "My tickets".
  const supervisor = await tokenFor(request, "supervisor@demo.helpdesk");
  const me = await (await request.get("/api/v1/me", { headers: { authorization: `Bearer ${await tokenFor(request, "agent@demo.helpdesk")}` } })).json();
  const assigned = await request.patch(`/api/v1/tickets/${ticket.number}`, {
    headers: { authorization: `Bearer ${supervisor}` },
    data: { assigneeId: me.id },
  });
  expect(assigned.status()).toBe(200);
  await expect(agent.getByTestId("queue").locator(`[data-ticket="${ticket.number}"]`)).toHaveCount(0);
  await expect.poll(() => count("unassigned")).toBe(before.unassigned);
  await expect.poll(() => count("mine")).toBe(before.mine + 1);
});

test("a saved view with filters and the next-due order shows the breached ticket first; shared views reach colleagues", async ({ browser }) => {
  const supervisor = await signIn(browser, "supervisor@demo.helpdesk");
  await supervisor.goto("/agent");
  await supervisor.getByTestId("views").getByRole("link", { name: "New view" }).click();
  await supervisor.getByLabel("Name").fill("Complaints needing attention");
  await supervisor.getByLabel("Shared with the whole team").check();
  await supervisor.getByLabel("Order", { exact: true }).selectOption("due");
  for (const status of ["New", "Open", "On hold"]) await supervisor.getByRole("group", { name: "Status" }).getByLabel(status, { exact: true }).check();
  for (const state of ["On track", "At risk", "Breached"]) await supervisor.getByRole("group", { name: "SLA" }).getByLabel(state, { exact: true }).check();
  await supervisor.getByRole("group", { name: "Type" }).getByLabel("Complaint").check();
  // A bad date is refused with what was chosen kept.
  await supervisor.getByLabel("Requester's email").fill("not an email");
  await supervisor.getByRole("button", { name: "Create view" }).click();
  await expect(supervisor.locator(".field.has-error")).toContainText("email");
  await expect(supervisor.getByRole("group", { name: "Type" }).getByLabel("Complaint")).toBeChecked();
  await supervisor.getByLabel("Requester's email").fill("");
  await supervisor.getByRole("button", { name: "Create view" }).click();

  await expect(supervisor.getByRole("heading", { level: 1 })).toContainText("Complaints needing attention");
  const rows = supervisor.getByTestId("queue").locator("[data-ticket]");
  await expect(rows.first()).toBeVisible();
  await expect(rows.first().locator("[data-sla-state]")).toHaveAttribute("data-sla-state", "breached");
  // Every row is a complaint that is still being worked, next due first.
  const states = await rows.locator(".q-sla [data-sla-state]").evaluateAll((els) => els.map((e) => e.getAttribute("data-sla-state")));
  expect(states.length).toBeGreaterThan(1);
  expect(states.indexOf("breached")).toBe(0);
  expect(states.lastIndexOf("breached")).toBeLessThan(states.findIndex((s) => s !== "breached"));

  // Shared: an agent has it in their list too, and may not change it.
  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent");
  await agent.getByTestId("views").getByRole("link", { name: /Complaints needing attention/ }).click();
  await expect(agent.getByRole("heading", { level: 1 })).toContainText("Complaints needing attention");
  await expect(agent.getByRole("link", { name: "Edit view" })).toHaveCount(0);
});

test("properties save as they change, and tags are added with suggestions and removed, beside the list", async ({ browser, request }) => {
  const customer = await tokenFor(request, "customer@demo.helpdesk");
  const filed = await request.post("/api/v1/tickets", {
    headers: { authorization: `Bearer ${customer}` },
    data: { type: "inquiry", category: "technical", subject: "Properties change in place", description: "A ticket to change without a Save button." },
  });
  const { number } = await filed.json();
  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent?view=active&sort=created");
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true");
  await agent.getByTestId("queue").locator(`[data-ticket="${number}"]`).getByRole("link").click();
  await expect(agent.getByRole("heading", { level: 1 })).toContainText("Properties change in place");
  // The list stays beside the ticket, with the open one marked.
  await expect(agent.getByTestId("queue").locator(`[data-ticket="${number}"]`)).toHaveAttribute("aria-current", "true");

  const properties = agent.getByTestId("properties");
  await properties.getByLabel("Priority").selectOption("high");
  await expect(agent.getByTestId("save-state")).toHaveText("Saved");
  // The list beside it follows live.
  await expect(agent.getByTestId("queue").locator(`[data-ticket="${number}"] .q-priority`)).toContainText("High");

  const tags = agent.getByTestId("tags");
  await tags.getByLabel("Add tag").fill("refund, Espresso");
  await tags.getByRole("button", { name: "Add tag" }).click();
  await expect(tags.locator(".tag")).toHaveText(["refund", "espresso"]);
  // Existing tags are suggested.
  expect(await agent.locator("#tag-suggestions option").evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).not.toContain("refund");
  await tags.getByRole("button", { name: "Remove tag espresso" }).click();
  await expect(tags.locator(".tag")).toHaveText(["refund"]);
  await tags.getByLabel("Add tag").fill("not a tag!");
  await tags.getByRole("button", { name: "Add tag" }).click();
  await expect(tags.locator(".field-error")).toBeVisible();

  await agent.reload();
  await expect(agent.getByTestId("properties").getByLabel("Priority")).toHaveValue("high");
  await expect(agent.getByTestId("tags").locator(".tag")).toHaveText(["refund"]);
});

test("a merge moves the conversation into the ticket that carries on and tells the customer", async ({ browser, request }) => {
  const customerToken = await tokenFor(request, "customer@demo.helpdesk");
  const file = async (subject: string, description: string) =>
    (
      await request.post("/api/v1/tickets", {
        headers: { authorization: `Bearer ${customerToken}` },
        data: { type: "complaint", category: "technical", subject, description },
      })
    ).json();
  const target = await file("Invoice PDF will not download", "Clicking the invoice link shows an empty page.");
  const source = await file("Still cannot get my invoice", "Tried again in another browser: the download is empty too.");

  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto(`/agent/tickets/${source.number}`);
  await agent.getByText("Merge into another ticket").click();
  await agent.getByLabel("Number of the ticket that carries on").fill(`#${target.number}`);
  await agent.getByRole("button", { name: "Merge", exact: true }).click();

  // The agent lands on the ticket that carries on, with both conversations and the link.
  await agent.waitForURL(`**/agent/tickets/${target.number}*`);
  await expect(agent.getByText("Tried again in another browser: the download is empty too.")).toBeVisible();
  await expect(agent.getByTestId("linked-tickets")).toContainText(`#${source.number} Still cannot get my invoice`);

  // The customer reads why, on both requests.
  const customer = await signIn(browser, "customer@demo.helpdesk");
  await customer.goto(`/portal/tickets/${source.number}`);
  await expect(customer.getByTestId("merged-notice")).toContainText("merged into another one");
  await customer.getByTestId("merged-notice").getByRole("link", { name: `#${target.number}` }).click();
  await expect(customer.getByText(`Your request #${source.number} (“Still cannot get my invoice”) has been merged into this one`)).toBeVisible();
  await expect(customer.getByText("Tried again in another browser: the download is empty too.")).toBeVisible();
});

test("a bulk change of 30 tickets shows its progress and reports the tickets it could not change", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const agentToken = await tokenFor(request, "agent@demo.helpdesk");
  const headers = { authorization: `Bearer ${agentToken}` };
  const numbers: number[] = [];
  for (let i = 1; i <= 30; i++) {
    const res = await request.post("/api/v1/tickets", {
      headers,
      data: { type: "inquiry", category: "technical", subject: `Bulk ticket ${i}`, description: "Filed by phone for the bulk test.", requesterEmail: "bulk.e2e@example.com" },
    });
    numbers.push((await res.json()).number);
  }
  // Two are closed already: closed is final, so those cannot be set pending.
  const closed = numbers.slice(0, 2);
  for (const number of closed) expect((await request.patch(`/api/v1/tickets/${number}`, { headers, data: { status: "closed" } })).status()).toBe(200);

  const agent = await signIn(browser, "agent@demo.helpdesk");
  await agent.goto("/agent/views/new");
  await agent.getByLabel("Name").fill("Bulk test");
  await agent.getByLabel("Order", { exact: true }).selectOption("created");
  await agent.getByLabel("Requester's email").fill("bulk.e2e@example.com");
  await agent.getByRole("button", { name: "Create view" }).click();
  await expect(agent.getByRole("heading", { level: 1 })).toContainText("Bulk test");
  await expect(agent.getByTestId("queue").locator("[data-ticket]")).toHaveCount(30);
  await expect(agent.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  await expect(agent.getByTestId("bulk-bar")).toBeHidden();
  await agent.getByLabel("Select every ticket on this page").check();
  const bar = agent.getByTestId("bulk-bar");
  await expect(bar).toBeVisible();
  await expect(bar).toContainText("30 selected");
  await bar.getByLabel("New status for the selected tickets").selectOption("pending");
  await bar.getByLabel("Add tags").fill("bulk-moved");
  // Record every progress line shown, however briefly.
  await agent.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { progressSeen: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="bulk-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await bar.getByRole("button", { name: "Apply" }).click();

  const report = agent.getByTestId("bulk-report");
  await expect(report).toContainText("28 of 30 tickets changed.");
  await expect(report).toContainText("2 tickets could not be changed:");
  expect(await report.locator("li[data-ticket]").evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-ticket"))).sort())).toEqual(
    [...closed].sort(),
  );
  const seen = await agent.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen.some((line) => /Changing tickets: \d+ of 30/.test(line))).toBe(true);
  // The list follows: 28 pending, 2 still closed; nothing stays ticked.
  await expect(agent.getByTestId("queue").locator('[data-status="pending"]')).toHaveCount(28);
  await expect(agent.getByTestId("queue").locator('[data-status="closed"]')).toHaveCount(2);
  await expect(agent.getByTestId("bulk-bar")).toBeHidden();
  const ticket = await (await request.get(`/api/v1/tickets/${numbers[5]}`, { headers })).json();
  expect(ticket.tags).toContain("bulk-moved");
});
