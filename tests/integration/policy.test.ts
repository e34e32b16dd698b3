// The one authorization policy against the running server: the list query,
// the search filter and the live events say the same as the yes/no check,
// and no service or API route trusts its caller.
import { beforeAll, describe, expect, test } from "vitest";
import { record, until, useLiveServer } from "../support/live.ts";
import { PASSWORD } from "../support/factories.ts";
import { can, ticketSearchFilter, ticketsSql, ticketsWhere, type AuthUser } from "../../server/auth/policy.ts";
import { requirePermission } from "../../server/auth/session.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { csatBoard, healthBoard, slaBoard } from "../../server/boards/service.ts";
import { getCustomerOverview } from "../../server/customers/service.ts";
import { getCustomerHealth } from "../../server/health/service.ts";
import {
  addMessage,
  createTicket,
  getTicket,
  listAssignableAgents,
  listTickets,
  updateTicket,
  type TicketSummary,
} from "../../server/tickets/service.ts";
import { meili, waitForTask } from "../../search/client.ts";
import { runtimeSettings } from "../../server/runtime.ts";
import type { QueueTicket, TicketChange } from "../../server/realtime/protocol.ts";

const { ctx, api, tokenFor, connect, sessionCookie } = useLiveServer();

const request = (category: string, subject: string, type = "inquiry") => ({
  type,
  category,
  subject,
  description: "Please look into this for me, thank you.",
});

/** Everyone the tests act as: the fixtures plus an admin and a customer account without a profile. */
let people: Record<string, AuthUser>;
let tickets: TicketSummary[];

beforeAll(async () => {
  const { fx, db } = ctx;
  const passwordHash = await hashPassword(PASSWORD);
  const admin = await db.user.create({ data: { email: "root@test.example", name: "Root Admin", role: "admin", passwordHash } });
  const orphan = await db.user.create({
    data: { email: "orphan@test.example", name: "No Profile", role: "customer", passwordHash },
  });
  await db.category.create({ data: { key: "other", nameEn: "Other", nameZh: "其他" } }); // no team: untriaged
  people = {
    li: fx.agent,
    bo: fx.billingAgent,
    sam: fx.supervisor,
    root: (await loadAuthUser(db, admin.id))!,
    ada: fx.keyCustomer,
    otto: fx.otherCustomer,
    orphan: (await loadAuthUser(db, orphan.id))!,
  };

  const supportOfAda = await createTicket(db, fx.keyCustomer, request("technical", "Login fails"), "portal");
  const billingOfOtto = await createTicket(db, fx.otherCustomer, request("billing", "Invoice twice"), "portal");
  const billingOfAda = await createTicket(db, fx.keyCustomer, request("billing", "Refund please", "complaint"), "portal");
  const untriaged = await createTicket(db, fx.otherCustomer, request("other", "Something else"), "portal");
  // A billing ticket handed to Li, who is not in billing.
  const lent = await createTicket(db, fx.otherCustomer, request("billing", "VAT number"), "portal");
  const lentToLi = await updateTicket(db, fx.supervisor, lent.number, { assigneeId: fx.agent.id });
  tickets = [supportOfAda, billingOfOtto, billingOfAda, untriaged, lentToLi];
});

const visibleTo = (user: AuthUser) =>
  tickets
    .filter((t) => can(user, "tickets.view", t))
    .map((t) => t.number)
    .sort();

describe("one rule, read four ways", () => {
  test("the list query returns exactly the tickets each person may open", async () => {
    // Sanity: the cases below are not all alike.
    expect(visibleTo(people.li)).not.toEqual(visibleTo(people.bo));
    for (const [name, user] of Object.entries(people)) {
      const listed = await ctx.db.ticket.findMany({ where: ticketsWhere(user), select: { number: true } });
      expect(listed.map((t) => t.number).sort(), name).toEqual(visibleTo(user));
      const values: unknown[] = [];
      const inSql = await ctx.db.$queryRawUnsafe<{ number: number }[]>(
        `SELECT t.number FROM "Ticket" t WHERE ${ticketsSql(user, (v) => (values.push(v), `$${values.length}`))}`,
        ...values,
      );
      expect(inSql.map((t) => t.number).sort(), name).toEqual(visibleTo(user));
      const viaService = await listTickets(ctx.db, user, { limit: 200 });
      expect(viaService.items.map((t) => t.number).sort(), name).toEqual(visibleTo(user));
    }
  });

  test("the search filter finds exactly the tickets each person may open", async () => {
    const index = meili().index(`${runtimeSettings().searchIndexPrefix}policy_tickets`);
    await waitForTask(index.updateSettings({ filterableAttributes: ["requesterId", "assigneeId", "teamId"] }));
    await waitForTask(
      index.addDocuments(
        tickets.map((t) => ({ id: t.id, number: t.number, requesterId: t.requesterId, assigneeId: t.assigneeId, teamId: t.teamId })),
        { primaryKey: "id" },
      ),
    );
    try {
      for (const [name, user] of Object.entries(people)) {
        const filter = ticketSearchFilter(user);
        const found = await index.search<{ number: number }>("", { filter: filter ?? undefined, limit: 100 });
        expect(found.hits.map((h) => h.number).sort(), name).toEqual(visibleTo(user));
      }
    } finally {
      await waitForTask(index.delete());
    }
  });

  test("a new ticket's live events reach exactly the people who may open it", async () => {
    const sockets = Object.fromEntries(
      await Promise.all(Object.entries(people).map(async ([name, user]) => [name, record(await connect(user.id))] as const)),
    );
    const ticket = await createTicket(ctx.db, people.otto, request("billing", "Card declined"), "portal");
    await ctx.server.drain();
    const heardOf = (name: string) => {
      const queue = (sockets[name]["queue:ticket"] ?? []) as QueueTicket[];
      const changes = (sockets[name]["ticket:changed"] ?? []) as TicketChange[];
      return [...queue, ...changes].some((event) => event.id === ticket.id);
    };
    await until(() => (heardOf("bo") && heardOf("otto") ? true : undefined), "the billing agent and the requester to hear of it");
    await new Promise((r) => setTimeout(r, 300)); // room for events that must not arrive
    for (const [name, user] of Object.entries(people)) {
      expect(heardOf(name), name).toBe(can(user, "tickets.view", ticket));
    }
    // The queue's staff fields never reach a customer, even the requester.
    expect(sockets.otto["queue:ticket"]).toBeUndefined();
  });
});

describe("an agent and another team's ticket", () => {
  test("the services answer 'not found', as if the ticket did not exist", async () => {
    const billing = tickets[1];
    const li = people.li;
    await expect(getTicket(ctx.db, li, billing.number)).rejects.toMatchObject({ code: "not_found" });
    await expect(addMessage(ctx.db, li, billing.number, { kind: "internal", body: "peek" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(updateTicket(ctx.db, li, billing.number, { status: "solved" })).rejects.toMatchObject({ code: "not_found" });
    expect((await ctx.db.ticket.findUniqueOrThrow({ where: { id: billing.id } })).status).toBe("new");
  });

  test("the API answers 404 and leaves it out of the list", async () => {
    const billing = tickets[1];
    const token = await tokenFor("li@test.example");
    expect((await api(`/tickets/${billing.number}`, { token })).status).toBe(404);
    expect((await api(`/tickets/${billing.number}/messages`, { token })).status).toBe(404);
    const patch = await api(`/tickets/${billing.number}`, { method: "PATCH", token, body: { priority: "urgent" } });
    expect(patch.status).toBe(404);
    const list = await api("/tickets", { token });
    expect(list.body.data.map((t: { number: number }) => t.number)).not.toContain(billing.number);
    // The billing ticket lent to Li is his to work.
    expect((await api(`/tickets/${tickets[4].number}`, { token })).status).toBe(200);
  });
});

describe("supervisor boards", () => {
  test("the board figures are refused to agents and customers", async () => {
    for (const user of [people.li, people.ada]) {
      await expect(slaBoard(ctx.db, user)).rejects.toMatchObject({ code: "forbidden" });
      await expect(csatBoard(ctx.db, user)).rejects.toMatchObject({ code: "forbidden" });
      await expect(healthBoard(ctx.db, user)).rejects.toMatchObject({ code: "forbidden" });
    }
    const board = await slaBoard(ctx.db, people.sam);
    expect(board.open).toBeGreaterThanOrEqual(tickets.length);
    expect((await healthBoard(ctx.db, people.root)).bands).toBeDefined();
  });

  test("the boards page answers 403 to an agent and sends a stranger to sign in", async () => {
    const page = (cookie?: string) =>
      new Request("http://localhost/supervisor", { headers: cookie ? { Cookie: cookie } : {} });
    const asAgent = await requirePermission(page(await sessionCookie(people.li.id)), "boards.view").catch((r) => r);
    expect(asAgent).toBeInstanceOf(Response);
    expect((asAgent as Response).status).toBe(403);
    const anonymous = (await requirePermission(page(), "boards.view").catch((r) => r)) as Response;
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe("/login?redirectTo=%2Fsupervisor");
    const asSupervisor = await requirePermission(page(await sessionCookie(people.sam.id)), "boards.view");
    expect(asSupervisor.id).toBe(people.sam.id);
  });
});

describe("customer 360 and health", () => {
  test("a customer cannot read another customer's overview or health", async () => {
    const ada = people.ada.customerId!;
    await expect(getCustomerOverview(ctx.db, people.otto, ada)).rejects.toMatchObject({ code: "forbidden" });
    await expect(getCustomerHealth(ctx.db, people.otto, ada)).rejects.toMatchObject({ code: "forbidden" });
    await expect(getCustomerHealth(ctx.db, people.orphan, ada)).rejects.toMatchObject({ code: "forbidden" });
    // Staff may; the overview lists only the requests the viewer may open.
    const seenByLi = await getCustomerOverview(ctx.db, people.li, ada);
    expect(seenByLi.health?.score).toEqual(expect.any(Number));
    expect(seenByLi.recentTickets.map((t) => t.number)).toEqual([tickets[0].number]);
  });

  test("over the API: 403 for someone else's health, 200 for one's own and for staff", async () => {
    const ada = people.ada.customerId!;
    const path = `/customers/${ada}/health`;
    expect((await api(path, { token: await tokenFor("otto@std.example") })).status).toBe(403);
    expect((await api(path, { token: await tokenFor("ada@key.example") })).status).toBe(200);
    expect((await api(path, { token: await tokenFor("li@test.example") })).status).toBe(200);
  });

  test("only staff may list whom tickets can be assigned to, and admins are not among them", async () => {
    await expect(listAssignableAgents(ctx.db, people.ada)).rejects.toMatchObject({ code: "forbidden" });
    const agents = await listAssignableAgents(ctx.db, people.li);
    expect(agents.map((a) => a.name).sort()).toEqual(["Bo Billing", "Li Wei", "Sam Supervisor"]);
    const toAdmin = await updateTicket(ctx.db, people.sam, tickets[0].number, { assigneeId: people.root.id }).catch((e) => e);
    expect(toAdmin).toMatchObject({ code: "validation_failed" });
  });
});
