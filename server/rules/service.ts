// Keeping the routing rules (rules.manage): list, read, create, change,
// remove and order them. A rule is checked against what is stored when it is
// saved (the categories, teams, people, calendars and custom fields it names
// exist, and its field values fit their fields); every change is audited in
// its own transaction. Running them is evaluate.ts's and apply.ts's.
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { asSql, sqlParams, type Sql } from "../db/sql.ts";
import type { Tx } from "../db/client.ts";
import { assertCan, usersHoldingSql, type AuthUser } from "../auth/policy.ts";
import { changedFields, recordAudit } from "../audit/log.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { fieldDefinitions } from "../fields/service.ts";
import { valueSchema, type FieldDefinition } from "../fields/values.ts";
import { ACTION_TYPES, MAX_RULES, RuleChangeSchema, RuleInputSchema, RuleOrderSchema, type RuleAction, type RuleCondition } from "./schemas.ts";
import { rulesFromStored } from "./stored.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../sla/stored.ts";
import type { Rule } from "./evaluate.ts";

export interface StoredRule extends Rule {
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `"id", "name", "position", "enabled", "onCreate", "onUpdate", "match", "conditions", "actions", "createdAt", "updatedAt"`;
type Row = Omit<StoredRule, "conditions" | "actions"> & {
  conditions: unknown;
  actions: unknown;
};

function toRule(row: Row): StoredRule {
  // A row that no longer parses shows with what still does, so an admin can see and fix it.
  const [rule] = rulesFromStored([row]);
  return {
    ...(rule ?? { ...row, conditions: [], actions: [] }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every rule, first to last. */
export async function listRules(db: Db | Tx, actor: AuthUser): Promise<StoredRule[]> {
  assertCan(actor, "rules.manage");
  const rows = await asSql(db as Tx).query<Row>(`SELECT ${COLUMNS} FROM "RoutingRule" ORDER BY "position", "id"`);
  return rows.map(toRule);
}

const RuleIdSchema = z.uuid();

export async function getRule(db: Db | Tx, actor: AuthUser, id: string): Promise<StoredRule> {
  assertCan(actor, "rules.manage");
  if (!RuleIdSchema.safeParse(id).success) throw notFound("errors.ruleNotFound");
  const [row] = await asSql(db as Tx).query<Row>(`SELECT ${COLUMNS} FROM "RoutingRule" WHERE "id" = $1`, [id]);
  if (!row) throw notFound("errors.ruleNotFound");
  return toRule(row);
}

/**
 * What a rule's (or an automation's) conditions and actions name that is not
 * there, or values a custom field does not take: field errors on
 * "conditions.<i>…" and "actions.<i>…", as i18n keys. Shared with the
 * time-based automations (server/automations/).
 */
export async function referenceProblems(sql: Sql, conditions: readonly RuleCondition[], actions: readonly RuleAction[]): Promise<Record<string, string[]>> {
  const wanted = {
    categories: new Set<string>(),
    teams: new Set<string>(),
    users: new Set<string>(),
    assignable: new Set<string>(),
    calendars: new Set<string>(),
  };
  const ids = (value: string) => value !== "none";
  for (const c of conditions) {
    if (c.field === "category") c.values.forEach((v) => wanted.categories.add(v));
    if (c.field === "team") c.values.filter(ids).forEach((v) => wanted.teams.add(v));
    if (c.field === "assignee") c.values.filter(ids).forEach((v) => wanted.users.add(v));
    if (c.field === "business_hours") wanted.calendars.add(c.calendarId);
  }
  for (const a of actions) {
    if (a.type === "set_team" && a.teamId) wanted.teams.add(a.teamId);
    if (a.type === "assign" && a.userId) wanted.assignable.add(a.userId);
    if (a.type === "notify") a.to.filter((to) => to !== "assignee" && to !== "team").forEach((to) => wanted.users.add(to));
  }
  const { values, param } = sqlParams([[...wanted.categories], [...wanted.teams], [...wanted.users], [...wanted.assignable], [...wanted.calendars]]);
  const [found] = await sql.query<{
    categories: string[];
    teams: string[];
    users: string[];
    assignable: string[];
    calendars: string[];
  }>(
    `SELECT (SELECT coalesce(array_agg("id"), '{}') FROM "Category" WHERE "id" = ANY($1::text[])) AS "categories",
            (SELECT coalesce(array_agg("id"), '{}') FROM "Team" WHERE "id" = ANY($2::text[])) AS "teams",
            (SELECT coalesce(array_agg("id"), '{}') FROM "User" WHERE "id" = ANY($3::text[]) AND "role" <> 'customer') AS "users",
            (SELECT coalesce(array_agg(u."id"), '{}') FROM "User" u WHERE u."id" = ANY($4::text[]) AND u."deactivatedAt" IS NULL
                AND ${usersHoldingSql("tickets.assignable", param)}) AS "assignable",
            (SELECT coalesce(array_agg("id"), '{}') FROM "BusinessCalendar" WHERE "id" = ANY($5::text[])) AS "calendars"`,
    values,
  );
  const fields = new Map((await fieldDefinitions(sql)).filter((d) => d.active).map((d) => [d.key, d]));
  const problems: Record<string, string[]> = {};
  const add = (path: string, key: string) => (problems[path] ??= []).push(key);

  conditions.forEach((c, i) => {
    const path = `conditions.${i}`;
    if (c.field === "category" && c.values.some((v) => !found.categories.includes(v))) add(`${path}.values`, "validation.ruleUnknownCategory");
    if (c.field === "team" && c.values.filter(ids).some((v) => !found.teams.includes(v))) add(`${path}.values`, "validation.ruleUnknownTeam");
    if (c.field === "assignee" && c.values.filter(ids).some((v) => !found.users.includes(v))) add(`${path}.values`, "validation.ruleUnknownPerson");
    if (c.field === "business_hours" && !found.calendars.includes(c.calendarId)) add(`${path}.calendarId`, "validation.ruleCalendar");
    if (c.field === "custom") {
      const problem = customConditionProblem(fields.get(c.key), c);
      if (problem) add(problem.path === "key" ? `${path}.key` : `${path}.value`, problem.message);
    }
  });
  actions.forEach((a, i) => {
    const path = `actions.${i}`;
    if (a.type === "set_team" && a.teamId && !found.teams.includes(a.teamId)) add(`${path}.teamId`, "validation.ruleUnknownTeam");
    if (a.type === "assign" && a.userId && !found.assignable.includes(a.userId)) add(`${path}.userId`, "validation.assignee");
    if (a.type === "notify" && a.to.some((to) => to !== "assignee" && to !== "team" && !found.users.includes(to)))
      add(`${path}.to`, "validation.ruleUnknownPerson");
    if (a.type === "set_field") {
      const field = fields.get(a.key);
      if (!field) add(`${path}.key`, "validation.ruleUnknownField");
      else if (a.value !== null) {
        const parsed = valueSchema(field).safeParse(a.value);
        if (!parsed.success) add(`${path}.value`, parsed.error.issues[0]?.message ?? "validation.ruleValues");
      }
    }
  });
  return problems;
}

/** What is wrong with a condition on a custom field, if anything: the field, the operator for its type, or the value. */
function customConditionProblem(field: FieldDefinition | undefined, c: Extract<RuleCondition, { field: "custom" }>) {
  if (!field) return { path: "key", message: "validation.ruleUnknownField" };
  if (c.op === "set" || c.op === "not_set") return null;
  if ((c.op === "gt" || c.op === "lt") && field.type !== "number" && field.type !== "date") return { path: "value", message: "validation.ruleOperator" };
  if (c.op === "contains" && field.type !== "text") return { path: "value", message: "validation.ruleOperator" };
  if (c.value === undefined) return { path: "value", message: "validation.ruleValues" };
  const parsed = valueSchema(field).safeParse(c.value);
  return parsed.success
    ? null
    : {
        path: "value",
        message: parsed.error.issues[0]?.message ?? "validation.ruleValues",
      };
}

/**
 * Conditions and actions of a rule or an automation checked against what is stored (when
 * `references`: what they name exists, values fit their fields; errors on "conditions.<i>…" and
 * "actions.<i>…", actions rules do not take left to the caller), custom field values as their fields
 * store them ("5" for a number field is 5).
 */
export async function checkedParts<A extends { type: string }>(
  sql: Sql,
  input: { conditions: RuleCondition[]; actions: A[] },
  references: boolean,
): Promise<{ conditions: RuleCondition[]; actions: A[] }> {
  if (references) {
    // The check sees the actions rules take; its "actions.<i>" paths are mapped back to the whole list.
    const ruleActions = input.actions.flatMap((action, i) => ((ACTION_TYPES as string[]).includes(action.type) ? [{ action: action as unknown as RuleAction, i }] : []));
    const found = await referenceProblems(
      sql,
      input.conditions,
      ruleActions.map((a) => a.action),
    );
    const problems: Record<string, string[]> = {};
    for (const [path, keys] of Object.entries(found)) {
      const m = /^actions\.(\d+)(.*)$/.exec(path);
      problems[m ? `actions.${ruleActions[Number(m[1])].i}${m[2]}` : path] = keys;
    }
    if (Object.keys(problems).length > 0) throw new DomainError("validation_failed", "errors.validation", problems);
  }
  const fields = new Map((await fieldDefinitions(sql)).map((d) => [d.key, d]));
  const normalize = <T extends { key?: unknown; value?: unknown }>(item: T): T => {
    const field = fields.get(String(item.key));
    if (!field || item.value === undefined || item.value === null) return item;
    return { ...item, value: valueSchema(field).parse(item.value) };
  };
  return {
    conditions: input.conditions.map((c) => (c.field === "custom" ? normalize(c) : c)),
    actions: input.actions.map((a) => (a.type === "set_field" ? normalize(a as A & { key: string; value: unknown }) : a)),
  };
}

/** A rule's input parsed and checked (checkedParts). */
async function checkedInput(sql: Sql, raw: unknown, references = true) {
  const input = parseInput(RuleInputSchema, raw);
  return { ...input, ...(await checkedParts(sql, input, references)) };
}

/**
 * Rule changes one at a time (so two rules made at once neither share a position nor pass the limit
 * together), and a name another rule has (in any case) refused.
 */
async function lockRules(sql: Sql, name?: string, id?: string) {
  await sql.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('routing-rules'))`);
  if (name === undefined) return;
  const [taken] = await sql.query(`SELECT 1 FROM "RoutingRule" WHERE lower("name") = lower($1) AND "id" <> $2`, [name, id ?? ""]);
  if (taken)
    throw new DomainError("conflict", "errors.ruleNameTaken", {
      name: ["errors.ruleNameTaken"],
    });
}

/** A new rule, placed last. */
export async function createRule(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<StoredRule> {
  assertCan(actor, "rules.manage");
  return db.$transaction(async (tx) => {
    const sql = asSql(tx);
    const input = await checkedInput(sql, raw);
    await lockRules(sql, input.name);
    const [{ count, next }] = await sql.query<{ count: number; next: number }>(
      `SELECT count(*)::int AS "count", coalesce(max("position") + 1, 0)::int AS "next" FROM "RoutingRule"`,
    );
    if (count >= MAX_RULES) throw new DomainError("conflict", "errors.tooManyRules");
    const [row] = await sql.query<Row>(
      `INSERT INTO "RoutingRule" ("id", "name", "position", "enabled", "onCreate", "onUpdate", "match", "conditions", "actions", "createdAt", "updatedAt")
         VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::timestamp(3), $9::timestamp(3))
         RETURNING ${COLUMNS}`,
      [
        input.name,
        next,
        input.enabled,
        input.onCreate,
        input.onUpdate,
        input.match,
        JSON.stringify(input.conditions),
        JSON.stringify(input.actions),
        now.toISOString(),
      ],
    );
    await recordAudit(tx, {
      action: "rule.created",
      actorId: actor.id,
      target: { type: "rule", id: row.id },
      data: { ...input },
      ip: from.ip,
      at: now,
    });
    return toRule(row);
  });
}

/** Changes a rule: what the change leaves out stays (its place in the order too). */
export async function updateRule(db: Db, actor: AuthUser, id: string, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<StoredRule> {
  assertCan(actor, "rules.manage");
  const change = withoutUndefined(parseInput(RuleChangeSchema, raw));
  return db.$transaction(async (tx) => {
    const sql = asSql(tx);
    // Read under the lock: two changes at once (say, switching it off and renaming it) both stay.
    await lockRules(sql);
    const before = await getRule(tx, actor, id);
    const { name, enabled, onCreate, onUpdate, match, conditions, actions } = before;
    // What it names is checked when conditions or actions change: a rule naming a team removed or a person
    // deactivated since (skipped when it runs) can still be switched off or renamed.
    const input = await checkedInput(sql, { name, enabled, onCreate, onUpdate, match, conditions, actions, ...change }, "conditions" in change || "actions" in change);
    await lockRules(sql, input.name, id);
    const [row] = await sql.query<Row>(
      `UPDATE "RoutingRule" SET "name" = $2, "enabled" = $3, "onCreate" = $4, "onUpdate" = $5, "match" = $6, "conditions" = $7::jsonb,
                "actions" = $8::jsonb, "updatedAt" = $9::timestamp(3)
          WHERE "id" = $1 RETURNING ${COLUMNS}`,
      [
        id,
        input.name,
        input.enabled,
        input.onCreate,
        input.onUpdate,
        input.match,
        JSON.stringify(input.conditions),
        JSON.stringify(input.actions),
        now.toISOString(),
      ],
    );
    if (!row) throw notFound("errors.ruleNotFound");
    const { createdAt: _c, updatedAt: _u, id: _i, position: _p, ...was } = before;
    const diff = changedFields(was as unknown as Record<string, unknown>, input);
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(tx, {
        action: "rule.updated",
        actorId: actor.id,
        target: { type: "rule", id },
        data: diff,
        ip: from.ip,
        at: now,
      });
    }
    return toRule(row);
  });
}

/** Removes a rule; answers with it. */
export async function deleteRule(db: Db, actor: AuthUser, id: string, from: { ip?: string } = {}, now = new Date()): Promise<StoredRule> {
  const rule = await getRule(db, actor, id);
  await db.$transaction(async (tx) => {
    await asSql(tx).query(`DELETE FROM "RoutingRule" WHERE "id" = $1`, [id]);
    await recordAudit(tx, {
      action: "rule.deleted",
      actorId: actor.id,
      target: { type: "rule", id },
      data: { name: rule.name },
      ip: from.ip,
      at: now,
    });
  });
  return rule;
}

export const withoutUndefined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Puts the rules in the order given: every rule's id, once. */
export async function reorderRules(db: Db, actor: AuthUser, raw: unknown, from: { ip?: string } = {}, now = new Date()): Promise<StoredRule[]> {
  assertCan(actor, "rules.manage");
  const { ids } = parseInput(RuleOrderSchema, raw);
  await db.$transaction(async (tx) => {
    const sql = asSql(tx);
    await lockRules(sql);
    const rows = await sql.query<{ id: string }>(`SELECT "id" FROM "RoutingRule"`);
    const all = new Set(rows.map((r) => r.id));
    if (ids.length !== all.size || new Set(ids).size !== ids.length || ids.some((ruleId) => !all.has(ruleId))) {
      throw new DomainError("validation_failed", "errors.validation", {
        ids: ["validation.ruleOrder"],
      });
    }
    await sql.query(
      `UPDATE "RoutingRule" r SET "position" = o.ord - 1, "updatedAt" = $2::timestamp(3)
         FROM unnest($1::text[]) WITH ORDINALITY AS o(id, ord) WHERE r."id" = o.id AND r."position" <> o.ord - 1`,
      [ids, now.toISOString()],
    );
    await recordAudit(tx, {
      action: "rules.reordered",
      actorId: actor.id,
      target: null,
      data: { ids },
      ip: from.ip,
      at: now,
    });
  });
  return listRules(db, actor);
}

/** Moves one rule a place up or down (the list's buttons). */
export async function moveRule(db: Db, actor: AuthUser, id: string, direction: "up" | "down", from: { ip?: string } = {}, now = new Date()) {
  const rules = await listRules(db, actor);
  const i = rules.findIndex((r) => r.id === id);
  if (i < 0) throw notFound("errors.ruleNotFound");
  const j = direction === "up" ? i - 1 : i + 1;
  if (j < 0 || j >= rules.length) return rules;
  const ids = rules.map((r) => r.id);
  [ids[i], ids[j]] = [ids[j], ids[i]];
  return reorderRules(db, actor, { ids }, from, now);
}

/**
 * What the rule editor offers to choose from (rules.manage, so supervisors,
 * who may not manage teams, can read the names): categories, teams, the
 * agents tickets can be assigned to, staff to notify or name in an assignee
 * condition (deactivated ones marked, so a rule naming one still reads),
 * business calendars (the built-in always-open one marked) and the custom
 * fields (archived ones marked). Read-only.
 */
export async function ruleChoices(db: Db | Tx, actor: AuthUser) {
  assertCan(actor, "rules.manage");
  const sql = asSql(db as Tx);
  const { values, param } = sqlParams();
  const assignable = usersHoldingSql("tickets.assignable", param);
  const [categories, teams, people, calendars, fields] = await Promise.all([
    sql.query<{ id: string; key: string; nameEn: string; nameZh: string }>(`SELECT "id", "key", "nameEn", "nameZh" FROM "Category" ORDER BY "key"`),
    sql.query<{ id: string; name: string }>(`SELECT "id", "name" FROM "Team" ORDER BY "name"`),
    sql.query<{ id: string; name: string; assignable: boolean; deactivated: boolean }>(
      `SELECT u."id", u."name", (${assignable} AND u."deactivatedAt" IS NULL AND u."invitedAt" IS NULL) AS "assignable",
              (u."deactivatedAt" IS NOT NULL) AS "deactivated"
         FROM "User" u WHERE u."role" <> 'customer' ORDER BY u."name", u."id"`,
      values,
    ),
    sql.query<{ id: string; name: string; timezone: string }>(`SELECT "id", "name", "timezone" FROM "BusinessCalendar" ORDER BY "name"`),
    fieldDefinitions(sql),
  ]);
  return {
    categories,
    teams,
    agents: people.filter((p) => p.assignable).map(({ id, name }) => ({ id, name })),
    people: people.map(({ id, name, deactivated }) => ({ id, name, deactivated })),
    calendars: calendars.map((c) => ({ ...c, builtIn: c.id === ALWAYS_OPEN_CALENDAR_ID })),
    fields: fields.map(({ key, labelEn, labelZh, type, options, active }) => ({ key, labelEn, labelZh, type, options, active })),
  };
}
