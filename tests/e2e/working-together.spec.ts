// Working a ticket with colleagues: two agents on one ticket see each other
// there and typing, live, and the one who sends second is warned of the
// first one's reply instead of sending blindly; an @mention in a note
// reaches the colleague's bell at once.
import { expect, test, signIn, fileTicket, scriptsRunning, afterAction } from "./support.ts";

test("two agents see each other viewing and typing, and the second sender gets the conflict warning", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "VPN drops every hour", description: "The VPN client disconnects on the hour, every hour." });

  const li = await signIn(browser, "agent@demo.helpdesk");
  const helen = await signIn(browser, "supervisor@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await helen.goto(`/agent/tickets/${number}`);

  // Each sees the other on the ticket.
  await expect(li.getByTestId("presence")).toHaveText("Helen Zhou is also viewing this ticket");
  await expect(helen.getByTestId("presence")).toHaveText("Li Wei is also viewing this ticket");

  // Both start a reply; each sees the other typing.
  const liReply = li.getByRole("textbox", { name: "Reply" });
  const helenReply = helen.getByRole("textbox", { name: "Reply" });
  await liReply.pressSequentially("Could you send us the VPN client's log?");
  await expect(helen.getByTestId("presence")).toHaveText("Li Wei is typing a reply…");
  await helenReply.pressSequentially("Please update the VPN client to 5.2: it fixes hourly drops.");
  await expect(li.getByTestId("presence")).toContainText("Helen Zhou is typing a reply…");

  // Li sends first; Helen, still on what she saw when she started, is warned.
  await li.getByRole("button", { name: "Send", exact: true }).click();
  await expect(li.locator(".thread")).toContainText("Could you send us the VPN client's log?");
  await expect(helen.locator(".thread")).toContainText("Could you send us the VPN client's log?"); // live, before she sends
  await helen.getByRole("button", { name: "Send", exact: true }).click();
  await expect(helen.getByRole("alert").filter({ hasText: "While you were writing, the ticket moved on." })).toBeVisible();
  await expect(helen.getByTestId("written-meanwhile")).toContainText("Li Wei wrote: “Could you send us the VPN client's log?”");
  await expect(helenReply).toHaveValue("Please update the VPN client to 5.2: it fixes hourly drops.");
  await expect(helen.locator(".thread")).not.toContainText("Please update the VPN client to 5.2");

  // Having read it, she sends on purpose.
  await helen.getByRole("button", { name: "Send", exact: true }).click();
  await expect(helen.locator(".thread")).toContainText("Please update the VPN client to 5.2: it fixes hourly drops.");
  await expect(helen.getByTestId("written-meanwhile")).toHaveCount(0);

  // Leaving the ticket takes Helen off Li's screen.
  await helen.goto("/agent");
  await expect(li.getByTestId("presence")).toHaveCount(0);
  await li.context().close();
  await helen.context().close();
});

test("an @mention in an internal note raises the colleague's notification count live", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "complaint", category: "technical", subject: "Charged after cancelling", description: "I cancelled last month and was charged again." });

  const helen = await signIn(browser, "supervisor@demo.helpdesk");
  await helen.goto("/agent");
  await expect(helen.getByTestId("live-status")).toHaveAttribute("data-connected", "true");
  const bell = helen.getByTestId("notification-bell");
  const before = Number((await bell.getAttribute("aria-label"))?.match(/\d+/)?.[0] ?? 0);

  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto(`/agent/tickets/${number}`);
  await scriptsRunning(li);
  await li.getByRole("group", { name: "Write as" }).getByText("Internal note").click();
  // "@" and the start of a name offers the colleague; Enter writes their handle.
  const note = li.getByRole("textbox", { name: "Internal note" });
  await note.pressSequentially("@hel");
  await expect(li.getByTestId("mention-menu")).toContainText("Helen Zhou");
  await note.press("Enter");
  await note.pressSequentially("can we refund this one?");
  await expect(note).toHaveValue("@supervisor can we refund this one?");
  await li.getByRole("button", { name: "Add note" }).click();
  await expect(li.locator('[data-kind="internal"]', { hasText: "can we refund this one?" })).toBeVisible();

  await expect(bell).toHaveAttribute("aria-label", `Notifications: ${before + 1} unread`);
  await bell.click();
  await expect(helen.getByText(`Li Wei mentioned you in a note: #${number} Charged after cancelling`)).toBeVisible();
  await li.context().close();
  await helen.context().close();
});

test("the ? overlay lists the shortcuts, and the keyboard moves through the list, writes a note, sends it and solves", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "technical", subject: "Keyboard only, please", description: "Testing the shortcuts of the workspace." });

  const li = await signIn(browser, "agent@demo.helpdesk");
  await li.goto("/agent?view=active");
  await expect(li.getByTestId("live-status")).toHaveAttribute("data-connected", "true");

  await li.keyboard.press("?");
  const help = li.getByTestId("shortcuts");
  await expect(help).toBeVisible();
  await expect(help.getByRole("row")).toHaveCount(12);
  await expect(help).toContainText("Next ticket in the list");
  await expect(help).toContainText("Solve the open ticket");
  await li.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // j opens the first ticket of the list, then the next; k goes back.
  const rows = await li.getByTestId("queue").locator("[data-ticket]").evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.ticket));
  await li.keyboard.press("j");
  await expect(li).toHaveURL(new RegExp(`/agent/tickets/${rows[0]}\\?`));
  await li.keyboard.press("j");
  await expect(li).toHaveURL(new RegExp(`/agent/tickets/${rows[1]}\\?`));
  await li.keyboard.press("k");
  await expect(li).toHaveURL(new RegExp(`/agent/tickets/${rows[0]}\\?`));

  // On a ticket: n writes a note, Ctrl+Enter sends it, s solves.
  await li.goto(`/agent/tickets/${number}`);
  await expect(li.getByTestId("live-status")).toHaveAttribute("data-connected", "true");
  await li.keyboard.press("n");
  const note = li.getByRole("textbox", { name: "Internal note" });
  await expect(note).toBeFocused();
  await li.keyboard.type("Handled from the keyboard.");
  await li.keyboard.press("Control+Enter");
  await expect(li.locator('[data-kind="internal"]', { hasText: "Handled from the keyboard." })).toBeVisible();
  await li.locator("body").click({ position: { x: 5, y: 5 } }); // out of the composer: keys are shortcuts again
  await li.keyboard.press("s");
  await expect(li.getByTestId("properties").getByLabel("Status")).toHaveValue("solved");
  await expect(li.locator(".page-head .badges")).toContainText("Solved");

  // g then u: the Unassigned view.
  await li.keyboard.press("g");
  await li.keyboard.press("u");
  await expect(li).toHaveURL(/view=unassigned/);
  await li.context().close();
});

test("an agent sets themselves away in the header, and a colleague sees it when assigning", async ({ browser, request }) => {
  const number = await fileTicket(request, { type: "inquiry", category: "billing", subject: "Who can take this?", description: "A question about our invoice address." });

  const maria = await signIn(browser, "maria.santos@demo.helpdesk");
  await maria.goto("/agent");
  await scriptsRunning(maria);
  const picker = maria.getByTestId("availability");
  await expect(picker).toHaveValue("online");
  await afterAction(maria, "/availability", () => picker.selectOption("away"));
  await maria.reload();
  await expect(maria.getByTestId("availability")).toHaveValue("away");

  const helen = await signIn(browser, "supervisor@demo.helpdesk");
  await helen.goto(`/agent/tickets/${number}`);
  await expect(helen.getByTestId("properties").getByLabel("Assignee").locator("option", { hasText: "Maria Santos · Away" })).toHaveCount(1);

  await afterAction(maria, "/availability", () => maria.getByTestId("availability").selectOption("online"));
  await maria.context().close();
  await helen.context().close();
});
