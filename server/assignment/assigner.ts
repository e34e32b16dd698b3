// The assigner: hands a team's waiting tickets (active, nobody assigned) to
// its members by the team's mode (rules.ts) and records each hand-over as a
// ticket.assignee_changed event whose cause says why. Correct with any number
// of processes assigning at once (docs/decisions/018):
// - one assigner at a time, across all processes: a transaction-scoped
//   advisory lock. Capacity counts tickets in every team, so two assigners of
//   different teams could otherwise both give an agent their last free slot;
//   under the lock every read of loads is current, so no agent goes over;
// - the waiting tickets of a batch are row-locked, skipping those a command
//   holds right now (never waiting on them: no deadlock with a bulk change in
//   another order). A skipped ticket is looked at again a second later (the
//   "assign" job), and an assignment only goes to a ticket still waiting.
import { sqlOf, type Db } from "../db/client.ts";
import { sqlParams, type Sql } from "../db/sql.ts";
import { inSqlTransaction } from "../events/transaction.ts";
import { emit } from "../events/emit.ts";
import type { NewEvent } from "../events/types.ts";
import { usersHoldingSql } from "../auth/policy.ts";
import { scheduleJobs } from "../jobs/schedule.ts";
import { ACTIVE_STATUSES } from "../tickets/status.ts";
import { freeSlots, plan, type AssignmentMode, type Candidate, type TeamRule, type WaitingTicket } from "./rules.ts";

/** Tickets read (and locked) per transaction: the lock is held for one batch, then others get a turn. */
export const BATCH = 200;

const ACTIVE_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ");
/** Matches the partial index "Ticket_waiting_idx" (teamId, createdAt, id). */
const WAITING_SQL = `t."assigneeId" IS NULL AND t."status" IN (${ACTIVE_SQL})`;

/** A ticket a command held while the assigner looked is looked at again this much later. */
export const RETRY_MS = 1_000;

/** Schedules the "assign" job for these teams shortly (one pending job per team). */
async function assignAgainShortly(sql: Sql, teamIds: readonly string[]): Promise<void> {
  if (teamIds.length === 0) return;
  const runAt = new Date(Date.now() + RETRY_MS);
  await scheduleJobs(sql, teamIds.map((teamId) => ({ task: "assign", payload: { teamIds: [teamId] }, runAt, key: `assign:${teamId}` })));
}

export interface AssignResult {
  assigned: number;
  /** Teams with waiting tickets a command held while we looked: the "assign" job looks again shortly. */
  retry: string[];
}

/** Assigns the waiting tickets of these teams (or of every team that assigns automatically). */
export async function assignWaiting(db: Db, teams: readonly string[] | "all"): Promise<AssignResult> {
  const teamIds = teams === "all" ? await teamsWithWaitingTickets(db) : [...new Set(teams)];
  const result: AssignResult = { assigned: 0, retry: [] };
  for (const teamId of teamIds) {
    const { assigned, skipped } = await assignTeam(db, teamId);
    result.assigned += assigned;
    if (skipped) result.retry.push(teamId);
  }
  await assignAgainShortly(sqlOf(db), result.retry);
  return result;
}

/** Teams that assign automatically and have a ticket waiting. */
async function teamsWithWaitingTickets(db: Db): Promise<string[]> {
  const rows = await sqlOf(db).query<{ id: string }>(
    `SELECT tm."id" FROM "Team" tm
      WHERE tm."assignmentMode" <> 'manual'
        AND EXISTS (SELECT 1 FROM "Ticket" t WHERE t."teamId" = tm."id" AND ${WAITING_SQL})
      ORDER BY tm."id"`,
  );
  return rows.map((r) => r.id);
}

/** One team, a batch per transaction, until its waiting tickets are all looked at or nobody can take more. */
async function assignTeam(db: Db, teamId: string): Promise<{ assigned: number; skipped: boolean }> {
  let after: { createdAt: Date; id: string } | null = null;
  let assigned = 0;
  let skipped = false;
  for (;;) {
    const batch = await inSqlTransaction(db, (sql) => assignBatch(sql, teamId, after));
    assigned += batch.assigned;
    skipped ||= batch.skipped;
    if (!batch.last) return { assigned, skipped };
    after = batch.last;
  }
}

interface BatchResult {
  assigned: number;
  skipped: boolean;
  /** Where the next batch starts; null when there is nothing more to look at. */
  last: { createdAt: Date; id: string } | null;
}

async function assignBatch(sql: Sql, teamId: string, after: BatchResult["last"]): Promise<BatchResult> {
  const done: BatchResult = { assigned: 0, skipped: false, last: null };
  // A holder stuck behind someone's open transaction must not stall every assigner: give up and retry later.
  await sql.query(`SET LOCAL lock_timeout = '10s'`);
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('assignment'))`);
  const now = new Date();
  const [team] = await sql.query<{ mode: AssignmentMode; bySkills: boolean }>(
    `SELECT "assignmentMode"::text AS "mode", "assignBySkills" AS "bySkills" FROM "Team" WHERE "id" = $1`,
    [teamId],
  );
  if (!team || team.mode === "manual") return done;
  const rule: TeamRule = { id: teamId, mode: team.mode, bySkills: team.bySkills };
  const candidates = await readCandidates(sql, teamId);
  const free = freeSlots(candidates);
  if (free === 0) return done;
  // Without skills anyone available takes any ticket: read no more than they can take.
  const limit = rule.bySkills ? BATCH : Math.min(BATCH, free);
  const tickets = await lockWaiting(sql, teamId, after, limit);
  if (tickets.length === 0) return done;
  const taken = tickets.filter((t) => t.locked);
  const assignments = plan(rule, candidates, taken, now.getTime());
  if (assignments.length > 0) {
    const requesterOf = new Map(taken.map((t) => [t.id, t.requesterId]));
    const updated = await sql.query<{ id: string; version: number }>(
      `UPDATE "Ticket" t SET "assigneeId" = x."agentId", "version" = t."version" + 1, "updatedAt" = $2::timestamp(3)
         FROM jsonb_to_recordset($1::jsonb) AS x("ticketId" text, "agentId" text)
        WHERE t."id" = x."ticketId"
        RETURNING t."id", t."version"`,
      [JSON.stringify(assignments.map((a) => ({ ticketId: a.ticketId, agentId: a.agentId }))), now.toISOString()],
    );
    const versionOf = new Map(updated.map((row) => [row.id, row.version]));
    // Each agent's last turn in this team (the latest stamp wins).
    const stamps = new Map(assignments.map((a) => [a.agentId, a.stamp]));
    await sql.query(
      `UPDATE "TeamMember" m SET "lastAssignedAt" = x."at"
         FROM jsonb_to_recordset($2::jsonb) AS x("userId" text, "at" timestamp(3))
        WHERE m."teamId" = $1 AND m."userId" = x."userId"`,
      [teamId, JSON.stringify([...stamps].map(([userId, at]) => ({ userId, at: new Date(at).toISOString() })))],
    );
    const events: NewEvent[] = assignments.map((a) => ({
      type: "ticket.assignee_changed",
      ticketId: a.ticketId,
      customerId: requesterOf.get(a.ticketId) ?? null,
      actorId: null,
      at: now,
      data: {
        from: null,
        to: a.agentId,
        version: versionOf.get(a.ticketId),
        cause: { mode: a.mode, teamId, load: a.load, capacity: a.capacity, skills: a.skills },
      },
    }));
    // The assignee's notification and the live queue follow from these events, as for a person's assignment.
    await emit(sql, events);
  }
  const last = tickets[tickets.length - 1];
  const full = tickets.length === limit;
  // Go on while a full batch was read and someone may still take more (a batch by skills can leave tickets nobody matches).
  const more = full && freeSlots(candidates) - assignments.length > 0;
  return { assigned: assignments.length, skipped: tickets.some((t) => !t.locked), last: more ? { createdAt: last.createdAt, id: last.id } : null };
}

/** The team's members with what eligibility asks: their standing, availability, capacity, load and last turn here. */
async function readCandidates(sql: Sql, teamId: string): Promise<Candidate[]> {
  const { values, param } = sqlParams([teamId]);
  const rows = await sql.query<Omit<Candidate, "lastAssignedAt"> & { lastAssignedAt: Date | null }>(
    `SELECT u."id", ${usersHoldingSql("tickets.assignable", param)} AS "assignable",
            u."deactivatedAt" IS NOT NULL AS "deactivated", u."invitedAt" IS NOT NULL AS "invited",
            u."availability"::text AS "availability", u."capacity", u."skillCategoryIds", u."skillLanguages",
            m."lastAssignedAt",
            (SELECT count(*)::int FROM "Ticket" t WHERE t."assigneeId" = u."id" AND t."status" IN (${ACTIVE_SQL})) AS "load"
       FROM "TeamMember" m JOIN "User" u ON u."id" = m."userId"
      WHERE m."teamId" = $1`,
    values,
  );
  return rows.map((row) => ({ ...row, lastAssignedAt: row.lastAssignedAt?.getTime() ?? null }));
}

type LockedTicket = WaitingTicket & { createdAt: Date; requesterId: string; locked: boolean };

/**
 * The team's oldest waiting tickets after `after`, each locked for this
 * transaction unless a command holds it (then `locked` is false: skipped,
 * never waited for) or it stopped waiting since this statement began.
 */
async function lockWaiting(sql: Sql, teamId: string, after: BatchResult["last"], limit: number): Promise<LockedTicket[]> {
  const { values, param } = sqlParams([teamId]);
  const keyset = after ? ` AND (t."createdAt", t."id") > (${param(after.createdAt.toISOString())}::timestamp(3), ${param(after.id)})` : "";
  return sql.query<LockedTicket>(
    `SELECT w."id", w."categoryId", w."language", w."createdAt", w."requesterId", l."id" IS NOT NULL AS "locked"
       FROM (SELECT t."id", t."categoryId", t."language", t."createdAt", t."requesterId" FROM "Ticket" t
              WHERE t."teamId" = $1 AND ${WAITING_SQL}${keyset}
              ORDER BY t."createdAt", t."id" LIMIT ${param(limit)}) w
       LEFT JOIN LATERAL (
         SELECT t."id" FROM "Ticket" t WHERE t."id" = w."id" AND t."teamId" = $1 AND ${WAITING_SQL}
         FOR UPDATE SKIP LOCKED) l ON true
      ORDER BY w."createdAt", w."id"`,
    values,
  );
}
