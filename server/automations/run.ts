// The "automation" job: carries out one automation on the tickets whose time
// has come (they have stayed in its status for its minutes), a batch per
// transaction, then schedules itself for the next ticket to fall due.
//
// - Each ticket is taken with FOR UPDATE SKIP LOCKED: one a command holds
//   right now is skipped, never waited for, and looked at again a second
//   later.
// - It runs once per ticket and stay in the status: a run record
//   (AutomationRun: ticket, automation, statusChangedAt) is written in the
//   same transaction as the changes, so a job retried after a crash, or two
//   runs at once, never apply it twice. A ticket whose conditions do not hold
//   is recorded as passed over: it waits for its next status change.
// - The changes to one ticket are one system change (actorId null): one
//   UPDATE, one new version, events with the automation as their cause and a
//   ticket.automation_applied entry for the timeline, so the usual effects
//   follow (SLA clocks, surveys, health, live screens, search).
// - The automation's watermark (checkedThrough) says how far it has looked:
//   runs search from there (less a look-back), not from its oldest ticket.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { emit } from "../events/emit.ts";
import { inSqlTransaction } from "../events/transaction.ts";
import type { NewEvent } from "../events/types.ts";
import { fieldDefinitions } from "../fields/service.ts";
import { storedValues } from "../fields/values.ts";
import { runRulesChecked, writeRuleRows } from "../rules/apply.ts";
import type { RuleEffect, RuleFacts } from "../rules/evaluate.ts";
import { latestRules } from "../rules/stored.ts";
import { DEFAULT_SETTINGS } from "../admin/settings.ts";
import { ACTIVE_STATUSES, type Status } from "../tickets/status.ts";
import { asRule, automationFacts, dueAt, dueThrough, repliesFor, replyLocale, statusFor, type Automation } from "./plan.ts";
import { AUTOMATION_COLUMNS, automationFromRow, type AutomationRow } from "./stored.ts";
import { firstWaiting, scheduleAutomations, searchFrom } from "./timers.ts";

/** Tickets per transaction. */
export const BATCH = 200;
/** A ticket held by a command when the run looked is looked at again this much later. */
const HELD_RETRY_MS = 1_000;

export interface AutomationRunResult {
  /** Tickets the automation ran on (its conditions held). */
  applied: number;
  /** Tickets due whose conditions did not hold: passed over until their status changes again. */
  passed: number;
  /** When the job runs next (null: not scheduled, no ticket waits). */
  next: Date | null;
}

/** Runs automation `automationId` on every ticket due at `now`, then schedules its next run. */
export async function runAutomation(db: Db, automationId: string, now = new Date(), options: { batch?: number } = {}): Promise<AutomationRunResult> {
  const result: AutomationRunResult = { applied: 0, passed: 0, next: null };
  for (;;) {
    const step = await inSqlTransaction(db, (sql) => runBatch(sql, automationId, now, options.batch ?? BATCH));
    result.applied += step.applied;
    result.passed += step.passed;
    if (step.done) return { ...result, next: step.next };
  }
}

type TicketRow = {
  id: string;
  number: number;
  subject: string;
  requesterId: string;
  version: number;
  statusChangedAt: Date;
  categoryId: string;
  type: RuleFacts["type"];
  priority: RuleFacts["priority"];
  status: Status;
  channel: string;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  fields: unknown;
  language: string | null;
  tier: string;
  companyName: string | null;
  healthBand: string | null;
  customerName: string;
  customerEmail: string;
  accountLocale: string | null;
  assigneeName: string | null;
  request: string | null;
};

/** The tickets due that the automation has not looked at in this stay in the status, oldest first, locked. */
const dueTicketsSql = (withRequest: boolean) => `
  SELECT t."id", t."number", t."subject", t."requesterId", t."version", t."statusChangedAt", t."categoryId", t."type"::text AS "type",
         t."priority"::text AS "priority", t."status"::text AS "status", t."channel"::text AS "channel", t."teamId", t."assigneeId", t."tags",
         t."fields", t."language", cu."tier"::text AS "tier", co."name" AS "companyName", h."band"::text AS "healthBand",
         cu."name" AS "customerName", cu."email" AS "customerEmail", ua."locale" AS "accountLocale", ag."name" AS "assigneeName",
         ${withRequest ? `(SELECT m."body" FROM "Message" m WHERE m."ticketId" = t."id" AND m."kind" = 'public' ORDER BY m."createdAt", m."id" LIMIT 1)` : "NULL::text"} AS "request"
    FROM "Ticket" t
    JOIN "Customer" cu ON cu."id" = t."requesterId"
    LEFT JOIN "User" ua ON ua."id" = cu."userId"
    LEFT JOIN "Company" co ON co."id" = cu."companyId"
    LEFT JOIN "CustomerHealth" h ON h."customerId" = cu."id"
    LEFT JOIN "User" ag ON ag."id" = t."assigneeId"
   WHERE t."status" = $1::"TicketStatus" AND t."statusChangedAt" <= $2::timestamp(3)
     AND t."statusChangedAt" > coalesce($3::timestamp(3), '-infinity'::timestamp)
     AND NOT EXISTS (SELECT 1 FROM "AutomationRun" r
                      WHERE r."ticketId" = t."id" AND r."automationId" = $4 AND r."statusChangedAt" = t."statusChangedAt")
   ORDER BY t."statusChangedAt", t."id"
   LIMIT $5
   FOR UPDATE OF t SKIP LOCKED`;

interface TicketWrite {
  id: string;
  priority: string;
  type: string;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  fields: RuleFacts["fields"];
  status: Status;
  statusChanged: boolean;
  version: number;
}

async function runBatch(
  sql: Sql,
  automationId: string,
  now: Date,
  limit: number,
): Promise<{ applied: number; passed: number; done: boolean; next: Date | null }> {
  // Held for the batch: a change to the automation waits for it, and two runs take turns.
  const [row] = await sql.query<AutomationRow>(`SELECT ${AUTOMATION_COLUMNS} FROM "Automation" WHERE "id" = $1 FOR NO KEY UPDATE`, [automationId]);
  const automation = row ? automationFromRow(row) : null;
  if (!row || !automation || !automation.enabled) return { applied: 0, passed: 0, done: true, next: null };

  const cutoff = dueThrough(automation, now);
  const from = searchFrom(row.checkedThrough);
  const needsText = automation.conditions.some((c) => c.field === "text");
  const tickets = await sql.query<TicketRow>(dueTicketsSql(needsText), [automation.status, cutoff.toISOString(), from?.toISOString() ?? null, automation.id, limit]);
  const outcome = tickets.length > 0 ? await carryOut(sql, automation, tickets, now) : { applied: 0, passed: 0 };
  if (tickets.length >= limit) return { ...outcome, done: false, next: null };

  // The last batch: how far the automation has looked, and when it runs next. The first ticket not
  // looked at is either due already (a command held it just now: again in a second) or the next to fall due.
  const first = await firstWaiting(sql, automation, from);
  const held = first !== null && first <= cutoff;
  const checkedThrough = held ? new Date(first.getTime() - 1) : cutoff;
  const next = held ? new Date(now.getTime() + HELD_RETRY_MS) : first ? dueAt(automation, first) : null;
  await sql.query(`UPDATE "Automation" SET "checkedThrough" = $2::timestamp(3) WHERE "id" = $1`, [automation.id, checkedThrough.toISOString()]);
  if (next) await scheduleAutomations(sql, [{ automationId: automation.id, runAt: next }]);
  return { ...outcome, done: true, next };
}

/** Applies the automation to the locked tickets (or records them as passed over): one change per ticket. */
async function carryOut(sql: Sql, automation: Automation, tickets: TicketRow[], now: Date): Promise<{ applied: number; passed: number }> {
  const rule = asRule(automation);
  const fields = await fieldDefinitions(sql);
  const calendars = automation.conditions.some((c) => c.field === "business_hours") ? (await latestRules(sql)).calendars : new Map();
  const context = { now: now.getTime(), calendars, fields };
  const replying = automation.actions.some((a) => a.type === "reply");
  const names = replying ? await replyNames(sql, automation) : { users: new Map<string, string>(), helpdesk: DEFAULT_SETTINGS.name };
  const cause = { automationId: automation.id, automationName: automation.name };

  const events: NewEvent[] = [];
  const writes: TicketWrite[] = [];
  const replies: { id: string; ticketId: string; body: string }[] = [];
  const records: { ticketId: string; statusChangedAt: string; applied: boolean }[] = [];
  let applied = 0;
  for (const ticket of tickets) {
    const facts = automationFacts(
      {
        categoryId: ticket.categoryId,
        type: ticket.type,
        priority: ticket.priority,
        status: ticket.status,
        channel: ticket.channel,
        teamId: ticket.teamId,
        assigneeId: ticket.assigneeId,
        tags: ticket.tags,
        fields: storedValues(ticket.fields),
        language: ticket.language,
        tier: ticket.tier,
        companyName: ticket.companyName,
        healthBand: ticket.healthBand,
      },
      ticket.subject,
      ticket.request,
    );
    // As a rule run once: no effect means its conditions do not hold.
    const run = await runRulesChecked(sql, [rule], facts, null, context);
    const effect = run.effects[0];
    records.push({ ticketId: ticket.id, statusChangedAt: ticket.statusChangedAt.toISOString(), applied: !!effect });
    if (!effect) continue;
    applied += 1;

    const after = run.facts;
    const status = statusFor(automation, ticket.status);
    const assigneeName = after.assigneeId === ticket.assigneeId ? ticket.assigneeName : after.assigneeId ? (names.users.get(after.assigneeId) ?? null) : null;
    const bodies = repliesFor(automation, replyLocale(ticket.accountLocale, ticket.language), {
      customerName: ticket.customerName,
      customerEmail: ticket.customerEmail,
      number: ticket.number,
      subject: ticket.subject,
      agentName: assigneeName ?? names.helpdesk,
    });
    const replyIds = bodies.map(() => randomUUID());
    const noteIds = effect.notes.map(() => randomUUID());
    const valuesChanged = Object.keys(effect.changed).length > 0 || Object.keys(effect.changedFields).length > 0;
    // One change of the ticket, one new version, as a command makes it.
    const version = valuesChanged || status !== null || bodies.length > 0 || noteIds.length > 0 ? ticket.version + 1 : ticket.version;
    if (version !== ticket.version) {
      writes.push({
        id: ticket.id,
        priority: after.priority,
        type: after.type,
        teamId: after.teamId,
        assigneeId: after.assigneeId,
        tags: after.tags,
        fields: after.fields,
        status: status ?? ticket.status,
        statusChanged: status !== null,
        version,
      });
    }
    bodies.forEach((body, i) => replies.push({ id: replyIds[i], ticketId: ticket.id, body }));
    const told = effect.notes.length > 0 || effect.notify.length > 0 ? await writeRuleRows(sql, ticket.id, [effect], [noteIds], now) : { notified: [[]], events: [] };

    const base = { ticketId: ticket.id, customerId: ticket.requesterId, actorId: null, at: now };
    events.push({
      ...base,
      type: "ticket.automation_applied",
      data: { automationId: automation.id, name: automation.name, replies: replyIds, notes: noteIds, notified: told.notified[0] ?? [], version },
    });
    // The reply first: an automation that solves or closes the ticket answers it before.
    for (const messageId of replyIds) events.push({ ...base, type: "ticket.message_added", data: { messageId, kind: "public", version } });
    if (status) events.push({ ...base, type: "ticket.status_changed", data: { from: ticket.status, to: status, version, cause } });
    events.push(...changeEvents(effect, after, base, version, cause));
    for (const messageId of noteIds) events.push({ ...base, type: "ticket.message_added", data: { messageId, kind: "internal", version } });
    events.push(...told.events);
  }

  if (writes.length > 0) {
    await sql.query(
      `UPDATE "Ticket" t SET "priority" = x."priority"::"Priority", "type" = x."type"::"TicketType", "teamId" = x."teamId", "assigneeId" = x."assigneeId",
              "tags" = x."tags", "fields" = x."fields", "status" = x."status"::"TicketStatus",
              "solvedAt" = CASE WHEN NOT x."statusChanged" THEN t."solvedAt" WHEN x."status" = 'solved' THEN $2::timestamp(3)
                                WHEN x."status" = ANY($3::text[]) THEN NULL ELSE t."solvedAt" END,
              "closedAt" = CASE WHEN x."statusChanged" AND x."status" = 'closed' THEN $2::timestamp(3) ELSE t."closedAt" END,
              "version" = x."version", "updatedAt" = $2::timestamp(3)
         FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "priority" text, "type" text, "teamId" text, "assigneeId" text, "tags" text[],
                                                 "fields" jsonb, "status" text, "statusChanged" boolean, "version" int)
        WHERE t."id" = x."id"`,
      [JSON.stringify(writes), now.toISOString(), ACTIVE_STATUSES],
    );
  }
  if (replies.length > 0) {
    // Written by the system (no author): a reminder is not an agent's answer (the SLA clocks say so too).
    await sql.query(
      `INSERT INTO "Message" ("id", "ticketId", "authorId", "kind", "body", "createdAt")
       SELECT x."id", x."ticketId", NULL, 'public', x."body", $2::timestamp(3) FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "ticketId" text, "body" text)`,
      [JSON.stringify(replies), now.toISOString()],
    );
  }
  await sql.query(
    `INSERT INTO "AutomationRun" ("ticketId", "automationId", "statusChangedAt", "applied", "ranAt")
     SELECT x."ticketId", $2, x."statusChangedAt", x."applied", $3::timestamp(3)
       FROM jsonb_to_recordset($1::jsonb) AS x("ticketId" text, "statusChangedAt" timestamp(3), "applied" boolean)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(records), automation.id, now.toISOString()],
  );
  await emit(sql, events);
  return { applied, passed: tickets.length - applied };
}

/** The events of the values an automation's rule actions changed, each with the automation as its cause. */
function changeEvents(
  effect: RuleEffect,
  after: RuleFacts,
  base: { ticketId: string; customerId: string; actorId: null; at: Date },
  version: number,
  cause: { automationId: string; automationName: string },
): NewEvent[] {
  const { changed } = effect;
  const events: NewEvent[] = [];
  if (changed.priority !== undefined) events.push({ ...base, type: "ticket.priority_changed", data: { from: changed.priority, to: after.priority, version, cause } });
  if (changed.type !== undefined) events.push({ ...base, type: "ticket.type_changed", data: { from: changed.type, to: after.type, version, cause } });
  if (changed.teamId !== undefined) events.push({ ...base, type: "ticket.team_changed", data: { from: changed.teamId, to: after.teamId, version, cause } });
  if (changed.assigneeId !== undefined) events.push({ ...base, type: "ticket.assignee_changed", data: { from: changed.assigneeId, to: after.assigneeId, version, cause } });
  if (changed.tags !== undefined) {
    const added = after.tags.filter((tag) => !changed.tags!.includes(tag));
    const removed = changed.tags.filter((tag) => !after.tags.includes(tag));
    events.push({ ...base, type: "ticket.tags_changed", data: { added, removed, version, cause } });
  }
  for (const [key, from] of Object.entries(effect.changedFields)) {
    events.push({ ...base, type: "ticket.field_changed", data: { key, from, to: after.fields[key] ?? null, version, cause } });
  }
  return events;
}

/** For {{agent.name}}: the people the automation assigns tickets to, and the helpdesk's name. */
async function replyNames(sql: Sql, automation: Automation): Promise<{ users: Map<string, string>; helpdesk: string }> {
  const ids = automation.actions.flatMap((a) => (a.type === "assign" && a.userId ? [a.userId] : []));
  const [row] = await sql.query<{ helpdesk: string | null; users: { id: string; name: string }[] }>(
    `SELECT (SELECT "name" FROM "HelpdeskSettings" WHERE "id" = 1) AS "helpdesk",
            (SELECT coalesce(json_agg(json_build_object('id', u."id", 'name', u."name")), '[]') FROM "User" u WHERE u."id" = ANY($1::text[])) AS "users"`,
    [ids],
  );
  return { users: new Map(row.users.map((u) => [u.id, u.name])), helpdesk: row.helpdesk ?? DEFAULT_SETTINGS.name };
}
