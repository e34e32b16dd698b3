// Keeping the time-based automations (rules.manage: admins and supervisors):
// list, read, create, change, remove and order them. An automation is checked
// against what is stored when it is saved (what its conditions and actions
// name exists, custom field values fit their fields: the routing rules'
// checks), every change is audited in its own transaction, and its job is
// (re)scheduled in that transaction: made, changed or enabled, it runs at once
// on tickets already past their time, then at each next one's moment.
// Running them is run.ts's. Functions take the Prisma client, as Remix
// loaders and actions have it.
import { z } from "zod";
import type { Db, Tx } from "../db/client.ts";
import { asSql, type Sql } from "../db/sql.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { checkedParts, withoutUndefined } from "../rules/service.ts";
import {
  AutomationChangeSchema,
  AutomationInputSchema,
  AutomationOrderSchema,
  MAX_AUTOMATIONS,
  type AutomationSpec,
} from "./schemas.ts";
import { AUTOMATION_COLUMNS, automationForList, type AutomationRow, type StoredAutomation } from "./stored.ts";
import { automationJobKey, rescheduleAutomation } from "./timers.ts";
import { unscheduleJobs } from "../jobs/schedule.ts";

export type { StoredAutomation } from "./stored.ts";

const sqlOfHandle = (db: Db | Tx) => asSql(db as Tx);

/** Every automation, first to last. */
export async function listAutomations(db: Db | Tx, actor: AuthUser): Promise<StoredAutomation[]> {
  assertCan(actor, "rules.manage");
  const rows = await sqlOfHandle(db).query<AutomationRow>(`SELECT ${AUTOMATION_COLUMNS} FROM "Automation" ORDER BY "position", "id"`);
  return rows.map(automationForList);
}

const IdSchema = z.uuid();

export async function getAutomation(db: Db | Tx, actor: AuthUser, id: string): Promise<StoredAutomation> {
  assertCan(actor, "rules.manage");
  if (!IdSchema.safeParse(id).success) throw notFound("errors.automationNotFound");
  const [row] = await sqlOfHandle(db).query<AutomationRow>(`SELECT ${AUTOMATION_COLUMNS} FROM "Automation" WHERE "id" = $1`, [id]);
  if (!row) throw notFound("errors.automationNotFound");
  return automationForList(row);
}

/**
 * The input parsed and checked against what is stored (the routing rules' checks: what the
 * conditions and actions name exists, values fit their fields), custom field values as their
 * fields store them ("5" for a number field is 5).
 */
async function checkedInput(sql: Sql, raw: unknown, references = true): Promise<AutomationSpec> {
  const input = parseInput(AutomationInputSchema, raw);
  return { ...input, ...(await checkedParts(sql, input, references)) };
}

/** One change to the automations at a time: positions, the limit and names stay consistent. */
const lock = (sql: Sql) => sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('automations'))`);

async function refuseTakenName(sql: Sql, name: string, id: string | null): Promise<void> {
  const [taken] = await sql.query<{ id: string }>(`SELECT "id" FROM "Automation" WHERE "name" = $1 AND "id" IS DISTINCT FROM $2`, [name, id]);
  if (taken) throw nameTaken();
}

const nameTaken = () => new DomainError("conflict", "errors.automationNameTaken", { name: ["errors.automationNameTaken"] });

/** A unique violation the checks did not see coming (a name taken by a write outside the app). */
const uniqueViolation = (error: unknown): never => {
  const { code, meta } = error as { code?: string; meta?: { code?: string } };
  if (code === "23505" || code === "P2002" || meta?.code === "23505") throw nameTaken();
  throw error;
};

/** A new automation, placed last; it runs at once on tickets already past its time. */
export async function createAutomation(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<StoredAutomation> {
  assertCan(actor, "rules.manage");
  return db
    .$transaction(async (tx) => {
      const sql = asSql(tx);
      const input = await checkedInput(sql, raw);
      await lock(sql);
      const [{ count, next }] = await sql.query<{ count: number; next: number }>(
        `SELECT count(*)::int AS "count", coalesce(max("position") + 1, 0)::int AS "next" FROM "Automation"`,
      );
      if (count >= MAX_AUTOMATIONS) throw new DomainError("conflict", "errors.tooManyAutomations");
      await refuseTakenName(sql, input.name, null);
      const [row] = await sql.query<AutomationRow>(
        `INSERT INTO "Automation" ("id", "name", "position", "enabled", "status", "afterMinutes", "match", "conditions", "actions", "createdAt", "updatedAt")
         VALUES (gen_random_uuid()::text, $1, $2, $3, $4::"TicketStatus", $5, $6, $7::jsonb, $8::jsonb, $9::timestamp(3), $9::timestamp(3))
         RETURNING ${AUTOMATION_COLUMNS}`,
        [input.name, next, input.enabled, input.status, input.afterMinutes, input.match, JSON.stringify(input.conditions), JSON.stringify(input.actions), now.toISOString()],
      );
      await recordAudit(tx, { action: "automation.created", actorId: actor.id, target: { type: "automation", id: row.id }, data: { ...input }, ip: from.ip, at: now });
      await rescheduleAutomation(sql, row);
      return automationForList(row);
    })
    .catch(uniqueViolation);
}

/**
 * Changes an automation: what the change leaves out stays (its place in the order too). A change to
 * when or to which tickets it applies (status, minutes, conditions) looks again at the tickets it
 * passed over; tickets it already ran on in their current stay in the status keep what it did.
 */
export async function updateAutomation(
  db: Db,
  actor: AuthUser,
  id: string,
  raw: unknown,
  from: { ip?: string } = {},
  now = new Date(),
): Promise<StoredAutomation> {
  assertCan(actor, "rules.manage");
  const change = withoutUndefined(parseInput(AutomationChangeSchema, raw));
  return db
    .$transaction(async (tx) => {
      const sql = asSql(tx);
      // Read under the lock: two changes at once both stay.
      await lock(sql);
      const before = await getAutomation(tx, actor, id);
      const { name, enabled, status, afterMinutes, match, conditions, actions } = before;
      // What it names is checked when conditions or actions change (an automation naming something gone since
      // can still be switched off).
      const input = await checkedInput(
        sql,
        { name, enabled, status, afterMinutes, match, conditions, actions, ...change },
        "conditions" in change || "actions" in change,
      );
      await refuseTakenName(sql, input.name, id);
      const was = { name, enabled, status, afterMinutes, match, conditions, actions };
      const diff = changedFields(was as unknown as Record<string, unknown>, input);
      const retrigger = ["status", "afterMinutes", "match", "conditions"].some((key) => key in diff.after);
      const [row] = await sql.query<AutomationRow>(
        `UPDATE "Automation" SET "name" = $2, "enabled" = $3, "status" = $4::"TicketStatus", "afterMinutes" = $5, "match" = $6, "conditions" = $7::jsonb,
                "actions" = $8::jsonb, "updatedAt" = $9::timestamp(3), "checkedThrough" = CASE WHEN $10::boolean THEN NULL ELSE "checkedThrough" END
          WHERE "id" = $1 RETURNING ${AUTOMATION_COLUMNS}`,
        [id, input.name, input.enabled, input.status, input.afterMinutes, input.match, JSON.stringify(input.conditions), JSON.stringify(input.actions), now.toISOString(), retrigger],
      );
      if (!row) throw notFound("errors.automationNotFound");
      // Tickets passed over (their conditions did not hold) are looked at again under the new ones.
      if (retrigger) await sql.query(`DELETE FROM "AutomationRun" WHERE "automationId" = $1 AND NOT "applied"`, [id]);
      if (Object.keys(diff.after).length > 0) {
        await recordAudit(tx, { action: "automation.updated", actorId: actor.id, target: { type: "automation", id }, data: diff, ip: from.ip, at: now });
      }
      if (retrigger || "enabled" in diff.after) await rescheduleAutomation(sql, row);
      return automationForList(row);
    })
    .catch(uniqueViolation);
}

/** Removes an automation (and its job); answers with it. Tickets it ran on keep what it did. */
export async function deleteAutomation(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()): Promise<StoredAutomation> {
  const automation = await getAutomation(db, actor, id);
  await db.$transaction(async (tx) => {
    const sql = asSql(tx);
    await lock(sql);
    await sql.query(`DELETE FROM "Automation" WHERE "id" = $1`, [id]);
    await unscheduleJobs(sql, [automationJobKey(id)]);
    await recordAudit(tx, { action: "automation.deleted", actorId: actor.id, target: { type: "automation", id }, data: { name: automation.name }, ip: from.ip, at: now });
  });
  return automation;
}


/**
 * Puts the automations in the order given (every automation's id, once): the order lists show.
 * Each automation runs at its own tickets' moments, whatever its place.
 */
export async function reorderAutomations(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<StoredAutomation[]> {
  assertCan(actor, "rules.manage");
  const { ids } = parseInput(AutomationOrderSchema, raw);
  await db.$transaction(async (tx) => {
    const sql = asSql(tx);
    await lock(sql);
    const rows = await sql.query<{ id: string }>(`SELECT "id" FROM "Automation"`);
    const all = new Set(rows.map((r) => r.id));
    if (ids.length !== all.size || new Set(ids).size !== ids.length || ids.some((automationId) => !all.has(automationId))) {
      throw new DomainError("validation_failed", "errors.validation", { ids: ["validation.automationOrder"] });
    }
    await sql.query(
      `UPDATE "Automation" a SET "position" = o.ord - 1, "updatedAt" = $2::timestamp(3)
         FROM unnest($1::text[]) WITH ORDINALITY AS o(id, ord) WHERE a."id" = o.id AND a."position" <> o.ord - 1`,
      [ids, now.toISOString()],
    );
    await recordAudit(tx, { action: "automations.reordered", actorId: actor.id, target: null, data: { ids }, ip: from.ip, at: now });
  });
  return listAutomations(db, actor);
}

/** Moves one automation a place up or down (a list's buttons). */
export async function moveAutomation(db: Db, actor: AuthUser, id: string, direction: "up" | "down", from: { ip?: string } = {}, now = new Date()) {
  const automations = await listAutomations(db, actor);
  const i = automations.findIndex((a) => a.id === id);
  if (i < 0) throw notFound("errors.automationNotFound");
  const j = direction === "up" ? i - 1 : i + 1;
  if (j < 0 || j >= automations.length) return automations;
  const ids = automations.map((a) => a.id);
  [ids[i], ids[j]] = [ids[j], ids[i]];
  return reorderAutomations(db, actor, { ids }, from, now);
}
