// Teams and ticket categories (teams.manage). A team has members and a way
// of assigning its tickets (server/assignment/); a category routes the
// tickets filed under it to its team. Changes are audited; a team's change is
// also an event ("team.changed"), on which assignment looks again, and a
// member added or removed is "user.access_changed" (their live rooms change).
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import type { NewEvent } from "../events/types.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { ASSIGNMENT_MODES } from "./assignment-modes.ts";

export { ASSIGNMENT_MODES };

const Key = z
  .string({ error: "validation.key" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "validation.key");
const Name = z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(80, "validation.nameTooLong");
const Id = z.uuid("validation.id");

const TeamFields = {
  key: Key,
  name: Name,
  assignmentMode: z.enum(ASSIGNMENT_MODES, { error: "validation.assignmentMode" }),
  assignBySkills: z.boolean({ error: "validation.boolean" }),
  memberIds: z.array(Id).max(500).transform((ids) => [...new Set(ids)]),
};
export const NewTeamSchema = z.object({
  ...TeamFields,
  assignmentMode: TeamFields.assignmentMode.default("manual"),
  assignBySkills: TeamFields.assignBySkills.default(false),
  memberIds: TeamFields.memberIds.default([]),
});
export const TeamChangeSchema = z.object(TeamFields).partial();

const CategoryFields = {
  key: Key,
  nameEn: z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(80, "validation.nameTooLong"),
  nameZh: z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(80, "validation.nameTooLong"),
  teamId: Id.nullable(),
};
export const NewCategorySchema = z.object({ ...CategoryFields, teamId: CategoryFields.teamId.default(null) });
export const CategoryChangeSchema = z.object(CategoryFields).partial();

const ACTIVE = ["new", "open", "pending", "on_hold"] as const;

function taken(messageKey: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw new DomainError("conflict", messageKey, { key: [messageKey] });
    throw error;
  };
}

// ---------------------------------------------------------------------------
// Teams

export async function listTeams(db: Tx, actor: AuthUser) {
  assertCan(actor, "teams.manage");
  const [teams, open, waiting] = await Promise.all([
    db.team.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        key: true,
        name: true,
        assignmentMode: true,
        assignBySkills: true,
        members: { select: { user: { select: { id: true, name: true, availability: true, deactivatedAt: true, invitedAt: true } } } },
        categories: { select: { id: true } },
      },
    }),
    db.ticket.groupBy({ by: ["teamId"], where: { status: { in: [...ACTIVE] } }, _count: { _all: true } }),
    db.ticket.groupBy({ by: ["teamId"], where: { status: { in: [...ACTIVE] }, assigneeId: null }, _count: { _all: true } }),
  ]);
  const openBy = new Map(open.map((r) => [r.teamId, r._count._all]));
  const waitingBy = new Map(waiting.map((r) => [r.teamId, r._count._all]));
  return teams.map(({ members, categories, ...team }) => ({
    ...team,
    members: members.map((m) => m.user).filter((u) => !u.deactivatedAt).sort((a, b) => a.name.localeCompare(b.name)),
    categories: categories.length,
    openTickets: openBy.get(team.id) ?? 0,
    unassignedTickets: waitingBy.get(team.id) ?? 0,
  }));
}

export async function getTeam(db: Tx, actor: AuthUser, id: string) {
  const team = (await listTeams(db, actor)).find((t) => t.id === id);
  if (!team) throw notFound("errors.teamNotFound");
  return team;
}

/** Members must be staff accounts that exist. */
async function checkMembers(tx: Tx, memberIds: string[] | undefined) {
  if (!memberIds?.length) return;
  const found = await tx.user.count({ where: { id: { in: memberIds }, role: { not: "customer" } } });
  if (found !== memberIds.length) throw new DomainError("validation_failed", "errors.validation", { memberIds: ["validation.memberUnknown"] });
}

/** Sets a team's members; the people added or removed get "user.access_changed". */
async function setMembers(tx: Tx, teamId: string, memberIds: string[], actorId: string, now: Date): Promise<{ before: string[]; after: string[] }> {
  const before = (await tx.teamMember.findMany({ where: { teamId }, select: { userId: true } })).map((m) => m.userId).sort();
  const after = [...memberIds].sort();
  await tx.teamMember.deleteMany({ where: { teamId, userId: { notIn: after } } });
  await tx.teamMember.createMany({ data: after.filter((u) => !before.includes(u)).map((userId) => ({ teamId, userId })) });
  const moved = [...after.filter((u) => !before.includes(u)), ...before.filter((u) => !after.includes(u))];
  const events: NewEvent[] = moved.map((userId) => ({ type: "user.access_changed", actorId, at: now, data: { userId, changed: ["teamIds"] } }));
  await emit(tx, events);
  return { before, after };
}

export async function createTeam(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  const { memberIds, ...input } = parseInput(NewTeamSchema, raw);
  return inTransaction(db, async (tx) => {
    await checkMembers(tx, memberIds);
    const team = await tx.team.create({ data: input, select: { id: true } });
    await setMembers(tx, team.id, memberIds, actor.id, now);
    await emit(tx, [{ type: "team.changed", actorId: actor.id, at: now, data: { teamId: team.id, change: "created" } }]);
    await recordAudit(tx, { action: "team.created", actorId: actor.id, target: { type: "team", id: team.id }, data: { ...input, memberIds }, ip: from.ip, at: now });
    return getTeam(tx, actor, team.id);
  }).catch(taken("errors.teamKeyTaken"));
}

export async function updateTeam(db: Db, actor: AuthUser, id: string, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  const { memberIds, ...input } = parseInput(TeamChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    const [before] = await tx.$queryRaw<{ key: string; name: string; assignmentMode: string; assignBySkills: boolean }[]>`
      SELECT "key", "name", "assignmentMode"::text AS "assignmentMode", "assignBySkills" FROM "Team" WHERE "id" = ${id} FOR UPDATE`;
    if (!before) throw notFound("errors.teamNotFound");
    await checkMembers(tx, memberIds);
    await tx.team.update({ where: { id }, data: input });
    const diff = changedFields(before as Record<string, unknown>, input);
    if (memberIds) {
      const members = await setMembers(tx, id, memberIds, actor.id, now);
      if (members.before.join() !== members.after.join()) {
        Object.assign(diff.before, { memberIds: members.before });
        Object.assign(diff.after, { memberIds: members.after });
      }
    }
    if (Object.keys(diff.after).length > 0) {
      await emit(tx, [{ type: "team.changed", actorId: actor.id, at: now, data: { teamId: id, change: "updated" } }]);
      await recordAudit(tx, { action: "team.updated", actorId: actor.id, target: { type: "team", id }, data: diff, ip: from.ip, at: now });
    }
    return getTeam(tx, actor, id);
  }).catch(taken("errors.teamKeyTaken"));
}

/** Removes a team that no ticket, category or SLA policy refers to (they would lose their routing). */
export async function deleteTeam(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  return inTransaction(db, async (tx) => {
    const team = await tx.team.findUnique({ where: { id }, select: { id: true, key: true, name: true, members: { select: { userId: true } } } });
    if (!team) throw notFound("errors.teamNotFound");
    const [tickets, categories, policies] = await Promise.all([
      tx.ticket.count({ where: { teamId: id } }),
      tx.category.count({ where: { teamId: id } }),
      tx.slaPolicy.count({ where: { teamIds: { has: id } } }),
    ]);
    if (tickets + categories + policies > 0) throw new DomainError("conflict", "errors.teamInUse");
    await setMembers(tx, id, [], actor.id, now);
    await tx.team.delete({ where: { id } });
    await emit(tx, [{ type: "team.changed", actorId: actor.id, at: now, data: { teamId: id, change: "deleted" } }]);
    await recordAudit(tx, { action: "team.deleted", actorId: actor.id, target: { type: "team", id }, data: { key: team.key, name: team.name }, ip: from.ip, at: now });
    return { id: team.id, key: team.key, name: team.name };
  });
}

// ---------------------------------------------------------------------------
// Categories

const categorySelect = { id: true, key: true, nameEn: true, nameZh: true, teamId: true } as const;

export async function listCategories(db: Tx, actor: AuthUser) {
  assertCan(actor, "teams.manage");
  const [categories, counts] = await Promise.all([
    db.category.findMany({ orderBy: { key: "asc" }, select: categorySelect }),
    db.ticket.groupBy({ by: ["categoryId"], _count: { _all: true } }),
  ]);
  const tickets = new Map(counts.map((c) => [c.categoryId, c._count._all]));
  return categories.map((c) => ({ ...c, tickets: tickets.get(c.id) ?? 0 }));
}

async function getCategory(tx: Tx, actor: AuthUser, id: string) {
  const category = (await listCategories(tx, actor)).find((c) => c.id === id);
  if (!category) throw notFound("errors.categoryNotFound");
  return category;
}

async function checkTeam(tx: Tx, teamId: string | null | undefined) {
  if (teamId && !(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } }))) {
    throw new DomainError("validation_failed", "errors.validation", { teamId: ["validation.teamUnknown"] });
  }
}

export async function createCategory(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  const input = parseInput(NewCategorySchema, raw);
  return inTransaction(db, async (tx) => {
    await checkTeam(tx, input.teamId);
    const category = await tx.category.create({ data: input, select: { id: true } });
    await recordAudit(tx, { action: "category.created", actorId: actor.id, target: { type: "category", id: category.id }, data: input, ip: from.ip, at: now });
    return getCategory(tx, actor, category.id);
  }).catch(taken("errors.categoryKeyTaken"));
}

/** Changes a category; its team applies to tickets filed from now on (tickets already filed keep theirs). */
export async function updateCategory(db: Db, actor: AuthUser, id: string, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  const input = parseInput(CategoryChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    const before = await tx.category.findUnique({ where: { id }, select: categorySelect });
    if (!before) throw notFound("errors.categoryNotFound");
    await checkTeam(tx, input.teamId);
    await tx.category.update({ where: { id }, data: input });
    const diff = changedFields(before, input);
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(tx, { action: "category.updated", actorId: actor.id, target: { type: "category", id }, data: diff, ip: from.ip, at: now });
    }
    return getCategory(tx, actor, id);
  }).catch(taken("errors.categoryKeyTaken"));
}

/** Removes a category no ticket was filed under (their history names it) and no SLA policy names. */
export async function deleteCategory(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "teams.manage");
  return inTransaction(db, async (tx) => {
    const category = await tx.category.findUnique({ where: { id }, select: categorySelect });
    if (!category) throw notFound("errors.categoryNotFound");
    const [tickets, policies] = await Promise.all([tx.ticket.count({ where: { categoryId: id } }), tx.slaPolicy.count({ where: { categoryIds: { has: id } } })]);
    if (tickets + policies > 0) throw new DomainError("conflict", "errors.categoryInUse");
    await tx.article.updateMany({ where: { categoryId: id }, data: { categoryId: null } });
    // Nobody keeps a skill in a category that no longer exists.
    await tx.$executeRaw`UPDATE "User" SET "skillCategoryIds" = array_remove("skillCategoryIds", ${id}) WHERE ${id} = ANY("skillCategoryIds")`;
    await tx.category.delete({ where: { id } });
    await recordAudit(tx, { action: "category.deleted", actorId: actor.id, target: { type: "category", id }, data: category, ip: from.ip, at: now });
    return { ...category, tickets: 0 };
  });
}
