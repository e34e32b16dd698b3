// Whom a notification about a ticket may go to. It names the ticket's number and subject, so it is
// no way around the policy: only staff who may read the ticket's internal side are told.
import { sqlParams, type Sql } from "../db/sql.ts";
import { can, usersHoldingSql } from "../auth/policy.ts";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "../auth/users.ts";

/** The ticket as it stands once the change that causes the notification is made. */
export interface NotifiedTicket {
  id: string;
  teamId: string | null;
  assigneeId: string | null;
}

/**
 * Of the people named (by id, as the ticket's assignee, or as the members of its team), those who
 * may see the ticket: active staff holding tickets.internal whom the policy lets read it.
 */
export async function staffWhoMaySee(
  sql: Sql,
  ticket: NotifiedTicket,
  named: { userIds?: readonly string[]; assignee?: boolean; team?: boolean },
): Promise<string[]> {
  const assigneeId = named.assignee ? ticket.assigneeId : null;
  const teamId = named.team ? ticket.teamId : null;
  if ((named.userIds ?? []).length === 0 && assigneeId === null && teamId === null) return [];
  const { values, param } = sqlParams([named.userIds ?? [], assigneeId, teamId, ticket.id]);
  const people = await sql.query<AuthUserRow & { requesterId: string }>(
    `SELECT ${AUTH_USER_COLUMNS}, (SELECT t."requesterId" FROM "Ticket" t WHERE t."id" = $4) AS "requesterId" FROM "User" u
      WHERE (u."id" = ANY($1::text[]) OR u."id" = $2 OR u."id" IN (SELECT m."userId" FROM "TeamMember" m WHERE m."teamId" = $3))
        AND u."deactivatedAt" IS NULL AND ${usersHoldingSql("tickets.internal", param)}`,
    values,
  );
  const about = { teamId: ticket.teamId, assigneeId: ticket.assigneeId };
  return people.filter((person) => can(person, "tickets.internal", { ...about, requesterId: person.requesterId })).map((person) => person.id);
}
