// JSON shapes of the API. Customers get only what concerns them.
import { can, type AuthUser } from "../auth/policy.ts";
import { ticketSlaState } from "../sla/policy.ts";
import type { MessageView, TicketSummary } from "../tickets/service.ts";

export function ticketJson(t: TicketSummary, viewer: AuthUser, now: Date) {
  const base = {
    number: t.number,
    id: t.id,
    type: t.type,
    channel: t.channel,
    status: t.status,
    priority: t.priority,
    subject: t.subject,
    category: t.category.key,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    firstResponseDueAt: t.firstResponseDueAt,
    resolutionDueAt: t.resolutionDueAt,
    firstRespondedAt: t.firstRespondedAt,
    solvedAt: t.solvedAt,
  };
  if (!can(viewer, "tickets.internal", t)) return base;
  return {
    ...base,
    version: t.version,
    tags: t.tags,
    sla: ticketSlaState(t, now),
    requester: { id: t.requester.id, name: t.requester.name, email: t.requester.email, tier: t.requester.tier },
    assignee: t.assignee,
    team: t.team,
  };
}

export function messageJson(m: MessageView) {
  return {
    id: m.id,
    kind: m.kind,
    body: m.body,
    createdAt: m.createdAt,
    author: m.author ? { id: m.author.id, name: m.author.name, role: m.author.role } : null,
  };
}
