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
}

export interface HealthComponent {
  key: "csat" | "complaints" | "sla_breaches" | "open_backlog";
  weight: number;
  /** 0-100: how healthy this component alone looks. */
  value: number;
  /** Points this component adds to the score (weight × value). */
  contribution: number;
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
  const components = (Object.keys(WEIGHTS) as HealthComponent["key"][]).map((key) => ({
    key,
    weight: WEIGHTS[key],
    value: Math.round(values[key]),
    contribution: Math.round(WEIGHTS[key] * values[key] * 10) / 10,
  }));
  const score = Math.round(components.reduce((sum, c) => sum + c.weight * values[c.key], 0));
  return { score, band: bandFor(score), components };
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
