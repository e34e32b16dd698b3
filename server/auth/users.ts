import type { Tx } from "../db/client.ts";
import type { AuthUser, Role } from "./policy.ts";

/** The columns of an AuthUser, from "User" u (and its customer profile and teams). */
export const AUTH_USER_COLUMNS = `u."id", u."email", u."name", u."role"::text AS "role", u."locale",
  (SELECT c."id" FROM "Customer" c WHERE c."userId" = u."id") AS "customerId",
  ARRAY(SELECT m."teamId" FROM "TeamMember" m WHERE m."userId" = u."id" ORDER BY m."teamId") AS "teamIds"`;

export type AuthUserRow = Omit<AuthUser, "role"> & { role: Role };

/** The user with what the policy needs (customer profile, teams), in one query: every signed-in request asks for it. */
export async function loadAuthUser(db: Tx, userId: string): Promise<AuthUser | null> {
  const rows = await db.$queryRawUnsafe<AuthUserRow[]>(`SELECT ${AUTH_USER_COLUMNS} FROM "User" u WHERE u."id" = $1`, userId);
  return rows[0] ?? null;
}
