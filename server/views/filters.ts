// What a view of tickets is: filters and an order. The filters are stored as
// the person wrote them ("me", "my teams", dates); resolveView turns them,
// for one viewer at one moment, into plain values that two readers share:
// viewSql (the list and its count, in PostgreSQL) and matchesView (the
// browser, deciding whether a ticket that changed live belongs in the list).
// tests/unit/view-filters.test.ts checks that the two agree. Pure, and safe
// for the browser: the list page runs matchesView.
import { z } from "zod";
import { PRIORITIES, STATUSES, TagSchema, TICKET_TYPES } from "../tickets/schemas.ts";
import { TICKET_SLA_STATES } from "../sla/state.ts";
import { FIELD_KEY, fieldMatches, type FieldValue } from "../fields/values.ts";

export const CUSTOMER_TIERS = ["key", "growth", "standard"] as const;
export const VIEW_SORTS = ["due", "created", "updated"] as const;
export type ViewSort = (typeof VIEW_SORTS)[number];

/** In assignee and team lists: the viewer, the viewer's teams, nobody. */
export const ME = "me";
export const MY_TEAMS = "mine";
export const NOBODY = "none";

const Id = z.string().trim().min(1).max(100);
const Day = z.iso.date({ error: "validation.date" });
const list = <T extends z.ZodType>(item: T, max = 50) => z.array(item).max(max).default([]);

/** Filters on custom fields: at most this many. */
export const MAX_FIELD_FILTERS = 20;

/** A view's filters. An empty list does not filter; within a list any value matches; all lists must match. */
export const ViewFiltersSchema = z
  .object({
    statuses: list(z.enum(STATUSES, { error: "validation.status" })),
    priorities: list(z.enum(PRIORITIES, { error: "validation.priority" })),
    types: list(z.enum(TICKET_TYPES, { error: "validation.type" })),
    categoryIds: list(Id),
    /** Team ids, MY_TEAMS or NOBODY (untriaged). */
    teamIds: list(Id),
    /** User ids, ME or NOBODY (unassigned). */
    assigneeIds: list(Id),
    /** Tickets with any of these tags. */
    tags: list(TagSchema),
    slaStates: list(z.enum(TICKET_SLA_STATES, { error: "validation.slaState" })),
    tiers: list(z.enum(CUSTOMER_TIERS, { error: "validation.tier" })),
    /** The requester's email address. */
    requester: z.email("validation.email").toLowerCase().optional(),
    /** Days, inclusive, in the viewer's time zone. */
    createdFrom: Day.optional(),
    createdTo: Day.optional(),
    updatedFrom: Day.optional(),
    updatedTo: Day.optional(),
    /**
     * Custom field values by key: a ticket must have each one (equality; `false` for a checkbox: not ticked).
     * Values are checked and put in their stored shape against the field's definition when a view is saved (views/service.ts).
     */
    fields: z
      .record(z.string().regex(FIELD_KEY, "validation.fieldKey"), z.union([z.string().max(500), z.number(), z.boolean()]), { error: "validation.fieldFilter" })
      .refine((fields) => Object.keys(fields).length <= MAX_FIELD_FILTERS, "validation.fieldFilter")
      .default({}),
  })
  .strict();
export type ViewFilters = z.infer<typeof ViewFiltersSchema>;
export type ViewFiltersInput = z.input<typeof ViewFiltersSchema>;

export interface Viewer {
  id: string;
  teamIds: string[];
}

/** A view's filters for one viewer: names turned into ids, days into instants (epoch ms). */
export interface ResolvedView {
  statuses: string[];
  priorities: string[];
  types: string[];
  categoryIds: string[];
  /** null: no team / nobody. */
  teamIds: (string | null)[];
  assigneeIds: (string | null)[];
  tags: string[];
  slaStates: string[];
  tiers: string[];
  requester: string | null;
  createdFrom: number | null;
  createdBefore: number | null;
  updatedFrom: number | null;
  updatedBefore: number | null;
  /** Custom field values a ticket must have. */
  fields: Record<string, FieldValue>;
  /** A list that names only the viewer's teams while the viewer has none: no ticket matches. */
  empty: boolean;
}

/** Midnight starting `day` in `timeZone`, as epoch ms; `startOfDay(day + 1)` ends it. */
export type StartOfDay = (day: string, timeZone: string) => number;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function resolveView(filters: ViewFilters, viewer: Viewer, timeZone: string, startOfDay: StartOfDay): ResolvedView {
  const people = (ids: string[], mine: string[]) =>
    [...new Set(ids.flatMap((id) => (id === ME ? [viewer.id] : id === MY_TEAMS ? mine : id === NOBODY ? [null] : [id])))];
  const teamIds = people(filters.teamIds, viewer.teamIds);
  const assigneeIds = people(filters.assigneeIds, []);
  const day = (value: string | undefined, end = false) => (value ? startOfDay(end ? nextDay(value) : value, timeZone) : null);
  return {
    statuses: filters.statuses,
    priorities: filters.priorities,
    types: filters.types,
    categoryIds: filters.categoryIds,
    teamIds,
    assigneeIds,
    tags: filters.tags,
    slaStates: filters.slaStates,
    tiers: filters.tiers,
    requester: filters.requester ?? null,
    createdFrom: day(filters.createdFrom),
    createdBefore: day(filters.createdTo, true),
    updatedFrom: day(filters.updatedFrom),
    updatedBefore: day(filters.updatedTo, true),
    fields: filters.fields,
    empty: (filters.teamIds.length > 0 && teamIds.length === 0) || (filters.assigneeIds.length > 0 && assigneeIds.length === 0),
  };
}

/** What matchesView reads of a ticket (the live queue's QueueTicket has it all). */
export interface ViewTicket {
  status: string;
  priority: string;
  type: string;
  categoryId: string;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  slaState: string;
  requesterTier: string;
  requesterEmail: string;
  createdAt: string;
  updatedAt: string;
  /** Custom field values by key (the live queue has them; a ticket without any has none). */
  fields?: Record<string, unknown>;
}

const within = (values: readonly unknown[], value: unknown) => values.length === 0 || values.includes(value);
const between = (from: number | null, before: number | null, at: string) => {
  const ms = Date.parse(at);
  return (from === null || ms >= from) && (before === null || ms < before);
};

/** Does the ticket belong in the view? (What the viewer may see is the server's to decide: it only sends those.) */
export function matchesView(view: ResolvedView, t: ViewTicket): boolean {
  return (
    !view.empty &&
    within(view.statuses, t.status) &&
    within(view.priorities, t.priority) &&
    within(view.types, t.type) &&
    within(view.categoryIds, t.categoryId) &&
    within(view.teamIds, t.teamId) &&
    within(view.assigneeIds, t.assigneeId) &&
    (view.tags.length === 0 || t.tags.some((tag) => view.tags.includes(tag))) &&
    within(view.slaStates, t.slaState) &&
    within(view.tiers, t.requesterTier) &&
    (view.requester === null || t.requesterEmail.toLowerCase() === view.requester) &&
    between(view.createdFrom, view.createdBefore, t.createdAt) &&
    between(view.updatedFrom, view.updatedBefore, t.updatedAt) &&
    Object.entries(view.fields).every(([key, value]) => fieldMatches(t.fields?.[key], value))
  );
}

/**
 * The view as SQL conditions on the ticket table `t`. Enum values are written
 * into the text (they were checked against their lists), so that a view of
 * active statuses can use the partial indexes of active tickets; everything
 * else is a parameter.
 */
export function viewSql(view: ResolvedView, param: (value: unknown) => string): string[] {
  if (view.empty) return ["FALSE"];
  const where: string[] = [];
  const literals = (values: string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
  const orNull = (column: string, values: (string | null)[]) => {
    const known = values.filter((v): v is string => v !== null);
    const parts = [...(known.length > 0 ? [`${column} = ANY(${param(known)}::text[])`] : []), ...(known.length < values.length ? [`${column} IS NULL`] : [])];
    return parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`;
  };
  if (view.statuses.length > 0) where.push(`t."status" IN (${literals(view.statuses)})`);
  if (view.priorities.length > 0) where.push(`t."priority" IN (${literals(view.priorities)})`);
  if (view.types.length > 0) where.push(`t."type" IN (${literals(view.types)})`);
  if (view.slaStates.length > 0) where.push(`t."slaState" IN (${literals(view.slaStates)})`);
  if (view.categoryIds.length > 0) where.push(`t."categoryId" = ANY(${param(view.categoryIds)}::text[])`);
  if (view.teamIds.length > 0) where.push(orNull(`t."teamId"`, view.teamIds));
  if (view.assigneeIds.length > 0) where.push(orNull(`t."assigneeId"`, view.assigneeIds));
  if (view.tags.length > 0) where.push(`t."tags" && ${param(view.tags)}::text[]`);
  if (view.tiers.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM "Customer" vr WHERE vr."id" = t."requesterId" AND vr."tier" IN (${literals(view.tiers)}))`);
  }
  if (view.requester !== null) {
    where.push(`t."requesterId" = (SELECT vq."id" FROM "Customer" vq WHERE lower(vq."email") = ${param(view.requester)})`);
  }
  const instant = (ms: number) => `${param(new Date(ms).toISOString())}::timestamp(3)`;
  if (view.createdFrom !== null) where.push(`t."createdAt" >= ${instant(view.createdFrom)}`);
  if (view.createdBefore !== null) where.push(`t."createdAt" < ${instant(view.createdBefore)}`);
  if (view.updatedFrom !== null) where.push(`t."updatedAt" >= ${instant(view.updatedFrom)}`);
  if (view.updatedBefore !== null) where.push(`t."updatedAt" < ${instant(view.updatedBefore)}`);
  // Custom fields: one containment for every value (the GIN index of Ticket.fields answers it,
  // jsonb_path_ops), and "not ticked" as the absence of true.
  const wanted = Object.entries(view.fields);
  const present = Object.fromEntries(wanted.filter(([, value]) => value !== false));
  if (Object.keys(present).length > 0) where.push(`t."fields" @> ${param(JSON.stringify(present))}::jsonb`);
  for (const [key] of wanted.filter(([, value]) => value === false)) {
    where.push(`NOT (t."fields" @> ${param(JSON.stringify({ [key]: true }))}::jsonb)`);
  }
  return where;
}

// ---------------------------------------------------------------------------
// The views everyone has, before any saved one.

export const BUILT_IN_VIEWS = ["mine", "unassigned", "teams", "active", "all"] as const;
export type BuiltInView = (typeof BUILT_IN_VIEWS)[number];

const ACTIVE = ["new", "open", "pending", "on_hold"] as const;

export const BUILT_IN_FILTERS: Record<BuiltInView, ViewFiltersInput> = {
  mine: { statuses: [...ACTIVE], assigneeIds: [ME] },
  unassigned: { statuses: [...ACTIVE], assigneeIds: [NOBODY] },
  teams: { statuses: [...ACTIVE], teamIds: [MY_TEAMS] },
  active: { statuses: [...ACTIVE] },
  all: {},
};
