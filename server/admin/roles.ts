// Custom roles (users.manage): a name and a list of named permissions from
// the policy (server/auth/policy.ts). A person with a custom role may do
// exactly what it lists, instead of what their built-in role grants.
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import type { NewEvent } from "../events/types.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { assertCan, customRoleProblems, isPermission, permissionsOf, STAFF_PERMISSIONS, type AuthUser, type Permission } from "../auth/policy.ts";

const RoleFields = {
  name: z.string({ error: "validation.roleName" }).trim().min(1, "validation.roleName").max(80, "validation.roleName"),
  description: z.string({ error: "validation.roleDescription" }).trim().max(500, "validation.roleDescription"),
  permissions: z
    .array(z.string({ error: "validation.permissionUnknown" }), { error: "validation.permissionUnknown" })
    .max(STAFF_PERMISSIONS.length)
    .transform((list) => [...new Set(list)]),
};

/** A role's list must make sense as a whole (policy.customRoleProblems). */
const consistent = <T extends { permissions?: string[] }>(schema: z.ZodType<T>) =>
  schema.superRefine((value, ctx) => {
    if (!value.permissions) return;
    for (const message of customRoleProblems(value.permissions)) ctx.addIssue({ code: "custom", message, path: ["permissions"] });
  });

export const NewRoleSchema = consistent(z.object({ ...RoleFields, description: RoleFields.description.default("") }));
export const RoleChangeSchema = consistent(z.object(RoleFields).partial());

const roleSelect = { id: true, name: true, description: true, permissions: true, createdAt: true, updatedAt: true } as const;

/** A role as stored, its permissions limited to names this version knows. */
const known = <R extends { permissions: string[] }>(role: R) => ({ ...role, permissions: role.permissions.filter(isPermission) });

export async function listRoles(db: Tx, actor: AuthUser) {
  assertCan(actor, "users.manage");
  const [roles, counts] = await Promise.all([
    db.customRole.findMany({ orderBy: { name: "asc" }, select: roleSelect }),
    db.user.groupBy({ by: ["customRoleId"], where: { customRoleId: { not: null }, deactivatedAt: null }, _count: { _all: true } }),
  ]);
  const users = new Map(counts.map((c) => [c.customRoleId, c._count._all]));
  return roles.map((r) => ({ ...known(r), users: users.get(r.id) ?? 0 }));
}

export async function getRole(db: Tx, actor: AuthUser, id: string) {
  assertCan(actor, "users.manage");
  const role = await db.customRole.findUnique({ where: { id }, select: roleSelect });
  if (!role) throw notFound("errors.roleNotFound");
  const users = await db.user.count({ where: { customRoleId: id, deactivatedAt: null } });
  return { ...known(role), users };
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new DomainError("conflict", "errors.roleNameTaken", { name: ["errors.roleNameTaken"] });
  throw error;
}

export async function createRole(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  const input = parseInput(NewRoleSchema, raw);
  return inTransaction(db, async (tx) => {
    const role = await tx.customRole.create({ data: input, select: { id: true } });
    await recordAudit(tx, { action: "role.created", actorId: actor.id, target: { type: "role", id: role.id }, data: input, ip: from.ip, at: now });
    return getRole(tx, actor, role.id);
  }).catch(nameTaken);
}

/**
 * Changes a role. Its holders' live connections re-join with what it now
 * grants; an admin cannot take "users.manage" from a role they hold.
 */
export async function updateRole(db: Db, actor: AuthUser, id: string, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  const input = parseInput(RoleChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    const [before] = await tx.$queryRaw<{ name: string; description: string; permissions: string[] }[]>`
      SELECT "name", "description", "permissions" FROM "CustomRole" WHERE "id" = ${id} FOR UPDATE`;
    if (!before) throw notFound("errors.roleNotFound");
    const me = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { customRoleId: true } });
    if (me.customRoleId === id && input.permissions && !input.permissions.includes("users.manage" satisfies Permission)) {
      throw new DomainError("conflict", "errors.cannotDemoteSelf");
    }
    await tx.customRole.update({ where: { id }, data: input });
    const diff = changedFields(before, input);
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(tx, { action: "role.updated", actorId: actor.id, target: { type: "role", id }, data: diff, ip: from.ip, at: now });
    }
    if (diff.after.permissions) {
      const holders = await tx.user.findMany({ where: { customRoleId: id, deactivatedAt: null }, select: { id: true } });
      const events: NewEvent[] = holders.map((u) => ({ type: "user.access_changed", actorId: actor.id, at: now, data: { userId: u.id, changed: ["permissions"] } }));
      await emit(tx, events);
    }
    return getRole(tx, actor, id);
  }).catch(nameTaken);
}

/** Removes a role nobody holds (deactivated accounts included: reactivating one must not find its role gone). */
export async function deleteRole(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  return inTransaction(db, async (tx) => {
    const role = await tx.customRole.findUnique({ where: { id }, select: roleSelect });
    if (!role) throw notFound("errors.roleNotFound");
    if ((await tx.user.count({ where: { customRoleId: id } })) > 0) throw new DomainError("conflict", "errors.roleInUse");
    await tx.customRole.delete({ where: { id } });
    await recordAudit(tx, { action: "role.deleted", actorId: actor.id, target: { type: "role", id }, data: { name: role.name, permissions: role.permissions }, ip: from.ip, at: now });
    return { ...known(role), users: 0 };
  });
}

/** The permissions a custom role may list, with what each built-in role grants (the role editor's table). */
export function permissionCatalog() {
  return {
    permissions: [...STAFF_PERMISSIONS],
    builtIn: {
      agent: [...permissionsOf({ role: "agent" })],
      supervisor: [...permissionsOf({ role: "supervisor" })],
      admin: [...permissionsOf({ role: "admin" })],
    },
  };
}
