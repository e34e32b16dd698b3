// The SLA engine's reads and writes: a ticket's targets recomputed from its
// facts under the policy that applies now (after any change that can move a
// clock, and for every open ticket when a policy or calendar changes), and
// what falls due recorded at its moment by the firing job. The rules are the
// plain functions of targets.ts, clock.ts and policy.ts; this file only
// reads what they need and stores what they say, in the caller's
// transaction, with the ticket rows locked first (as every ticket command
// does), so a run is never written by two at once.
import type { Sql } from "../db/sql.ts";
import type { NewEvent } from "../events/types.ts";
import type { Fact, TicketStatus } from "./clock.ts";
import { appliedPolicyOf, selectPolicy, type Channel, type CustomerTier, type Priority, type SlaPolicyRule, type TicketType } from "./policy.ts";
import { currentPolicies, POLICIES_VERSION_SQL } from "./stored.ts";
import { iso, planRuns, recordDue, runKey, ticketSla, type RunEvent, type TargetRun, type TicketSlaState } from "./targets.ts";
import { escalate, type EscalatedTicket, type Escalation } from "./escalate.ts";
import { fireAt } from "../jobs/schedule.ts";

/** What policy selection and the clocks need of a ticket. */
interface TicketRow extends EscalatedTicket {
  status: TicketStatus;
  type: TicketType;
  priority: Priority;
  channel: Channel;
  categoryId: string;
  teamId: string | null;
  requesterId: string;
  tier: CustomerTier;
  slaPolicyId: string | null;
  slaState: TicketSlaState;
  slaDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  policiesVersion: string;
}

/** The ticket's SLA as it is to be stored: its policy, runs and summary. */
export interface TicketSlaPlan {
  policyId: string | null;
  runs: TargetRun[];
  state: TicketSlaState;
  dueAt: number | null;
  events: RunEvent[];
}

/** A new ticket's SLA: the policy that applies and its runs, started at filing. */
export function newTicketSla(
  policies: readonly SlaPolicyRule[],
  ticket: { type: TicketType; priority: Priority; tier: CustomerTier; channel: Channel; categoryId: string; teamId: string | null },
  now: Date,
): TicketSlaPlan {
  const policy = selectPolicy(policies, ticket);
  const at = now.getTime();
  const { runs, events } = planRuns(policy ? appliedPolicyOf(policy, ticket.priority) : null, [{ at, kind: "created" }], [], at);
  return { policyId: policy?.id ?? null, runs, ...ticketSla("new", runs), events };
}

/** Runs as the JSON parameter that RUNS_RECORDSET reads. */
export function runsJson(rows: { ticketId: string; run: TargetRun }[]): string {
  return JSON.stringify(
    rows.map(({ ticketId, run }) => ({
      ticketId,
      target: run.target,
      cycle: run.cycle,
      policyId: run.policyId,
      startedAt: iso(run.startedAt),
      dueAt: iso(run.dueAt),
      atRiskAt: iso(run.atRiskAt),
      fulfilledAt: iso(run.fulfilledAt),
      pausedSince: iso(run.pausedSince),
      warnedAt: iso(run.warnedAt),
      breachedAt: iso(run.breachedAt),
      escalatedThrough: iso(run.escalatedThrough),
      alarmAt: iso(run.alarmAt),
    })),
  );
}

const RUN_COLUMNS = `"ticketId", "target", "cycle", "policyId", "startedAt", "dueAt", "atRiskAt", "fulfilledAt", "pausedSince", "warnedAt", "breachedAt", "escalatedThrough", "alarmAt"`;

/** The rows of runsJson's parameter `param`, typed for an INSERT into SlaTarget. */
export function runsRecordset(param: string): string {
  return `SELECT r."ticketId", r."target"::"SlaTargetName", r."cycle", r."policyId", r."startedAt", r."dueAt", r."atRiskAt",
            r."fulfilledAt", r."pausedSince", r."warnedAt", r."breachedAt", r."escalatedThrough", r."alarmAt"
     FROM jsonb_to_recordset(${param}::jsonb) AS r("ticketId" text, "target" text, "cycle" int, "policyId" text,
       "startedAt" timestamp(3), "dueAt" timestamp(3), "atRiskAt" timestamp(3), "fulfilledAt" timestamp(3),
       "pausedSince" timestamp(3), "warnedAt" timestamp(3), "breachedAt" timestamp(3), "escalatedThrough" timestamp(3), "alarmAt" timestamp(3))`;
}

/** Inserts new runs and overwrites changed ones (a CTE or a statement). */
export function upsertRunsSql(param: string, now: string): string {
  return `INSERT INTO "SlaTarget" (${RUN_COLUMNS}, "updatedAt")
    SELECT x.*, ${now} FROM (${runsRecordset(param)}) x
    ON CONFLICT ("ticketId", "target", "cycle") DO UPDATE SET
      "policyId" = excluded."policyId", "startedAt" = excluded."startedAt", "dueAt" = excluded."dueAt",
      "atRiskAt" = excluded."atRiskAt", "fulfilledAt" = excluded."fulfilledAt", "pausedSince" = excluded."pausedSince",
      "warnedAt" = excluded."warnedAt", "breachedAt" = excluded."breachedAt", "escalatedThrough" = excluded."escalatedThrough", "alarmAt" = excluded."alarmAt",
      "updatedAt" = excluded."updatedAt"`;
}

/** The timeline events of runs' changes (escalations are carried out, and recorded, by escalate.ts). */
export function slaEvents(ticket: { id: string; requesterId: string }, events: readonly RunEvent[], at: Date): NewEvent[] {
  const about = { ticketId: ticket.id, customerId: ticket.requesterId, actorId: null, at };
  return events.flatMap((e): NewEvent[] => {
    if (e.kind === "escalated") return [];
    const { target, cycle } = e.run;
    if (e.kind === "warned") {
      return [{ ...about, type: "ticket.sla_warned", data: { target, cycle, atRiskAt: iso(e.run.atRiskAt)!, dueAt: iso(e.run.dueAt), alarmAt: iso(e.run.alarmAt) } }];
    }
    if (e.kind === "breached") return [{ ...about, type: "ticket.sla_breached", data: { target, cycle, dueAt: iso(e.run.dueAt)! } }];
    return [
      {
        ...about,
        type: "ticket.sla_changed",
        data: { target, cycle, change: e.change, policyId: e.run.policyId, dueAt: iso(e.run.dueAt), atRiskAt: iso(e.run.atRiskAt), alarmAt: iso(e.run.alarmAt) },
      },
    ];
  });
}

const TICKETS_SQL = `
  SELECT t."id", t."status"::text, t."type"::text, t."priority"::text, t."channel"::text, t."categoryId", t."teamId",
         t."assigneeId", t."tags", t."version", t."requesterId", c."tier"::text AS "tier", t."slaPolicyId", t."slaState"::text, t."slaDueAt", t."createdAt", t."updatedAt",
         ${POLICIES_VERSION_SQL} AS "policiesVersion"
  FROM "Ticket" t JOIN "Customer" c ON c."id" = t."requesterId"
  WHERE t."id" = ANY($1::text[])
  ORDER BY t."id"
  FOR UPDATE OF t`;

/**
 * What the clocks follow, per ticket: status changes, and public replies after the request
 * itself (its first public message), by an agent or by the customer. Messages without an author
 * (written by the system) are not replies.
 */
const FACTS_SQL = `
  SELECT e."ticketId", 'status' AS "kind", e."at", e."data"->>'to' AS "value", e."id"::text AS "order"
    FROM "DomainEvent" e
   WHERE e."ticketId" = ANY($1::text[]) AND e."type" = 'ticket.status_changed'
  UNION ALL
  SELECT m."ticketId", 'reply', m."createdAt", CASE WHEN u."role" = 'customer' THEN 'customer' ELSE 'agent' END, m."id"
    FROM (SELECT m.*, row_number() OVER (PARTITION BY m."ticketId" ORDER BY m."createdAt", m."id") AS "n"
            FROM "Message" m WHERE m."ticketId" = ANY($1::text[]) AND m."kind" = 'public') m
    JOIN "User" u ON u."id" = m."authorId"
   WHERE m."n" > 1`;

const RUNS_SQL = `SELECT ${RUN_COLUMNS} FROM "SlaTarget" WHERE "ticketId" = ANY($1::text[])`;

type RunRow = { ticketId: string; target: TargetRun["target"]; cycle: number; policyId: string } & Record<
  "startedAt" | "dueAt" | "atRiskAt" | "fulfilledAt" | "pausedSince" | "warnedAt" | "breachedAt" | "escalatedThrough" | "alarmAt",
  Date | null
>;

function runFromRow(row: RunRow): TargetRun {
  const ms = (d: Date | null) => (d === null ? null : d.getTime());
  return {
    target: row.target,
    cycle: row.cycle,
    policyId: row.policyId,
    startedAt: row.startedAt!.getTime(),
    dueAt: ms(row.dueAt),
    atRiskAt: ms(row.atRiskAt),
    fulfilledAt: ms(row.fulfilledAt),
    pausedSince: ms(row.pausedSince),
    warnedAt: ms(row.warnedAt),
    breachedAt: ms(row.breachedAt),
    escalatedThrough: ms(row.escalatedThrough),
    alarmAt: ms(row.alarmAt),
  };
}

function byTicket<T extends { ticketId: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.ticketId);
    if (list) list.push(row);
    else out.set(row.ticketId, [row]);
  }
  return out;
}

function factsOf(ticket: TicketRow, rows: { kind: string; at: Date; value: string; order: string }[]): Fact[] {
  const facts: Fact[] = [{ at: ticket.createdAt.getTime(), kind: "created" }];
  const sorted = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime());
  let status: TicketStatus = "new";
  for (const row of sorted) {
    if (row.kind === "status") {
      status = row.value as TicketStatus;
      facts.push({ at: row.at.getTime(), kind: "status", to: status });
    } else facts.push({ at: row.at.getTime(), kind: "reply", by: row.value as "agent" | "customer" });
  }
  // A status set without an event (imported, or written before events existed) counts from the last change.
  if (status !== ticket.status) facts.push({ at: ticket.updatedAt.getTime(), kind: "status", to: ticket.status });
  return facts;
}

const sameRun = (a: TargetRun, b: TargetRun) =>
  a.policyId === b.policyId &&
  a.startedAt === b.startedAt &&
  a.dueAt === b.dueAt &&
  a.atRiskAt === b.atRiskAt &&
  a.fulfilledAt === b.fulfilledAt &&
  a.pausedSince === b.pausedSince &&
  a.warnedAt === b.warnedAt &&
  a.breachedAt === b.breachedAt &&
  a.escalatedThrough === b.escalatedThrough &&
  a.alarmAt === b.alarmAt;

/**
 * Recomputes the tickets' SLA from their facts under the policy that applies to each now (the
 * first that matches its current fields), stores what changed, and returns the events to append.
 * Locks the tickets (a command holding them already keeps them).
 */
export async function recomputeSla(sql: Sql, ticketIds: readonly string[], now: Date, depth = 0): Promise<NewEvent[]> {
  if (ticketIds.length === 0) return [];
  const ids = [...new Set(ticketIds)];
  const tickets = await sql.query<TicketRow>(TICKETS_SQL, [ids]);
  if (tickets.length === 0) return [];
  const live = tickets.map((t) => t.id);
  // One after another: a transaction's queries share its one connection.
  const facts = await sql.query<{ ticketId: string; kind: string; at: Date; value: string; order: string }>(FACTS_SQL, [live]);
  const stored = await sql.query<RunRow>(RUNS_SQL, [live]);
  const policies = await currentPolicies(sql, tickets[0].policiesVersion);
  const factsBy = byTicket(facts);
  const runsBy = byTicket(stored);
  const upserts: { ticketId: string; run: TargetRun }[] = [];
  const removed: { ticketId: string; target: string; cycle: number }[] = [];
  const summaries: { id: string; policyId: string | null; state: TicketSlaState; dueAt: string | null }[] = [];
  const events: NewEvent[] = [];
  const escalations: Escalation[] = [];
  const moved: Date[] = [];
  for (const ticket of tickets) {
    const policy = selectPolicy(policies, ticket);
    const previous = (runsBy.get(ticket.id) ?? []).map(runFromRow);
    const ticketFacts = factsOf(ticket, factsBy.get(ticket.id) ?? []);
    // A command may have taken its moment before it waited for the ticket's lock, while others
    // replied or recorded a breach: the clocks count up to the latest of all that, never to before it.
    const at = Math.max(
      now.getTime(),
      ...ticketFacts.map((f) => f.at),
      ...previous.flatMap((r) => [r.warnedAt, r.breachedAt, r.fulfilledAt, r.escalatedThrough].filter((m): m is number => m !== null)),
    );
    const plan = planRuns(policy ? appliedPolicyOf(policy, ticket.priority) : null, ticketFacts, previous, at);
    for (const e of plan.events) if (e.kind === "escalated") escalations.push({ ticket, run: e.run, policy: policy!, level: e.level });
    const before = new Map(previous.map((run) => [runKey(run), run]));
    for (const run of plan.runs) {
      const old = before.get(runKey(run));
      if (!old || !sameRun(old, run)) upserts.push({ ticketId: ticket.id, run });
      if (run.alarmAt !== null && run.alarmAt !== old?.alarmAt) moved.push(new Date(run.alarmAt));
    }
    for (const run of plan.removed) removed.push({ ticketId: ticket.id, target: run.target, cycle: run.cycle });
    const summary = ticketSla(ticket.status, plan.runs);
    const policyId = policy?.id ?? null;
    if (policyId !== ticket.slaPolicyId || summary.state !== ticket.slaState || summary.dueAt !== (ticket.slaDueAt?.getTime() ?? null)) {
      summaries.push({ id: ticket.id, policyId, state: summary.state, dueAt: summary.dueAt === null ? null : new Date(summary.dueAt).toISOString() });
    }
    events.push(...slaEvents(ticket, plan.events, now));
  }
  await storeRuns(sql, upserts, removed, summaries, now);
  // Every moved alarm has its firing job, with this change (not every move is an event the timers follow).
  await fireAt(sql, moved);
  return [...events, ...(await carryOut(sql, escalations, now, depth))];
}

/**
 * A new ticket whose policy has an escalation level due at once (an at-risk time at filing):
 * carried out with the filing. The ticket's row must be written.
 */
export async function escalateFiled(
  sql: Sql,
  ticket: EscalatedTicket,
  policies: readonly SlaPolicyRule[],
  events: readonly RunEvent[],
  now: Date,
): Promise<NewEvent[]> {
  const byId = new Map(policies.map((p) => [p.id, p]));
  const escalations = events.flatMap((e) => (e.kind === "escalated" ? [{ ticket, run: e.run, policy: byId.get(e.run.policyId)!, level: e.level }] : []));
  return carryOut(sql, escalations, now, 0);
}

/**
 * Carries out escalations and recomputes the tickets whose priority or team they changed (their
 * policy may change). Policies that hand a ticket back and forth cannot loop: after a few rounds
 * the levels are recorded as fired and carried out no further.
 */
async function carryOut(sql: Sql, escalations: Escalation[], now: Date, depth: number): Promise<NewEvent[]> {
  if (escalations.length === 0) return [];
  if (depth >= MAX_ESCALATION_ROUNDS) return [];
  const { events, moved } = await escalate(sql, escalations, now);
  return [...events, ...(await recomputeSla(sql, moved, now, depth + 1))];
}

/** Rounds of escalation → recompute → escalation in one change (a policy's levels can select another policy). */
const MAX_ESCALATION_ROUNDS = 3;

/** Writes runs, removes runs, and updates the tickets' summaries, in one statement. */
async function storeRuns(
  sql: Sql,
  upserts: { ticketId: string; run: TargetRun }[],
  removed: { ticketId: string; target: string; cycle: number }[],
  summaries: { id: string; policyId?: string | null; state: TicketSlaState; dueAt: string | null }[],
  now: Date,
): Promise<void> {
  if (upserts.length === 0 && removed.length === 0 && summaries.length === 0) return;
  await sql.query(
    `WITH removed AS (
       DELETE FROM "SlaTarget" s USING jsonb_to_recordset($2::jsonb) AS g("ticketId" text, "target" text, "cycle" int)
       WHERE s."ticketId" = g."ticketId" AND s."target" = g."target"::"SlaTargetName" AND s."cycle" = g."cycle"
     ), upserted AS (
       ${upsertRunsSql("$1", "$4::timestamp(3)")}
     )
     UPDATE "Ticket" t
        SET "slaPolicyId" = CASE WHEN x."keepPolicy" THEN t."slaPolicyId" ELSE x."policyId" END,
            "slaState" = x."state"::"TicketSlaState", "slaDueAt" = x."dueAt"
       FROM jsonb_to_recordset($3::jsonb) AS x("id" text, "keepPolicy" boolean, "policyId" text, "state" text, "dueAt" timestamp(3))
      WHERE t."id" = x."id"`,
    [
      runsJson(upserts),
      JSON.stringify(removed),
      JSON.stringify(summaries.map((s) => ({ ...s, keepPolicy: s.policyId === undefined, policyId: s.policyId ?? null }))),
      now.toISOString(),
    ],
  );
}

/** Tickets recorded per batch of the firing job: small enough that a batch holds its locks briefly. */
const FIRE_BATCH = 500;

/**
 * Records every warning and breach that has fallen due by `now` (the firing job, at each due
 * second and once when the worker starts). Locks the tickets first, skipping any a command holds
 * right now: that command records what fell due itself if it moves a clock, and otherwise the
 * caller is told to look again (`skipped`). Returns the events to append, per batch, through `emit`.
 */
export async function fireDue(
  transaction: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>,
  emit: (sql: Sql, events: NewEvent[]) => Promise<void>,
  now: Date,
): Promise<{ recorded: number; skipped: boolean }> {
  let recorded = 0;
  for (;;) {
    const result = await transaction(async (sql) => {
      const tickets = await sql.query<EscalatedTicket & { status: TicketStatus; policiesVersion: string; runs: number; tickets: number }>(
        `WITH due AS (SELECT "ticketId" FROM "SlaTarget" WHERE "alarmAt" <= $1::timestamp(3) ORDER BY "alarmAt" LIMIT $2)
         SELECT t."id", t."status"::text, t."requesterId", t."priority"::text, t."teamId", t."assigneeId", t."tags", t."version",
                ${POLICIES_VERSION_SQL} AS "policiesVersion",
                (SELECT count(*)::int FROM due) AS "runs", (SELECT count(DISTINCT "ticketId")::int FROM due) AS "tickets"
           FROM "Ticket" t WHERE t."id" IN (SELECT "ticketId" FROM due)
           ORDER BY t."id"
           FOR UPDATE OF t SKIP LOCKED`,
        [now.toISOString(), FIRE_BATCH],
      );
      if (tickets.length === 0) {
        // Nothing due, or all of it on tickets that commands hold right now.
        const [{ held }] = await sql.query<{ held: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM "SlaTarget" WHERE "alarmAt" <= $1::timestamp(3)) AS "held"`,
          [now.toISOString()],
        );
        return { count: 0, more: false, skipped: held };
      }
      const { runs: dueRuns, tickets: dueTickets } = tickets[0];
      const policies = new Map((await currentPolicies(sql, tickets[0].policiesVersion)).map((p) => [p.id, p]));
      const runsBy = byTicket(await sql.query<RunRow>(RUNS_SQL, [tickets.map((t) => t.id)]));
      const at = now.getTime();
      const upserts: { ticketId: string; run: TargetRun }[] = [];
      const summaries: { id: string; state: TicketSlaState; dueAt: string | null }[] = [];
      const events: NewEvent[] = [];
      const escalations: Escalation[] = [];
      for (const ticket of tickets) {
        const runs = (runsBy.get(ticket.id) ?? []).map(runFromRow).map((run) => {
          // Read again under the lock: a command may have moved the alarm since the batch was chosen.
          if (run.alarmAt === null || run.alarmAt > at) return run;
          const policy = policies.get(run.policyId);
          const fired = recordDue(run, at, policy?.escalations ?? []);
          upserts.push({ ticketId: ticket.id, run: fired.run });
          events.push(...slaEvents(ticket, fired.events, now));
          for (const e of fired.events) if (e.kind === "escalated") escalations.push({ ticket, run: e.run, policy: policy!, level: e.level });
          return fired.run;
        });
        const summary = ticketSla(ticket.status, runs);
        summaries.push({ id: ticket.id, state: summary.state, dueAt: summary.dueAt === null ? null : new Date(summary.dueAt).toISOString() });
      }
      await storeRuns(sql, upserts, [], summaries, now);
      events.push(...(await carryOut(sql, escalations, now, 0)));
      await emit(sql, events);
      return { count: events.length, more: dueRuns >= FIRE_BATCH, skipped: tickets.length < dueTickets };
    });
    recorded += result.count;
    if (!result.more || result.skipped) return { recorded, skipped: result.skipped };
  }
}
