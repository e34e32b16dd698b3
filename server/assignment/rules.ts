// Automatic assignment as plain rules, no I/O: who may take a waiting ticket
// of a team, and whom round-robin or least-loaded picks among them. The
// assigner (assigner.ts) reads the facts, asks `plan`, and writes the result.
import type { Availability } from "../auth/availability.ts";

export const ASSIGNMENT_MODES = ["manual", "round_robin", "least_loaded"] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];
/** The modes that hand out tickets by themselves. */
export type AutomaticMode = Exclude<AssignmentMode, "manual">;

export interface TeamRule {
  id: string;
  mode: AssignmentMode;
  /** Offer a ticket only to agents whose skills name its category and language. */
  bySkills: boolean;
}

/** A member of the team, as the assigner read them. */
export interface Candidate {
  id: string;
  /** Holds "tickets.assignable" (built-in or custom role: server/auth/policy.ts). */
  assignable: boolean;
  deactivated: boolean;
  /** Invited, has not set a password yet. */
  invited: boolean;
  availability: Availability;
  /** Most active tickets automatic assignment lets them hold; null: no limit. */
  capacity: number | null;
  /** Active tickets (new, open, pending, on hold) assigned to them now, in any team. */
  load: number;
  /** When this team's assignment last gave them a ticket (ms), null: never. */
  lastAssignedAt: number | null;
  /** Empty: any category / any language. */
  skillCategoryIds: readonly string[];
  skillLanguages: readonly string[];
}

export interface WaitingTicket {
  id: string;
  categoryId: string;
  language: string;
}

/** Which of the ticket's skills the agent's lists named (null: the list is empty, so they take any). */
export interface SkillMatch {
  categoryId: string | null;
  language: string | null;
}

export interface Assignment {
  ticketId: string;
  agentId: string;
  mode: AutomaticMode;
  /** The agent's active tickets with this one. */
  load: number;
  capacity: number | null;
  /** Null when the team does not assign by skills. */
  skills: SkillMatch | null;
  /** The agent's new lastAssignedAt in the team (ms). */
  stamp: number;
}

export function underCapacity(agent: Pick<Candidate, "capacity" | "load">): boolean {
  return agent.capacity === null || agent.load < agent.capacity;
}

/** May take work from automatic assignment at all (whatever the ticket). */
export function available(agent: Candidate): boolean {
  return agent.assignable && !agent.deactivated && !agent.invited && agent.availability === "online" && underCapacity(agent);
}

/** Null when the agent's skills do not cover the ticket; an agent with an empty list for a kind takes any. */
export function skillMatch(agent: Pick<Candidate, "skillCategoryIds" | "skillLanguages">, ticket: WaitingTicket): SkillMatch | null {
  const category = agent.skillCategoryIds.length === 0 ? true : agent.skillCategoryIds.includes(ticket.categoryId);
  const language = agent.skillLanguages.length === 0 ? true : agent.skillLanguages.includes(ticket.language);
  if (!category || !language) return null;
  return {
    categoryId: agent.skillCategoryIds.length > 0 ? ticket.categoryId : null,
    language: agent.skillLanguages.length > 0 ? ticket.language : null,
  };
}

export function eligible(agent: Candidate, ticket: WaitingTicket, team: Pick<TeamRule, "bySkills">): boolean {
  return available(agent) && (!team.bySkills || skillMatch(agent, ticket) !== null);
}

/** Never assigned comes first, then the longest waiting; the id settles ties, so the order is the same in every process. */
function byLastAssigned(a: Candidate, b: Candidate): number {
  if (a.lastAssignedAt !== b.lastAssignedAt) {
    if (a.lastAssignedAt === null) return -1;
    if (b.lastAssignedAt === null) return 1;
    return a.lastAssignedAt - b.lastAssignedAt;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const ORDER: Record<AutomaticMode, (a: Candidate, b: Candidate) => number> = {
  round_robin: byLastAssigned,
  least_loaded: (a, b) => a.load - b.load || byLastAssigned(a, b),
};

/** Whom the team's mode gives the ticket to, among its eligible members; null: nobody can take it now. */
export function choose(team: TeamRule, candidates: readonly Candidate[], ticket: WaitingTicket): Candidate | null {
  if (team.mode === "manual") return null;
  let best: Candidate | null = null;
  for (const agent of candidates) {
    if (!eligible(agent, ticket, team)) continue;
    if (!best || ORDER[team.mode](agent, best) < 0) best = agent;
  }
  return best;
}

/**
 * Hands out waiting tickets (oldest first) one by one, each choice seeing the
 * loads and turns of the choices before it. Every assignment gets its own
 * stamp, later than any the team has given, so the round-robin order holds
 * across batches (two agents stamped at the same moment would fall back to
 * the id). Tickets nobody can take are left out: they keep waiting.
 */
export function plan(team: TeamRule, candidates: readonly Candidate[], tickets: readonly WaitingTicket[], now: number): Assignment[] {
  if (team.mode === "manual") return [];
  const mode = team.mode;
  const agents = candidates.map((c) => ({ ...c }));
  const latest = Math.max(now, ...agents.map((a) => (a.lastAssignedAt ?? 0) + 1));
  const out: Assignment[] = [];
  for (const ticket of tickets) {
    if (!agents.some(available)) break;
    const agent = choose(team, agents, ticket);
    if (!agent) continue;
    agent.load += 1;
    agent.lastAssignedAt = latest + out.length;
    out.push({
      ticketId: ticket.id,
      agentId: agent.id,
      mode,
      load: agent.load,
      capacity: agent.capacity,
      skills: team.bySkills ? skillMatch(agent, ticket) : null,
      stamp: agent.lastAssignedAt,
    });
  }
  return out;
}

/** How many more tickets the team's members can take now; Infinity when someone has no limit. */
export function freeSlots(candidates: readonly Candidate[]): number {
  return candidates.filter(available).reduce((sum, a) => sum + (a.capacity === null ? Infinity : a.capacity - a.load), 0);
}
