// A new agent from invitation to work: an admin sets up a round-robin team
// with one agent, routes a category to it and invites a newcomer into it; the
// newcomer joins by the one-time link, signs in with the password they chose
// and goes online; from then on the team's new tickets alternate between the
// two online members, and the ticket's timeline says why it came to them.
import { expect, test, signIn, apiToken, watchErrors, solveTickets, scriptsRunning, afterAction } from "./support.ts";

test("an invited agent joins a round-robin team, goes online and gets every other new ticket, and the timeline says why", async ({ browser, request }) => {
  const run = Date.now().toString(36);
  const team = `Returns desk ${run}`;
  const category = `returns-${run}`;
  const newcomer = { name: "Nina Okafor", email: `nina.okafor.${run}@demo.helpdesk`, password: "returns-desk-2026" };

  // The admin makes the team: round-robin, with Lukas Meyer as its only member so far.
  const admin = await signIn(browser, "admin@demo.helpdesk");
  await admin.goto("/admin/teams");
  await admin.getByRole("link", { name: "New team" }).click();
  await admin.getByLabel("Name", { exact: true }).fill(team);
  await admin.getByLabel("Key", { exact: true }).fill(category);
  await admin.getByRole("radio", { name: /^Round-robin/ }).check();
  await admin.getByRole("group", { name: "Members" }).getByRole("checkbox", { name: "Lukas Meyer" }).check();
  await admin.getByRole("button", { name: "Create team" }).click();
  const teamRow = admin.getByTestId("teams-table").getByRole("row", { name: new RegExp(team) });
  await expect(teamRow).toContainText("Round-robin");
  await expect(teamRow).toContainText("1 (1 online)");

  // A new category routes what customers file under it to that team.
  await admin.goto("/admin/categories");
  const newCategory = admin.getByTestId("categories").locator("form").filter({ has: admin.getByRole("button", { name: "Add" }) });
  await newCategory.getByRole("textbox", { name: "Key" }).fill(category);
  await newCategory.getByRole("textbox", { name: "Name (English)" }).fill(`Returns ${run}`);
  await newCategory.getByRole("textbox", { name: "Name (Chinese)" }).fill(`退货 ${run}`);
  await newCategory.getByRole("combobox", { name: "Team" }).selectOption({ label: team });
  await newCategory.getByRole("button", { name: "Add" }).click();
  await expect(admin.getByRole("status")).toHaveText("Saved.");

  // The admin invites the newcomer as an agent of that team; the link is shown once.
  await admin.goto("/admin/users");
  const inviting = admin.getByRole("region", { name: "Invite someone to the staff" });
  await inviting.getByLabel("Name").fill(newcomer.name);
  await inviting.getByLabel("Email").fill(newcomer.email);
  await inviting.getByLabel("Role").selectOption({ label: "Agent" });
  await inviting.getByRole("group", { name: "Teams" }).getByRole("checkbox", { name: team }).check();
  await inviting.getByRole("button", { name: "Invite" }).click();
  await expect(inviting.getByRole("status")).toContainText(`${newcomer.name} (${newcomer.email}) is invited.`);
  const link = new URL((await inviting.getByTestId("invitation-link").textContent())!.trim());
  expect(link.pathname).toMatch(/^\/invite\/[A-Za-z0-9_-]{20,}$/);
  const invitedRow = admin.getByTestId("staff-table").getByRole("row", { name: new RegExp(newcomer.email.replace(/\./g, "\\.")) });
  await expect(invitedRow).toContainText("Invited");
  await expect(invitedRow).toContainText(team);

  // Lukas, the member already there, works the team's queue and is online.
  const lukas = await signIn(browser, "lukas.meyer@demo.helpdesk");
  await lukas.goto("/agent");
  await lukas.getByTestId("views").getByRole("link", { name: /My tickets/ }).click();
  await expect(lukas).toHaveURL(/view=mine/);
  await expect(lukas.getByRole("heading", { level: 1 })).toContainText("My tickets");
  await expect(lukas.getByLabel("Your availability")).toHaveValue("online");
  await expect(lukas.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  // The newcomer opens the link in a browser of their own, chooses a password and joins.
  const context = await browser.newContext({ locale: "en-US" });
  const nina = await context.newPage();
  watchErrors(nina);
  await nina.goto(link.pathname);
  await expect(nina.getByRole("heading", { name: "Join the team" })).toBeVisible();
  await expect(nina.getByText(`Set your password to sign in as ${newcomer.email}.`)).toBeVisible();
  await expect(nina.getByLabel("Your name")).toHaveValue(newcomer.name);
  await nina.getByLabel("Choose a password").fill(newcomer.password);
  await nina.getByRole("button", { name: "Join" }).click();
  await nina.waitForURL("**/agent");
  // Signed in at once: the header knows her, with the picker of her availability.
  await expect(nina.getByRole("link", { name: newcomer.name })).toBeVisible();
  await expect(nina.getByLabel("Your availability")).toBeVisible();
  // The link works once.
  const again = await context.newPage();
  watchErrors(again);
  await again.goto(link.pathname);
  await expect(again.getByRole("alert")).toContainText("This invitation link has been used");
  await again.close();

  // Signed out, they sign in again with the password they chose.
  await nina.getByRole("button", { name: "Sign out" }).click();
  await nina.waitForURL((url) => !url.pathname.startsWith("/agent"));
  await nina.goto("/login");
  await nina.getByLabel("Email").fill(newcomer.email);
  await nina.getByLabel("Password").fill(newcomer.password);
  await nina.getByRole("button", { name: "Sign in" }).click();
  await nina.waitForURL("**/agent");
  await expect(nina.getByRole("link", { name: newcomer.name })).toBeVisible();

  // Not ready yet, Nina sets herself away: a ticket filed now goes to Lukas, the only member online.
  const availability = nina.getByLabel("Your availability");
  await scriptsRunning(nina);
  await afterAction(nina, "/availability", () => availability.selectOption("away"));
  await nina.getByTestId("views").getByRole("link", { name: /My tickets/ }).click();
  await expect(nina).toHaveURL(/view=mine/);
  await expect(nina.getByRole("heading", { level: 1 })).toContainText("My tickets");
  await expect(availability).toHaveValue("away");
  await expect(nina.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  const customer = await apiToken(request, "customer@demo.helpdesk");
  const file = async (subject: string) => {
    const res = await request.post("/api/v1/tickets", {
      headers: { authorization: `Bearer ${customer}` },
      data: { type: "inquiry", category, subject, description: `A return to arrange (${subject}).` },
    });
    expect(res.status()).toBe(201);
    return { number: (await res.json()).number as number, subject };
  };
  const first = await file(`Return ${run} #1`);
  const lukasQueue = lukas.getByTestId("queue");
  await expect(lukasQueue.locator(`[data-ticket="${first.number}"]`)).toContainText("Lukas Meyer");

  // Now she goes online; the next four tickets alternate, her first (she has waited longest for a turn).
  await afterAction(nina, "/availability", () => availability.selectOption("online"));
  await expect(availability).toHaveValue("online");
  const next = [];
  for (let i = 2; i <= 5; i++) next.push(await file(`Return ${run} #${i}`));
  const [toNina1, toLukas1, toNina2, toLukas2] = next;

  // Her "My tickets" shows her two, live; the others are Lukas's.
  const ninaQueue = nina.getByTestId("queue");
  for (const ticket of [toNina1, toNina2]) {
    await expect(ninaQueue.locator(`[data-ticket="${ticket.number}"]`)).toContainText(ticket.subject);
    await expect(ninaQueue.locator(`[data-ticket="${ticket.number}"]`)).toContainText(newcomer.name);
  }
  for (const ticket of [first, toLukas1, toLukas2]) {
    await expect(lukasQueue.locator(`[data-ticket="${ticket.number}"]`)).toContainText("Lukas Meyer");
  }
  await expect(ninaQueue.locator("[data-ticket]")).toHaveCount(2);
  await expect(nina.getByTestId("views").locator('[data-view="mine"] .view-count')).toHaveAttribute("data-count", "2");

  // Her first ticket's timeline says it came to her by round-robin, and from which team.
  await ninaQueue.getByRole("link", { name: toNina1.subject }).click();
  await nina.waitForURL(`**/agent/tickets/${toNina1.number}**`);
  await expect(nina.getByRole("heading", { level: 1 })).toContainText(toNina1.subject);
  await expect(nina.getByText(`Assigned to ${newcomer.name} by round-robin in ${team} (1 open).`)).toBeVisible();
  await expect(nina.getByTestId("properties").getByLabel("Assignee").locator("option:checked")).toHaveText(newcomer.name);

  // The admin's team list now counts both members online and nothing waiting.
  await admin.goto("/admin/teams");
  await expect(teamRow).toContainText("2 (2 online)");
  await expect(teamRow).toContainText("5 open, 0 unassigned");

  await solveTickets(request, [first, ...next].map((t) => t.number));
  await context.close();
  await lukas.context().close();
  await admin.context().close();
});
