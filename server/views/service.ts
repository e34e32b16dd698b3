// Views of tickets: the built-in ones everybody has (mine, unassigned, my
// teams, active, all) and saved ones, personal or shared. A view is filters
// and an order (filters.ts); listing its tickets and counting them is
// listTickets' and countViews' work (server/tickets/service.ts).
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { sqlOf, type Db } from "../db/client.ts";
import { assertCan, can, type AuthUser } from "../auth/policy.ts";
import { listAssignableAgents } from "../tickets/service.ts";
import { DomainError, notFound } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { fieldDefinitions } from "../fields/service.ts";
import { fieldsFor, valueSchema, type FieldDefinition, type FieldValue } from "../fields/values.ts";
import {
  BUILT_IN_FILTERS,
  BUILT_IN_VIEWS,
  resolveView,
  VIEW_SORTS,
  ViewFiltersSchema,
  type BuiltInView,
  type ResolvedView,
  type ViewFilters,
  type ViewSort,
} from "./filters.ts";

export const SavedViewInputSchema = z.object({
  name: z.string({ error: "validation.viewName" }).trim().min(1, "validation.viewName").max(80, "validation.viewName"),
  /** Offered to all staff (needs "views.share"); otherwise the author's own. */
  shared: z.boolean().default(false),
  sort: z.enum(VIEW_SORTS, { error: "validation.sort" }).default("due"),
  filters: ViewFiltersSchema,
});
export type SavedViewInput = z.input<typeof SavedViewInputSchema>;

/** Saved views one person may have of their own, and shared ones in all. */
export const MAX_SAVED_VIEWS = 50;

export interface View {
  /** A built-in view's name, or a saved view's id. */
  key: string;
  /** Null for built-in views: their names are in the reader's language. */
  name: string | null;
  builtIn: boolean;
  shared: boolean;
  filters: ViewFilters;
  sort: ViewSort;
  /** May this person change or remove it? */
  editable: boolean;
}

/** The order a built-in view lists in when nobody chose one: the queue by urgency, history newest first. */
const BUILT_IN_SORT: Record<BuiltInView, ViewSort> = { mine: "due", unassigned: "due", teams: "due", active: "due", all: "created" };

function builtIn(key: BuiltInView): View {
  return { key, name: null, builtIn: true, shared: true, filters: ViewFiltersSchema.parse(BUILT_IN_FILTERS[key]), sort: BUILT_IN_SORT[key], editable: false };
}

/** Built-in views that make sense for this person: "my teams" only with teams, "mine" only for those who are assigned tickets. */
function builtInsFor(user: AuthUser): View[] {
  return BUILT_IN_VIEWS.filter((key) => (key === "teams" ? user.teamIds.length > 0 : key === "mine" ? can(user, "tickets.assignable") : true)).map(builtIn);
}

type Row = { id: string; name: string; ownerId: string | null; filters: unknown; sort: string };

function savedView(user: AuthUser, row: Row): View {
  // Stored filters were valid when saved; a later, stricter schema drops what it no longer reads.
  const filters = ViewFiltersSchema.safeParse(row.filters);
  const sort = (VIEW_SORTS as readonly string[]).includes(row.sort) ? (row.sort as ViewSort) : "due";
  const shared = row.ownerId === null;
  return {
    key: row.id,
    name: row.name,
    builtIn: false,
    shared,
    filters: filters.success ? filters.data : ViewFiltersSchema.parse({}),
    sort,
    editable: shared ? can(user, "views.share") : row.ownerId === user.id,
  };
}

const visibleTo = (user: AuthUser) => ({ OR: [{ ownerId: null }, { ownerId: user.id }] });
const rowSelect = { id: true, name: true, ownerId: true, filters: true, sort: true } as const;

/** Every view the person has: built-in, then shared, then their own, each in its order. */
export async function listViews(db: Db, user: AuthUser): Promise<View[]> {
  assertCan(user, "workspace.use");
  // Plain SQL: the queue page asks on every load (server/db/sql.ts).
  const rows = await sqlOf(db).query<Row>(
    `SELECT "id", "name", "ownerId", "filters", "sort" FROM "SavedView"
     WHERE "ownerId" IS NULL OR "ownerId" = $1
     ORDER BY "ownerId" ASC NULLS FIRST, "position", "name"`,
    [user.id],
  );
  return [...builtInsFor(user), ...rows.map((row) => savedView(user, row))];
}

const isUuid = (key: string) => z.uuid().safeParse(key).success;

/** One view by its key; another person's personal view is not found. */
export async function getView(db: Db, user: AuthUser, key: string): Promise<View> {
  assertCan(user, "workspace.use");
  const known = builtInsFor(user).find((v) => v.key === key);
  if (known) return known;
  const row = isUuid(key) ? await db.savedView.findFirst({ where: { id: key, ...visibleTo(user) }, select: rowSelect }) : null;
  if (!row) throw notFound("errors.viewNotFound");
  return savedView(user, row);
}

export async function createView(db: Db, user: AuthUser, rawInput: unknown): Promise<View> {
  assertCan(user, "workspace.use");
  const input = parseInput(SavedViewInputSchema, rawInput);
  input.filters.fields = fieldFilters(await fieldDefinitions(db), input.filters.fields);
  if (input.shared) assertCan(user, "views.share");
  const ownerId = input.shared ? null : user.id;
  const row = await db.$transaction(async (tx) => {
    // One person's views, or the shared ones, are counted and placed last under a lock on the author.
    await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
    const existing = await tx.savedView.aggregate({ where: { ownerId }, _count: true, _max: { position: true } });
    if (existing._count >= MAX_SAVED_VIEWS) throw new DomainError("conflict", "errors.tooManyViews");
    return tx.savedView.create({
      data: { name: input.name, ownerId, filters: input.filters, sort: input.sort, position: (existing._max.position ?? 0) + 1 },
      select: rowSelect,
    });
  });
  return savedView(user, row);
}

async function editableRow(db: Db, user: AuthUser, id: string) {
  const view = await getView(db, user, id);
  if (view.builtIn) throw new DomainError("forbidden", "errors.viewBuiltIn");
  if (!view.editable) throw new DomainError("forbidden", "errors.forbidden");
  return view;
}

export async function updateView(db: Db, user: AuthUser, id: string, rawInput: unknown): Promise<View> {
  const input = parseInput(SavedViewInputSchema, rawInput);
  input.filters.fields = fieldFilters(await fieldDefinitions(db), input.filters.fields);
  const view = await editableRow(db, user, id);
  // Sharing a personal view, or taking a shared one back, needs the right to share.
  if (input.shared !== view.shared) assertCan(user, "views.share");
  const row = await db.savedView.update({
    where: { id },
    data: { name: input.name, ownerId: input.shared ? null : user.id, filters: input.filters, sort: input.sort },
    select: rowSelect,
  });
  return savedView(user, row);
}

export async function deleteView(db: Db, user: AuthUser, id: string): Promise<void> {
  await editableRow(db, user, id);
  await db.savedView.delete({ where: { id } });
}

/**
 * A view's custom field filters in the values' stored shape ("5" for a number
 * field is 5, "yes" for a checkbox true), each checked against its field's
 * definition (archived fields too: a view may keep filtering on one).
 * Errors are on "filters.fields.<key>".
 */
export function fieldFilters(definitions: readonly FieldDefinition[], filters: Record<string, FieldValue>): Record<string, FieldValue> {
  const errors: Record<string, string[]> = {};
  const out: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(filters)) {
    const definition = definitions.find((d) => d.key === key);
    const parsed = definition ? valueSchema(definition).safeParse(value) : null;
    if (parsed?.success) out[key] = parsed.data;
    else errors[`filters.fields.${key}`] = [definition ? (parsed?.error?.issues[0]?.message ?? "validation.fieldFilter") : "validation.fieldUnknown"];
  }
  if (Object.keys(errors).length > 0) throw new DomainError("validation_failed", "errors.validation", errors);
  return out;
}

/** Midnight at the start of a day in a time zone, as epoch ms (a day that starts in a gap starts when the gap ends). */
export function startOfDay(day: string, timeZone: string): number {
  return Temporal.PlainDate.from(day).toZonedDateTime({ timeZone }).epochMilliseconds;
}

/** The view's filters for this person, today, in their time zone. */
export function resolveFor(view: View, user: AuthUser, timeZone: string): ResolvedView {
  return resolveView(view.filters, user, timeZone, startOfDay);
}

/** What tickets can be filtered by and set to in the workspace (view editor, bulk changes): teams, categories, assignable people. */
export async function fieldChoices(db: Db, user: AuthUser) {
  assertCan(user, "workspace.use");
  const sql = sqlOf(db);
  const [teams, categories, agents, fields] = await Promise.all([
    sql.query<{ id: string; name: string }>(`SELECT "id", "name" FROM "Team" ORDER BY "name"`),
    sql.query<{ id: string; key: string; nameEn: string; nameZh: string }>(`SELECT "id", "key", "nameEn", "nameZh" FROM "Category" ORDER BY "key"`),
    listAssignableAgents(db, user),
    fieldDefinitions(db),
  ]);
  /** Custom fields staff set and filter by: the active ones, in their order. */
  const ticketFields = fieldsFor(fields, "staff");
  return { teams, categories, agents, ticketFields, mayShare: can(user, "views.share") };
}
