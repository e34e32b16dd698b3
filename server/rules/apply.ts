// Carrying out a run of routing rules (evaluate.ts) in the caller's
// transaction: the events that record it (each rule's entry, then its
// changes with the rule as their cause), its internal notes and its
// notifications. Filing writes the ticket's final values in its own INSERT
// (server/tickets/service.ts); a change writes them here (applyRulesToTicket).
import { randomUUID } from "node:crypto";
import { sqlParams, type Sql } from "../db/sql.ts";
import type { NewEvent } from "../events/types.ts";
import { usersHoldingSql } from "../auth/policy.ts";
import { notify } from "../notifications/service.ts";
import { staffWhoMaySee } from "../notifications/recipients.ts";
import { runRules, type Rule, type RuleContext, type RuleEffect, type RuleFacts } from "./evaluate.ts";

/** Who a ticket is about, for events. */
interface About {
  ticketId: string;
  customerId: string;
}

/**
 * Runs the rules; where they hand the ticket to a team that is gone or to
 * someone who cannot take it (deactivated, not yet joined, not assignable),
 * runs them again without those actions. Asks the database only when a rule
 * that matched hands the ticket on.
 */
export async function runRulesChecked(
  sql: Sql,
  rules: readonly Rule[],
  facts: RuleFacts,
  before: RuleFacts | null,
  context: RuleContext,
): Promise<{ facts: RuleFacts; effects: RuleEffect[] }> {
  const run = runRules(rules, facts, before, context);
  const teams = new Set<string>();
  const users = new Set<string>();
  for (const effect of run.effects) {
    if ("teamId" in effect.changed && effect.after.teamId) teams.add(effect.after.teamId);
    if ("assigneeId" in effect.changed && effect.after.assigneeId) users.add(effect.after.assigneeId);
  }
  if (teams.size === 0 && users.size === 0) return run;
  const { values, param } = sqlParams([[...teams], [...users]]);
  const [row] = await sql.query<{ teams: string[]; users: string[] }>(
    `SELECT (SELECT coalesce(array_agg(tm."id"), '{}') FROM "Team" tm WHERE tm."id" = ANY($1::text[])) AS "teams",
            (SELECT coalesce(array_agg(u."id"), '{}') FROM "User" u
              WHERE u."id" = ANY($2::text[]) AND u."deactivatedAt" IS NULL AND u."invitedAt" IS NULL AND ${usersHoldingSql(
                "tickets.assignable",
                param,
              )}) AS "users"`,
    values,
  );
  const unavailable = new Set([...[...teams].filter((id) => !row.teams.includes(id)), ...[...users].filter((id) => !row.users.includes(id))]);
  if (unavailable.size === 0) return run;
  return runRules(rules, facts, before, {
    ...context,
    unavailable: new Set([...(context.unavailable ?? []), ...unavailable]),
  });
}

/** Ids for the notes each rule adds, taken before the events that name them are written. */
export function noteIdsFor(effects: readonly RuleEffect[]): string[][] {
  return effects.map((effect) => effect.notes.map(() => randomUUID()));
}

/**
 * The events of a run: for each rule, its entry and then each change it made
 * (the rule named as the cause) and each note it added; `notified` are the
 * people each rule told (writeRuleRows). All at the ticket's `version`.
 */
export function ruleEvents(
  effects: readonly RuleEffect[],
  about: About,
  trigger: "create" | "update",
  version: number,
  at: Date,
  noteIds: readonly string[][],
  notified: readonly string[][] = [],
): NewEvent[] {
  const events: NewEvent[] = [];
  effects.forEach((effect, i) => {
    const base = {
      ticketId: about.ticketId,
      customerId: about.customerId,
      actorId: null,
      at,
    };
    const cause = { ruleId: effect.rule.id, ruleName: effect.rule.name };
    const { changed, after } = effect;
    events.push({
      ...base,
      type: "ticket.rule_applied",
      data: {
        ruleId: effect.rule.id,
        name: effect.rule.name,
        trigger,
        notes: noteIds[i] ?? [],
        notified: notified[i] ?? [],
        version,
      },
    });
    if (changed.priority !== undefined)
      events.push({
        ...base,
        type: "ticket.priority_changed",
        data: { from: changed.priority, to: after.priority, version, cause },
      });
    if (changed.type !== undefined)
      events.push({
        ...base,
        type: "ticket.type_changed",
        data: { from: changed.type, to: after.type, version, cause },
      });
    if (changed.teamId !== undefined)
      events.push({
        ...base,
        type: "ticket.team_changed",
        data: { from: changed.teamId, to: after.teamId, version, cause },
      });
    if (changed.assigneeId !== undefined) {
      events.push({
        ...base,
        type: "ticket.assignee_changed",
        data: {
          from: changed.assigneeId,
          to: after.assigneeId,
          version,
          cause,
        },
      });
    }
    if (changed.tags !== undefined) {
      const added = after.tags.filter((tag) => !changed.tags!.includes(tag));
      const removed = changed.tags.filter((tag) => !after.tags.includes(tag));
      events.push({
        ...base,
        type: "ticket.tags_changed",
        data: { added, removed, version, cause },
      });
    }
    for (const [key, from] of Object.entries(effect.changedFields)) {
      events.push({
        ...base,
        type: "ticket.field_changed",
        data: { key, from, to: after.fields[key] ?? null, version, cause },
      });
    }
    for (const messageId of noteIds[i] ?? []) {
      events.push({
        ...base,
        type: "ticket.message_added",
        data: { messageId, kind: "internal", version },
      });
    }
  });
  return events;
}

/**
 * Writes what a run adds besides the ticket's own values: its internal notes
 * (with the ids of noteIdsFor) and its notifications. Returns whom each rule
 * told and the events announcing the notifications.
 */
export async function writeRuleRows(
  sql: Sql,
  ticketId: string,
  effects: readonly RuleEffect[],
  noteIds: readonly string[][],
  now: Date,
): Promise<{ notified: string[][]; events: NewEvent[] }> {
  const notes = effects.flatMap((effect, i) => effect.notes.map((body, j) => ({ id: noteIds[i][j], body })));
  if (notes.length > 0) {
    await sql.query(
      `INSERT INTO "Message" ("id", "ticketId", "authorId", "kind", "body", "createdAt")
       SELECT x.id, $2, NULL, 'internal', x.body, $3::timestamp(3) FROM jsonb_to_recordset($1::jsonb) AS x(id text, body text)`,
      [JSON.stringify(notes), ticketId, now.toISOString()],
    );
  }
  const notified: string[][] = [];
  const events: NewEvent[] = [];
  for (const effect of effects) {
    if (effect.notify.length === 0) {
      notified.push([]);
      continue;
    }
    const to = effect.notify;
    const recipients = await staffWhoMaySee(sql, { id: ticketId, teamId: effect.after.teamId, assigneeId: effect.after.assigneeId }, {
      userIds: to.filter((r) => r !== "assignee" && r !== "team"),
      assignee: to.includes("assignee"),
      team: to.includes("team"),
    });
    const told = await notify(sql, recipients, "rule", { ticketId, data: { rule: effect.rule.name } }, now);
    notified.push(told.flatMap((e) => (e.type === "notification.created" ? [e.data.userId] : [])));
    events.push(...told);
  }
  return { notified, events };
}

/** Did a run change the ticket's own values (rather than only add notes or notifications)? */
export const changedValues = (effects: readonly RuleEffect[]) =>
  effects.some((effect) => Object.keys(effect.changed).length > 0 || Object.keys(effect.changedFields).length > 0);

/**
 * Applies a run to a ticket that exists (a change made the rules' conditions
 * become true): its new values and version in one UPDATE, its notes and
 * notifications. Returns the events to append.
 */
export async function applyRulesToTicket(
  sql: Sql,
  ticket: About & { version: number },
  run: { facts: RuleFacts; effects: RuleEffect[] },
  now: Date,
): Promise<NewEvent[]> {
  if (run.effects.length === 0) return [];
  const writes = changedValues(run.effects) || run.effects.some((effect) => effect.notes.length > 0);
  // One change of the ticket, one new version, as a command makes it.
  const version = writes ? ticket.version + 1 : ticket.version;
  if (writes) {
    const { facts } = run;
    await sql.query(
      `UPDATE "Ticket" SET "priority" = $2::"Priority", "type" = $3::"TicketType", "teamId" = $4, "assigneeId" = $5, "tags" = $6::text[],
              "fields" = $7::jsonb, "version" = $8, "updatedAt" = $9::timestamp(3)
        WHERE "id" = $1`,
      [ticket.ticketId, facts.priority, facts.type, facts.teamId, facts.assigneeId, facts.tags, JSON.stringify(facts.fields), version, now.toISOString()],
    );
  }
  const noteIds = noteIdsFor(run.effects);
  const rows = await writeRuleRows(sql, ticket.ticketId, run.effects, noteIds, now);
  return [...ruleEvents(run.effects, ticket, "update", version, now, noteIds, rows.notified), ...rows.events];
}
