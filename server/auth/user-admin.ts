// Managing accounts (admins): looking them up, deactivating and reactivating.
// Deactivating ends every session and API token of the account at once and
// keeps it from signing in; nothing else changes: its tickets, replies and
// events stay as they were (who did what remains true).
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import { parseInput } from "../validation.ts";
import { assertCan, type AuthUser } from "./policy.ts";
import { endAllCredentials } from "./users.ts";

const accountView = { id: true, email: true, name: true, role: true, createdAt: true, deactivatedAt: true } as const;

export const UserListQuerySchema = z.object({
  /** One account by its email (any case). */
  email: z.string({ error: "validation.email" }).trim().max(320, "validation.email").optional(),
  status: z.enum(["active", "deactivated"], { error: "validation.accountStatus" }).optional(),
  limit: z.coerce.number().int().min(1, "validation.limit").max(100, "validation.limit").default(50),
  /** The id of the last account of the previous page. */
  cursor: z.uuid("validation.cursor").optional(),
});

/** Accounts by email, for admins: who they are and whether they are deactivated. */
export async function listUsers(db: Tx, actor: AuthUser, rawQuery: unknown) {
  assertCan(actor, "users.manage");
  const query = parseInput(UserListQuerySchema, rawQuery);
  const rows = await db.user.findMany({
    where: {
      ...(query.email ? { email: query.email.toLowerCase() } : {}),
      ...(query.status ? { deactivatedAt: query.status === "active" ? null : { not: null } } : {}),
    },
    orderBy: [{ email: "asc" }],
    select: accountView,
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
}

/**
 * Deactivates an account (admins; not their own): in one transaction it is
 * marked deactivated and every session and API token it had is ended. Its
 * open sockets are dropped by the live channel once this commits. Asking
 * again changes nothing.
 */
export async function deactivateUser(db: Db, actor: AuthUser, userId: string, now = new Date()) {
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
    if (row.deactivatedAt) return tx.user.findUniqueOrThrow({ where: { id: userId }, select: accountView });
    const user = await tx.user.update({ where: { id: userId }, data: { deactivatedAt: now }, select: accountView });
    await emit(tx, [{ type: "user.deactivated", actorId: actor.id, at: now, data: { userId, ...ended } }]);
    return user;
  });
}

/** Lets a deactivated account sign in again (admins). Its old sessions and tokens stay ended. */
export async function reactivateUser(db: Db, actor: AuthUser, userId: string, now = new Date()) {
  assertCan(actor, "users.manage");
  return inTransaction(db, async (tx) => {
    const [row] = await tx.$queryRaw<{ deactivatedAt: Date | null }[]>`
      SELECT "deactivatedAt" FROM "User" WHERE id = ${userId} FOR UPDATE`;
    if (!row) throw notFound("errors.userNotFound");
    if (!row.deactivatedAt) return tx.user.findUniqueOrThrow({ where: { id: userId }, select: accountView });
    const user = await tx.user.update({ where: { id: userId }, data: { deactivatedAt: null }, select: accountView });
    await emit(tx, [{ type: "user.reactivated", actorId: actor.id, at: now, data: { userId } }]);
    return user;
  });
}
