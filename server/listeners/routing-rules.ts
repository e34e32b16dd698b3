// In-transaction: a change to a ticket runs the routing rules that run on
// update, in the same commit, so a ticket is never seen half-routed. A rule
// fires when the change makes its conditions become true (they hold now and
// did not before it). Filing runs the rules itself (server/tickets/service.ts),
// so the events of a filing are left alone here; and so are the changes rules
// make, so a rule's change never runs the rules again (no loops).
import type { InTransactionListener } from "../events/emit.ts";
import { ruleCauseOf, type NewEvent } from "../events/types.ts";
import type { Sql } from "../db/sql.ts";
import { latestRules } from "../rules/stored.ts";
import { applyRulesToTicket, runRulesChecked } from "../rules/apply.ts";
import type { RuleFacts } from "../rules/evaluate.ts";
import { fieldDefinitions } from "../fields/service.ts";
import { storedValues, type FieldValue } from "../fields/values.ts";

const CHANGES = [
  "ticket.status_changed",
  "ticket.priority_changed",
  "ticket.type_changed",
  "ticket.assignee_changed",
  "ticket.team_changed",
  "ticket.tags_changed",
  "ticket.field_changed",
] as const;

export const routingRules: InTransactionListener = {
  name: "routing-rules",
  on: ["ticket.created", "ticket.message_added", ...CHANGES],
  async handle(sql, events) {
    const filed = new Set(events.filter((e) => e.type === "ticket.created").map((e) => e.ticketId));
    const byTicket = new Map<string, NewEvent[]>();
    for (const e of events) {
      if (!e.ticketId || filed.has(e.ticketId) || ruleCauseOf(e)) continue;
      // Internal notes change nothing rules look at.
      if (e.type === "ticket.message_added" && e.data.kind !== "public") continue;
      byTicket.set(e.ticketId, [...(byTicket.get(e.ticketId) ?? []), e]);
    }
    if (byTicket.size === 0) return;
    const stored = await latestRules(sql);
    const rules = stored.rules.filter((rule) => rule.onUpdate);
    if (rules.length === 0) return;
    const fields = await fieldDefinitions(sql);
    const out: NewEvent[] = [];
    for (const [ticketId, changes] of byTicket) {
      const now = changes[changes.length - 1].at;
      const ticket = await ticketFacts(sql, ticketId, changes);
      if (!ticket) continue;
      const run = await runRulesChecked(sql, rules, ticket.facts, factsBefore(ticket.facts, ticket.subject, changes), {
        now: now.getTime(),
        calendars: stored.calendars,
        fields,
      });
      out.push(...(await applyRulesToTicket(sql, { ticketId, customerId: ticket.requesterId, version: ticket.version }, run, now)));
    }
    return out;
  },
};

/** The ticket as rules see it now, its text being its subject and the public messages of this change. */
async function ticketFacts(sql: Sql, ticketId: string, changes: NewEvent[]) {
  const messageIds = changes.flatMap((e) => (e.type === "ticket.message_added" ? [e.data.messageId] : []));
  const [row] = await sql.query<{
    categoryId: string;
    type: RuleFacts["type"];
    priority: RuleFacts["priority"];
    status: string;
    channel: string;
    teamId: string | null;
    assigneeId: string | null;
    tags: string[];
    fields: unknown;
    language: string | null;
    subject: string;
    requesterId: string;
    version: number;
    tier: string;
    companyName: string | null;
    healthBand: string | null;
    messages: string | null;
  }>(
    `SELECT t."categoryId", t."type"::text, t."priority"::text, t."status"::text, t."channel"::text, t."teamId", t."assigneeId", t."tags",
            t."fields", t."language", t."subject", t."requesterId", t."version", cu."tier"::text AS "tier", co."name" AS "companyName",
            h."band"::text AS "healthBand",
            (SELECT string_agg(m."body", E'\\n' ORDER BY m."createdAt") FROM "Message" m WHERE m."id" = ANY($2::text[]) AND m."kind" = 'public') AS "messages"
       FROM "Ticket" t JOIN "Customer" cu ON cu."id" = t."requesterId"
       LEFT JOIN "Company" co ON co."id" = cu."companyId" LEFT JOIN "CustomerHealth" h ON h."customerId" = cu."id"
      WHERE t."id" = $1`,
    [ticketId, messageIds],
  );
  if (!row) return null;
  const facts: RuleFacts = {
    categoryId: row.categoryId,
    type: row.type,
    priority: row.priority,
    status: row.status,
    channel: row.channel,
    teamId: row.teamId,
    assigneeId: row.assigneeId,
    tags: row.tags,
    fields: storedValues(row.fields),
    language: row.language,
    tier: row.tier,
    companyName: row.companyName,
    healthBand: row.healthBand,
    text: row.messages ? `${row.subject}\n${row.messages}` : row.subject,
  };
  return {
    facts,
    subject: row.subject,
    requesterId: row.requesterId,
    version: row.version,
  };
}

/** The facts as they were before the change: its events undone, newest first; the text without its messages. */
export function factsBefore(after: RuleFacts, subject: string, changes: readonly NewEvent[]): RuleFacts {
  const before: RuleFacts = {
    ...after,
    tags: [...after.tags],
    fields: { ...after.fields },
    text: subject,
  };
  for (const e of [...changes].reverse()) {
    switch (e.type) {
      case "ticket.status_changed":
        if (e.data.from) before.status = e.data.from;
        break;
      case "ticket.priority_changed":
        if (e.data.from) before.priority = e.data.from;
        break;
      case "ticket.type_changed":
        before.type = e.data.from;
        break;
      case "ticket.assignee_changed":
        before.assigneeId = e.data.from;
        break;
      case "ticket.team_changed":
        before.teamId = e.data.from;
        break;
      case "ticket.tags_changed":
        before.tags = [...before.tags.filter((tag) => !e.data.added.includes(tag)), ...e.data.removed.filter((tag) => !before.tags.includes(tag))];
        break;
      case "ticket.field_changed":
        if (e.data.from === null) delete before.fields[e.data.key];
        else before.fields[e.data.key] = e.data.from as FieldValue;
        break;
    }
  }
  return before;
}
