import type { Tx } from "../db/client.ts";
import type { AuthUser } from "./policy.ts";

/**
 * The user behind a session, token or socket, as the policy sees them; null
 * for a deactivated account, so that nothing it still holds (a session row
 * or token left behind by a race, a socket opened before) lets it act.
 */
export async function loadAuthUser(db: Tx, userId: string): Promise<AuthUser | null> {
  const user = await db.user.findFirst({
    where: { id: userId, deactivatedAt: null },
    include: { customer: { select: { id: true } }, memberships: { select: { teamId: true } } },
  });
  if (!user) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    locale: user.locale,
    customerId: user.customer?.id ?? null,
    teamIds: user.memberships.map((m) => m.teamId),
  };
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
