// Customer health: a 0-100 score from named, weighted components. Plain
// functions, no I/O: the service gathers the facts, this turns them into a score.

export type HealthBand = "healthy" | "at_risk" | "critical";

export interface HealthFacts {
  /** CSAT ratings (1-5) received in the look-back window. */
  ratings: number[];
  /** Complaints filed in the look-back window. */
  complaints: number;
  /** Tickets in the window whose first-response or resolution target was missed. */
  slaBreaches: number;
  /** Age in days of the oldest ticket still waiting on us, or null when none is open. */
  oldestOpenDays: number | null;
  /**
   * The tickets behind these facts (numbers, newest first), when known: kept
   * with the score so that people read why it is what it is.
   */
  tickets?: {
    ratings: { number: number; rating: number }[];
    complaints: number[];
    slaBreaches: number[];
    oldestOpen: number | null;
  };
}

/** One thing that costs a customer points: a rating, a complaint, a missed target, a ticket waiting. */
export interface HealthReason {
  ticketNumber: number;
  /** The CSAT rating (csat). */
  rating?: number;
  /** Days the ticket has waited (open_backlog). */
  days?: number;
  /** Points of the score it costs. */
  points: number;
}

export interface HealthComponent {
  key: "csat" | "complaints" | "sla_breaches" | "open_backlog";
  weight: number;
  /** 0-100: how healthy this component alone looks. */
  value: number;
  /** Points this component adds to the score (weight × value). */
  contribution: number;
  /** Points it costs the score against a perfect 100 (weight × (100 − value)). */
  lost: number;
  /** What it costs them, ticket by ticket, most points first (a few at most). */
  reasons: HealthReason[];
  /** Set when the component is a default: no ratings yet to judge satisfaction by. */
  unrated?: true;
}

export interface Health {
  score: number;
  band: HealthBand;
  components: HealthComponent[];
}

export const LOOKBACK_DAYS = 90;

export const WEIGHTS: Record<HealthComponent["key"], number> = {
  csat: 0.35,
  complaints: 0.25,
  sla_breaches: 0.2,
  open_backlog: 0.2,
};

/** With no ratings yet we neither reward nor punish: a neutral-good value. */
const CSAT_WITHOUT_RATINGS = 70;

const clamp = (n: number) => Math.max(0, Math.min(100, n));

export function bandFor(score: number): HealthBand {
  if (score >= 70) return "healthy";
  if (score >= 40) return "at_risk";
  return "critical";
}

export function computeHealth(facts: HealthFacts): Health {
  const csat =
    facts.ratings.length === 0
      ? CSAT_WITHOUT_RATINGS
      : ((facts.ratings.reduce((a, b) => a + b, 0) / facts.ratings.length - 1) / 4) * 100;
  const values: Record<HealthComponent["key"], number> = {
    csat: clamp(csat),
    complaints: clamp(100 - facts.complaints * 25),
    sla_breaches: clamp(100 - facts.slaBreaches * 25),
    // Two days is normal turnaround; two weeks waiting is as bad as it gets.
    open_backlog:
      facts.oldestOpenDays === null ? 100 : clamp(100 - ((Math.max(0, facts.oldestOpenDays - 2)) / 12) * 100),
  };
  const reasons = reasonsFor(facts, values);
  const components = (Object.keys(WEIGHTS) as HealthComponent["key"][]).map((key) => ({
    key,
    weight: WEIGHTS[key],
    value: Math.round(values[key]),
    contribution: tenths(WEIGHTS[key] * values[key]),
    lost: tenths(WEIGHTS[key] * (100 - values[key])),
    reasons: reasons[key],
    ...(key === "csat" && facts.ratings.length === 0 ? { unrated: true as const } : {}),
  }));
  const score = Math.round(components.reduce((sum, c) => sum + c.weight * values[c.key], 0));
  return { score, band: bandFor(score), components };
}

const tenths = (n: number) => Math.round(n * 10) / 10;
/** Reasons kept per component: enough to say why, without a long list in every stored score. */
const MAX_REASONS = 5;

/**
 * Each component's loss, split over the tickets that caused it: a rating
 * costs its share of the average ((5 − rating) / 4 of 100, divided by the
 * number of ratings); each complaint and missed target 25 of 100 until the
 * component is at 0; the waiting ticket all that waiting costs. Weighted, so
 * the reasons add up to the points the customer lost.
 */
function reasonsFor(facts: HealthFacts, values: Record<HealthComponent["key"], number>): Record<HealthComponent["key"], HealthReason[]> {
  const tickets = facts.tickets;
  if (!tickets) return { csat: [], complaints: [], sla_breaches: [], open_backlog: [] };
  const each = (numbers: number[], points: number, key: HealthComponent["key"]) =>
    numbers.slice(0, Math.ceil((100 - values[key]) / 25)).map((ticketNumber) => ({ ticketNumber, points: tenths(WEIGHTS[key] * points) }));
  const n = tickets.ratings.length;
  return {
    csat: tickets.ratings
      .filter((r) => r.rating < 5)
      .map((r) => ({ ticketNumber: r.number, rating: r.rating, points: tenths((WEIGHTS.csat * ((5 - r.rating) / 4) * 100) / n) }))
      .sort((a, b) => b.points - a.points)
      .slice(0, MAX_REASONS),
    complaints: each(tickets.complaints, 25, "complaints").slice(0, MAX_REASONS),
    sla_breaches: each(tickets.slaBreaches, 25, "sla_breaches").slice(0, MAX_REASONS),
    open_backlog:
      tickets.oldestOpen !== null && facts.oldestOpenDays !== null && values.open_backlog < 100
        ? [{ ticketNumber: tickets.oldestOpen, days: Math.floor(facts.oldestOpenDays), points: tenths(WEIGHTS.open_backlog * (100 - values.open_backlog)) }]
        : [],
  };
}

const bandRank: Record<HealthBand, number> = { healthy: 0, at_risk: 1, critical: 2 };

/** True when the customer moved into a worse band: that raises a churn warning. */
export function isChurnWarning(before: HealthBand | null, after: HealthBand): boolean {
  return before !== null && bandRank[after] > bandRank[before];
}

/** Components ordered by how many points they cost the customer, worst first. */
export function drivers(health: Health): HealthComponent[] {
  return [...health.components]
    .filter((c) => c.value < 100)
    .sort((a, b) => b.weight * (100 - b.value) - a.weight * (100 - a.value));
}
