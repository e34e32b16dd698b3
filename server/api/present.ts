// JSON shapes of the API. Customers get only what concerns them.
import { can, type AuthUser } from "../auth/policy.ts";
import { visibleValues, type FieldDefinition } from "../fields/values.ts";
import { runState } from "../sla/state.ts";
import { replyDueAt, runningDue } from "../tickets/present.ts";
import type { MessageView, TicketSummary } from "../tickets/service.ts";

/**
 * A ticket as the viewer may see it. `fields` are the custom field
 * definitions now (server/fields/service.ts fieldDefinitions): customers get
 * the values of customer-visible fields only, staff those of every active field.
 */
export function ticketJson(t: TicketSummary, viewer: AuthUser, now: Date, fields: readonly FieldDefinition[]) {
  const staff = can(viewer, "tickets.internal", t);
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
    firstResponseDueAt: runningDue(t, "first_response"),
    resolutionDueAt: runningDue(t, "resolution"),
    replyDueAt: replyDueAt(t),
    firstRespondedAt: t.firstRespondedAt,
    solvedAt: t.solvedAt,
    fields: visibleValues(fields, t.fields, staff ? "staff" : "customer"),
  };
  if (!staff) return base;
  return {
    ...base,
    version: t.version,
    tags: t.tags,
    sla: t.slaState,
    slaDueAt: t.slaDueAt,
    slaTargets: t.slaTargets.map((run) => ({ ...run, state: runState(instants(run), now.getTime()) })),
    requester: { id: t.requester.id, name: t.requester.name, email: t.requester.email, tier: t.requester.tier },
    assignee: t.assignee,
    team: t.team,
  };
}

const ms = (d: Date | null) => d?.getTime() ?? null;
function instants(run: TicketSummary["slaTargets"][number]) {
  return { dueAt: ms(run.dueAt), atRiskAt: ms(run.atRiskAt), fulfilledAt: ms(run.fulfilledAt), pausedSince: ms(run.pausedSince) };
}

export function messageJson(m: MessageView) {
  return {
    id: m.id,
    kind: m.kind,
    body: m.body,
    createdAt: m.createdAt,
    author: m.author ? { id: m.author.id, name: m.author.name, role: m.author.role } : null,
    attachments: m.attachments.map(({ id, filename, contentType, size }) => ({ id, filename, contentType, size })),
  };
}
