// Two agents on one ticket: each sees the other there and typing, live; the
// one who sends second is warned of the first one's reply instead of sending
// blindly, keeps their text, and sends it on purpose.
import { expect, test, signIn, DEMO_PASSWORD } from "./support.ts";

test("two agents see each other viewing and typing, and the second sender gets the conflict warning", async ({ browser, request }) => {
  const token = (await (await request.post("/api/v1/auth/token", { data: { email: "customer@demo.helpdesk", password: DEMO_PASSWORD } })).json()).token;
  const filed = await request.post("/api/v1/tickets", {
    headers: { authorization: `Bearer ${token}` },
    data: { type: "inquiry", category: "technical", subject: "VPN drops every hour", description: "The VPN client disconnects on the hour, every hour." },
  });
  const { number } = await filed.json();

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
