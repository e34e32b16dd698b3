// In-transaction: the people a ticket's change concerns are notified in the
// same commit (server/notifications): the new assignee (unless they took it
// themselves), the assignee when the customer writes back, and colleagues
// @mentioned in an internal note who may see the ticket.
import type { InTransactionListener } from "../events/emit.ts";
import { assignmentCauseOf, automationCauseOf, ruleCauseOf, type NewEvent } from "../events/types.ts";
import { can, usersHoldingSql } from "../auth/policy.ts";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "../auth/users.ts";
import { sqlParams } from "../db/sql.ts";
import { mentionedHandles } from "../notifications/mentions.ts";
import { notify, notifyEach } from "../notifications/service.ts";

export const ticketNotifications: InTransactionListener = {
  name: "ticket-notifications",
  on: ["ticket.assignee_changed", "ticket.message_added"],
  async handle(sql, events) {
    const out: NewEvent[] = [];
    // New assignees, told with one statement per moment (automatic assignment hands out a batch at once).
    const assigned = new Map<number, { userId: string; ticketId: string; data: Record<string, unknown> }[]>();
    const names = new Map<string | null, string | null>();
    const name = async (userId: string | null) => {
      if (!names.has(userId)) names.set(userId, await nameOf(sql, userId));
      return names.get(userId)!;
    };
    for (const event of events) {
      if (!event.ticketId) continue;
      if (event.type === "ticket.assignee_changed") {
        const to = event.data.to;
        if (!to || to === event.actorId) continue;
        // Automatic assignment has no person behind it: the notification names its mode instead.
        const auto = assignmentCauseOf(event);
        // A rule or automation is named in its place.
        const rule = ruleCauseOf(event)?.ruleName ?? automationCauseOf(event)?.automationName;
        const data = { by: await name(event.actorId), ...(auto ? { auto: auto.mode } : {}), ...(rule ? { rule } : {}) };
        const at = event.at.getTime();
        if (!assigned.has(at)) assigned.set(at, []);
        assigned.get(at)!.push({ userId: to, ticketId: event.ticketId, data });
      }
      if (event.type === "ticket.message_added") {
        const [message] = await sql.query<{ kind: string; body: string; authorRole: string | null; assigneeId: string | null; teamId: string | null; requesterId: string }>(
          `SELECT m."kind"::text, m."body", u."role"::text AS "authorRole", t."assigneeId", t."teamId", t."requesterId"
             FROM "Message" m JOIN "Ticket" t ON t."id" = m."ticketId" LEFT JOIN "User" u ON u."id" = m."authorId"
            WHERE m."id" = $1`,
          [event.data.messageId],
        );
        if (!message) continue;
        const about = { ticketId: event.ticketId, data: { by: await nameOf(sql, event.actorId), messageId: event.data.messageId } };
        if (message.kind === "public" && message.authorRole === "customer" && message.assigneeId) {
          out.push(...(await notify(sql, [message.assigneeId], "customer_replied", about, event.at)));
        }
        const handles = message.kind === "internal" ? mentionedHandles(message.body) : [];
        if (handles.length > 0) {
          const { values, param } = sqlParams([handles, event.actorId ?? ""]);
          const people = await sql.query<AuthUserRow>(
            `SELECT ${AUTH_USER_COLUMNS} FROM "User" u
              WHERE lower(split_part(u."email", '@', 1)) = ANY($1::text[]) AND ${usersHoldingSql("tickets.internal", param)}
                AND u."deactivatedAt" IS NULL AND u."id" <> $2`,
            values,
          );
          // Only those who may open the ticket: a mention is no way around the policy.
          const mayRead = people.filter((person) => can(person, "tickets.internal", { requesterId: message.requesterId, teamId: message.teamId, assigneeId: message.assigneeId }));
          out.push(...(await notify(sql, mayRead.map((p) => p.id), "mention", about, event.at)));
        }
      }
    }
    for (const [at, items] of assigned) out.push(...(await notifyEach(sql, "assigned", items, new Date(at))));
    return out;
  },
};

async function nameOf(sql: Parameters<InTransactionListener["handle"]>[0], userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await sql.query<{ name: string }>(`SELECT "name" FROM "User" WHERE "id" = $1`, [userId]);
  return row?.name ?? null;
}
