import type { Tx } from "../db/client.ts";
import type { AuthUser, Role } from "./policy.ts";

/**
 * The columns of an AuthUser, from "User" u (and its customer profile and teams). A customer
 * account reaches its customer profile, and so every request made from its address, only once
 * it has proved it reads mail there (emailVerifiedAt): an agent filing a ticket for an address
 * must not hand it to whoever signed up with it. Sessions, tokens and sockets all read this.
 */
export const AUTH_USER_COLUMNS = `u."id", u."email", u."name", u."role"::text AS "role", u."locale", u."availability"::text AS "availability",
  CASE WHEN u."role" <> 'customer' OR u."emailVerifiedAt" IS NOT NULL THEN (SELECT c."id" FROM "Customer" c WHERE c."userId" = u."id") END AS "customerId",
  (u."role" = 'customer' AND u."emailVerifiedAt" IS NULL) AS "emailUnconfirmed",
  ARRAY(SELECT m."teamId" FROM "TeamMember" m WHERE m."userId" = u."id" ORDER BY m."teamId") AS "teamIds",
  (SELECT r."permissions" FROM "CustomRole" r WHERE r."id" = u."customRoleId") AS "permissions"`;

export type AuthUserRow = Omit<AuthUser, "role"> & { role: Role };

/**
 * The user behind a session, token or socket, as the policy sees them, in one
 * query (every signed-in request asks for it); null for a deactivated account,
 * so that nothing it still holds (a session row or token left behind by a
 * race, a socket opened before) lets it act.
 */
export async function loadAuthUser(db: Tx, userId: string): Promise<AuthUser | null> {
  const rows = await db.$queryRawUnsafe<AuthUserRow[]>(
    `SELECT ${AUTH_USER_COLUMNS} FROM "User" u WHERE u."id" = $1 AND u."deactivatedAt" IS NULL`,
    userId,
  );
  return rows[0] ?? null;
}

/**
 * Ends every way a user is signed in: all their browser sessions and API
 * tokens, at once (password change, deactivation). Run it in the
 * transaction that makes the change, so the two commit together.
 */
export async function endAllCredentials(tx: Tx, userId: string): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const sessions = await tx.session.deleteMany({ where: { userId } });
  const tokens = await tx.apiToken.deleteMany({ where: { userId } });
  return { sessionsEnded: sessions.count, tokensRevoked: tokens.count };
}
