import type { Tx } from "../db/client.ts";
import type { AuthUser } from "./policy.ts";

export async function loadAuthUser(db: Tx, userId: string): Promise<AuthUser | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
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
