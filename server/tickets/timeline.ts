// The ticket's history as agents read it ("Li Wei changed the priority from
// Normal to Urgent and assigned the ticket to themselves"), built from the
// event log: changes made together (one actor, one moment) form one entry.
// Plain data, no I/O and no wording: the page says it in the reader's language.
import { assignmentCauseOf, automationCauseOf, escalationCauseOf, ruleCauseOf, type AssignmentCause, type StoredEvent } from "../events/types.ts";
import type { TargetName } from "../sla/clock.ts";
import type { FieldDefinition, FieldValue } from "../fields/values.ts";

export type TimelineChange =
  | { kind: "status"; from: string | null; to: string }
  | { kind: "priority"; from: string | null; to: string }
  | { kind: "type"; from: string; to: string }
  | { kind: "macro"; name: string }
  | { kind: "assignee"; from: string | null; to: string | null; toSelf: boolean }
  /** Automatic assignment chose the agent (server/assignment/): how, in which team, their load after it, the skills it matched. */
  | {
      kind: "auto_assigned";
      to: string | null;
      mode: AssignmentCause["mode"];
      team: string | null;
      load: number;
      capacity: number | null;
      category: { nameEn: string; nameZh: string } | null;
      language: string | null;
    }
  | { kind: "team"; from: string | null; to: string | null }
  | { kind: "tags"; added: string[]; removed: string[] }
  /** A custom field's value set, changed or cleared; `field` is null when the field was removed since. */
  | {
      kind: "field";
      key: string;
      field: Pick<FieldDefinition, "labelEn" | "labelZh" | "type" | "options"> | null;
      from: FieldValue | null;
      to: FieldValue | null;
    }
  | { kind: "sla_warned"; target: TargetName; dueAt: string | null }
  | { kind: "sla_breached"; target: TargetName; dueAt: string }
  | {
      kind: "sla_escalated";
      target: TargetName;
      policy: string | null;
      on: "at_risk" | "breached";
      afterMinutes: number;
      notified: number;
      priority: string | null;
      team: string | null;
      assignee: string | null;
      tagsAdded: string[];
    }
  /** What a routing rule did besides changing values: notes it added, people it told (counts; both 0: it had nothing to change). */
  | { kind: "rule_extras"; notes: number; notified: number }
  /** What a time-based automation did besides changing values: replies to the customer, notes, people told (counts; all 0: nothing to change). */
  | { kind: "automation_extras"; replies: number; notes: number; notified: number }
  | { kind: "merged"; source: number; messages: number }
  | { kind: "merged_into"; target: number }
  | { kind: "rated"; rating: number; comment: string | null }
  | { kind: "legacy"; text: string };

export interface TimelineEntry {
  /** Stable key: the first event's id. */
  id: string;
  at: string;
  /** Who did it; null for the system (timers, rules). */
  actor: { id: string; name: string } | null;
  /** The routing rule that did it (its name when it ran), for entries of a rule. */
  rule?: string;
  /** The time-based automation that did it (its name when it ran), for entries of an automation. */
  automation?: string;
  changes: TimelineChange[];
}

/** Names of the people and teams the events mention, looked up by the caller. */
export interface Names {
  users: Map<string, string>;
  teams: Map<string, string>;
  policies: Map<string, string>;
  /** Categories named by automatic assignment's skills (both languages' names). */
  categories?: Map<string, { nameEn: string; nameZh: string }>;
  /** Custom field definitions by key (archived ones too), for field changes. */
  fields?: Map<string, FieldDefinition>;
}

/** Ids the events mention, so the caller can look up their names in one query each. */
export function mentionedIds(events: StoredEvent[]) {
  const users = new Set<string>();
  const teams = new Set<string>();
  const policies = new Set<string>();
  const categories = new Set<string>();
  for (const e of events) {
    if (e.actorId) users.add(e.actorId);
    if (e.type === "ticket.assignee_changed") {
      [e.data.from, e.data.to].forEach((id) => id && users.add(id));
      const cause = assignmentCauseOf(e);
      if (cause) teams.add(cause.teamId);
      if (cause?.skills?.categoryId) categories.add(cause.skills.categoryId);
    }
    if (e.type === "ticket.team_changed") [e.data.from, e.data.to].forEach((id) => id && teams.add(id));
    if (e.type === "ticket.sla_escalated") {
      if (e.data.teamId) teams.add(e.data.teamId);
      if (e.data.assigneeId) users.add(e.data.assigneeId);
      policies.add(e.data.policyId);
    }
    if (e.type === "ticket.sla_changed") policies.add(e.data.policyId);
  }
  return { users: [...users], teams: [...teams], policies: [...policies], categories: [...categories] };
}

function toChange(e: StoredEvent, names: Names): TimelineChange | null {
  const user = (id: string | null) => (id ? (names.users.get(id) ?? null) : null);
  const assigned = assignmentCauseOf(e);
  if (assigned && e.type === "ticket.assignee_changed") {
    const category = assigned.skills?.categoryId ? (names.categories?.get(assigned.skills.categoryId) ?? null) : null;
    return {
      kind: "auto_assigned",
      to: user(e.data.to),
      mode: assigned.mode,
      team: names.teams.get(assigned.teamId) ?? null,
      load: assigned.load,
      capacity: assigned.capacity,
      category,
      language: assigned.skills?.language ?? null,
    };
  }
  // What an SLA escalation changed reads as part of its own entry (ticket.sla_escalated).
  if (escalationCauseOf(e)) return null;
  switch (e.type) {
    case "ticket.status_changed":
      return { kind: "status", from: e.data.from, to: e.data.to };
    case "ticket.priority_changed":
      return { kind: "priority", from: e.data.from, to: e.data.to };
    case "ticket.type_changed":
      return { kind: "type", from: e.data.from, to: e.data.to };
    case "ticket.macro_applied":
      return { kind: "macro", name: e.data.name };
    case "ticket.rule_applied":
      return { kind: "rule_extras", notes: e.data.notes.length, notified: e.data.notified.length };
    case "ticket.automation_applied":
      return { kind: "automation_extras", replies: e.data.replies.length, notes: e.data.notes.length, notified: e.data.notified.length };
    case "ticket.assignee_changed":
      return {
        kind: "assignee",
        from: user(e.data.from),
        to: user(e.data.to),
        toSelf: e.data.to !== null && e.data.to === e.actorId,
      };
    case "ticket.team_changed":
      return {
        kind: "team",
        from: e.data.from ? (names.teams.get(e.data.from) ?? null) : null,
        to: e.data.to ? (names.teams.get(e.data.to) ?? null) : null,
      };
    case "ticket.tags_changed":
      return { kind: "tags", added: e.data.added, removed: e.data.removed };
    case "ticket.field_changed": {
      const field = names.fields?.get(e.data.key);
      return {
        kind: "field",
        key: e.data.key,
        field: field ? { labelEn: field.labelEn, labelZh: field.labelZh, type: field.type, options: field.options } : null,
        from: e.data.from,
        to: e.data.to,
      };
    }
    case "ticket.sla_warned":
      return { kind: "sla_warned", target: e.data.target, dueAt: e.data.dueAt };
    case "ticket.sla_breached":
      return { kind: "sla_breached", target: e.data.target, dueAt: e.data.dueAt };
    case "ticket.sla_escalated":
      return {
        kind: "sla_escalated",
        target: e.data.target,
        policy: names.policies.get(e.data.policyId) ?? null,
        on: e.data.on,
        afterMinutes: e.data.afterMinutes,
        notified: e.data.notified.length,
        priority: e.data.priority,
        team: e.data.teamId ? (names.teams.get(e.data.teamId) ?? null) : null,
        assignee: user(e.data.assigneeId),
        tagsAdded: e.data.tagsAdded,
      };
    case "ticket.merged":
      return { kind: "merged", source: e.data.sourceNumber, messages: e.data.messages };
    case "ticket.merged_into":
      return { kind: "merged_into", target: e.data.targetNumber };
    case "survey.answered":
      return { kind: "rated", rating: e.data.rating, comment: e.data.comment };
    case "ticket.legacy_note":
      return { kind: "legacy", text: e.data.text };
    default:
      return null; // filing and messages show as the conversation itself
  }
}

/** Fields one command may change twice (a reply opens a new ticket, then a macro makes it pending): read as one change. */
const ONCE_PER_ENTRY = new Set<TimelineChange["kind"]>(["status", "priority", "type"]);

function addTo(changes: TimelineChange[], change: TimelineChange) {
  const i = ONCE_PER_ENTRY.has(change.kind) ? changes.findIndex((c) => c.kind === change.kind) : -1;
  if (i < 0) {
    changes.push(change);
    return;
  }
  const merged = { ...changes[i], to: (change as { to: string }).to } as TimelineChange & { from: string | null; to: string };
  if (merged.from === merged.to) changes.splice(i, 1);
  else changes[i] = merged;
}

export function buildTimeline(events: StoredEvent[], names: Names): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  // Changes join the entry of the same actor at the same moment; each routing rule's run is an entry of its own.
  let last: { actorId: string | null; at: number; ruleId: string | null } | null = null;
  for (const event of events) {
    const change = toChange(event, names);
    if (!change) continue;
    const at = event.at.getTime();
    // An automation's run is an entry of its own too (its changes carry it as their cause).
    const automationId = event.type === "ticket.automation_applied" ? event.data.automationId : (automationCauseOf(event)?.automationId ?? null);
    const ruleId = event.type === "ticket.rule_applied" ? event.data.ruleId : (ruleCauseOf(event)?.ruleId ?? (automationId && `automation:${automationId}`));
    const opensRule = event.type === "ticket.rule_applied" || event.type === "ticket.automation_applied";
    if (!opensRule && last && last.actorId === event.actorId && last.at === at && last.ruleId === ruleId) {
      addTo(entries[entries.length - 1].changes, change);
      continue;
    }
    const extras =
      (change.kind === "rule_extras" && change.notes + change.notified === 0) ||
      (change.kind === "automation_extras" && change.replies + change.notes + change.notified === 0)
        ? null
        : change;
    entries.push({
      id: event.id.toString(),
      at: event.at.toISOString(),
      actor: event.actorId ? { id: event.actorId, name: names.users.get(event.actorId) ?? "?" } : null,
      ...(event.type === "ticket.rule_applied" ? { rule: event.data.name } : {}),
      ...(event.type === "ticket.automation_applied" ? { automation: event.data.name } : {}),
      changes: extras ? [extras] : [],
    });
    last = { actorId: event.actorId, at, ruleId };
  }
  // A command that changed a field and changed it back said nothing; a rule that changed nothing says so.
  return entries.flatMap((entry) => {
    if (entry.changes.length > 0) return [entry];
    if (entry.automation) return [{ ...entry, changes: [{ kind: "automation_extras", replies: 0, notes: 0, notified: 0 } as const] }];
    return entry.rule ? [{ ...entry, changes: [{ kind: "rule_extras", notes: 0, notified: 0 } as const] }] : [];
  });
}

/** One metric event of an SLA target's run: why it is due when it is, and what happened to it. */
export interface SlaHistoryEntry {
  id: string;
  at: string;
  target: TargetName;
  /** Absent on breaches recorded by older releases (those ran once per target). */
  cycle: number | null;
  event: "applied" | "paused" | "resumed" | "fulfilled" | "recomputed" | "removed" | "warned" | "breached";
  dueAt: string | null;
  /** The policy the run counted under (changes only). */
  policyId: string | null;
}

/** The SLA targets' metric events, oldest first, for the ticket's SLA panel (the conversation's timeline shows warnings and breaches). */
export function buildSlaHistory(events: StoredEvent[]): SlaHistoryEntry[] {
  return events.flatMap((e): SlaHistoryEntry[] => {
    const base = { id: e.id.toString(), at: e.at.toISOString() };
    if (e.type === "ticket.sla_changed") {
      return [{ ...base, target: e.data.target, cycle: e.data.cycle, event: e.data.change, dueAt: e.data.dueAt, policyId: e.data.policyId }];
    }
    if (e.type === "ticket.sla_warned") return [{ ...base, target: e.data.target, cycle: e.data.cycle, event: "warned", dueAt: e.data.dueAt, policyId: null }];
    if (e.type === "ticket.sla_breached") {
      return [{ ...base, target: e.data.target, cycle: e.data.cycle ?? null, event: "breached", dueAt: e.data.dueAt, policyId: null }];
    }
    return [];
  });
}
