// Who may see and do what, in one place (docs/decisions/006). Pure: no I/O.
//
// Roles grant named permissions (ROLE_PERMISSIONS); a custom role (a row an
// admin built, CustomRole) grants its own list instead. Rules are written over
// permissions only, never over role names. Which tickets and customers someone may see is described
// once, as a list of grants; the yes/no check, the Prisma where-clause (and
// the same condition in SQL for the queue), the socket rooms and the
// Meilisearch filter are all read off that one list, so they cannot disagree.
import type { Prisma } from "../db/generated/client.ts";
import { forbidden } from "../errors.ts";
import { rooms } from "../realtime/protocol.ts";
import type { Availability } from "./availability.ts";

export type Role = "customer" | "agent" | "supervisor" | "admin";

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  /** Set when the user is also a customer: the profile their own tickets hang off (for a customer account, once its address is confirmed). */
  customerId: string | null;
  /** A customer account whose address is not confirmed yet: it sees no request until it is (server/auth/users.ts). */
  emailUnconfirmed?: boolean;
  /** Teams the user works in. */
  teamIds: string[];
  /** Whether they take work now (staff who may be assigned; server/auth/availability.ts). */
  availability: Availability;
  /** A custom role's permissions, which replace the built-in role's; null (or absent) without one. */
  permissions?: readonly string[] | null;
}

export const PERMISSIONS = [
  /** File a ticket as its requester (the portal). */
  "tickets.file",
  /** File a ticket on a customer's behalf (phone, email, API). */
  "tickets.file_for_customer",
  /** See the tickets one filed oneself (the portal). */
  "tickets.view_own",
  /** See tickets assigned to oneself. */
  "tickets.view_assigned",
  /** See the tickets of one's teams. */
  "tickets.view_team",
  /** See tickets no team has yet. */
  "tickets.view_untriaged",
  /** See every ticket. */
  "tickets.view_all",
  /** Write public replies on tickets one may see. */
  "tickets.reply",
  /** The staff side of tickets one may see: internal notes (read and write),
   *  system events and staff-only fields (tags, SLA state, requester tier, assignee, team). */
  "tickets.internal",
  /** Search the tickets one may see (subject, conversation, requester, tags). Never customers: the index holds internal notes. */
  "tickets.search",
  /** Change status, priority and assignee of tickets one may see. */
  "tickets.update",
  /** Be offered as an assignee. */
  "tickets.assignable",
  /** List the staff tickets can be assigned to. */
  "agents.list",
  /** Open the agent workspace: the live queue and the ticket pages. */
  "workspace.use",
  /** See one's own customer profile and health. */
  "customers.view_own",
  /** See any customer's profile, health and history (the "360"). */
  "customers.view_all",
  /** See the SLA, satisfaction and customer-health boards. */
  "boards.view",
  /** Keep the views of tickets shared with all staff. */
  "views.share",
  /** Keep the macros shared with all staff (anyone in the workspace keeps their own). */
  "macros.manage",
  /** Set up SLA policies and business calendars (and preview their due times). */
  "sla.manage",
  /** Be told of SLA escalations meant for "the supervisors". */
  "sla.escalations",
  /** Have notifications (read them, mark them read, choose which kinds). */
  "notifications.read",
  /** See how background work is doing: listeners' progress and dead letters. */
  "system.monitor",
  /** Invite people, set their role, teams, skills and capacity, deactivate them (which ends their sessions and
   *  API tokens); build custom roles. Whoever holds it can grant any permission, this one included. */
  "users.manage",
  /** Set up teams (and how their tickets are assigned) and ticket categories. */
  "teams.manage",
  /** Define custom ticket fields. */
  "fields.manage",
  /** Keep routing rules and time-based automations. */
  "rules.manage",
  /** Change the helpdesk's settings (name, default language, sign-up, portal). */
  "settings.manage",
  /** See and revoke anyone's API tokens (everyone keeps their own). */
  "tokens.manage",
  /** Read the audit log: configuration changes, sign-ins, tokens, exports. */
  "audit.view",
  /** Download data as CSV (reports, the audit log). */
  "data.export",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const AGENT: readonly Permission[] = [
  "workspace.use",
  "tickets.file_for_customer",
  "tickets.view_assigned",
  "tickets.view_team",
  "tickets.view_untriaged",
  "tickets.reply",
  "tickets.internal",
  "tickets.search",
  "tickets.update",
  "tickets.assignable",
  "agents.list",
  "customers.view_all",
  "notifications.read",
];
// Supervisors see every ticket, so the narrower ticket grants add nothing.
const SUPERVISOR: readonly Permission[] = [
  ...AGENT.filter((p) => !["tickets.view_assigned", "tickets.view_team", "tickets.view_untriaged"].includes(p)),
  "tickets.view_all",
  "boards.view",
  "views.share",
  "macros.manage",
  "sla.manage",
  "sla.escalations",
  "rules.manage",
  "data.export",
];

const CUSTOMER: readonly Permission[] = ["tickets.file", "tickets.view_own", "tickets.reply", "customers.view_own"];

/** The built-in roles. Custom roles are rows (CustomRole) listing permissions of the same list. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  customer: CUSTOMER,
  agent: AGENT,
  supervisor: SUPERVISOR,
  // Admins oversee but do not work the queue: nobody assigns them tickets.
  admin: [
    ...SUPERVISOR.filter((p) => p !== "tickets.assignable" && p !== "sla.escalations"),
    "system.monitor",
    "users.manage",
    "teams.manage",
    "fields.manage",
    "settings.manage",
    "tokens.manage",
    "audit.view",
  ],
};

/** The permissions a custom role may list: the staff ones (a customer's own-ticket grants need a customer profile). */
export const STAFF_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((p) => !CUSTOMER.includes(p) || p === "tickets.reply");

export const isPermission = (p: string): p is Permission => (PERMISSIONS as readonly string[]).includes(p);

/**
 * What a user may do: their custom role's list when they have one, else their
 * built-in role's. A customer never takes a custom role's permissions, so no
 * slip in the data can make a customer (or their token) act as staff.
 */
export function permissionsOf(user: Actor): readonly Permission[] {
  if (user.permissions && user.role !== "customer") return user.permissions.filter(isPermission);
  return ROLE_PERMISSIONS[user.role];
}

/** Built-in roles that hold a permission (custom roles are rows: see usersHoldingSql). */
export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/**
 * What is wrong with a custom role's list of permissions, as message keys:
 * unknown names, customer-only ones, and a staff view of tickets without
 * "tickets.internal" (its live rooms carry the staff view, so it would get
 * no live updates: see joinsRoomsOf).
 */
export function customRoleProblems(permissions: readonly string[]): string[] {
  const problems: string[] = [];
  if (permissions.some((p) => !isPermission(p) || !STAFF_PERMISSIONS.includes(p))) problems.push("validation.permissionUnknown");
  const staffViews: Permission[] = ["tickets.view_assigned", "tickets.view_team", "tickets.view_untriaged", "tickets.view_all"];
  if (permissions.some((p) => staffViews.includes(p as Permission)) && !permissions.includes("tickets.internal")) {
    problems.push("validation.permissionNeedsInternal");
  }
  return problems;
}

/**
 * An SQL condition on "User" under `alias`: the account holds `permission`,
 * through its built-in role or its custom role. For queries over users ("who
 * can be assigned?", "who is told of escalations?"). `param` adds a query
 * parameter and returns its placeholder.
 */
export function usersHoldingSql(permission: Permission, param: (value: unknown) => string, alias = "u"): string {
  const roles = rolesWith(permission);
  // The roles that can hold it at all, said first and plainly: for a staff permission the role index
  // then finds the few staff among tens of thousands of customers (the OR alone read every user).
  const possible = roles.includes("customer") ? (Object.keys(ROLE_PERMISSIONS) as Role[]) : STAFF;
  return `(${alias}."role" = ANY(${param(possible)}::"Role"[]) AND ((${alias}."customRoleId" IS NULL AND ${alias}."role" = ANY(${param(roles)}::"Role"[]))
    OR (${alias}."role" <> 'customer' AND EXISTS (SELECT 1 FROM "CustomRole" cr WHERE cr."id" = ${alias}."customRoleId" AND ${param(permission)} = ANY(cr."permissions")))))`;
}

/** Every role but the customer's: the only ones a custom role can be given to. */
const STAFF = (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => role !== "customer");

/** The same condition as usersHoldingSql, as a Prisma where-clause. */
export function usersHoldingWhere(permission: Permission): Prisma.UserWhereInput {
  return {
    OR: [
      { customRoleId: null, role: { in: rolesWith(permission) } },
      { role: { not: "customer" }, customRole: { permissions: { has: permission } } },
    ],
  };
}

// ---------------------------------------------------------------------------
// Grants: which rows a permission opens up.

/**
 * One way of reaching a row. `match` says which rows: those whose `field`
 * holds one of the user's values, those whose `field` is empty, or all rows.
 */
export interface Grant<Field extends string> {
  description: string;
  permission: Permission;
  match:
    | { field: Field; oneOf: (user: AuthUser) => (string | null)[] }
    | { field: Field; isEmpty: true }
    | { all: true };
}

export interface TicketScope {
  requesterId: string;
  teamId: string | null;
  assigneeId: string | null;
}

/** A ticket grant also names the socket room shared by everyone reaching a ticket this way. */
export interface TicketGrant extends Grant<keyof TicketScope> {
  room: (value: string) => string;
}

/** The requester's own view: their room gets only what a requester may know (no staff fields). */
const REQUESTER_GRANT: TicketGrant = {
  description: "own tickets, as their requester",
  permission: "tickets.view_own",
  match: { field: "requesterId", oneOf: (user) => [user.customerId] },
  room: rooms.customer,
};

/** Every way someone may come to see a ticket. */
export const TICKET_GRANTS: readonly TicketGrant[] = [
  REQUESTER_GRANT,
  {
    description: "tickets assigned to me",
    permission: "tickets.view_assigned",
    match: { field: "assigneeId", oneOf: (user) => [user.id] },
    room: rooms.user,
  },
  {
    description: "my teams' tickets",
    permission: "tickets.view_team",
    match: { field: "teamId", oneOf: (user) => user.teamIds },
    room: rooms.team,
  },
  {
    description: "untriaged tickets (no team yet)",
    permission: "tickets.view_untriaged",
    match: { field: "teamId", isEmpty: true },
    room: () => rooms.untriaged,
  },
  {
    description: "all tickets",
    permission: "tickets.view_all",
    match: { all: true },
    room: () => rooms.allStaff,
  },
];

export interface CustomerScope {
  id: string;
}

/** Every way someone may come to see a customer's profile and health. */
export const CUSTOMER_GRANTS: readonly Grant<keyof CustomerScope>[] = [
  {
    description: "my own customer profile",
    permission: "customers.view_own",
    match: { field: "id", oneOf: (user) => [user.customerId] },
  },
  {
    description: "every customer",
    permission: "customers.view_all",
    match: { all: true },
  },
];

const known = (values: (string | null)[]) => values.filter((v): v is string => v !== null);

function heldGrants<G extends Grant<string>>(user: AuthUser, grants: readonly G[]): G[] {
  const permissions = permissionsOf(user);
  return grants.filter((grant) => permissions.includes(grant.permission));
}

function grantCovers<F extends string>(grant: Grant<F>, user: AuthUser, row: Record<F, string | null>): boolean {
  const m = grant.match;
  if ("all" in m) return true;
  if ("isEmpty" in m) return row[m.field] === null;
  const value = row[m.field];
  return value !== null && known(m.oneOf(user)).includes(value);
}

function mayReach<F extends string>(user: AuthUser, grants: readonly Grant<F>[], row: Record<F, string | null>) {
  return heldGrants(user, grants).some((grant) => grantCovers(grant, user, row));
}

/** A where-clause (for any model) matching the rows the held grants reach. */
function whereFor<F extends string>(user: AuthUser, grants: readonly Grant<F>[]) {
  const any: Record<string, unknown>[] = [];
  for (const grant of heldGrants(user, grants)) {
    const m = grant.match;
    if ("all" in m) return {};
    if ("isEmpty" in m) any.push({ [m.field]: null });
    else {
      const values = known(m.oneOf(user));
      if (values.length > 0) any.push({ [m.field]: { in: values } });
    }
  }
  // No grant at all: a condition no row meets.
  return any.length > 0 ? { OR: any } : { id: { in: [] } };
}

// ---------------------------------------------------------------------------
// Asking the policy.

/** Ticket actions: each needs its permission and a grant that reaches the ticket. */
export type TicketAction = "tickets.view" | "tickets.reply" | "tickets.internal" | "tickets.update";
export type CustomerAction = "customers.view";

type Actor = { role: Role; permissions?: readonly string[] | null };

/**
 * May the user do this? Without a row: does their role grant the permission.
 * With a ticket or customer: may they do it to that one.
 */
export function can(user: Actor, permission: Permission): boolean;
export function can(user: AuthUser, action: TicketAction, ticket: TicketScope): boolean;
export function can(user: AuthUser, action: CustomerAction, customer: CustomerScope): boolean;
export function can(
  user: Actor | AuthUser,
  action: Permission | TicketAction | CustomerAction,
  row?: TicketScope | CustomerScope,
): boolean {
  if (!row) return permissionsOf(user).includes(action as Permission);
  const authUser = user as AuthUser;
  if (action === "customers.view") return mayReach(authUser, CUSTOMER_GRANTS, row as CustomerScope);
  const visible = mayReach(authUser, TICKET_GRANTS, row as TicketScope);
  return visible && (action === "tickets.view" || permissionsOf(user).includes(action as Permission));
}

/** For services: throws "forbidden" unless the user holds the permission. */
export function assertCan(user: Actor, permission: Permission): void {
  if (!can(user, permission)) throw forbidden();
}

/** Where-clause limiting tickets to those the user may see. */
export function ticketsWhere(user: AuthUser): Prisma.TicketWhereInput {
  return whereFor(user, TICKET_GRANTS) as Prisma.TicketWhereInput;
}

/**
 * The same limit as ticketsWhere, as an SQL condition on the ticket table
 * under `alias`, for the lists that read tickets with one SQL query (the
 * queue). `param` adds a query parameter and returns its placeholder.
 */
export function ticketsSql(user: AuthUser, param: (value: unknown) => string, alias = "t"): string {
  const any: string[] = [];
  for (const grant of heldGrants(user, TICKET_GRANTS)) {
    const m = grant.match;
    if ("all" in m) return "TRUE";
    if ("isEmpty" in m) any.push(`${alias}."${m.field}" IS NULL`);
    else {
      const values = known(m.oneOf(user));
      if (values.length > 0) any.push(`${alias}."${m.field}" = ANY(${param(values)}::text[])`);
    }
  }
  // No grant at all: a condition no row meets.
  return any.length > 0 ? `(${any.join(" OR ")})` : "FALSE";
}

/** Where-clause limiting customers to those the user may see. */
export function customersWhere(user: AuthUser): Prisma.CustomerWhereInput {
  return whereFor(user, CUSTOMER_GRANTS) as Prisma.CustomerWhereInput;
}

const quote = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/**
 * Meilisearch filter limiting a ticket index to what the user may see; null
 * when they may see every ticket. The index must list requesterId,
 * assigneeId and teamId as filterable attributes.
 */
export function ticketSearchFilter(user: AuthUser): string | null {
  const any: string[] = [];
  for (const grant of heldGrants(user, TICKET_GRANTS)) {
    const m = grant.match;
    if ("all" in m) return null;
    if ("isEmpty" in m) any.push(`${m.field} IS NULL`);
    else {
      const values = known(m.oneOf(user));
      if (values.length > 0) any.push(`${m.field} IN [${values.map(quote).join(", ")}]`);
    }
  }
  // No grant at all: a condition no ticket meets, on an attribute the index can filter by.
  return any.length > 0 ? any.map((f) => `(${f})`).join(" OR ") : "requesterId IN []";
}

// ---------------------------------------------------------------------------
// Socket rooms. Each ticket grant has a room per value: a user joins the rooms
// of the grants they hold, and a ticket's events go to the rooms of every
// grant that reaches it, so a user shares a room with a ticket exactly when a
// grant lets them see it.
//
// These rooms carry the staff view of tickets (the live queue) except the
// requester's own room, which gets only what a requester may know. So a
// staff grant's room is joined only with "tickets.internal" too.
function joinsRoomsOf(user: AuthUser, grant: TicketGrant) {
  return grant === REQUESTER_GRANT || can(user, "tickets.internal");
}

/** Rooms a user joins when their socket connects. */
export function socketRoomsFor(user: AuthUser): string[] {
  const joined: string[] = [];
  for (const grant of heldGrants(user, TICKET_GRANTS)) {
    if (!joinsRoomsOf(user, grant)) continue;
    const m = grant.match;
    if ("oneOf" in m) joined.push(...known(m.oneOf(user)).map(grant.room));
    else joined.push(grant.room(""));
  }
  return [...new Set(joined)];
}

/**
 * Rooms that receive a ticket's events. `staff` (the default) is the live
 * queue with staff-only fields; `everyone` adds the requester's room, for
 * changes every viewer may know about.
 */
export function ticketRooms(ticket: TicketScope, audience: "staff" | "everyone" = "staff"): string[] {
  const out: string[] = [];
  for (const grant of TICKET_GRANTS) {
    if (audience === "staff" && grant === REQUESTER_GRANT) continue;
    const m = grant.match;
    if ("all" in m) out.push(grant.room(""));
    else if ("isEmpty" in m) {
      if (ticket[m.field] === null) out.push(grant.room(""));
    } else {
      const value = ticket[m.field];
      if (value !== null) out.push(grant.room(value));
    }
  }
  return out;
}

/** Rooms of one ticket's page a user may join: its public side, and its internal side with "tickets.internal". */
export function ticketWatchRooms(user: AuthUser, ticket: TicketScope & { id: string }): string[] {
  if (!can(user, "tickets.view", ticket)) return [];
  return can(user, "tickets.internal", ticket) ? [rooms.ticket(ticket.id), rooms.ticketStaff(ticket.id)] : [rooms.ticket(ticket.id)];
}
