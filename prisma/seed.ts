// Demo data: staff and customer accounts, teams, categories, SLA policies,
// ~300 tickets with conversations, CSAT surveys, knowledge-base articles and
// customer health. Deterministic for a given `now` (seeded PRNG); everything
// is dated relative to `now` so the SLA board and health scores look alive.
//
//   DATABASE_URL=postgresql://… npx tsx prisma/seed.ts
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createDb, type Db, type Tx } from "../server/db/client.ts";
import type { Prisma } from "../server/db/generated/client.ts";
import { hashPassword } from "../server/auth/password.ts";
import type { Role } from "../server/auth/policy.ts";
import {
  appliedPolicyOf,
  POLICY_DEFAULTS,
  samePerPriority,
  selectPolicy,
  type CustomerTier,
  type EscalationLevel,
  type Priority,
  type SlaPolicyRule,
  type TicketType,
} from "../server/sla/policy.ts";
import { planRuns, ticketSla, type TargetRun } from "../server/sla/targets.ts";
import type { Fact } from "../server/sla/clock.ts";
import { runsJson, upsertRunsSql } from "../server/sla/engine.ts";
import { asSql } from "../server/db/sql.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../server/sla/stored.ts";
import { recomputeHealth } from "../server/health/service.ts";
import { bandFor, computeHealth, LOOKBACK_DAYS, type HealthBand } from "../server/health/score.ts";
import { LOW_RATING, SURVEY_VALID_DAYS } from "../server/surveys/service.ts";
import { ARTICLES } from "./demo-articles.ts";
import { isActive } from "../server/tickets/status.ts";
import {
  AGENT_FOLLOW_UPS,
  CATEGORIES,
  CLOSING_REPLIES,
  COMPANIES,
  CSAT_COMMENTS,
  CUSTOMER_FOLLOW_UPS,
  DEMO_FIELDS,
  DEMO_MACROS,
  demoFieldValues,
  INTERNAL_NOTES,
  SCENARIOS,
  TEAMS,
  type CustomerProfile,
  type Lang,
  type Scenario,
  type TeamKey,
} from "./demo-data.ts";

// ── Public constants ─────────────────────────────────────────────────────

import { DEMO_ACCOUNTS, DEMO_CUSTOMER_PASSWORD } from "./demo-accounts.ts";

export { DEMO_ACCOUNTS, DEMO_CUSTOMER_PASSWORD, DEMO_PASSWORD, type DemoAccount } from "./demo-accounts.ts";

/** A demo policy: conditions on type, priority and tier; both targets in calendar minutes, for every priority. */
export interface SeedSlaPolicy {
  name: string;
  position: number;
  types?: TicketType[];
  priorities?: Priority[];
  tiers?: CustomerTier[];
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Default SLA policies: lowest position first, the first whose conditions all hold applies. */
export const SLA_POLICIES: readonly SeedSlaPolicy[] = [
  { name: "Key account complaints", position: 10, types: ["complaint"], tiers: ["key"], firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
  { name: "Urgent", position: 20, priorities: ["urgent"], firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  { name: "Key accounts", position: 30, tiers: ["key"], firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60 },
  { name: "Complaints", position: 40, types: ["complaint"], firstResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60 },
  { name: "High priority", position: 50, priorities: ["high"], firstResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60 },
  { name: "Default", position: 100, firstResponseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
];

/**
 * The escalation levels every demo policy has: when a target is at risk, before it is missed, the
 * assignee is warned, or, while nobody is assigned, the ticket's team.
 */
export const SLA_ESCALATIONS: readonly EscalationLevel[] = [
  { on: "at_risk", afterMinutes: 0, notify: ["assignee", "team"], raisePriorityTo: null, assignTeamId: null, assignAgentId: null, addTags: [] },
];

/** A demo policy as the app's rule (policy.ts), on the always-open calendar. */
function asRule(policy: SeedSlaPolicy, id: string): SlaPolicyRule {
  return {
    ...POLICY_DEFAULTS,
    escalations: SLA_ESCALATIONS,
    id,
    position: policy.position,
    types: policy.types ?? [],
    priorities: policy.priorities ?? [],
    tiers: policy.tiers ?? [],
    targets: samePerPriority({
      first_response: { minutes: policy.firstResponseMinutes, business: false },
      resolution: { minutes: policy.resolutionMinutes, business: false },
    }),
  };
}

export interface SeedResult {
  tickets: number;
  customers: number;
  articles: number;
}

// ── Deterministic randomness ─────────────────────────────────────────────

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(min = 0, max = 1) {
    return min + (max - min) * this.next();
  }
  int(min: number, max: number) {
    return Math.floor(this.float(min, max + 1));
  }
  chance(p: number) {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T extends string | number>(weights: Record<T, number> | readonly (readonly [T, number])[]): T {
    const entries = (Array.isArray(weights) ? weights : Object.entries(weights)) as [T, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, w] of entries) {
      roll -= w;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

// ── Planning types ───────────────────────────────────────────────────────

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How late the SLA sweeper notices a missed target. */
const SWEEP_LAG = MINUTE;

type Status = "new" | "open" | "pending" | "on_hold" | "solved" | "closed";
type Channel = "portal" | "email" | "api";
const BACKLOG: readonly Status[] = ["new", "open", "on_hold"]; // what recomputeHealth counts as waiting on us

interface Staff {
  id: string;
  name: string;
  role: Role;
  teams: readonly TeamKey[];
}

interface PlannedCustomer {
  id: string;
  userId: string;
  name: string;
  email: string;
  locale: "en" | "zh-CN";
  tier: CustomerTier;
  companyId: string;
  companyName: string;
  profile: CustomerProfile | "demo";
  createdAt: Date;
}

type Policy = SlaPolicyRule & Pick<SeedSlaPolicy, "name" | "firstResponseMinutes" | "resolutionMinutes">;

/** What should happen to a ticket, decided before any times are worked out. */
interface TicketSpec {
  customer: PlannedCustomer;
  scenario: Scenario;
  type: TicketType;
  priority: Priority;
  status: Status;
  channel: Channel;
  /** Active tickets: the SLA state the board should show now. */
  slaState?: "on_track" | "at_risk" | "breached";
  /** Active and breached: waiting this many days (an old backlog item). */
  ageDays?: number;
  /** Done tickets: which targets were missed. */
  firstLate?: boolean;
  resolutionLate?: boolean;
  /** Done tickets: hours between solving and now (overrides the random choice). */
  solvedHoursAgo?: number;
  /** Done tickets: undefined = no survey, null = survey not answered. */
  rating?: number | null;
  lang?: Lang;
}

interface PlannedSurvey {
  rating: number | null;
  comment: string | null;
  respondedAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

interface PlannedTicket {
  id: string;
  spec: TicketSpec;
  lang: Lang;
  policy: Policy;
  teamKey: TeamKey;
  assignee: Staff | null;
  /** Who replies when nobody is assigned. */
  responder: Staff;
  createdAt: Date;

  firstRespondedAt: Date | null;
  solvedAt: Date | null;
  closedAt: Date | null;
  /** The SLA targets' runs, as the engine counts them from the ticket's history (server/sla/targets.ts). */
  slaRuns: TargetRun[];
  survey: PlannedSurvey | null;
  vars: Record<string, string>;
}

const STATUS_WEIGHTS: Record<Status, number> = { new: 8, open: 16, pending: 9, on_hold: 4.5, solved: 15, closed: 47.5 };
const CHANNEL_WEIGHTS: Record<Channel, number> = { portal: 70, email: 22, api: 8 };
const PRIORITY_WEIGHTS: Record<TicketType, Record<Priority, number>> = {
  complaint: { low: 5, normal: 45, high: 35, urgent: 15 },
  inquiry: { low: 25, normal: 55, high: 15, urgent: 5 },
};
const RATING_WEIGHTS: Record<CustomerProfile | "breached", Record<number, number>> = {
  normal: { 5: 60, 4: 30, 3: 6, 2: 3, 1: 1 },
  breached: { 5: 30, 4: 35, 3: 22, 2: 9, 1: 4 },
  at_risk: { 5: 10, 4: 20, 3: 35, 2: 30, 1: 5 },
  critical: { 3: 10, 2: 35, 1: 55 },
};
const ANSWER_RATE: Record<CustomerProfile, number> = { normal: 0.72, at_risk: 0.85, critical: 0.9 };
const TARGET_BAND: Record<CustomerProfile | "demo", HealthBand> = {
  demo: "healthy",
  normal: "healthy",
  at_risk: "at_risk",
  critical: "critical",
};

const TICKETS_TOTAL = 300;

// ── Seeding ──────────────────────────────────────────────────────────────

/**
 * Loads the demo data into an empty database. Does nothing (and returns
 * zeros) when any user exists, so it is safe to call on every start.
 */
export async function seedDemoData(db: Db, now = new Date()): Promise<SeedResult> {
  const none: SeedResult = { tickets: 0, customers: 0, articles: 0 };
  if ((await db.user.count()) > 0) return none;

  // argon2 is slow on purpose: hash each distinct password once, outside the transaction.
  const hashes = new Map<string, string>();
  for (const password of new Set([...DEMO_ACCOUNTS.map((a) => a.password), DEMO_CUSTOMER_PASSWORD])) {
    hashes.set(password, await hashPassword(password));
  }

  return db.$transaction(
    async (tx) => {
      // Two processes starting on an empty database at once: one seeds, the other finds users.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(4823017)`;
      if ((await tx.user.count()) > 0) return none;
      return insertDemoData(tx, hashes, now);
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

async function insertDemoData(tx: Tx, hashes: Map<string, string>, now: Date): Promise<SeedResult> {
  const rng = new Rng(20_261_123);
  const ago = (ms: number) => new Date(now.getTime() - ms);

  // Staff
  const staff: Staff[] = [];
  const users: Prisma.UserCreateManyInput[] = [];
  for (const account of DEMO_ACCOUNTS) {
    if (account.role === "customer") continue;
    const id = randomUUID();
    const createdAt = ago(rng.int(200, 500) * DAY);
    staff.push({ id, name: account.name, role: account.role, teams: account.teams ?? [] });
    users.push({
      id,
      email: account.email,
      name: account.name,
      passwordHash: hashes.get(account.password)!,
      role: account.role,
      locale: account.name === "Zhang Min" ? "zh-CN" : "en",
      // For automatic assignment (decision 018; the demo teams assign by hand until an admin switches one):
      // room for 30 open tickets each, and the two who also answer in Chinese.
      capacity: account.role === "agent" ? 30 : null,
      skillLanguages: account.role !== "agent" ? [] : ["Li Wei", "Zhang Min"].includes(account.name) ? ["en", "zh-CN"] : ["en"],
      createdAt,
      // Set up by an admin: the address counts as confirmed.
      emailVerifiedAt: createdAt,
    });
  }
  const supervisor = staff.find((s) => s.role === "supervisor")!;
  const agentsOf = (team: TeamKey) => staff.filter((s) => s.role === "agent" && s.teams.includes(team));

  // Teams and categories
  const teamIds = new Map<TeamKey, string>(TEAMS.map((t) => [t.key, randomUUID()]));
  const categoryIds = new Map(CATEGORIES.map((c) => [c.key, randomUUID()]));
  const categoryTeam = new Map(CATEGORIES.map((c) => [c.key, c.team]));

  // Companies and customers
  const demoCustomer = DEMO_ACCOUNTS.find((a) => a.role === "customer")!;
  const companies: Prisma.CompanyCreateManyInput[] = [];
  const customers: PlannedCustomer[] = [];
  for (const company of COMPANIES) {
    const companyId = randomUUID();
    const companyCreated = ago(rng.int(120, 900) * DAY);
    companies.push({ id: companyId, name: company.name, createdAt: companyCreated });
    const people =
      company.name === demoCustomer.company
        ? [
            { name: demoCustomer.name, email: demoCustomer.email, locale: "en" as const, profile: "demo" as const },
            ...company.customers,
          ]
        : company.customers;
    for (const person of people) {
      const createdAt = new Date(rng.float(companyCreated.getTime(), now.getTime() - 30 * DAY));
      customers.push({
        id: randomUUID(),
        userId: randomUUID(),
        name: person.name,
        email: person.email.includes("@") ? person.email : `${person.email}@${company.domain}`,
        locale: person.locale,
        tier: company.name === demoCustomer.company ? (demoCustomer.tier ?? company.tier) : company.tier,
        companyId,
        companyName: company.name,
        profile: person.profile ?? "normal",
        createdAt,
      });
    }
  }
  for (const c of customers) {
    users.push({
      id: c.userId,
      email: c.email,
      name: c.name,
      passwordHash: hashes.get(c.profile === "demo" ? demoCustomer.password : DEMO_CUSTOMER_PASSWORD)!,
      role: "customer",
      locale: c.locale,
      createdAt: c.createdAt,
      // Demo customers signed up and confirmed their address: they see their requests.
      emailVerifiedAt: c.createdAt,
    });
  }

  // SLA policies
  const policies: Policy[] = SLA_POLICIES.map((p) => ({ ...p, ...asRule(p, randomUUID()) }));

  // Tickets: decide what each one is, then work out its times and people.
  const specs = planTicketSpecs(rng, customers);
  const tickets = specs.map((spec) =>
    realizeTicket(rng, spec, { now, policies, agentsOf, categoryTeam }),
  );
  tuneRatings(tickets, now);
  tickets.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()); // ticket numbers follow time

  const ticketRows: Prisma.TicketCreateManyInput[] = [];
  const messageRows: Prisma.MessageCreateManyInput[] = [];
  const eventRows: Prisma.DomainEventCreateManyInput[] = [];
  const surveyRows: Prisma.SurveyCreateManyInput[] = [];
  const slaTargetRows: { ticketId: string; run: TargetRun }[] = [];
  for (const [index, t] of tickets.entries()) {
    if (t.survey?.rating != null) t.survey.comment = csatComment(rng, t) || null;
    const { messages, events } = buildMessages(rng, t, supervisor, now);
    eventRows.push(...events, ...slaEventRows(t));
    for (const run of t.slaRuns) slaTargetRows.push({ ticketId: t.id, run });
    const lowRated = t.survey?.rating != null && t.survey.rating <= LOW_RATING;
    const tags: string[] = [];
    if (t.spec.customer.tier === "key") tags.push("key-account");
    if (t.spec.customer.profile === "critical" && t.spec.type === "complaint") tags.push("escalated");
    if (lowRated) tags.push("csat-low");
    const updatedAt = new Date(Math.max(...messages.map((m) => m.createdAt.getTime()), t.closedAt?.getTime() ?? 0));
    ticketRows.push({
      id: t.id,
      type: t.spec.type,
      channel: t.spec.channel,
      priority: t.spec.priority,
      status: t.spec.status,
      subject: fill(t.spec.scenario[t.lang].subject, t.vars),
      language: t.lang === "zh" ? "zh-CN" : "en",
      tags,
      fields: demoFieldValues(t.spec.scenario.category, index),
      requesterId: t.spec.customer.id,
      assigneeId: t.assignee?.id ?? null,
      teamId: teamIds.get(t.teamKey)!,
      categoryId: categoryIds.get(t.spec.scenario.category)!,
      slaPolicyId: t.policy.id,
      createdAt: t.createdAt,
      updatedAt,
      // Time-based automations count from it: when it was closed, solved or filed, else (open, waiting) its last message.
      statusChangedAt: t.closedAt ?? t.solvedAt ?? (t.spec.status === "new" ? t.createdAt : updatedAt),

      firstRespondedAt: t.firstRespondedAt,
      solvedAt: t.solvedAt,
      closedAt: t.closedAt,
      ...slaSummary(t),
    });
    for (const m of messages) messageRows.push({ id: randomUUID(), ticketId: t.id, ...m });
    if (t.survey) {
      const surveyId = randomUUID();
      surveyRows.push({
        id: surveyId,
        ticketId: t.id,
        customerId: t.spec.customer.id,
        token: randomBytes(24).toString("base64url"),
        rating: t.survey.rating,
        comment: t.survey.comment,
        createdAt: t.survey.createdAt,
        expiresAt: t.survey.expiresAt,
        respondedAt: t.survey.respondedAt,
      });
      if (t.survey.rating != null) {
        eventRows.push({
          type: "survey.answered",
          ticketId: t.id,
          customerId: t.spec.customer.id,
          actorId: t.spec.customer.userId,
          at: t.survey.respondedAt!,
          data: { surveyId, rating: t.survey.rating, comment: t.survey.comment },
        });
      }
    }
  }

  // Knowledge base
  const articleRows: Prisma.ArticleCreateManyInput[] = [];
  for (const article of ARTICLES) {
    const createdAt = ago(rng.int(20, 400) * DAY);
    const updatedAt = new Date(createdAt.getTime() + rng.float(0, now.getTime() - createdAt.getTime()));
    for (const [locale, text] of [["en", article.en], ["zh-CN", article.zh]] as const) {
      articleRows.push({
        slug: article.slug,
        locale,
        title: text.title,
        body: text.body,
        tags: article.tags,
        status: article.status,
        categoryId: categoryIds.get(article.category)!,
        createdAt,
        updatedAt,
      });
    }
  }

  // Write it all: one round trip per table.
  await tx.user.createMany({ data: users });
  await tx.team.createMany({
    data: TEAMS.map((t) => ({ id: teamIds.get(t.key)!, key: t.key, name: t.name, createdAt: ago(500 * DAY) })),
  });
  await tx.teamMember.createMany({
    data: staff.flatMap((s) => s.teams.map((team) => ({ userId: s.id, teamId: teamIds.get(team)! }))),
  });
  await tx.category.createMany({
    data: CATEGORIES.map((c) => ({
      id: categoryIds.get(c.key)!,
      key: c.key,
      nameEn: c.nameEn,
      nameZh: c.nameZh,
      teamId: teamIds.get(c.team)!,
    })),
  });
  await tx.slaPolicy.createMany({
    data: policies.map((p) => ({
      id: p.id,
      name: p.name,
      position: p.position,
      types: [...p.types],
      priorities: [...p.priorities],
      tiers: [...p.tiers],
      calendarId: ALWAYS_OPEN_CALENDAR_ID,
      targets: p.targets,
      escalations: p.escalations as unknown as Prisma.InputJsonValue,
      createdAt: ago(500 * DAY),
    })),
  });
  await tx.ticketField.createMany({
    data: DEMO_FIELDS.map((f, i) => ({ ...f, options: [...f.options], position: i + 1, createdAt: ago(400 * DAY), updatedAt: ago(400 * DAY) })),
  });
  await tx.company.createMany({ data: companies });
  await tx.customer.createMany({
    data: customers.map((c) => ({
      id: c.id,
      userId: c.userId,
      email: c.email,
      name: c.name,
      tier: c.tier,
      companyId: c.companyId,
      createdAt: c.createdAt,
    })),
  });
  await tx.ticket.createMany({ data: ticketRows });
  await tx.message.createMany({ data: messageRows });
  await tx.survey.createMany({ data: surveyRows });
  eventRows.sort((a, b) => new Date(a.at!).getTime() - new Date(b.at!).getTime());
  await tx.domainEvent.createMany({ data: eventRows });
  await asSql(tx).query(upsertRunsSql("$1", "$2::timestamp(3)"), [runsJson(slaTargetRows), now.toISOString()]);
  await tx.article.createMany({ data: articleRows });
  await tx.macro.createMany({
    data: DEMO_MACROS.map((m, i) => ({ name: m.name, reply: m.reply, note: m.note, actions: m.actions, usageCount: (DEMO_MACROS.length - i) * 7 })),
  });

  // Health is derived from the data just written, by the same code the app uses.
  for (const c of customers) await recomputeHealth(tx, c.id, "seed", now);

  return { tickets: ticketRows.length, customers: customers.length, articles: articleRows.length };
}

// ── Ticket planning ──────────────────────────────────────────────────────

function scenarioFor(rng: Rng, type: TicketType): Scenario {
  return rng.pick(SCENARIOS.filter((s) => s.type === type));
}

function priorityFor(rng: Rng, type: TicketType): Priority {
  return rng.weighted(PRIORITY_WEIGHTS[type]);
}

function planTicketSpecs(rng: Rng, customers: PlannedCustomer[]): TicketSpec[] {
  const specs: TicketSpec[] = [];
  const base = (customer: PlannedCustomer, type: TicketType, status: Status): TicketSpec => ({
    customer,
    type,
    status,
    scenario: scenarioFor(rng, type),
    priority: priorityFor(rng, type),
    channel: rng.weighted(CHANNEL_WEIGHTS),
  });

  // The demo customer: a small, varied history, including a solved ticket
  // whose survey is waiting for an answer.
  const demo = customers.find((c) => c.profile === "demo")!;
  const pickScenario = (subjectStart: string) => SCENARIOS.find((s) => s.en.subject.startsWith(subjectStart))!;
  specs.push(
    {
      ...base(demo, "inquiry", "solved"),
      scenario: pickScenario("Invoice {invoice} shows the wrong VAT"),
      priority: "normal",
      channel: "portal",
      solvedHoursAgo: 20,
      rating: null, // the survey is waiting for the demo customer
    },
    {
      ...base(demo, "inquiry", "open"),
      scenario: pickScenario("Webhook signatures"),
      priority: "high",
      channel: "portal",
      slaState: "on_track",
    },
    {
      ...base(demo, "complaint", "pending"),
      scenario: pickScenario("Items missing from delivery"),
      priority: "high",
      channel: "email",
      slaState: "on_track",
    },
    {
      ...base(demo, "inquiry", "closed"),
      scenario: pickScenario("How do I add a colleague"),
      priority: "low",
      channel: "portal",
      rating: 5,
    },
    {
      ...base(demo, "inquiry", "new"),
      scenario: pickScenario("Where can I track"),
      priority: "normal",
      channel: "portal",
      slaState: "on_track",
    },
  );

  // Customers in trouble: complaints, missed targets and poor ratings.
  for (const c of customers.filter((c) => c.profile === "critical")) {
    const statuses: Status[] = ["on_hold", "open", "closed", "closed", "closed", "solved", "closed", "pending"];
    statuses.forEach((status, i) => {
      const spec = base(c, i < 6 ? "complaint" : "inquiry", status);
      if (i === 0) Object.assign(spec, { slaState: "breached", ageDays: rng.float(9, 12) });
      else if (i === 1) spec.slaState = "breached";
      else if (i === 2) spec.firstLate = true;
      else if (i === 3) Object.assign(spec, { firstLate: true, resolutionLate: true });
      else if (isActive(status)) spec.slaState = "on_track";
      specs.push(finishDoneSpec(rng, spec, "critical"));
    });
  }
  for (const c of customers.filter((c) => c.profile === "at_risk")) {
    const types = rng.shuffle<TicketType>(["complaint", "complaint", "complaint", "inquiry", "inquiry", "inquiry"]);
    const statuses = rng.shuffle<Status>([
      "open",
      "closed",
      "closed",
      "solved",
      rng.weighted(STATUS_WEIGHTS),
      rng.weighted(STATUS_WEIGHTS),
    ]);
    const breached = new Set(rng.shuffle([0, 1, 2, 3, 4, 5]).slice(0, 2));
    statuses.forEach((status, i) => {
      const spec = base(c, types[i], status);
      if (isActive(status)) spec.slaState = breached.has(i) ? "breached" : rng.chance(0.3) ? "at_risk" : "on_track";
      else if (breached.has(i)) spec[rng.chance(0.5) ? "firstLate" : "resolutionLate"] = true;
      specs.push(finishDoneSpec(rng, spec, "at_risk"));
    });
  }

  // Everyone else: a few tickets each, at most two "bad" facts (complaints or
  // missed targets) per customer so they stay healthy.
  const normals = customers.filter((c) => c.profile === "normal");
  const counts = new Map(normals.map((c) => [c.id, 2]));
  let remaining = TICKETS_TOTAL - specs.length - normals.length * 2;
  while (remaining > 0) {
    const c = rng.pick(normals);
    const weight = c.tier === "key" ? 0.9 : c.tier === "growth" ? 0.7 : 0.5;
    if (counts.get(c.id)! < 9 && rng.chance(weight)) {
      counts.set(c.id, counts.get(c.id)! + 1);
      remaining--;
    }
  }
  for (const c of normals) {
    const n = counts.get(c.id)!;
    const breachAt = rng.chance(0.35) ? rng.int(0, n - 1) : -1;
    let complaintsLeft = breachAt >= 0 ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const type: TicketType = complaintsLeft > 0 && rng.chance(0.42) ? "complaint" : "inquiry";
      if (type === "complaint") complaintsLeft--;
      const spec = base(c, type, rng.weighted(STATUS_WEIGHTS));
      if (isActive(spec.status)) {
        spec.slaState = i === breachAt ? "breached" : rng.chance(0.2) ? "at_risk" : "on_track";
      } else if (i === breachAt) {
        spec[rng.chance(0.6) ? "firstLate" : "resolutionLate"] = true;
      }
      specs.push(finishDoneSpec(rng, spec, "normal"));
    }
  }
  return specs;
}

/** Survey and rating for solved and closed tickets. */
function finishDoneSpec(rng: Rng, spec: TicketSpec, profile: CustomerProfile): TicketSpec {
  if (isActive(spec.status) || spec.rating !== undefined) return spec;
  if (!rng.chance(profile === "normal" ? 0.9 : 0.95)) return spec; // no survey sent
  if (!rng.chance(ANSWER_RATE[profile])) return { ...spec, rating: null };
  const missed = spec.firstLate || spec.resolutionLate;
  const weights = profile === "normal" && missed ? RATING_WEIGHTS.breached : RATING_WEIGHTS[profile];
  return { ...spec, rating: Number(rng.weighted(Object.entries(weights).map(([r, w]) => [r, w] as const))) };
}

interface RealizeContext {
  now: Date;
  policies: Policy[];
  agentsOf: (team: TeamKey) => Staff[];
  categoryTeam: Map<string, TeamKey>;
}

/** Works out a ticket's times, SLA fields, people and survey from its spec. */
function realizeTicket(rng: Rng, spec: TicketSpec, ctx: RealizeContext): PlannedTicket {
  const { now } = ctx;
  const at = (ms: number) => new Date(Math.round(ms));
  // The demo policies set no channel, category or team conditions.
  const policy = selectPolicy(ctx.policies, {
    type: spec.type,
    priority: spec.priority,
    tier: spec.customer.tier,
    channel: spec.channel,
    categoryId: spec.scenario.category,
    teamId: null,
  })!;
  const fr = policy.firstResponseMinutes * MINUTE;
  const res = policy.resolutionMinutes * MINUTE;

  let created: number;
  let firstResponded: number | null = null;
  let solved: number | null = null;
  let closed: number | null = null;

  if (isActive(spec.status)) {
    const state = spec.slaState ?? "on_track";
    if (spec.status === "new") {
      // Nobody has answered yet: the first-response target decides the state.
      const elapsed =
        state === "on_track"
          ? fr * rng.float(0.05, 0.6)
          : state === "at_risk"
            ? fr * rng.float(0.78, 0.95)
            : fr * rng.float(1.3, 3);
      created = now.getTime() - elapsed;
    } else {
      // Answered in time; the resolution target decides the state.
      const elapsed = spec.ageDays
        ? spec.ageDays * DAY
        : state === "on_track"
          ? res * rng.float(0.05, 0.6)
          : state === "at_risk"
            ? res * rng.float(0.78, 0.95)
            : res * rng.float(1.05, 1.6);
      created = now.getTime() - elapsed;
      const lateReply = state === "breached" && rng.chance(0.3);
      firstResponded = lateReply
        ? created + fr * rng.float(1.1, 1.9)
        : created + Math.min(fr * rng.float(0.1, 0.9), elapsed * rng.float(0.1, 0.5));
    }
  } else {
    const frOffset = spec.firstLate ? fr * rng.float(1.1, 3) : fr * rng.float(0.05, 0.9);
    let solveOffset = spec.resolutionLate ? res * rng.float(1.05, 1.8) : res * rng.float(0.15, 0.95);
    solveOffset = Math.max(solveOffset, frOffset + 20 * MINUTE);
    if (!spec.resolutionLate) solveOffset = Math.min(solveOffset, res * 0.97);
    const window = 21 * DAY - solveOffset;
    let sinceSolved: number;
    if (spec.solvedHoursAgo !== undefined) sinceSolved = spec.solvedHoursAgo * HOUR;
    else if (spec.status === "solved") sinceSolved = rng.float(1 * HOUR, 3.5 * DAY);
    else sinceSolved = rng.float(3.5 * DAY, Math.max(4 * DAY, window));
    solved = now.getTime() - sinceSolved;
    created = solved - solveOffset;
    firstResponded = created + frOffset;
    if (spec.status === "closed") closed = Math.min(solved + rng.float(2 * DAY, 3.5 * DAY), now.getTime() - HOUR);
  }

  const createdAt = at(created);
  const ms = (t: number | null) => (t === null ? null : Math.round(t));
  const slaRuns = seedRuns(policy, spec.priority, { created: Math.round(created), firstResponded: ms(firstResponded), solved: ms(solved), closed: ms(closed) }, now.getTime());

  const teamKey = ctx.categoryTeam.get(spec.scenario.category)!;
  const agents = ctx.agentsOf(teamKey);
  const responder = rng.pick(agents);
  const assigned = spec.status === "new" ? rng.chance(0.25) : rng.chance(0.92);

  let survey: PlannedSurvey | null = null;
  if (solved !== null && spec.rating !== undefined) {
    const answered = spec.rating !== null;
    survey = {
      rating: spec.rating,
      comment: null,
      createdAt: at(solved),
      expiresAt: at(solved + SURVEY_VALID_DAYS * DAY),
      respondedAt: answered ? at(solved + Math.min(now.getTime() - solved, 2 * DAY) * rng.float(0.05, 0.95)) : null,
    };
  }

  const lang: Lang = spec.lang ?? (spec.customer.locale === "zh-CN" && rng.chance(0.85) ? "zh" : "en");
  const prefix = spec.customer.companyName.replace(/[^A-Za-z]/g, "").slice(0, 2).toUpperCase();
  const vars = {
    name: lang === "zh" ? spec.customer.name : spec.customer.name.split(" ")[0],
    agent: responder.name,
    company: spec.customer.companyName,
    order: `${prefix}-${rng.int(10_000, 99_999)}`,
    invoice: `INV-${now.getUTCFullYear()}-${String(rng.int(1, 9_999)).padStart(4, "0")}`,
    amount: lang === "zh" ? `¥${rng.int(3, 160) * 100}` : `$${rng.int(49, 2_400)}.00`,
  };

  return {
    id: randomUUID(),
    spec,
    lang,
    policy,
    teamKey,
    assignee: assigned ? responder : null,
    responder,
    createdAt,

    firstRespondedAt: firstResponded === null ? null : at(firstResponded),
    solvedAt: solved === null ? null : at(solved),
    closedAt: closed === null ? null : at(closed),
    slaRuns,
    survey,
    vars,
  };
}

/**
 * The runs of a demo ticket's targets, counted by the SLA engine from its history: filed, first
 * answered, solved, closed. (A ticket waiting on the customer stands still from its next change
 * on: the demo has no record of when it started waiting.) What fell due is recorded as it would
 * have been: a warning or breach by the firing job shortly after its moment, a late answer's
 * breach by the answer itself.
 */
function seedRuns(
  policy: Policy,
  priority: Priority,
  history: { created: number; firstResponded: number | null; solved: number | null; closed: number | null },
  now: number,
): TargetRun[] {
  const facts: Fact[] = [{ at: history.created, kind: "created" }];
  if (history.firstResponded !== null) facts.push({ at: history.firstResponded, kind: "reply", by: "agent" });
  if (history.solved !== null) facts.push({ at: history.solved, kind: "status", to: "solved" });
  if (history.closed !== null) facts.push({ at: history.closed, kind: "status", to: "closed" });
  const { runs } = planRuns(appliedPolicyOf(policy, priority), facts, [], now);
  return runs.map((run) => ({
    ...run,
    warnedAt: run.warnedAt === null ? null : Math.min(run.atRiskAt! + SWEEP_LAG, now),
    breachedAt: run.breachedAt === null ? null : Math.min(run.dueAt! + SWEEP_LAG, run.fulfilledAt ?? now, now),
  }));
}

/** The ticket's SLA summary columns. */
function slaSummary(t: PlannedTicket) {
  const { state, dueAt } = ticketSla(t.spec.status, t.slaRuns);
  return { slaState: state, slaDueAt: dueAt === null ? null : new Date(dueAt) };
}

/** Each run's history as the engine records it: started, warned, breached, met. */
function slaEventRows(t: PlannedTicket): Prisma.DomainEventCreateManyInput[] {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const about = { ticketId: t.id, customerId: t.spec.customer.id, actorId: null };
  return t.slaRuns.flatMap((run) => {
    const { target, cycle } = run;
    const rows: Prisma.DomainEventCreateManyInput[] = [
      {
        ...about,
        type: "ticket.sla_changed",
        at: new Date(run.startedAt),
        data: { target, cycle, change: "applied", policyId: run.policyId, dueAt: iso(run.dueAt), atRiskAt: iso(run.atRiskAt), alarmAt: null },
      },
    ];
    if (run.warnedAt !== null) {
      rows.push({ ...about, type: "ticket.sla_warned", at: new Date(run.warnedAt), data: { target, cycle, atRiskAt: iso(run.atRiskAt), dueAt: iso(run.dueAt), alarmAt: null } });
    }
    if (run.breachedAt !== null) rows.push({ ...about, type: "ticket.sla_breached", at: new Date(run.breachedAt), data: { target, cycle, dueAt: iso(run.dueAt) } });
    if (run.fulfilledAt !== null) {
      rows.push({
        ...about,
        type: "ticket.sla_changed",
        at: new Date(run.fulfilledAt),
        data: { target, cycle, change: "fulfilled", policyId: run.policyId, dueAt: iso(run.dueAt), atRiskAt: iso(run.atRiskAt), alarmAt: null },
      });
    }
    return rows;
  });
}

/** The health score recomputeHealth will store, predicted from the plan. */
function predictHealth(tickets: PlannedTicket[], now: Date) {
  const since = now.getTime() - LOOKBACK_DAYS * DAY;
  const inWindow = tickets.filter((t) => t.createdAt.getTime() >= since);
  const waiting = tickets
    .filter((t) => BACKLOG.includes(t.spec.status))
    .map((t) => t.createdAt.getTime())
    .sort((a, b) => a - b);
  return computeHealth({
    ratings: tickets
      .filter((t) => t.survey?.rating != null && t.survey.respondedAt!.getTime() >= since)
      .map((t) => t.survey!.rating!),
    complaints: inWindow.filter((t) => t.spec.type === "complaint").length,
    slaBreaches: inWindow.filter((t) => t.slaRuns.some((r) => r.breachedAt !== null)).length,
    oldestOpenDays: waiting.length ? (now.getTime() - waiting[0]) / DAY : null,
  });
}

const bandRank: Record<HealthBand, number> = { healthy: 0, at_risk: 1, critical: 2 };

/**
 * Nudges CSAT ratings until every customer lands in the band their profile
 * calls for: healthy customers stay healthy, the troubled ones show on the board.
 */
function tuneRatings(tickets: PlannedTicket[], now: Date) {
  const byCustomer = new Map<string, PlannedTicket[]>();
  for (const t of tickets) byCustomer.set(t.spec.customer.id, [...(byCustomer.get(t.spec.customer.id) ?? []), t]);
  for (const own of byCustomer.values()) {
    const target = TARGET_BAND[own[0].spec.customer.profile];
    for (let step = 0; step < 20; step++) {
      const band = bandFor(predictHealth(own, now).score);
      if (band === target) break;
      const rated = own.filter((t) => t.survey?.rating != null).sort((a, b) => a.survey!.rating! - b.survey!.rating!);
      if (bandRank[band] > bandRank[target]) {
        const lowest = rated.find((t) => t.survey!.rating! < 5);
        if (!lowest) break;
        lowest.survey!.rating = Math.min(5, lowest.survey!.rating! + 2);
      } else {
        const highest = [...rated].reverse().find((t) => t.survey!.rating! > 1);
        if (!highest) break;
        highest.survey!.rating = Math.max(1, highest.survey!.rating! - 2);
      }
    }
  }
}

// ── Conversations ────────────────────────────────────────────────────────

function fill(template: string, vars: Record<string, string>) {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => vars[key] ?? match);
}

function csatComment(rng: Rng, t: PlannedTicket): string {
  const rating = t.survey!.rating as 1 | 2 | 3 | 4 | 5;
  // Happy customers often leave no comment.
  if (rating >= 4 && rng.chance(0.45)) return "";
  return fill(rng.pick(CSAT_COMMENTS[rating][t.lang]), { ...t.vars, agent: (t.assignee ?? t.responder).name });
}

interface MessageDraft {
  kind: "public" | "internal" | "event";
  authorId: string | null;
  body: string;
  createdAt: Date;
  /** Lower is dropped first when a thread has more than six messages. */
  keep: number;
}

const MAX_MESSAGES = 6;

function buildMessages(rng: Rng, t: PlannedTicket, supervisor: Staff, now: Date) {
  const { spec, lang, vars } = t;
  const agent = t.assignee ?? t.responder;
  const customerUserId = spec.customer.userId;
  const created = t.createdAt.getTime();
  const between = (from: number, to: number, lo: number, hi: number) =>
    new Date(Math.round(from + (to - from) * rng.float(lo, hi)));
  const out: MessageDraft[] = [];
  const add = (kind: MessageDraft["kind"], authorId: string | null, body: string, createdAt: Date, keep: number) =>
    out.push({ kind, authorId, body, createdAt, keep });

  add("public", customerUserId, fill(spec.scenario[lang].description, vars), t.createdAt, 100);

  // Staff-only notes: some of these must never reach a customer.
  const noteBody = () => {
    if (spec.customer.tier === "key" && rng.chance(0.6)) return rng.pick(INTERNAL_NOTES.keyAccount);
    if (spec.type === "complaint" && rng.chance(0.5)) return rng.pick(INTERNAL_NOTES.complaint);
    return rng.pick(INTERNAL_NOTES.general);
  };
  const troubled = spec.customer.profile === "critical" || spec.customer.profile === "at_risk";
  const wantsNote = spec.customer.tier === "key" || troubled ? rng.chance(0.75) : rng.chance(0.3);

  if (!t.firstRespondedAt) {
    // Still new: nobody has answered. The customer may have nudged us, or triage left a note.
    const end = now.getTime();
    if (end - created < 2 * HOUR || rng.chance(0.5)) {
      add("internal", supervisor.id, rng.pick(INTERNAL_NOTES.triage), between(created, end, 0.05, 0.4), 60);
    }
    else add("public", customerUserId, rng.pick(CUSTOMER_FOLLOW_UPS[lang]), between(created, end, 0.5, 0.95), 60);
    if (wantsNote) add("internal", supervisor.id, noteBody(), between(created, end, 0.05, 0.5), 50);
  } else {
    const replied = t.firstRespondedAt.getTime();
    if (t.assignee && rng.chance(0.3)) {
      add("event", supervisor.id, `ticket.assignee_changed:${t.assignee.id}`, between(created, replied, 0.05, 0.3), 10);
    }
    add("public", agent.id, fill(spec.scenario[lang].reply, vars), t.firstRespondedAt, 90);
    if (wantsNote) {
      const author = troubled && rng.chance(0.4) ? supervisor : agent;
      add("internal", author.id, noteBody(), between(created, replied, 0.3, 0.95), 50);
    }
    // Back and forth after the first reply, before the closing message of a solved ticket.
    const end = t.solvedAt ? t.solvedAt.getTime() - 15 * MINUTE : now.getTime();
    const waitingOnCustomer = spec.status === "pending";
    if (end - replied > 10 * MINUTE && (waitingOnCustomer || rng.chance(0.45))) {
      const customerAt = between(replied, end, 0.15, 0.45);
      add("public", customerUserId, rng.pick(CUSTOMER_FOLLOW_UPS[lang]), customerAt, 30);
      // Pending means the last word was ours.
      if (waitingOnCustomer || rng.chance(0.7)) {
        const body = fill(rng.pick(AGENT_FOLLOW_UPS[lang]), vars);
        add("public", agent.id, body, between(customerAt.getTime(), end, 0.2, 0.8), waitingOnCustomer ? 35 : 25);
      }
    }
    if (t.solvedAt) {
      const solved = t.solvedAt.getTime();
      const closingAt = new Date(Math.max(solved - rng.float(1, 10) * MINUTE, replied + 1000));
      add("public", agent.id, fill(rng.pick(CLOSING_REPLIES[lang]), vars), closingAt, 80);
      add("event", agent.id, "ticket.status_changed:solved", t.solvedAt, 20);
    }
  }

  // Changes (assignment, solving) go to the event log; a thread keeps its six most telling messages.
  const messages = out.filter((m) => m.kind !== "event");
  const kept = [...messages].sort((a, b) => b.keep - a.keep).slice(0, MAX_MESSAGES);
  return {
    messages: messages
      .filter((m) => kept.includes(m))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(({ keep: _keep, kind, ...m }) => ({ ...m, kind: kind as "public" | "internal" })),
    events: out.filter((m) => m.kind === "event").map((m): Prisma.DomainEventCreateManyInput => {
      const [type, value] = m.body.split(":");
      const data = type === "ticket.status_changed" ? { from: "open", to: value } : { from: null, to: value };
      return { type, ticketId: t.id, customerId: spec.customer.id, actorId: m.authorId, at: m.createdAt, data };
    }),
  };
}

// ── CLI ──────────────────────────────────────────────────────────────────

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must be set to seed the demo data.");
  const db = createDb(url);
  const started = performance.now();
  try {
    const counts = await seedDemoData(db);
    const ms = Math.round(performance.now() - started);
    if (counts.tickets === 0) console.log("The database already has users: nothing seeded.");
    else console.log(`Seeded ${counts.customers} customers, ${counts.tickets} tickets and ${counts.articles} articles in ${ms} ms.`);
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
