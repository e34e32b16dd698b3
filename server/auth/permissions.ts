// Who may see and do what. Plain functions over the signed-in user; the
// services and routes call them on every read and write.

export type Role = "customer" | "agent" | "supervisor" | "admin";

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  /** Set for customers: the profile their tickets hang off. */
  customerId: string | null;
  /** Teams an agent works in. */
  teamIds: string[];
}

export interface TicketScope {
  requesterId: string;
  teamId: string | null;
  assigneeId: string | null;
}

export const isStaff = (user: AuthUser) => user.role !== "customer";
export const isSupervisor = (user: AuthUser) => user.role === "supervisor" || user.role === "admin";

export function canViewTicket(user: AuthUser, ticket: TicketScope): boolean {
  if (user.role === "customer") return user.customerId !== null && ticket.requesterId === user.customerId;
  if (isSupervisor(user)) return true;
  // Agents see their teams' work, what is assigned to them, and untriaged tickets.
  return ticket.assigneeId === user.id || ticket.teamId === null || user.teamIds.includes(ticket.teamId);
}

/** Customers can reply on their own tickets; staff can work the tickets they can see. */
export const canReply = canViewTicket;

export function canSeeInternalNotes(user: AuthUser): boolean {
  return isStaff(user);
}

export function canUpdateTicket(user: AuthUser, ticket: TicketScope): boolean {
  return isStaff(user) && canViewTicket(user, ticket);
}

export function canViewCustomer(user: AuthUser, customerId: string): boolean {
  return isStaff(user) || user.customerId === customerId;
}
