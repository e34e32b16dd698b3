// The domain's events: what commands produce and what the log stores. Each
// carries who did it (actorId, null for the system), when (at) and, for
// changes, the values before and after. Pure types and schemas, no I/O.
import { z } from "zod";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../tickets/schemas.ts";
import { TARGETS } from "../sla/clock.ts";

const status = z.enum(STATUSES);
const slaTarget = z.enum(TARGETS);
const instant = z.string();
const priority = z.enum(PRIORITIES);
/** The ticket's version after the command that produced the event. */
const version = z.number().int().positive().optional();
/** A custom field's stored value (server/fields/values.ts). */
const fieldValue = z.union([z.string(), z.number(), z.boolean()]);
/** Set on a change an SLA escalation made: which policy and level (an index into its levels). */
const escalationCause = z.object({ policyId: z.string(), level: z.number().int().nonnegative() });
/** Set on a change a routing rule made (server/rules/): which rule, named as it was then. */
const ruleCause = z.object({ ruleId: z.string(), ruleName: z.string() });
export type RuleCause = z.infer<typeof ruleCause>;
/** Set on a change a time-based automation made (server/automations/): which one, named as it was then. */
const automationCause = z.object({ automationId: z.string(), automationName: z.string() });
export type AutomationCause = z.infer<typeof automationCause>;
const cause = z.union([escalationCause, ruleCause, automationCause]).optional();
/** Set on an assignment automatic assignment made (server/assignment/): how the agent was chosen. */
const assignmentCause = z.object({
  mode: z.enum(["round_robin", "least_loaded"]),
  teamId: z.string(),
  /** The agent's active tickets with this one, and the most they take (null: no limit). */
  load: z.number().int().nonnegative(),
  capacity: z.number().int().nonnegative().nullable(),
  /** When the team assigns by skills: the ticket's category and language where the agent's skills named them (null: they take any). */
  skills: z.object({ categoryId: z.string().nullable(), language: z.string().nullable() }).nullable(),
});
export type AssignmentCause = z.infer<typeof assignmentCause>;

/** Event type → shape of its `data`. */
export const EVENT_DATA = {
  "ticket.created": z.object({
    number: z.number().int(),
    type: z.enum(["complaint", "inquiry"]),
    channel: z.string(),
    priority,
    teamId: z.string().nullable(),
    // Written by releases before SLA targets were rows (the due times are now ticket.sla_changed events).
    firstResponseDueAt: z.string().nullable().optional(),
    resolutionDueAt: z.string().nullable().optional(),
    version,
  }),
  "ticket.message_added": z.object({ messageId: z.string(), kind: z.enum(["public", "internal"]), version }),
  "ticket.status_changed": z.object({ from: status.nullable(), to: status, version, cause }),
  "ticket.priority_changed": z.object({ from: priority.nullable(), to: priority, version, cause }),
  "ticket.type_changed": z.object({ from: z.enum(TICKET_TYPES), to: z.enum(TICKET_TYPES), version, cause }),
  "ticket.assignee_changed": z.object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    version,
    cause: z.union([escalationCause, ruleCause, automationCause, assignmentCause]).optional(),
  }),
  "ticket.team_changed": z.object({ from: z.string().nullable(), to: z.string().nullable(), version, cause }),
  "ticket.tags_changed": z.object({ added: z.array(z.string()), removed: z.array(z.string()), version, cause }),
  /** A custom field's value was set, changed or cleared (null: unset); one event per field (server/fields/). */
  "ticket.field_changed": z.object({ key: z.string(), from: fieldValue.nullable(), to: fieldValue.nullable(), version, cause }),
  /** A run of an SLA target's clock began, paused, resumed, was met, was recomputed or went away (server/sla/targets.ts). */
  "ticket.sla_changed": z.object({
    target: slaTarget,
    cycle: z.number().int().positive(),
    change: z.enum(["applied", "paused", "resumed", "fulfilled", "recomputed", "removed"]),
    policyId: z.string(),
    dueAt: instant.nullable(),
    atRiskAt: instant.nullable(),
    /** The next moment something falls due for the run (the firing job is scheduled for it). */
    alarmAt: instant.nullable(),
  }),
  /** A running target reached its at-risk time (recorded once). */
  "ticket.sla_warned": z.object({
    target: slaTarget,
    cycle: z.number().int().positive(),
    atRiskAt: instant,
    dueAt: instant.nullable(),
    alarmAt: instant.nullable(),
  }),
  /** An escalation level of the run's policy fell due (recorded once per run and level) and what it did. */
  "ticket.sla_escalated": z.object({
    target: slaTarget,
    cycle: z.number().int().positive(),
    policyId: z.string(),
    level: z.number().int().nonnegative(),
    on: z.enum(["at_risk", "breached"]),
    afterMinutes: z.number().int().nonnegative(),
    /** Whom it told, and what it changed (the changes are also their own events, with this cause). */
    notified: z.array(z.string()),
    priority: priority.nullable(),
    teamId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    tagsAdded: z.array(z.string()),
  }),
  /** A target's time ran out before it was met (recorded once). Older releases wrote no cycle. */
  "ticket.sla_breached": z.object({ target: slaTarget, cycle: z.number().int().positive().optional(), dueAt: instant }),
  /** Another ticket (a duplicate) was merged into this one: its messages moved here. */
  "ticket.merged": z.object({ sourceId: z.string(), sourceNumber: z.number().int(), messages: z.number().int().nonnegative(), version }),
  /** This ticket was merged into another (and closed): its messages are there now. */
  "ticket.merged_into": z.object({ targetId: z.string(), targetNumber: z.number().int(), version }),
  /** Someone applied a macro (its reply, note and changes are events of their own, in the same command). */
  "ticket.macro_applied": z.object({ macroId: z.string(), name: z.string(), version }),
  /** A routing rule ran on the ticket as it was filed or changed (server/rules/); its changes are events of their own, with the rule as their cause. */
  "ticket.rule_applied": z.object({
    ruleId: z.string(),
    name: z.string(),
    trigger: z.enum(["create", "update"]),
    /** The internal notes it added (message ids) and whom it notified. */
    notes: z.array(z.string()),
    notified: z.array(z.string()),
    version,
  }),
  /** A time-based automation ran on the ticket (server/automations/): its reply, notes and changes are events of their own, with the automation as their cause. */
  "ticket.automation_applied": z.object({
    automationId: z.string(),
    name: z.string(),
    /** The public reply it wrote (message id), the internal notes it added and whom it notified. */
    replies: z.array(z.string()),
    notes: z.array(z.string()),
    notified: z.array(z.string()),
    version,
  }),
  /** A line of an old system message that named nothing we could resolve; kept as it was. */
  "ticket.legacy_note": z.object({ text: z.string() }),
  "survey.answered": z.object({ surveyId: z.string(), rating: z.number().int(), comment: z.string().nullable() }),
  "customer.health_changed": z.object({
    score: z.number(),
    band: z.string(),
    previousScore: z.number().nullable(),
    previousBand: z.string().nullable(),
    reason: z.string(),
  }),
  "article.changed": z.object({ articleId: z.string() }),
  /** Someone has a new notification (server/notifications/). */
  "notification.created": z.object({ notificationId: z.string(), userId: z.string(), kind: z.string() }),
  /** The account's owner changed its password; every session and API token it had before was ended. */
  "user.password_changed": z.object({ userId: z.string(), sessionsEnded: z.number().int(), tokensRevoked: z.number().int() }),
  /** An admin deactivated the account, ending its sessions and API tokens. */
  "user.deactivated": z.object({ userId: z.string(), sessionsEnded: z.number().int(), tokensRevoked: z.number().int() }),
  "user.reactivated": z.object({ userId: z.string() }),
  /** An agent said they are online, away or offline (server/auth/availability.ts). */
  "user.availability_changed": z.object({ userId: z.string(), from: z.string(), to: z.string() }),
  /** An admin changed what an account may do or take: role, custom role, teams, skills or capacity (server/admin/users.ts).
   *  Live connections are re-joined to the rooms the account now reaches; assignment looks again. */
  "user.access_changed": z.object({ userId: z.string(), changed: z.array(z.string()) }),
  /** An invited person set their password and can now sign in (and be assigned work). */
  "user.joined": z.object({ userId: z.string() }),
  /** A team was set up, changed (name, members, how its tickets are assigned) or removed (server/admin/teams.ts). */
  "team.changed": z.object({ teamId: z.string(), change: z.enum(["created", "updated", "deleted"]) }),
  /** A business calendar was set up, changed or removed (open tickets' clocks may need recomputing). */
  "sla.calendar_changed": z.object({ calendarId: z.string(), change: z.enum(["created", "updated", "deleted"]) }),
  /** An SLA policy was set up, changed or removed, or the policies were put in another order. */
  "sla.policy_changed": z.object({ policyId: z.string().nullable(), change: z.enum(["created", "updated", "deleted", "reordered"]) }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

/** What a command hands to emit(): one event, typed by its `type`. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    ticketId?: string | null;
    customerId?: string | null;
    actorId: string | null;
    at: Date;
    data: EventData<T>;
  };
}[EventType];

/** An event as read back from the log. */
export type StoredEvent = NewEvent & { id: bigint; txid: bigint };

/** The events that change a ticket's properties; the stale-form rule and the timeline use them. */
export const FIELD_EVENTS = {
  status: "ticket.status_changed",
  priority: "ticket.priority_changed",
  type: "ticket.type_changed",
  assigneeId: "ticket.assignee_changed",
  teamId: "ticket.team_changed",
  tags: "ticket.tags_changed",
} as const satisfies Record<string, EventType>;

/** The event of a custom field's change: its key is in the data ("fields.<key>" in conflicts, the timeline reads it too). */
export const CUSTOM_FIELD_EVENT = "ticket.field_changed" satisfies EventType;

/** The rule that made a change, if a routing rule made it (else null). */
export function ruleCauseOf(e: NewEvent): RuleCause | null {
  const cause = "cause" in e.data ? e.data.cause : undefined;
  return cause && "ruleId" in cause ? cause : null;
}

/** The automation that made a change, if a time-based automation made it (else null). */
export function automationCauseOf(e: NewEvent): AutomationCause | null {
  const cause = "cause" in e.data ? e.data.cause : undefined;
  return cause && "automationId" in cause ? cause : null;
}

/** The escalation that made a change, if an SLA escalation made it (else null). */
export function escalationCauseOf(e: NewEvent): z.infer<typeof escalationCause> | null {
  const cause = "cause" in e.data ? e.data.cause : undefined;
  return cause && "policyId" in cause ? cause : null;
}

/** The cause of an assignment automatic assignment made, if the event is one (else null). */
export function assignmentCauseOf(e: NewEvent): AssignmentCause | null {
  if (e.type !== "ticket.assignee_changed" || !e.data.cause || !("mode" in e.data.cause)) return null;
  return e.data.cause;
}

export type EventRow = {
  id: bigint | string | number;
  txid: bigint | string | number;
  type: string;
  ticketId: string | null;
  customerId: string | null;
  actorId: string | null;
  at: Date | string;
  data: unknown;
};

/** A row that does not parse: an unknown type (a newer release wrote it) or a malformed payload. */
export interface BrokenEvent {
  id: bigint;
  txid: bigint;
  type: string;
  error: string;
}

/** Parses rows of the log one by one, so one bad row never stops a reader. */
export function parseEventRows(rows: EventRow[]): { events: StoredEvent[]; broken: BrokenEvent[] } {
  const events: StoredEvent[] = [];
  const broken: BrokenEvent[] = [];
  for (const row of rows) {
    try {
      events.push(parseStoredEvent(row));
    } catch (error) {
      broken.push({ id: BigInt(row.id), txid: BigInt(row.txid), type: row.type, error: (error as Error).message.slice(0, 1000) });
    }
  }
  return { events, broken };
}

function parseStoredEvent(row: EventRow): StoredEvent {
  const schema = EVENT_DATA[row.type as EventType];
  if (!schema) throw new Error(`Unknown event type "${row.type}" (event ${row.id})`);
  return {
    id: BigInt(row.id),
    txid: BigInt(row.txid),
    type: row.type as EventType,
    ticketId: row.ticketId,
    customerId: row.customerId,
    actorId: row.actorId,
    at: new Date(row.at),
    data: schema.parse(row.data),
  } as StoredEvent;
}
