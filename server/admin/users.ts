// Managing staff accounts (users.manage): inviting people, setting what they
// may do and take (role or custom role, teams, skills, capacity), and
// deactivating them. Every change is audited in its own transaction; a change
// to what someone may see or take is also an event ("user.access_changed"),
// on which their live connections re-join their rooms and assignment looks again.
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { assertCan, permissionsOf, type AuthUser, type Role } from "../auth/policy.ts";
import { endAllCredentials } from "../auth/users.ts";
import { newLinkToken, tokenDigest } from "../auth/recovery-rules.ts";
import { helpdeskName, queueAccountMail } from "../mail/account-mail.ts";
import type { Availability } from "../auth/availability.ts";
import { isLocale, LOCALES } from "../../app/i18n/config.ts";

/** Roles an admin can give: staff ones (customers sign up or are filed for). */
export const STAFF_ROLES = ["agent", "supervisor", "admin"] as const satisfies readonly Role[];
export const INVITATION_DAYS = 7;
export const MAX_CAPACITY = 500;

const Id = z.uuid("validation.id");
const Name = z.string({ error: "validation.name" }).trim().min(1, "validation.name").max(120, "validation.nameTooLong");
const Email = z.email("validation.email").max(320, "validation.email").transform((e) => e.toLowerCase());

const Locale = z.enum(LOCALES, { error: "validation.locale" });
const StaffRole = z.enum(STAFF_ROLES, { error: "validation.role" });
const TeamIds = z.array(Id).max(100);
const SkillCategoryIds = z.array(Id).max(200);
const SkillLanguages = z.array(Locale).max(LOCALES.length);
/** Most open tickets assignment gives them at once; null: no limit. */
const Capacity = z.number({ error: "validation.capacity" }).int("validation.capacity").min(0, "validation.capacity").max(MAX_CAPACITY, "validation.capacity").nullable();

export const InviteSchema = z.object({
  email: Email,
  name: Name,
  locale: Locale.default("en"),
  role: StaffRole,
  customRoleId: Id.nullable().default(null),
  teamIds: TeamIds.default([]),
  skillCategoryIds: SkillCategoryIds.default([]),
  skillLanguages: SkillLanguages.default([]),
  capacity: Capacity.default(null),
});

/** What an admin can change on a staff account; what is left out stays as it is. */
export const StaffChangeSchema = z
  .object({
    name: Name,
    locale: Locale,
    role: StaffRole,
    customRoleId: Id.nullable(),
    teamIds: TeamIds,
    skillCategoryIds: SkillCategoryIds,
    skillLanguages: SkillLanguages,
    capacity: Capacity,
  })
  .partial();

export const UserListQuerySchema = z.object({
  /** Name or email contains this (any case). */
  q: z.string({ error: "validation.query" }).trim().max(200, "validation.query").optional(),
  /** One account by its exact email (any case). */
  email: z.string({ error: "validation.email" }).trim().max(320, "validation.email").optional(),
  status: z.enum(["active", "invited", "deactivated"], { error: "validation.accountStatus" }).optional(),
  /** Staff (the default) or customers' portal accounts. */
  kind: z.enum(["staff", "customers", "all"], { error: "validation.accountKind" }).default("staff"),
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The id of the last account of the previous page. */
  cursor: z.uuid("validation.cursor").optional(),
});

const ACTIVE = ["new", "open", "pending", "on_hold"] as const;

export const accountSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  locale: true,
  createdAt: true,
  deactivatedAt: true,
  invitedAt: true,
  availability: true,
  customRoleId: true,
  capacity: true,
  skillCategoryIds: true,
  skillLanguages: true,
  customRole: { select: { id: true, name: true } },
  memberships: { select: { teamId: true } },
} as const;

type AccountRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  createdAt: Date;
  deactivatedAt: Date | null;
  invitedAt: Date | null;
  availability: Availability;
  customRoleId: string | null;
  capacity: number | null;
  skillCategoryIds: string[];
  skillLanguages: string[];
  customRole: { id: string; name: string } | null;
  memberships: { teamId: string }[];
};

/** An account as admins see it, with how many active tickets it holds. */
function present(row: AccountRow, openTickets: number) {
  const { memberships, customRole, ...rest } = row;
  return {
    ...rest,
    customRoleName: customRole?.name ?? null,
    teamIds: memberships.map((m) => m.teamId).sort(),
    skillLanguages: row.skillLanguages.filter(isLocale),
    status: row.deactivatedAt ? ("deactivated" as const) : row.invitedAt ? ("invited" as const) : ("active" as const),
    openTickets,
  };
}
export type StaffAccount = ReturnType<typeof present>;

async function openTicketCounts(db: Tx, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.ticket.groupBy({
    by: ["assigneeId"],
    where: { assigneeId: { in: userIds }, status: { in: [...ACTIVE] } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.assigneeId!, r._count._all]));
}

/** Accounts, by name: staff by default, filtered by text and status. */
export async function listUsers(db: Tx, actor: AuthUser, rawQuery: unknown) {
  assertCan(actor, "users.manage");
  const query = parseInput(UserListQuerySchema, rawQuery);
  const rows = await db.user.findMany({
    where: {
      ...(query.kind === "staff" ? { role: { not: "customer" } } : query.kind === "customers" ? { role: "customer" } : {}),
      ...(query.email ? { email: query.email.toLowerCase() } : {}),
      ...(query.q
        ? { OR: [{ name: { contains: query.q, mode: "insensitive" as const } }, { email: { contains: query.q, mode: "insensitive" as const } }] }
        : {}),
      ...(query.status === "active" ? { deactivatedAt: null, invitedAt: null } : {}),
      ...(query.status === "invited" ? { deactivatedAt: null, invitedAt: { not: null } } : {}),
      ...(query.status === "deactivated" ? { deactivatedAt: { not: null } } : {}),
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: accountSelect,
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit) as AccountRow[];
  const counts = await openTicketCounts(db, page.map((r) => r.id));
  const items = page.map((r) => present(r, counts.get(r.id) ?? 0));
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
}

export async function getAccount(db: Tx, actor: AuthUser, userId: string): Promise<StaffAccount> {
  assertCan(actor, "users.manage");
  const row = (await db.user.findUnique({ where: { id: userId }, select: accountSelect })) as AccountRow | null;
  if (!row) throw notFound("errors.userNotFound");
  const counts = await openTicketCounts(db, [row.id]);
  return present(row, counts.get(row.id) ?? 0);
}

/** The teams, custom role and skill categories named must exist: a typo'd id is a field error, not a 500. */
async function checkReferences(tx: Tx, input: { customRoleId?: string | null; teamIds?: string[]; skillCategoryIds?: string[] }) {
  const errors: Record<string, string[]> = {};
  if (input.customRoleId && !(await tx.customRole.findUnique({ where: { id: input.customRoleId }, select: { id: true } }))) {
    errors.customRoleId = ["validation.roleUnknown"];
  }
  if (input.teamIds?.length && (await tx.team.count({ where: { id: { in: input.teamIds } } })) !== new Set(input.teamIds).size) {
    errors.teamIds = ["validation.teamUnknown"];
  }
  if (input.skillCategoryIds?.length && (await tx.category.count({ where: { id: { in: input.skillCategoryIds } } })) !== new Set(input.skillCategoryIds).size) {
    errors.skillCategoryIds = ["validation.categoryUnknown"];
  }
  if (Object.keys(errors).length > 0) throw new DomainError("validation_failed", "errors.validation", errors);
}

/**
 * A new invitation link, mailed to the person (the admin also sees it once, to pass it on
 * themselves when mail does not reach them).
 */
async function issueInvitation(
  tx: Tx,
  invitee: { id: string; email: string; name: string; locale: string; role: string },
  inviter: AuthUser,
  mailName: string,
  now: Date,
) {
  const token = newLinkToken();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
  // One link at a time: a new invitation ends the old one.
  await tx.invitation.deleteMany({ where: { userId: invitee.id, acceptedAt: null } });
  await tx.invitation.create({ data: { userId: invitee.id, tokenHash: tokenDigest(token), invitedById: inviter.id, createdAt: now, expiresAt } });
  await queueAccountMail(tx, invitee, { kind: "invitation", name: invitee.name, token, inviter: inviter.name, role: invitee.role }, mailName, now);
  return { token, expiresAt };
}

/**
 * Invites someone to the staff: their account is made now (with its role,
 * teams, skills and capacity) but cannot sign in, nor be assigned, until they
 * follow the link and set a password. The token is returned once, here.
 */
export async function inviteUser(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  const input = parseInput(InviteSchema, raw);
  const mailName = await helpdeskName(db);
  try {
    return await inTransaction(db, async (tx) => {
      await checkReferences(tx, input);
      const user = await tx.user.create({
        data: {
          email: input.email,
          name: input.name,
          locale: input.locale,
          role: input.role,
          customRoleId: input.customRoleId,
          capacity: input.capacity,
          skillCategoryIds: [...new Set(input.skillCategoryIds)],
          skillLanguages: [...new Set(input.skillLanguages)],
          // No password until the invitation is accepted: nothing verifies against an empty hash.
          passwordHash: "",
          invitedAt: now,
          memberships: { create: [...new Set(input.teamIds)].map((teamId) => ({ teamId })) },
        },
        select: { id: true, email: true, name: true, locale: true, role: true },
      });
      const invitation = await issueInvitation(tx, user, actor, mailName, now);
      await recordAudit(tx, {
        action: "user.invited",
        actorId: actor.id,
        target: { type: "user", id: user.id },
        data: { email: input.email, role: input.role, customRoleId: input.customRoleId, teamIds: input.teamIds },
        ip: from.ip,
        at: now,
      });
      const account = await getAccount(tx, actor, user.id);
      return { account, ...invitation };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("conflict", "errors.emailTaken", { email: ["errors.emailTaken"] });
    throw error;
  }
}

/** A fresh link for someone who has not joined yet (the old one stops working). */
export async function renewInvitation(db: Db, actor: AuthUser, userId: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  const mailName = await helpdeskName(db);
  return inTransaction(db, async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, email: true, name: true, locale: true, role: true, invitedAt: true, deactivatedAt: true },
    });
    if (!user) throw notFound("errors.userNotFound");
    if (!user.invitedAt || user.deactivatedAt) throw new DomainError("conflict", "errors.notInvited");
    const invitation = await issueInvitation(tx, user, actor, mailName, now);
    await recordAudit(tx, { action: "user.invited", actorId: actor.id, target: { type: "user", id: userId }, data: { renewed: true }, ip: from.ip, at: now });
    return { account: await getAccount(tx, actor, userId), ...invitation };
  });
}

export const InvitationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

/** Who an invitation link is for, while it is good; null otherwise (used, replaced, expired, deactivated). */
export async function openInvitation(db: Tx, token: string, now = new Date()) {
  if (!InvitationTokenSchema.safeParse(token).success) return null;
  const row = await db.invitation.findUnique({
    where: { tokenHash: tokenDigest(token) },
    select: { expiresAt: true, acceptedAt: true, user: { select: { id: true, email: true, name: true, invitedAt: true, deactivatedAt: true, locale: true } } },
  });
  if (!row || row.acceptedAt || row.expiresAt <= now || !row.user.invitedAt || row.user.deactivatedAt) return null;
  return { userId: row.user.id, email: row.user.email, name: row.user.name, locale: row.user.locale };
}

export const AcceptInvitationSchema = z.object({
  name: Name,
  password: z
    .string({ error: "validation.passwordLength" })
    .min(8, "validation.passwordLength")
    .max(200, "validation.passwordTooLong"),
});

/**
 * The invited person sets their name and password: the link is used up, the
 * account can sign in and be assigned work. Returns the user's id, for the
 * session the page starts.
 */
export async function acceptInvitation(db: Db, token: string, raw: unknown, hashPassword: (p: string) => Promise<string>, from: { ip?: string } = {}, now = new Date()) {
  // A dead link costs no hashing.
  if (!(await openInvitation(db, token, now))) throw new DomainError("gone", "errors.invitationInvalid");
  const input = parseInput(AcceptInvitationSchema, raw);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (tx) => {
    const open = await openInvitation(tx, token, now);
    if (!open) throw new DomainError("gone", "errors.invitationInvalid");
    // Used once: of two submissions at the same moment, only one changes the row.
    const used = await tx.invitation.updateMany({ where: { tokenHash: tokenDigest(token), acceptedAt: null }, data: { acceptedAt: now } });
    if (used.count !== 1) throw new DomainError("gone", "errors.invitationInvalid");
    // The link was mailed to this address (or handed on by the admin who typed it): it counts as confirmed.
    await tx.user.update({ where: { id: open.userId }, data: { name: input.name, passwordHash, invitedAt: null, emailVerifiedAt: now } });
    await emit(tx, [{ type: "user.joined", actorId: open.userId, at: now, data: { userId: open.userId } }]);
    await recordAudit(tx, { action: "user.invitation_accepted", actorId: open.userId, actorEmail: open.email, target: { type: "user", id: open.userId }, ip: from.ip, at: now });
    return { userId: open.userId };
  });
}

/**
 * Changes a staff account: name, language, role or custom role, teams,
 * skills, capacity. Customers' accounts are not changed here. An admin cannot
 * take "users.manage" away from themselves (someone must remain to undo it).
 */
export async function updateAccount(db: Db, actor: AuthUser, userId: string, raw: unknown, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  const input = parseInput(StaffChangeSchema, raw);
  return inTransaction(db, async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    if (!locked) throw notFound("errors.userNotFound");
    const before = (await tx.user.findUniqueOrThrow({ where: { id: userId }, select: accountSelect })) as AccountRow;
    if (before.role === "customer") throw new DomainError("conflict", "errors.customerAccount");
    await checkReferences(tx, input);
    const role = input.role ?? before.role;
    const customRoleId = input.customRoleId !== undefined ? input.customRoleId : before.customRoleId;
    if (userId === actor.id) {
      const permissions = customRoleId ? (await tx.customRole.findUniqueOrThrow({ where: { id: customRoleId } })).permissions : null;
      if (!permissionsOf({ role, permissions }).includes("users.manage")) throw new DomainError("conflict", "errors.cannotDemoteSelf");
    }
    const teamIds = input.teamIds ? [...new Set(input.teamIds)].sort() : before.memberships.map((m) => m.teamId).sort();
    const next = {
      name: input.name ?? before.name,
      locale: input.locale ?? before.locale,
      role,
      customRoleId,
      capacity: input.capacity !== undefined ? input.capacity : before.capacity,
      skillCategoryIds: input.skillCategoryIds ? [...new Set(input.skillCategoryIds)] : before.skillCategoryIds,
      skillLanguages: input.skillLanguages ? [...new Set(input.skillLanguages)] : before.skillLanguages,
    };
    await tx.user.update({ where: { id: userId }, data: next });
    const previousTeams = before.memberships.map((m) => m.teamId).sort();
    if (input.teamIds) {
      await tx.teamMember.deleteMany({ where: { userId, teamId: { notIn: teamIds } } });
      await tx.teamMember.createMany({ data: teamIds.filter((t) => !previousTeams.includes(t)).map((teamId) => ({ userId, teamId })) });
    }
    const diff = changedFields({ ...before, teamIds: previousTeams } as Record<string, unknown>, { ...next, teamIds });
    const changed = Object.keys(diff.after);
    const accessKeys = ["role", "customRoleId", "teamIds", "skillCategoryIds", "skillLanguages", "capacity"];
    if (changed.some((k) => accessKeys.includes(k))) {
      await emit(tx, [{ type: "user.access_changed", actorId: actor.id, at: now, data: { userId, changed: changed.filter((k) => accessKeys.includes(k)) } }]);
    }
    if (changed.length > 0) {
      await recordAudit(tx, { action: "user.updated", actorId: actor.id, target: { type: "user", id: userId }, data: diff, ip: from.ip, at: now });
    }
    return getAccount(tx, actor, userId);
  });
}

/**
 * Deactivates an account (admins; not their own): in one transaction it is
 * marked deactivated and every session and API token it had is ended. Its
 * open sockets are dropped by the live channel once this commits. Its
 * tickets, replies and events stay as they were. Asking again changes nothing.
 */
export async function deactivateUser(db: Db, actor: AuthUser, userId: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  // Someone must remain to reactivate: an admin never locks themselves out.
  if (userId === actor.id) throw new DomainError("conflict", "errors.cannotDeactivateSelf");
  return inTransaction(db, async (tx) => {
    // Lock the row: a reactivation at the same moment waits for this one.
    const [row] = await tx.$queryRaw<{ deactivatedAt: Date | null }[]>`
      SELECT "deactivatedAt" FROM "User" WHERE id = ${userId} FOR UPDATE`;
    if (!row) throw notFound("errors.userNotFound");
    // Already deactivated: still sweep, in case a sign-in raced the first time.
    const ended = await endAllCredentials(tx, userId);
    if (!row.deactivatedAt) {
      await tx.user.update({ where: { id: userId }, data: { deactivatedAt: now } });
      // An invitation not yet used stops working too.
      await tx.invitation.deleteMany({ where: { userId, acceptedAt: null } });
      await emit(tx, [{ type: "user.deactivated", actorId: actor.id, at: now, data: { userId, ...ended } }]);
      await recordAudit(tx, { action: "user.deactivated", actorId: actor.id, target: { type: "user", id: userId }, data: ended, ip: from.ip, at: now });
    }
    return getAccount(tx, actor, userId);
  });
}

/** Lets a deactivated account sign in again (admins). Its old sessions and tokens stay ended. */
export async function reactivateUser(db: Db, actor: AuthUser, userId: string, from: { ip?: string } = {}, now = new Date()) {
  assertCan(actor, "users.manage");
  return inTransaction(db, async (tx) => {
    const [row] = await tx.$queryRaw<{ deactivatedAt: Date | null }[]>`
      SELECT "deactivatedAt" FROM "User" WHERE id = ${userId} FOR UPDATE`;
    if (!row) throw notFound("errors.userNotFound");
    if (row.deactivatedAt) {
      await tx.user.update({ where: { id: userId }, data: { deactivatedAt: null } });
      await emit(tx, [{ type: "user.reactivated", actorId: actor.id, at: now, data: { userId } }]);
      await recordAudit(tx, { action: "user.reactivated", actorId: actor.id, target: { type: "user", id: userId }, ip: from.ip, at: now });
    }
    return getAccount(tx, actor, userId);
  });
}
