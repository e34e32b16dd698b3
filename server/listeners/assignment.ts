// After commit, durable: automatic assignment looks at a team again whenever
// something may let one of its waiting tickets find an agent: a ticket filed
// or moved to the team, or waiting again (unassigned, reopened); an agent
// coming online, joining, reactivated or given other teams, skills or
// capacity; an agent's ticket solved, closed or handed on (capacity freed);
// the team switched to round-robin or least-loaded. Off the filing path: the
// filing commits its events as ever, and this runs a moment later in a worker
// (docs/decisions/018). Teams that assign by hand cost one query per batch.
import type { DurableListener } from "../events/durable.ts";
import { assignmentCauseOf, type StoredEvent } from "../events/types.ts";
import { db, sqlOf } from "../db/client.ts";
import { assignWaiting } from "../assignment/assigner.ts";
import { isActive } from "../tickets/status.ts";

/** What a batch of events asks the assigner to look at: teams directly, or through a ticket or an agent. */
export function assignmentTriggers(events: readonly StoredEvent[]) {
  const teams = new Set<string>();
  /** Tickets that may wait again: their team. */
  const waiting = new Set<string>();
  /** Tickets whose assignee freed a slot: the assignee's teams. */
  const freed = new Set<string>();
  /** Agents who may take (more) work now: their teams. */
  const agents = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case "ticket.created":
        if (e.data.teamId) teams.add(e.data.teamId);
        break;
      case "ticket.team_changed":
        if (e.data.to) teams.add(e.data.to);
        break;
      case "ticket.assignee_changed":
        // Our own hand-overs open nothing up.
        if (assignmentCauseOf(e)) break;
        if (e.data.to === null && e.ticketId) waiting.add(e.ticketId);
        if (e.data.from) agents.add(e.data.from);
        break;
      case "ticket.status_changed":
        if (!e.ticketId || e.data.from === null || isActive(e.data.from) === isActive(e.data.to)) break;
        if (isActive(e.data.to)) waiting.add(e.ticketId);
        else freed.add(e.ticketId);
        break;
      case "user.availability_changed":
        if (e.data.to === "online") agents.add(e.data.userId);
        break;
      case "user.access_changed":
      case "user.joined":
      case "user.reactivated":
        agents.add(e.data.userId);
        break;
      case "team.changed":
        if (e.data.change !== "deleted") teams.add(e.data.teamId);
        break;
    }
  }
  return { teams: [...teams], waiting: [...waiting], freed: [...freed], agents: [...agents] };
}

export const assignment: DurableListener = {
  name: "assignment",
  on: [
    "ticket.created",
    "ticket.team_changed",
    "ticket.assignee_changed",
    "ticket.status_changed",
    "user.availability_changed",
    "user.access_changed",
    "user.joined",
    "user.reactivated",
    "team.changed",
  ],
  async handle(events) {
    const t = assignmentTriggers(events);
    if (t.teams.length + t.waiting.length + t.freed.length + t.agents.length === 0) return;
    const sql = sqlOf(db());
    // The teams concerned that assign automatically, in one query.
    const rows = await sql.query<{ id: string }>(
      `SELECT tm."id" FROM "Team" tm
        WHERE tm."assignmentMode" <> 'manual' AND (
          tm."id" = ANY($1::text[])
          OR tm."id" IN (SELECT t."teamId" FROM "Ticket" t WHERE t."id" = ANY($2::text[]) AND t."assigneeId" IS NULL)
          OR tm."id" IN (SELECT m."teamId" FROM "Ticket" t JOIN "TeamMember" m ON m."userId" = t."assigneeId" WHERE t."id" = ANY($3::text[]))
          OR tm."id" IN (SELECT m."teamId" FROM "TeamMember" m WHERE m."userId" = ANY($4::text[])))
        ORDER BY tm."id"`,
      [t.teams, t.waiting, t.freed, t.agents],
    );
    if (rows.length === 0) return;
    await assignWaiting(db(), rows.map((r) => r.id));
  },
};
