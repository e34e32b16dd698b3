// Which status changes make sense. Plain rules, no I/O.
import type { STATUSES } from "./schemas.ts";

export type Status = (typeof STATUSES)[number];

/** Statuses in which the ticket waits on the team (SLA clocks and health count these). */
export const ACTIVE_STATUSES: readonly Status[] = ["new", "open", "pending", "on_hold"];

export function canChangeStatus(from: Status, to: Status): boolean {
  if (from === to) return true;
  // Closed is final, as in Zendesk: more help means a new ticket that can link back.
  if (from === "closed") return false;
  // "New" means nobody has looked at it yet; once worked, it cannot become new again.
  if (to === "new") return false;
  return true;
}
