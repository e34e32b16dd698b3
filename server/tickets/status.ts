// Which status changes make sense. Plain rules, no I/O.
import type { STATUSES } from "./schemas.ts";

export type Status = (typeof STATUSES)[number];

/** Statuses of a ticket that is not finished yet: the queue's "active" view and the SLA board. */
export const ACTIVE_STATUSES: readonly Status[] = ["new", "open", "pending", "on_hold"];

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

export function canChangeStatus(from: Status, to: Status): boolean {
  if (from === to) return true;
  // Closed is final, as in Zendesk: more help means a new ticket that can link back.
  if (from === "closed") return false;
  // "New" means nobody has looked at it yet; once worked, it cannot become new again.
  if (to === "new") return false;
  return true;
}
