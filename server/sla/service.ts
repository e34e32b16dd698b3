// SLA set-up that supervisors and admins do: business calendars and the
// preview of a due time. The clock math itself is in calendar.ts.
import { Temporal } from "temporal-polyfill";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { assertCan, can, usersHoldingWhere, type AuthUser } from "../auth/policy.ts";
import { DomainError, notFound } from "../errors.ts";
import { emit } from "../events/emit.ts";
import { inTransaction } from "../events/transaction.ts";
import { isUniqueViolation, parseInput } from "../validation.ts";
import { addBusinessMinutes, ClosedCalendarError, type BusinessCalendar, type Weekday } from "./calendar.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "./stored.ts";
import {
  BusinessCalendarSchema,
  CalendarChangeSchema,
  CalendarListQuerySchema,
  NewCalendarSchema,
  NewPolicySchema,
  PolicyChangeSchema,
  PolicyOrderSchema,
  SlaPreviewSchema,
} from "./schemas.ts";
import type { Tx } from "../db/client.ts";
import type { EscalationLevel, PolicyTargets } from "./policy.ts";


const calendarView = { id: true, name: true, timezone: true, hours: true, holidays: true, createdAt: true, updatedAt: true } as const;
type CalendarRow = Prisma.BusinessCalendarGetPayload<{ select: typeof calendarView }>;

/** A calendar as the API shows it. */
export function calendarJson(row: CalendarRow) {
  const { hours, ...rest } = row;
  return { ...rest, hours: hours as Partial<Record<Weekday, [string, string][]>>, builtIn: row.id === ALWAYS_OPEN_CALENDAR_ID };
}

export async function listCalendars(db: Db, user: AuthUser, rawQuery: unknown) {
  assertCan(user, "sla.manage");
  const query = parseInput(CalendarListQuerySchema, rawQuery);
  const rows = await db.businessCalendar.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: calendarView,
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, query.limit).map(calendarJson);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
}

export async function getCalendar(db: Db, user: AuthUser, id: string) {
  assertCan(user, "sla.manage");
  const row = await db.businessCalendar.findUnique({ where: { id }, select: calendarView });
  if (!row) throw notFound("errors.calendarNotFound");
  return calendarJson(row);
}

/** A name already taken is a field error (`takenKey`), whichever of two racing requests gets there second. */
async function namedUniquely<T>(takenKey: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("validation_failed", "errors.validation", { name: [takenKey] });
    throw error;
  }
}

/** A calendar whose holidays leave it no open time (within SEARCH_DAYS) would stop every clock on it: refused when stored. */
function assertHasOpenTime(calendar: BusinessCalendar, now: Date) {
  try {
    addBusinessMinutes(calendar, now.getTime(), 1);
  } catch (error) {
    if (error instanceof ClosedCalendarError) {
      throw new DomainError("validation_failed", "errors.validation", { hours: ["validation.noOpenHours"] });
    }
    throw error;
  }
}

export async function createCalendar(db: Db, user: AuthUser, raw: unknown, now = new Date()) {
  assertCan(user, "sla.manage");
  const { name, timezone, hours, holidays } = parseInput(NewCalendarSchema, raw);
  assertHasOpenTime({ timezone, hours, holidays }, now);
  return namedUniquely("validation.calendarNameTaken", () =>
    inTransaction(db, async (tx) => {
      const row = await tx.businessCalendar.create({
        data: { name, timezone, hours, holidays, createdAt: now, updatedAt: now },
        select: calendarView,
      });
      await emit(tx, [{ type: "sla.calendar_changed", actorId: user.id, at: now, data: { calendarId: row.id, change: "created" } }]);
      return calendarJson(row);
    }),
  );
}

/** Changes some fields; the calendar they make together must hold as a whole. */
export async function updateCalendar(db: Db, user: AuthUser, id: string, raw: unknown, now = new Date()) {
  assertCan(user, "sla.manage");
  const change = parseInput(CalendarChangeSchema, raw);
  if (id === ALWAYS_OPEN_CALENDAR_ID) throw new DomainError("conflict", "errors.builtInCalendar");
  return namedUniquely("validation.calendarNameTaken", () =>
    inTransaction(db, async (tx) => {
      // Locked: two changes at once (one to the hours, one to the holidays) must not undo each other.
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "BusinessCalendar" WHERE "id" = ${id} FOR UPDATE`;
      const current = locked && (await tx.businessCalendar.findUnique({ where: { id }, select: calendarView }));
      if (!current) throw notFound("errors.calendarNotFound");
      const calendar = parseInput(BusinessCalendarSchema, {
        timezone: change.timezone ?? current.timezone,
        hours: change.hours ?? current.hours,
        holidays: change.holidays ?? current.holidays,
      });
      assertHasOpenTime(calendar, now);
      const row = await tx.businessCalendar.update({
        where: { id },
        data: { ...calendar, ...(change.name ? { name: change.name } : {}), updatedAt: now },
        select: calendarView,
      });
      await emit(tx, [{ type: "sla.calendar_changed", actorId: user.id, at: now, data: { calendarId: id, change: "updated" } }]);
      return calendarJson(row);
    }),
  );
}

export async function deleteCalendar(db: Db, user: AuthUser, id: string, now = new Date()) {
  assertCan(user, "sla.manage");
  if (id === ALWAYS_OPEN_CALENDAR_ID) throw new DomainError("conflict", "errors.builtInCalendar");
  return inTransaction(db, async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "BusinessCalendar" WHERE "id" = ${id} FOR UPDATE`;
    const row = locked && (await tx.businessCalendar.findUnique({ where: { id }, select: calendarView }));
    if (!row) throw notFound("errors.calendarNotFound");
    // Policies keep their calendar: moving them to another comes first.
    if ((await tx.slaPolicy.count({ where: { calendarId: id } })) > 0) throw new DomainError("conflict", "errors.calendarInUse");
    await tx.businessCalendar.delete({ where: { id } });
    await emit(tx, [{ type: "sla.calendar_changed", actorId: user.id, at: now, data: { calendarId: id, change: "deleted" } }]);
    return calendarJson(row);
  });
}

/** A stored calendar as the clock math reads it; a 404 naming calendars when there is none with that id. */
export async function storedCalendar(db: Db, id: string): Promise<BusinessCalendar> {
  const row = await db.businessCalendar.findUnique({ where: { id }, select: { timezone: true, hours: true, holidays: true } });
  if (!row) throw notFound("errors.calendarNotFound");
  // Stored through the same schema it is read with; parsing again keeps a hand-edited row from breaking clocks silently.
  return BusinessCalendarSchema.parse(row);
}

/** "A ticket filed at `start` would be due at …": the clock math on a calendar given in full or stored. */
export async function previewDueTime(db: Db, user: AuthUser, raw: unknown): Promise<{ dueAt: string }> {
  assertCan(user, "sla.manage");
  const input = parseInput(SlaPreviewSchema, raw);
  const calendar = typeof input.calendar === "string" ? await storedCalendar(db, input.calendar) : input.calendar;
  const pauses = input.pauses.map((p) => ({ from: Date.parse(p.from), to: Date.parse(p.to) }));
  let due: number;
  try {
    due = addBusinessMinutes(calendar, Date.parse(input.start), input.minutes, pauses);
  } catch (error) {
    if (error instanceof ClosedCalendarError) {
      throw new DomainError("validation_failed", "errors.validation", { calendar: ["validation.noOpenHours"] });
    }
    throw error;
  }
  // In the calendar's own zone: the offset tells the reader which local time that is.
  return { dueAt: Temporal.Instant.fromEpochMilliseconds(due).toZonedDateTimeISO(calendar.timezone).toString({ timeZoneName: "never" }) };
}

// ---------------------------------------------------------------- policies

const policyView = {
  id: true,
  name: true,
  position: true,
  enabled: true,
  types: true,
  priorities: true,
  tiers: true,
  channels: true,
  categoryIds: true,
  teamIds: true,
  calendarId: true,
  pauseOnHold: true,
  atRiskShare: true,
  atRiskMinutesBefore: true,
  targets: true,
  escalations: true,
  createdAt: true,
  updatedAt: true,
} as const;
type PolicyRow = Prisma.SlaPolicyGetPayload<{ select: typeof policyView }>;

export function policyJson(row: PolicyRow) {
  return {
    ...row,
    targets: row.targets as Record<string, Record<string, { minutes: number; business: boolean }>>,
    escalations: row.escalations as unknown as EscalationLevel[],
  };
}

/** Every policy in the order they are tried. */
export async function listPolicies(db: Db, user: AuthUser) {
  assertCan(user, "sla.manage");
  const rows = await db.slaPolicy.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }], select: policyView });
  return rows.map(policyJson);
}

export async function getPolicy(db: Db, user: AuthUser, id: string) {
  assertCan(user, "sla.manage");
  const row = await db.slaPolicy.findUnique({ where: { id }, select: policyView });
  if (!row) throw notFound("errors.policyNotFound");
  return policyJson(row);
}

/** The calendar, categories and teams a policy names must exist: a field error naming each that does not. */
async function assertReferencesExist(
  tx: Tx,
  policy: { calendarId?: string; categoryIds?: readonly string[]; teamIds?: readonly string[]; escalations?: readonly EscalationLevel[] },
) {
  const errors: Record<string, string[]> = {};
  // KEY SHARE: the calendar cannot be removed before this policy is written (its removal waits, then sees the policy).
  const calendar = policy.calendarId
    ? (await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "BusinessCalendar" WHERE "id" = ${policy.calendarId} FOR KEY SHARE`)[0]
    : undefined;
  if (policy.calendarId && !calendar) errors.calendarId = ["validation.policyCalendar"];
  if (policy.categoryIds?.length && (await tx.category.count({ where: { id: { in: [...policy.categoryIds] } } })) < new Set(policy.categoryIds).size) {
    errors.categoryIds = ["validation.category"];
  }
  if (policy.teamIds?.length && (await tx.team.count({ where: { id: { in: [...policy.teamIds] } } })) < new Set(policy.teamIds).size) {
    errors.teamIds = ["validation.team"];
  }
  for (const [i, level] of (policy.escalations ?? []).entries()) {
    if (level.assignTeamId && !(await tx.team.findUnique({ where: { id: level.assignTeamId }, select: { id: true } }))) {
      errors[`escalations.${i}.assignTeamId`] = ["validation.team"];
    }
    if (level.assignAgentId) {
      const agent = await tx.user.findUnique({ where: { id: level.assignAgentId }, select: { role: true, deactivatedAt: true } });
      if (!agent || agent.deactivatedAt || !can(agent, "tickets.assignable")) errors[`escalations.${i}.assignAgentId`] = ["validation.assignee"];
    }
  }
  if (Object.keys(errors).length > 0) throw new DomainError("validation_failed", "errors.validation", errors);
}

/** Every business-minute target must fit in its calendar's open time (within the search of calendar.ts). */
async function assertTargetsFit(tx: Tx, calendarId: string, targets: PolicyTargets, now: Date) {
  const row = await tx.businessCalendar.findUnique({ where: { id: calendarId }, select: { timezone: true, hours: true, holidays: true } });
  if (!row) return; // named a calendar that does not exist: assertReferencesExist said so
  const calendar = BusinessCalendarSchema.parse(row);
  const errors: Record<string, string[]> = {};
  for (const [priority, byTarget] of Object.entries(targets)) {
    for (const [target, spec] of Object.entries(byTarget ?? {})) {
      if (!spec?.business) continue;
      try {
        addBusinessMinutes(calendar, now.getTime(), spec.minutes);
      } catch (error) {
        if (!(error instanceof ClosedCalendarError)) throw error;
        errors[`targets.${priority}.${target}`] = ["validation.targetTooLong"];
      }
    }
  }
  if (Object.keys(errors).length > 0) throw new DomainError("validation_failed", "errors.validation", errors);
}

/** Serialises what changes policies' positions (a new policy goes last; reordering; removing). */
const lockPolicyOrder = (tx: Tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('sla-policy-order'))`;

/** A new policy goes last: the one tried when no other applies first. */
export async function createPolicy(db: Db, user: AuthUser, raw: unknown, now = new Date()) {
  assertCan(user, "sla.manage");
  const input = parseInput(NewPolicySchema, raw);
  return namedUniquely("validation.policyNameTaken", () =>
    inTransaction(db, async (tx) => {
      await assertReferencesExist(tx, input);
      await assertTargetsFit(tx, input.calendarId, input.targets, now);
      await lockPolicyOrder(tx);
      const last = await tx.slaPolicy.aggregate({ _max: { position: true } });
      const row = await tx.slaPolicy.create({
        data: { ...input, position: (last._max.position ?? 0) + 10, createdAt: now, updatedAt: now },
        select: policyView,
      });
      await emit(tx, [{ type: "sla.policy_changed", actorId: user.id, at: now, data: { policyId: row.id, change: "created" } }]);
      return policyJson(row);
    }),
  );
}

export async function updatePolicy(db: Db, user: AuthUser, id: string, raw: unknown, now = new Date()) {
  assertCan(user, "sla.manage");
  const change = parseInput(PolicyChangeSchema, raw);
  return namedUniquely("validation.policyNameTaken", () =>
    inTransaction(db, async (tx) => {
      // NO KEY UPDATE: filings that check their ticket's reference to this policy need not wait.
      const [locked] = await tx.$queryRaw<{ calendarId: string; targets: PolicyTargets }[]>`
        SELECT "calendarId", "targets" FROM "SlaPolicy" WHERE "id" = ${id} FOR NO KEY UPDATE`;
      if (!locked) throw notFound("errors.policyNotFound");
      await assertReferencesExist(tx, change);
      if (change.calendarId || change.targets) {
        await assertTargetsFit(tx, change.calendarId ?? locked.calendarId, change.targets ?? locked.targets, now);
      }
      const row = await tx.slaPolicy.update({ where: { id }, data: { ...change, updatedAt: now }, select: policyView });
      await emit(tx, [{ type: "sla.policy_changed", actorId: user.id, at: now, data: { policyId: id, change: "updated" } }]);
      return policyJson(row);
    }),
  );
}

/**
 * Only a policy no ticket counts under: the others can be turned off, which moves their worked
 * tickets to the next policy that applies (the recompute job); closed tickets keep theirs.
 */
export async function deletePolicy(db: Db, user: AuthUser, id: string, now = new Date()) {
  assertCan(user, "sla.manage");
  return inTransaction(db, async (tx) => {
    await lockPolicyOrder(tx); // a reorder at the same moment must not name a policy gone meanwhile
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "SlaPolicy" WHERE "id" = ${id} FOR UPDATE`;
    const row = locked && (await tx.slaPolicy.findUnique({ where: { id }, select: policyView }));
    if (!row) throw notFound("errors.policyNotFound");
    // Tickets filed under it, or that once counted under it (their runs keep the policy they ran under).
    const used =
      (await tx.ticket.findFirst({ where: { slaPolicyId: id }, select: { id: true } })) ??
      (await tx.slaTarget.findFirst({ where: { policyId: id }, select: { ticketId: true } }));
    if (used) throw new DomainError("conflict", "errors.policyInUse");
    await tx.slaPolicy.delete({ where: { id } });
    await emit(tx, [{ type: "sla.policy_changed", actorId: user.id, at: now, data: { policyId: id, change: "deleted" } }]);
    return policyJson(row);
  });
}

/** Puts every policy in the order given (each id once, all of them): positions 10, 20, 30 … */
export async function reorderPolicies(db: Db, user: AuthUser, raw: unknown, now = new Date()) {
  assertCan(user, "sla.manage");
  const { ids } = parseInput(PolicyOrderSchema, raw);
  return inTransaction(db, async (tx) => {
    await lockPolicyOrder(tx);
    const existing = await tx.slaPolicy.findMany({ select: { id: true } });
    const all = new Set(existing.map((p) => p.id));
    if (new Set(ids).size !== ids.length || ids.length !== all.size || ids.some((id) => !all.has(id))) {
      throw new DomainError("validation_failed", "errors.validation", { ids: ["validation.policyOrder"] });
    }
    for (const [i, id] of ids.entries()) await tx.slaPolicy.update({ where: { id }, data: { position: (i + 1) * 10, updatedAt: now } });
    await emit(tx, [{ type: "sla.policy_changed", actorId: user.id, at: now, data: { policyId: null, change: "reordered" } }]);
    const rows = await tx.slaPolicy.findMany({ orderBy: [{ position: "asc" }, { id: "asc" }], select: policyView });
    return rows.map(policyJson);
  });
}

/** What the policy editor offers to choose from: calendars, categories, teams and the agents tickets can go to. */
export async function slaEditorOptions(db: Db, user: AuthUser) {
  assertCan(user, "sla.manage");
  const [calendars, categories, teams, agents] = await Promise.all([
    db.businessCalendar.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, timezone: true } }),
    db.category.findMany({ orderBy: { key: "asc" }, select: { id: true, key: true, nameEn: true, nameZh: true } }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.user.findMany({ where: { ...usersHoldingWhere("tickets.assignable"), deactivatedAt: null, invitedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { calendars, categories, teams, agents };
}
