// Plain shapes of a ticket for the workspace queue and pages (and the live channel).
import type { QueueTicket, SlaTargetJson } from "../realtime/protocol.ts";
import type { TicketSummary } from "./service.ts";
import { renderMessageHtml } from "../text/markdown.ts";
import { storedValues } from "../fields/values.ts";

export function toQueueTicket(t: TicketSummary): QueueTicket {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    type: t.type,
    requesterName: t.requester.name,
    requesterEmail: t.requester.email,
    requesterTier: t.requester.tier,
    categoryId: t.categoryId,
    tags: t.tags,
    fields: storedValues(t.fields),
    teamId: t.teamId,
    teamName: t.team?.name ?? null,
    assigneeId: t.assigneeId,
    assigneeName: t.assignee?.name ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    firstRespondedAt: t.firstRespondedAt?.toISOString() ?? null,
    solvedAt: t.solvedAt?.toISOString() ?? null,
    slaState: t.slaState,
    slaDueAt: t.slaDueAt?.toISOString() ?? null,
    slaTargets: t.slaTargets.flatMap((r) =>
      r.fulfilledAt ? [] : [{ target: r.target, dueAt: r.dueAt?.toISOString() ?? null, atRiskAt: r.atRiskAt?.toISOString() ?? null, pausedSince: r.pausedSince?.toISOString() ?? null }],
    ),
  };
}

/** The due time of the target's current run while it runs (not met, not standing still). */
export function runningDue(t: Pick<TicketSummary, "slaTargets">, target: TicketSummary["slaTargets"][number]["target"]): Date | null {
  const run = t.slaTargets.find((r) => r.target === target);
  return run && !run.fulfilledAt && !run.pausedSince ? run.dueAt : null;
}

/** When the team's next reply to the customer is due: the first response, or the answer to their latest message. */
export function replyDueAt(t: Pick<TicketSummary, "slaTargets">): Date | null {
  return runningDue(t, "first_response") ?? runningDue(t, "next_response");
}

/** The current run of each SLA target, with instants as ISO strings (pages and the live channel). */
export function slaTargetsView(runs: TicketSummary["slaTargets"]): SlaTargetJson[] {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return runs.map((r) => ({
    target: r.target,
    cycle: r.cycle,
    startedAt: r.startedAt.toISOString(),
    dueAt: iso(r.dueAt),
    atRiskAt: iso(r.atRiskAt),
    fulfilledAt: iso(r.fulfilledAt),
    pausedSince: iso(r.pausedSince),
    warnedAt: iso(r.warnedAt),
    breachedAt: iso(r.breachedAt),
  }));
}

/**
 * A message as HTML when its author wrote Markdown: staff replies and notes
 * (the composer says so and previews it). Customers write plain text, shown
 * as they typed it; so are notices without an author (a merge). Null: show
 * the text.
 */
export function messageHtml(m: { body: string; author: { role: string } | null }): string | null {
  return m.author && m.author.role !== "customer" ? renderMessageHtml(m.body) : null;
}

