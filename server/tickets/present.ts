// Plain shapes of a ticket for the workspace queue (page and live channel).
import type { QueueTicket } from "../realtime/protocol.ts";
import type { TicketSummary } from "./service.ts";

export function toQueueTicket(t: TicketSummary): QueueTicket {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    type: t.type,
    requesterName: t.requester.name,
    requesterTier: t.requester.tier,
    teamId: t.teamId,
    teamName: t.team?.name ?? null,
    assigneeId: t.assigneeId,
    assigneeName: t.assignee?.name ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    firstResponseDueAt: t.firstResponseDueAt?.toISOString() ?? null,
    resolutionDueAt: t.resolutionDueAt?.toISOString() ?? null,
    firstRespondedAt: t.firstRespondedAt?.toISOString() ?? null,
    solvedAt: t.solvedAt?.toISOString() ?? null,
  };
}
