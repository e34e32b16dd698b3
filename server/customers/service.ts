// The customer "360": profile, health and recent requests, for staff.
import type { Tx } from "../db/client.ts";
import { canViewCustomer, type AuthUser } from "../auth/permissions.ts";
import { forbidden, notFound } from "../errors.ts";
import { getCustomerHealth } from "../health/service.ts";
import { visibleTicketsWhere } from "../tickets/service.ts";

export async function getCustomerOverview(db: Tx, user: AuthUser, customerId: string) {
  if (!canViewCustomer(user, customerId)) throw forbidden();
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { id: true, name: true, email: true, tier: true, createdAt: true, company: { select: { name: true } } },
  });
  if (!customer) throw notFound();
  const [health, recentTickets] = await Promise.all([
    getCustomerHealth(db, customerId),
    db.ticket.findMany({
      where: { AND: [{ requesterId: customerId }, visibleTicketsWhere(user)] },
      orderBy: { createdAt: "desc" },
      take: 8,
      select: { number: true, subject: true, status: true, type: true, createdAt: true },
    }),
  ]);
  return { customer, health, recentTickets };
}
