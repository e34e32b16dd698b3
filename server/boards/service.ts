// Figures for the supervisor boards. SLA states come from the tickets' SLA
// summaries (kept by server/sla/); CSAT from answered surveys; health from stored scores.
import type { Tx } from "../db/client.ts";
import { assertCan, customersWhere, type AuthUser } from "../auth/policy.ts";
import type { SlaGroup, TicketSlaState } from "../sla/state.ts";
import { ACTIVE_STATUSES } from "../tickets/status.ts";
import { drivers, type HealthComponent } from "../health/score.ts";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { parseInput } from "../validation.ts";
import { isTimeZone } from "../../app/utils/format.ts";

/** How the board counts a worked ticket by its SLA summary: all met still counts as on track, a miss as breached. */
const COUNTED_AS = {
  none: "none",
  on_track: "on_track",
  at_risk: "at_risk",
  breached: "breached",
  paused: "paused",
  met: "on_track",
  missed: "breached",
} as const satisfies Record<TicketSlaState, string>;
type Counted = (typeof COUNTED_AS)[TicketSlaState];

/** How many breached and at-risk tickets the board lists by name. */
const ATTENTION_LIMIT = 25;


/**
 * Worked tickets by SLA state, in all and by team, agent, priority or policy, as the SLA engine
 * recorded them (server/sla/targets.ts), and the breached and at-risk tickets themselves.
 */
export async function slaBoard(db: Tx, user: AuthUser, by: SlaGroup = "team") {
  assertCan(user, "boards.view");
  const column = { team: "teamId", agent: "assigneeId", priority: "priority", policy: "slaPolicyId" } as const satisfies Record<SlaGroup, string>;
  const groups = await db.ticket.groupBy({
    by: [column[by], "slaState"],
    where: { status: { in: [...ACTIVE_STATUSES] } },
    _count: { _all: true },
  });
  const names = await groupNames(db, by);
  const empty = (): Record<Counted, number> => ({ on_track: 0, at_risk: 0, breached: 0, paused: 0, none: 0 });
  const totals = empty();
  const byGroup = new Map<string | null, Record<Counted, number>>();
  let open = 0;
  for (const group of groups) {
    const state = COUNTED_AS[group.slaState];
    const count = group._count._all;
    const key = (group as Record<string, unknown>)[column[by]] as string | null;
    open += count;
    totals[state] += count;
    if (!byGroup.has(key)) byGroup.set(key, empty());
    byGroup.get(key)![state] += count;
  }
  // The tickets behind the red and amber numbers, most urgent first.
  const attention = await db.ticket.findMany({
    where: { status: { in: [...ACTIVE_STATUSES] }, slaState: { in: ["breached", "at_risk"] } },
    orderBy: [{ slaDueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
    take: ATTENTION_LIMIT,
    select: {
      number: true,
      subject: true,
      priority: true,
      slaState: true,
      slaDueAt: true,
      team: { select: { name: true } },
      assignee: { select: { name: true } },
    },
  });
  return {
    by,
    open,
    totals,
    attention,
    groups: [...byGroup.entries()]
      .map(([key, counts]) => ({ key, name: key === null ? null : (names.get(key) ?? key), ...counts }))
      .sort((a, b) => b.breached - a.breached || b.at_risk - a.at_risk || (a.name ?? "").localeCompare(b.name ?? "")),
  };
}

/** Names of what a board groups by (priorities are named by the page, in the reader's language). */
async function groupNames(db: Tx, by: SlaGroup): Promise<Map<string, string>> {
  if (by === "team") return new Map((await db.team.findMany({ select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  if (by === "agent") return new Map((await db.user.findMany({ where: { role: { not: "customer" } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  if (by === "policy") return new Map((await db.slaPolicy.findMany({ select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  return new Map();
}

export const ComplianceQuerySchema = z
  .object({
    from: z.iso.date({ error: "validation.date" }),
    to: z.iso.date({ error: "validation.date" }),
    timeZone: z.string().refine(isTimeZone, "validation.timezone"),
  })
  .refine((q) => q.from <= q.to, { message: "validation.dateRange", path: ["to"] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: "validation.dateRange", path: ["to"] });

interface ComplianceRow {
  day: string;
  teamId: string | null;
  assigneeId: string | null;
  policyId: string;
  target: string;
  due: number;
  met: number;
}

/**
 * SLA compliance over a range of days (in the reader's time zone): of the targets that fell due
 * in it (and are due by now), how many were met on time; in all, per day, and per team, agent
 * (the ticket's current ones) and policy.
 */
export async function slaCompliance(db: Tx, user: AuthUser, raw: unknown, now = new Date()) {
  assertCan(user, "boards.view");
  const query = parseInput(ComplianceQuerySchema, raw);
  const rows = await complianceRows(db, query, now);
  const sum = (list: ComplianceRow[]) => ({ due: list.reduce((n, r) => n + r.due, 0), met: list.reduce((n, r) => n + r.met, 0) });
  const groupBy = (key: (r: ComplianceRow) => string | null) => {
    const out = new Map<string | null, ComplianceRow[]>();
    for (const row of rows) out.set(key(row), [...(out.get(key(row)) ?? []), row]);
    return out;
  };
  const [teams, agents, policies] = await Promise.all([groupNames(db, "team"), groupNames(db, "agent"), groupNames(db, "policy")]);
  const named = (groups: Map<string | null, ComplianceRow[]>, names: Map<string, string>) =>
    [...groups.entries()]
      .map(([key, list]) => ({ key, name: key === null ? null : (names.get(key) ?? key), ...sum(list) }))
      .sort((a, b) => a.met / a.due - b.met / b.due || b.due - a.due);
  // Every day of the range, also those where nothing fell due.
  const days: { day: string; due: number; met: number }[] = [];
  const byDay = groupBy((r) => r.day);
  for (let d = Temporal.PlainDate.from(query.from); Temporal.PlainDate.compare(d, Temporal.PlainDate.from(query.to)) <= 0; d = d.add({ days: 1 })) {
    days.push({ day: d.toString(), ...sum(byDay.get(d.toString()) ?? []) });
  }
  return {
    ...query,
    overall: sum(rows),
    days,
    byTeam: named(groupBy((r) => r.teamId), teams),
    byAgent: named(groupBy((r) => r.assigneeId), agents),
    byPolicy: named(groupBy((r) => r.policyId), policies),
    rows: rows.map((r) => ({ ...r, team: r.teamId ? (teams.get(r.teamId) ?? null) : null, agent: r.assigneeId ? (agents.get(r.assigneeId) ?? null) : null, policy: policies.get(r.policyId) ?? null })),
  };
}

async function complianceRows(db: Tx, query: { from: string; to: string; timeZone: string }, now: Date): Promise<ComplianceRow[]> {
  const zone = (date: string) => Temporal.PlainDate.from(date).toZonedDateTime(query.timeZone).toInstant().toString();
  const from = zone(query.from);
  const to = zone(Temporal.PlainDate.from(query.to).add({ days: 1 }).toString());
  return db.$queryRawUnsafe<ComplianceRow[]>(
    `SELECT to_char((s."dueAt" AT TIME ZONE 'UTC') AT TIME ZONE $4, 'YYYY-MM-DD') AS "day", t."teamId", t."assigneeId", s."policyId", s."target"::text AS "target",
            count(*)::int AS "due",
            count(*) FILTER (WHERE s."fulfilledAt" IS NOT NULL AND s."fulfilledAt" <= s."dueAt")::int AS "met"
     FROM "SlaTarget" s JOIN "Ticket" t ON t."id" = s."ticketId"
     WHERE s."dueAt" >= $1::timestamptz AT TIME ZONE 'UTC' AND s."dueAt" < least($2::timestamptz, $3::timestamptz) AT TIME ZONE 'UTC'
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1`,
    from,
    to,
    now.toISOString(),
    query.timeZone,
  );
}

export async function csatBoard(db: Tx, user: AuthUser, now = new Date(), days = 30) {
  assertCan(user, "boards.view");
  const since = new Date(now.getTime() - days * 86_400_000);
  const answered = await db.survey.findMany({
    where: { respondedAt: { gte: since }, rating: { not: null } },
    select: {
      rating: true,
      comment: true,
      respondedAt: true,
      ticket: { select: { number: true, subject: true, assignee: { select: { name: true } } } },
      customer: { select: { name: true } },
    },
    orderBy: { respondedAt: "desc" },
  });
  const ratings = answered.map((s) => s.rating as number);
  const satisfied = ratings.filter((r) => r >= 4).length;
  const byAgent = new Map<string, number[]>();
  for (const s of answered) {
    const agent = s.ticket.assignee?.name ?? "—";
    byAgent.set(agent, [...(byAgent.get(agent) ?? []), s.rating as number]);
  }
  return {
    days,
    responses: ratings.length,
    /** Share of 4 and 5 ratings, the usual CSAT definition; null without responses. */
    csat: ratings.length ? Math.round((satisfied / ratings.length) * 100) : null,
    average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null,
    distribution: [1, 2, 3, 4, 5].map((n) => ({ rating: n, count: ratings.filter((r) => r === n).length })),
    byAgent: [...byAgent.entries()]
      .map(([agent, rs]) => ({
        agent,
        responses: rs.length,
        csat: Math.round((rs.filter((r) => r >= 4).length / rs.length) * 100),
      }))
      .sort((a, b) => a.csat - b.csat),
    lowRatings: answered
      .filter((s) => (s.rating as number) <= 2)
      .slice(0, 10)
      .map((s) => ({
        rating: s.rating as number,
        comment: s.comment,
        respondedAt: s.respondedAt!.toISOString(),
        ticketNumber: s.ticket.number,
        subject: s.ticket.subject,
        customer: s.customer.name,
      })),
  };
}

export async function healthBoard(db: Tx, user: AuthUser, limit = 12) {
  assertCan(user, "boards.view");
  const rows = await db.customerHealth.findMany({
    where: { band: { in: ["at_risk", "critical"] }, customer: customersWhere(user) },
    orderBy: { score: "asc" },
    take: limit,
    select: {
      score: true,
      band: true,
      components: true,
      customer: { select: { id: true, name: true, tier: true, company: { select: { name: true } } } },
    },
  });
  const bands = await db.customerHealth.groupBy({
    by: ["band"],
    where: { customer: customersWhere(user) },
    _count: { _all: true },
  });
  return {
    bands: Object.fromEntries(bands.map((b) => [b.band, b._count._all])) as Record<string, number>,
    atRisk: rows.map((r) => {
      const components = r.components as unknown as HealthComponent[];
      return {
        customerId: r.customer.id,
        name: r.customer.name,
        company: r.customer.company?.name ?? null,
        tier: r.customer.tier,
        score: r.score,
        band: r.band,
        drivers: drivers({ score: r.score, band: r.band, components })
          .slice(0, 2)
          .map((c) => c.key),
      };
    }),
  };
}
