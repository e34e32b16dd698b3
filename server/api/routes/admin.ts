// /api/v1/admin: people, custom roles, teams, categories and settings, for
// those who may manage them (the services check the policy). Thin handlers:
// the services in server/admin/ do the work and the auditing.
import { z } from "zod";
import { db } from "../../db/client.ts";
import {
  deactivateUser,
  getAccount,
  InviteSchema,
  inviteUser,
  listUsers,
  reactivateUser,
  renewInvitation,
  StaffChangeSchema,
  updateAccount,
  UserListQuerySchema,
} from "../../admin/users.ts";
import { createRole, deleteRole, getRole, listRoles, NewRoleSchema, permissionCatalog, RoleChangeSchema, updateRole } from "../../admin/roles.ts";
import {
  ASSIGNMENT_MODES,
  CategoryChangeSchema,
  createCategory,
  createTeam,
  deleteCategory,
  deleteTeam,
  listCategories,
  listTeams,
  NewCategorySchema,
  NewTeamSchema,
  TeamChangeSchema,
  updateCategory,
  updateTeam,
} from "../../admin/teams.ts";
import { getSettings, SettingsChangeSchema, updateSettings } from "../../admin/settings.ts";
import { PERMISSIONS } from "../../auth/policy.ts";
import { LOCALES } from "../../../app/i18n/config.ts";
import { defineRoute, type ApiRoute } from "../contract.ts";
import { orNull } from "../schemas.ts";

const Uuid = z.uuid();
const Timestamp = z.date();
const IdParams = z.object({ id: z.uuid() });
const from = (req: { ip?: string }) => ({ ip: req.ip });

const Permission = z.enum(PERMISSIONS);
const Locale = z.enum(LOCALES);

export const UserAccount = z
  .strictObject({
    id: Uuid,
    email: z.email(),
    name: z.string(),
    role: z.enum(["customer", "agent", "supervisor", "admin"]),
    locale: z.string(),
    status: z.enum(["active", "invited", "deactivated"]).openapi({
      description: "`invited`: has not set a password yet (cannot sign in or be assigned); `deactivated`: cannot sign in and has no sessions or API tokens",
    }),
    customRoleId: orNull(Uuid).openapi({ description: "A custom role: its permissions replace the built-in role's" }),
    customRoleName: orNull(z.string()),
    teamIds: z.array(Uuid),
    skillCategoryIds: z.array(Uuid).openapi({ description: "Categories this agent takes when a team assigns by skills (none: any)" }),
    skillLanguages: z.array(Locale).openapi({ description: "Languages this agent takes when a team assigns by skills (none: any)" }),
    capacity: orNull(z.number().int()).openapi({ description: "Most open tickets automatic assignment gives them at once; null: no limit" }),
    availability: z.enum(["online", "away", "offline"]),
    openTickets: z.number().int().openapi({ description: "Active tickets assigned to them now" }),
    createdAt: Timestamp,
    invitedAt: orNull(Timestamp),
    deactivatedAt: orNull(Timestamp),
  })
  .openapi("UserAccount", { description: "An account as admins see it" });
const UserAccountPage = z.strictObject({ data: z.array(UserAccount), nextCursor: orNull(z.string()) }).openapi("UserAccountPage");
const Invitation = z
  .strictObject({
    account: UserAccount,
    token: z.string().openapi({ description: "Shown once: the invited person opens /invite/{token} to set their password" }),
    expiresAt: Timestamp,
  })
  .openapi("Invitation");

const CustomRole = z
  .strictObject({
    id: Uuid,
    name: z.string(),
    description: z.string(),
    permissions: z.array(Permission),
    users: z.number().int().openapi({ description: "Active accounts holding it" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("CustomRole");
const PermissionCatalog = z
  .strictObject({
    permissions: z.array(Permission).openapi({ description: "What a custom role may list" }),
    builtIn: z.strictObject({ agent: z.array(Permission), supervisor: z.array(Permission), admin: z.array(Permission) }),
  })
  .openapi("PermissionCatalog");

const TeamMember = z.strictObject({
  id: Uuid,
  name: z.string(),
  availability: z.enum(["online", "away", "offline"]),
  deactivatedAt: orNull(Timestamp),
  invitedAt: orNull(Timestamp),
});
const Team = z
  .strictObject({
    id: Uuid,
    key: z.string(),
    name: z.string(),
    assignmentMode: z.enum(ASSIGNMENT_MODES).openapi({
      description: "`manual`: tickets wait for someone to take them; `round_robin`: to the online member under capacity who waited longest; `least_loaded`: to the one with fewest open tickets",
    }),
    assignBySkills: z.boolean(),
    members: z.array(TeamMember),
    categories: z.number().int().openapi({ description: "Categories routing to this team" }),
    openTickets: z.number().int(),
    unassignedTickets: z.number().int(),
  })
  .openapi("Team");
const DeletedTeam = z.strictObject({ id: Uuid, key: z.string(), name: z.string() }).openapi("DeletedTeam");

const Category = z
  .strictObject({ id: Uuid, key: z.string(), nameEn: z.string(), nameZh: z.string(), teamId: orNull(Uuid), tickets: z.number().int() })
  .openapi("Category");

const Settings = z
  .strictObject({
    name: z.string(),
    defaultLocale: Locale,
    customerSignup: z.boolean(),
    portalSuggestArticles: z.boolean(),
    portalReopenByReply: z.boolean(),
  })
  .openapi("Settings");

export const ADMIN_ROUTES: ApiRoute[] = [
  // People
  defineRoute({
    method: "get",
    path: "/admin/users",
    auth: "bearer",
    resource: "admin",
    summary: "Staff accounts (or customers' portal accounts), by name (admins)",
    description: "`q` matches name or email; `email` finds one account (any case); `status` keeps active, invited or deactivated ones.",
    query: UserListQuerySchema,
    response: UserAccountPage,
    errors: [403],
    handle: async ({ user, query }) => {
      const page = await listUsers(db(), user, query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: "post",
    path: "/admin/users",
    auth: "bearer",
    resource: "admin",
    summary: "Invite someone to the staff (admins): the account is made now and the link to set a password is returned once",
    description: "Until the link is used (within 7 days) the account cannot sign in nor be assigned tickets. An email already in use is 409.",
    body: InviteSchema,
    status: 201,
    response: Invitation,
    errors: [403, 409],
    handle: async ({ user, body, req }) => inviteUser(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "get",
    path: "/admin/users/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One account (admins)",
    params: IdParams,
    notFoundKey: "errors.userNotFound",
    response: UserAccount,
    errors: [403],
    handle: async ({ user, params }) => getAccount(db(), user, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/users/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a staff account: name, language, role or custom role, teams, skills, capacity (admins)",
    description:
      "What is left out stays as it is. A change to what they may see takes effect at once, live connections included. " +
      "Customers' accounts are not changed here (409), nor can you take account management away from yourself (409).",
    params: IdParams,
    notFoundKey: "errors.userNotFound",
    body: StaffChangeSchema,
    response: UserAccount,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateAccount(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/users/{id}/invitation",
    auth: "bearer",
    resource: "admin",
    summary: "A fresh invitation link for someone who has not joined yet (admins); the old link stops working",
    params: IdParams,
    notFoundKey: "errors.userNotFound",
    status: 201,
    response: Invitation,
    errors: [403, 409],
    handle: async ({ user, params, req }) => renewInvitation(db(), user, params.id, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/users/{id}/deactivate",
    auth: "bearer",
    resource: "admin",
    summary: "Deactivate an account (admins): it cannot sign in, and its sessions and API tokens end at once",
    description:
      "Its tickets, replies and history stay as they are; tickets assigned to it stay assigned. Open live connections are closed " +
      "within moments. Not your own account (409). Asking again changes nothing.",
    params: IdParams,
    notFoundKey: "errors.userNotFound",
    response: UserAccount,
    errors: [403, 409],
    handle: async ({ user, params, req }) => deactivateUser(db(), user, params.id, from(req)),
  }),
  defineRoute({
    method: "post",
    path: "/admin/users/{id}/reactivate",
    auth: "bearer",
    resource: "admin",
    summary: "Let a deactivated account sign in again (admins); its old sessions and tokens stay ended",
    params: IdParams,
    notFoundKey: "errors.userNotFound",
    response: UserAccount,
    errors: [403],
    handle: async ({ user, params, req }) => reactivateUser(db(), user, params.id, from(req)),
  }),

  // Roles
  defineRoute({
    method: "get",
    path: "/admin/permissions",
    auth: "bearer",
    resource: "admin",
    summary: "The permissions a custom role can list, and what each built-in role grants (admins)",
    response: PermissionCatalog,
    errors: [403],
    handle: async ({ user }) => {
      await listRoles(db(), user);
      return permissionCatalog();
    },
  }),
  defineRoute({
    method: "get",
    path: "/admin/roles",
    auth: "bearer",
    resource: "admin",
    summary: "Custom roles, by name (admins)",
    response: z.strictObject({ data: z.array(CustomRole) }).openapi("CustomRoleList"),
    errors: [403],
    handle: async ({ user }) => ({ data: await listRoles(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/roles",
    auth: "bearer",
    resource: "admin",
    summary: "Build a custom role from named permissions (admins)",
    description: "A role that sees tickets as staff must include `tickets.internal`. A name in use is 409.",
    body: NewRoleSchema,
    status: 201,
    response: CustomRole,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createRole(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "get",
    path: "/admin/roles/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "One custom role (admins)",
    params: IdParams,
    notFoundKey: "errors.roleNotFound",
    response: CustomRole,
    errors: [403],
    handle: async ({ user, params }) => getRole(db(), user, params.id),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/roles/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a custom role (admins); its holders may do what it now lists at once",
    params: IdParams,
    notFoundKey: "errors.roleNotFound",
    body: RoleChangeSchema,
    response: CustomRole,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateRole(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/roles/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a custom role nobody holds (admins); one still held is 409",
    params: IdParams,
    notFoundKey: "errors.roleNotFound",
    response: CustomRole,
    errors: [403, 409],
    handle: async ({ user, params, req }) => deleteRole(db(), user, params.id, from(req)),
  }),

  // Teams and categories
  defineRoute({
    method: "get",
    path: "/admin/teams",
    auth: "bearer",
    resource: "admin",
    summary: "Teams with their members, assignment and load (admins)",
    response: z.strictObject({ data: z.array(Team) }).openapi("TeamList"),
    errors: [403],
    handle: async ({ user }) => ({ data: await listTeams(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/teams",
    auth: "bearer",
    resource: "admin",
    summary: "Set up a team (admins)",
    body: NewTeamSchema,
    status: 201,
    response: Team,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createTeam(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/teams/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a team: name, members, how its tickets are assigned (admins)",
    description: "`memberIds` replaces the members. Switching to automatic assignment assigns its waiting tickets within moments.",
    params: IdParams,
    notFoundKey: "errors.teamNotFound",
    body: TeamChangeSchema,
    response: Team,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateTeam(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/teams/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a team no ticket, category or SLA policy refers to (admins); otherwise 409",
    params: IdParams,
    notFoundKey: "errors.teamNotFound",
    response: DeletedTeam,
    errors: [403, 409],
    handle: async ({ user, params, req }) => deleteTeam(db(), user, params.id, from(req)),
  }),
  defineRoute({
    method: "get",
    path: "/admin/categories",
    auth: "bearer",
    resource: "admin",
    summary: "Ticket categories and the team each routes to (admins)",
    response: z.strictObject({ data: z.array(Category) }).openapi("CategoryList"),
    errors: [403],
    handle: async ({ user }) => ({ data: await listCategories(db(), user) }),
  }),
  defineRoute({
    method: "post",
    path: "/admin/categories",
    auth: "bearer",
    resource: "admin",
    summary: "Add a ticket category (admins)",
    body: NewCategorySchema,
    status: 201,
    response: Category,
    errors: [403, 409],
    handle: async ({ user, body, req }) => createCategory(db(), user, body, from(req)),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/categories/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Change a category (admins); a new team applies to tickets filed from now on",
    params: IdParams,
    notFoundKey: "errors.categoryNotFound",
    body: CategoryChangeSchema,
    response: Category,
    errors: [403, 409],
    handle: async ({ user, params, body, req }) => updateCategory(db(), user, params.id, body, from(req)),
  }),
  defineRoute({
    method: "delete",
    path: "/admin/categories/{id}",
    auth: "bearer",
    resource: "admin",
    summary: "Remove a category no ticket or SLA policy refers to (admins); otherwise 409",
    params: IdParams,
    notFoundKey: "errors.categoryNotFound",
    response: Category,
    errors: [403, 409],
    handle: async ({ user, params, req }) => deleteCategory(db(), user, params.id, from(req)),
  }),

  // Settings
  defineRoute({
    method: "get",
    path: "/admin/settings",
    auth: "bearer",
    resource: "admin",
    summary: "The helpdesk's settings (admins)",
    response: Settings,
    errors: [403],
    handle: async ({ user }) => getSettings(db(), user),
  }),
  defineRoute({
    method: "patch",
    path: "/admin/settings",
    auth: "bearer",
    resource: "admin",
    summary: "Change the helpdesk's settings (admins); other app processes follow within 5 seconds",
    body: SettingsChangeSchema,
    response: Settings,
    errors: [403],
    handle: async ({ user, body, req }) => updateSettings(db(), user, body, from(req)),
  }),
];
