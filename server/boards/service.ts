// Figures for the supervisor boards. SLA states come from the tickets' SLA
// summaries (kept by server/sla/); CSAT from answered surveys; health from stored scores.
import type { Tx } from "../db/client.ts";
import { assertCan, customersWhere, type AuthUser } from "../auth/policy.ts";
import type { TicketSlaState } from "../sla/state.ts";
import { ACTIVE_STATUSES } from "../tickets/status.ts";
import { drivers, type HealthComponent } from "../health/score.ts";

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

/** Worked tickets by SLA state, in all and per team, as the SLA engine recorded them (server/sla/targets.ts). */
export async function slaBoard(db: Tx, user: AuthUser) {
  assertCan(user, "boards.view");
  const groups = await db.ticket.groupBy({
    by: ["teamId", "slaState"],
    where: { status: { in: [...ACTIVE_STATUSES] } },
    _count: { _all: true },
  });
  const teams = await db.team.findMany({ select: { id: true, name: true } });
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const empty = (): Record<Counted, number> => ({ on_track: 0, at_risk: 0, breached: 0, paused: 0, none: 0 });
  const totals = empty();
  const byTeam = new Map<string, Record<Counted, number>>();
  let open = 0;
  for (const group of groups) {
    const state = COUNTED_AS[group.slaState];
    const count = group._count._all;
    open += count;
    totals[state] += count;
    const team = (group.teamId && teamName.get(group.teamId)) ?? "—";
    if (!byTeam.has(team)) byTeam.set(team, empty());
    byTeam.get(team)![state] += count;
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
    open,
    totals,
    attention,
    byTeam: [...byTeam.entries()].map(([team, counts]) => ({ team, ...counts })).sort((a, b) => b.breached - a.breached || a.team.localeCompare(b.team)),
  };
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
