// The customer "360": profile, health and recent requests.
import type { Tx } from "../db/client.ts";
import { can, ticketsWhere, type AuthUser } from "../auth/policy.ts";
import { forbidden, notFound } from "../errors.ts";
import { getCustomerHealth } from "../health/service.ts";

export async function getCustomerOverview(db: Tx, user: AuthUser, customerId: string) {
  if (!can(user, "customers.view", { id: customerId })) throw forbidden();
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, name: true, email: true, tier: true, createdAt: true, company: { select: { name: true } } },
  });
  if (!customer) throw notFound();
  const [health, recentTickets] = await Promise.all([
    getCustomerHealth(db, user, customerId),
    // Only the requests the viewer may open themselves.
    db.ticket.findMany({
      where: { AND: [{ requesterId: customerId }, ticketsWhere(user)] },
      orderBy: { createdAt: "desc" },
      take: 8,
      select: { number: true, subject: true, status: true, type: true, createdAt: true },
    }),
  ]);
  return { customer, health, recentTickets };
}
