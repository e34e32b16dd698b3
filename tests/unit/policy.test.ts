// The authorization policy on its own: who may see which ticket, and that the
// socket rooms derived from it deliver a ticket's events to exactly those
// people. (The where-clause and the search filter are checked against real
// servers in tests/integration/policy.test.ts.)
import { describe, expect, test } from "vitest";
import {
  can,
  customRoleProblems,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  rolesWith,
  socketRoomsFor,
  TICKET_GRANTS,
  ticketRooms,
  ticketSearchFilter,
  ticketWatchRooms,
  type AuthUser,
  type Role,
  type TicketScope,
} from "../../server/auth/policy.ts";
import { rooms } from "../../server/realtime/protocol.ts";

const user = (id: string, role: Role, extra: Partial<AuthUser> = {}): AuthUser => ({
  id,
  email: `${id}@test.example`,
  name: id,
  role,
  locale: "en",
  customerId: null,
  teamIds: [],
  availability: "online",
  ...extra,
});

const ada = user("ada", "customer", { customerId: "c-ada" });
const otto = user("otto", "customer", { customerId: "c-otto" });
const noProfile = user("nobody", "customer");
const li = user("li", "agent", { teamIds: ["support"] });
const bo = user("bo", "agent", { teamIds: ["billing"] });
const loner = user("loner", "agent");
const sam = user("sam", "supervisor");
const root = user("root", "admin");
const users = [ada, otto, noProfile, li, bo, loner, sam, root];

const tickets: (TicketScope & { id: string; label: string })[] = [];
for (const requesterId of ["c-ada", "c-otto"]) {
  for (const teamId of ["support", "billing", null]) {
    for (const assigneeId of ["li", "bo", null]) {
      tickets.push({ id: `t${tickets.length}`, label: `${requesterId}/${teamId}/${assigneeId}`, requesterId, teamId, assigneeId });
    }
  }
}
const find = (requesterId: string, teamId: string | null, assigneeId: string | null) =>
  tickets.find((t) => t.requesterId === requesterId && t.teamId === teamId && t.assigneeId === assigneeId)!;

describe("who sees a ticket", () => {
  test("customers see their own tickets only, whoever works them", () => {
    expect(can(ada, "tickets.view", find("c-ada", "billing", "bo"))).toBe(true);
    expect(can(ada, "tickets.view", find("c-otto", null, null))).toBe(false);
    expect(tickets.some((t) => can(noProfile, "tickets.view", t))).toBe(false);
  });

  test("agents see their teams' tickets, untriaged ones and what is assigned to them", () => {
    expect(can(li, "tickets.view", find("c-otto", "support", null))).toBe(true);
    expect(can(li, "tickets.view", find("c-otto", null, null))).toBe(true);
    expect(can(li, "tickets.view", find("c-otto", "billing", "li"))).toBe(true);
    expect(can(li, "tickets.view", find("c-otto", "billing", "bo"))).toBe(false);
    expect(can(loner, "tickets.view", find("c-ada", "support", null))).toBe(false);
  });

  test("supervisors and admins see every ticket", () => {
    expect(tickets.every((t) => can(sam, "tickets.view", t) && can(root, "tickets.view", t))).toBe(true);
  });

  test("customers reply on their own tickets but never write notes or change them", () => {
    const own = find("c-ada", "support", "li");
    expect(can(ada, "tickets.reply", own)).toBe(true);
    expect(can(ada, "tickets.internal", own)).toBe(false);
    expect(can(ada, "tickets.update", own)).toBe(false);
  });

  test("acting on a ticket needs both the permission and sight of the ticket", () => {
    const billing = find("c-ada", "billing", null);
    expect(can(li, "tickets.update")).toBe(true);
    expect(can(li, "tickets.update", billing)).toBe(false);
    expect(can(li, "tickets.internal", billing)).toBe(false);
    expect(can(bo, "tickets.internal", billing)).toBe(true);
  });

  test("customers see their own profile; staff see every customer", () => {
    expect(can(ada, "customers.view", { id: "c-ada" })).toBe(true);
    expect(can(ada, "customers.view", { id: "c-otto" })).toBe(false);
    expect(can(noProfile, "customers.view", { id: "c-ada" })).toBe(false);
    expect(can(li, "customers.view", { id: "c-otto" })).toBe(true);
  });

  test("boards are for supervisors and admins; admins are not offered as assignees", () => {
    expect(users.filter((u) => can(u, "boards.view")).map((u) => u.id)).toEqual(["sam", "root"]);
    expect(rolesWith("tickets.assignable")).toEqual(["agent", "supervisor"]);
  });
});

describe("rooms follow the same rule", () => {
  const shares = (u: AuthUser, roomsOfTicket: string[]) => socketRoomsFor(u).some((r) => roomsOfTicket.includes(r));

  test("a user receives a ticket's events exactly when they may view it", () => {
    for (const u of users) {
      for (const t of tickets) {
        expect(shares(u, ticketRooms(t, "everyone")), `${u.id} on ${t.label}`).toBe(can(u, "tickets.view", t));
      }
    }
  });

  test("the staff feed reaches only people who may see the staff side of that ticket", () => {
    for (const u of users) {
      for (const t of tickets) {
        if (shares(u, ticketRooms(t, "staff"))) expect(can(u, "tickets.internal", t), `${u.id} on ${t.label}`).toBe(true);
      }
    }
    // …and every agent on the ticket's team gets it.
    expect(shares(li, ticketRooms(find("c-ada", "support", null)))).toBe(true);
    expect(shares(ada, ticketRooms(find("c-ada", "support", null)))).toBe(false);
  });

  test("today's room names are kept", () => {
    expect(socketRoomsFor(ada)).toEqual([rooms.customer("c-ada")]);
    expect(socketRoomsFor(li).sort()).toEqual([rooms.untriaged, rooms.team("support"), rooms.user("li")].sort());
    expect(socketRoomsFor(sam)).toEqual([rooms.allStaff]);
  });

  test("on a ticket's page, customers join its public side only", () => {
    const t = find("c-ada", "support", "li");
    expect(ticketWatchRooms(ada, t)).toEqual([rooms.ticket(t.id)]);
    expect(ticketWatchRooms(li, t)).toEqual([rooms.ticket(t.id), rooms.ticketStaff(t.id)]);
    expect(ticketWatchRooms(otto, t)).toEqual([]);
  });

  test("every role that reaches tickets through a staff grant also holds the staff side, so it joins those rooms", () => {
    const staffGrants = TICKET_GRANTS.filter((g) => g.permission !== "tickets.view_own");
    for (const [role, permissions] of Object.entries(ROLE_PERMISSIONS)) {
      if (staffGrants.some((g) => permissions.includes(g.permission))) {
        expect(permissions, role).toContain("tickets.internal");
      }
    }
  });
});

describe("search filter", () => {
  test("says the same in Meilisearch's syntax", () => {
    expect(ticketSearchFilter(ada)).toBe('(requesterId IN ["c-ada"])');
    expect(ticketSearchFilter(li)).toBe('(assigneeId IN ["li"]) OR (teamId IN ["support"]) OR (teamId IS NULL)');
    expect(ticketSearchFilter(sam)).toBeNull();
  });

  test("quotes values so they cannot break out of the expression", () => {
    const odd = user("x\" OR teamId EXISTS", "agent");
    expect(ticketSearchFilter(odd)).toContain('assigneeId IN ["x\\" OR teamId EXISTS"]');
  });
});

test("every permission is granted to some role", () => {
  for (const permission of PERMISSIONS) expect(rolesWith(permission), permission).not.toEqual([]);
});

describe("custom roles", () => {
  const ticket = { requesterId: "c-ada", teamId: null, assigneeId: null };

  test("a custom role's permissions replace the built-in role's, for every interpreter", () => {
    const triager = user("tri", "agent", { permissions: ["workspace.use", "tickets.view_untriaged", "tickets.internal"] });
    expect(can(triager, "tickets.view", ticket)).toBe(true);
    expect(can(triager, "tickets.view", { ...ticket, teamId: "support" })).toBe(false);
    expect(can(triager, "tickets.update", ticket)).toBe(false);
    expect(ticketSearchFilter(triager)).toBe("(teamId IS NULL)");
    expect(socketRoomsFor(triager)).toEqual([rooms.untriaged]);
  });

  test("a customer never takes a custom role's permissions, whatever the data says", () => {
    const customer = user("ada", "customer", { customerId: "c-ada", permissions: ["tickets.view_all", "tickets.internal"] });
    expect(can(customer, "tickets.view", { ...ticket, requesterId: "c-other" })).toBe(false);
    expect(can(customer, "tickets.internal", ticket)).toBe(false);
    expect(ticketSearchFilter(customer)).toBe('(requesterId IN ["c-ada"])');
  });

  test("names this version does not know grant nothing", () => {
    expect(can(user("x", "agent", { permissions: ["tickets.view_everything"] }), "tickets.view", ticket)).toBe(false);
  });

  test("a role that sees tickets as staff must include internal notes; customer-only permissions are refused", () => {
    expect(customRoleProblems(["tickets.view_team"])).toEqual(["validation.permissionNeedsInternal"]);
    expect(customRoleProblems(["tickets.view_team", "tickets.internal"])).toEqual([]);
    expect(customRoleProblems(["tickets.view_own"])).toEqual(["validation.permissionUnknown"]);
    expect(customRoleProblems(["made.up"])).toEqual(["validation.permissionUnknown"]);
  });
});
