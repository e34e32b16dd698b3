// The customer "360": profile, health and recent requests.
import type { Tx } from "../db/client.ts";
import { can, ticketsWhere, type AuthUser } from "../auth/policy.ts";
import { forbidden, notFound } from "../errors.ts";
import { getCustomerHealth } from "../health/service.ts";

const RECENT_TICKETS = 8;

export async function getCustomerOverview(db: Tx, user: AuthUser, customerId: string) {
  if (!can(user, "customers.view", { id: customerId })) throw forbidden();
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, name: true, email: true, tier: true, createdAt: true, company: { select: { name: true } } },
  });
  if (!customer) throw notFound();
  const visible = { AND: [{ requesterId: customerId }, ticketsWhere(user)] };
  const [health, recentTickets, visibleCount, allCount] = await Promise.all([
    getCustomerHealth(db, user, customerId),
    // Only the requests the viewer may open themselves; the others are only counted.
    db.ticket.findMany({
      where: visible,
      orderBy: { createdAt: "desc" },
      take: RECENT_TICKETS,
      select: { number: true, subject: true, status: true, type: true, createdAt: true },
    }),
    db.ticket.count({ where: visible }),
    db.ticket.count({ where: { requesterId: customerId } }),
  ]);
  return { customer, health, recentTickets, visibleCount, hiddenCount: allCount - visibleCount };
}
