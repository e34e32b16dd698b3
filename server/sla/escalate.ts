// What an SLA escalation level does when it falls due for a run of a target
// (recorded once per run and level by targets.ts recordDue): notify the
// assignee, the ticket's team while nobody is assigned, and the supervisors,
// raise the priority (never lower it), hand the ticket to a team or an agent,
// add tags. The ticket's changes are made as
// one system change per ticket, each event carrying the policy and level that
// caused it; the ticket's timeline shows a ticket.sla_escalated entry for it.
import { sqlParams, type Sql } from "../db/sql.ts";
import type { NewEvent } from "../events/types.ts";
import { usersHoldingSql } from "../auth/policy.ts";
import { notify } from "../notifications/service.ts";
import { staffWhoMaySee } from "../notifications/recipients.ts";
import { PRIORITIES, type EscalationLevel, type Priority, type SlaPolicyRule } from "./policy.ts";
import { iso, type TargetRun } from "./targets.ts";

/** What an escalation needs of its ticket (current values, locked by the caller). */
export interface EscalatedTicket {
  id: string;
  requesterId: string;
  priority: Priority;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  version: number;
}

export interface Escalation {
  ticket: EscalatedTicket;
  run: TargetRun;
  policy: SlaPolicyRule;
  level: number;
}

const rank = (p: Priority) => PRIORITIES.indexOf(p);

/**
 * Carries out the escalations (any number, of any tickets), in the caller's transaction; returns
 * the events to append and the tickets whose priority or team changed (their policy may change:
 * the caller recomputes them).
 */
export async function escalate(sql: Sql, escalations: readonly Escalation[], now: Date): Promise<{ events: NewEvent[]; moved: string[] }> {
  if (escalations.length === 0) return { events: [], moved: [] };
  const supervisors = escalations.some((e) => levelOf(e).notify.includes("supervisors")) ? await escalationReceivers(sql) : [];
  const events: NewEvent[] = [];
  const moved: string[] = [];
  const byTicket = new Map<string, Escalation[]>();
  for (const e of escalations) byTicket.set(e.ticket.id, [...(byTicket.get(e.ticket.id) ?? []), e]);

  for (const items of byTicket.values()) {
    const ticket = { ...items[0].ticket };
    const before = { ...ticket };
    const about = { ticketId: ticket.id, customerId: ticket.requesterId, actorId: null, at: now };
    const fieldEvents: NewEvent[] = [];
    for (const item of items) {
      const level = levelOf(item);
      const cause = { policyId: item.policy.id, level: item.level };
      const changed = { priority: null as Priority | null, teamId: null as string | null, assigneeId: null as string | null, tagsAdded: [] as string[] };
      if (level.raisePriorityTo && rank(level.raisePriorityTo) > rank(ticket.priority)) {
        fieldEvents.push({ ...about, type: "ticket.priority_changed", data: { from: ticket.priority, to: level.raisePriorityTo, cause } });
        ticket.priority = changed.priority = level.raisePriorityTo;
      }
      if (level.assignTeamId && level.assignTeamId !== ticket.teamId) {
        fieldEvents.push({ ...about, type: "ticket.team_changed", data: { from: ticket.teamId, to: level.assignTeamId, cause } });
        ticket.teamId = changed.teamId = level.assignTeamId;
      }
      if (level.assignAgentId && level.assignAgentId !== ticket.assigneeId) {
        fieldEvents.push({ ...about, type: "ticket.assignee_changed", data: { from: ticket.assigneeId, to: level.assignAgentId, cause } });
        ticket.assigneeId = changed.assigneeId = level.assignAgentId;
      }
      const added = level.addTags.filter((tag) => !ticket.tags.includes(tag));
      if (added.length > 0) {
        fieldEvents.push({ ...about, type: "ticket.tags_changed", data: { added, removed: [], cause } });
        ticket.tags = [...ticket.tags, ...added];
        changed.tagsAdded = added;
      }
      // Told after the changes: a level that hands the ticket to someone tells its new assignee (or
      // team). The team only while nobody has the ticket: then someone there should take it.
      const named = { assignee: level.notify.includes("assignee"), team: level.notify.includes("team") && ticket.assigneeId === null };
      const recipients = [...(await staffWhoMaySee(sql, ticket, named)), ...(level.notify.includes("supervisors") ? supervisors : [])];
      const kind = level.on === "at_risk" ? "sla_warning" : level.afterMinutes === 0 ? "sla_breach" : "sla_escalation";
      const notified = await notify(
        sql,
        recipients,
        kind,
        { ticketId: ticket.id, data: { target: item.run.target, dueAt: iso(item.run.dueAt), policy: item.policy.name ?? null, on: level.on, afterMinutes: level.afterMinutes } },
        now,
      );
      events.push(
        {
          ...about,
          type: "ticket.sla_escalated",
          data: {
            target: item.run.target,
            cycle: item.run.cycle,
            policyId: item.policy.id,
            level: item.level,
            on: level.on,
            afterMinutes: level.afterMinutes,
            notified: notified.map((n) => (n.type === "notification.created" ? n.data.userId : "")),
            ...changed,
          },
        },
        ...notified,
      );
    }
    if (fieldEvents.length === 0) continue;
    // One change of the ticket, one new version, as a command makes it.
    const version = before.version + 1;
    await sql.query(
      `UPDATE "Ticket" SET "priority" = $2::"Priority", "teamId" = $3, "assigneeId" = $4, "tags" = $5::text[], "version" = $6, "updatedAt" = $7::timestamp(3)
       WHERE "id" = $1`,
      [ticket.id, ticket.priority, ticket.teamId, ticket.assigneeId, ticket.tags, version, now.toISOString()],
    );
    events.push(...fieldEvents.map((e) => ({ ...e, data: { ...e.data, version } }) as NewEvent));
    if (ticket.priority !== before.priority || ticket.teamId !== before.teamId) moved.push(ticket.id);
  }
  return { events, moved };
}

function levelOf(e: Escalation): EscalationLevel {
  return e.policy.escalations[e.level];
}

/** Staff told of escalations meant for "the supervisors". */
async function escalationReceivers(sql: Sql): Promise<string[]> {
  const { values, param } = sqlParams();
  const rows = await sql.query<{ id: string }>(
    `SELECT u."id" FROM "User" u WHERE ${usersHoldingSql("sla.escalations", param)} AND u."deactivatedAt" IS NULL`,
    values,
  );
  return rows.map((u) => u.id);
}
