// The customer panel of the agent's ticket page (server/customers/service.ts):
// the customer's other requests the agent may open, and only a count of
// those they may not. Read through the page's own loader, with a session.
import { beforeAll, describe, expect, test } from "vitest";
import { loader as agentTicketPage } from "../../app/routes/agent.tickets.$number.tsx";
import { createTicket } from "../../server/tickets/service.ts";
import { translator } from "../../app/i18n/i18n.ts";
import { useLiveServer } from "../support/live.ts";

const { ctx, sessionCookie } = useLiveServer();

const request = (category: "technical" | "billing", subject: string) => ({
  type: "inquiry",
  category,
  subject,
  description: "Please have a look at this for me.",
});

/** Ada's requests: two for Support (the technical category), three for Billing. */
let support: number[];
let billing: number[];

beforeAll(async () => {
  const { db, fx } = ctx;
  const file = async (category: "technical" | "billing", subject: string, minutesAgo: number) =>
    (await createTicket(db, fx.keyCustomer, request(category, subject), "portal", new Date(Date.now() - minutesAgo * 60_000))).number;
  support = [await file("technical", "Export page shows an error", 50), await file("technical", "Login link expired", 40)];
  billing = [
    await file("billing", "Invoice 2291 charged twice", 30),
    await file("billing", "Refund for order 7731", 20),
    await file("billing", "VAT number missing on invoice", 10),
  ];
});

async function panelOf(userId: string, number: number) {
  const cookie = await sessionCookie(userId);
  const page = await agentTicketPage({
    request: new Request(`${ctx.server.url}/agent/tickets/${number}`, { headers: { Cookie: cookie } }),
    params: { number: String(number) },
    context: {} as never,
  });
  return page.overview;
}

describe("the customer panel on the agent's ticket page", () => {
  test("an agent of Support sees the customer's Support requests only, and how many others there are", async () => {
    const overview = await panelOf(ctx.fx.agent.id, support[0]);
    expect(overview.customer.email).toBe("ada@key.example");
    // Newest first; the ticket open on the page is among them (the panel leaves it out when showing).
    expect(overview.recentTickets.map((t) => t.number)).toEqual([...support].reverse());
    expect(overview.visibleCount).toBe(support.length);
    expect(overview.hiddenCount).toBe(billing.length);
    // Of the others, nothing but their number reaches the page.
    const shipped = JSON.stringify(overview);
    for (const subject of ["Invoice 2291", "Refund for order", "VAT number"]) expect(shipped).not.toContain(subject);
    expect(translator("en")("agent.hiddenRequests", { count: overview.hiddenCount })).toBe("3 more requests you cannot open.");
  });

  test("an agent of Billing sees it the other way round, and a supervisor sees all", async () => {
    const byBilling = await panelOf(ctx.fx.billingAgent.id, billing[0]);
    expect(byBilling.recentTickets.map((t) => t.number)).toEqual([...billing].reverse());
    expect(byBilling.hiddenCount).toBe(support.length);
    expect(JSON.stringify(byBilling)).not.toContain("Export page");

    const bySupervisor = await panelOf(ctx.fx.supervisor.id, billing[0]);
    expect(bySupervisor.recentTickets.map((t) => t.number)).toEqual([...support, ...billing].reverse());
    expect(bySupervisor.visibleCount).toBe(support.length + billing.length);
    expect(bySupervisor.hiddenCount).toBe(0);
  });
});
