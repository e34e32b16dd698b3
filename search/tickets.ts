// Ticket search for staff. PostgreSQL holds the tickets; Meilisearch holds one
// document per ticket with its subject, requester, company, tags, number and
// all of its messages (public replies and internal notes apart), kept up to
// date by the ticket-search listener and rebuilt wholesale by
// reindexAllTickets.
//
// Who may see what comes from the one authorization policy twice over: its
// Meilisearch filter limits the search (ticketSearchFilter), and the hits are
// read back from PostgreSQL under its SQL condition (ticketsSql), so a ticket
// moved to another team a moment ago is not shown from a stale document.
// Internal notes are searched only for people who may read them; customers
// may not search this index at all.
import { z } from "zod";
import type { SearchParams, Settings } from "meilisearch";
import { sqlOf, type Db } from "../server/db/client.ts";
import type { Sql } from "../server/db/sql.ts";
import { can, ticketSearchFilter, ticketsSql, type AuthUser } from "../server/auth/policy.ts";
import { forbidden } from "../server/errors.ts";
import { parseInput } from "../server/validation.ts";
import type { PRIORITIES } from "../server/tickets/schemas.ts";
import type { Status } from "../server/tickets/status.ts";
import type { TicketSlaState } from "../server/sla/state.ts";
import { runtimeSettings, singleton } from "../server/runtime.ts";
import { createIndexWithSettings, ensureIndex, meili, rebuildIndex, waitForTask } from "./client.ts";
import { MARK_END, MARK_START, snippetToHtml } from "./documents.ts";
import { parseTicketQuery, statusesOf, type Operator, type Term, type TicketQuery } from "./ticket-query.ts";
import { MAX_SEARCH_OFFSET } from "./articles.ts";

export interface TicketDocument {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  type: string;
  /** Category key. */
  category: string;
  tags: string[];
  requesterId: string;
  requesterName: string;
  /** Lower case, so `requester:` matches however it was typed. */
  requesterEmail: string;
  company: string | null;
  /** Null when unassigned / untriaged: the policy's filter asks `IS NULL`, which needs the field present. */
  assigneeId: string | null;
  teamId: string | null;
  /** Milliseconds since the epoch (sortable). */
  createdAt: number;
  updatedAt: number;
  /** Public replies, oldest first, as one text. */
  messages: string;
  /** Internal notes, oldest first: searched only for those who may read them. */
  notes: string;
}

/**
 * Searchable attributes in ranking order: a match in the subject beats one in
 * the requester, which beats one in the conversation. Chinese needs nothing
 * here: Meilisearch segments Han text into words, so 退款 matches 申请退款
 * (tests/integration/ticket-search.test.ts).
 */
export const TICKET_INDEX_SETTINGS = {
  searchableAttributes: ["subject", "number", "requesterName", "requesterEmail", "company", "tags", "messages", "notes"],
  filterableAttributes: ["requesterId", "assigneeId", "teamId", "status", "priority", "type", "category", "tags", "requesterEmail", "number"],
  sortableAttributes: ["updatedAt", "createdAt"],
  typoTolerance: { enabled: true, disableOnNumbers: true },
  // Words count as near when they are in the same attribute, not by their
  // distance inside it: a conversation is one long text, where word distance
  // says little, and measuring it made indexing and every search slower.
  proximityPrecision: "byAttribute",
} satisfies Settings;

/** Each text is cut here: enough for any real conversation, and a pasted log does not bloat the index. */
const MAX_TEXT = 50_000;
const MARKERS = /[\uE000\uE001]/g;

export function ticketsIndexUid(): string {
  return `${runtimeSettings().searchIndexPrefix}tickets`;
}

/** Creates the tickets index if needed and applies its settings; waits until done. */
export async function ensureTicketSearchSettings(): Promise<void> {
  await createIndexWithSettings(ticketsIndexUid(), TICKET_INDEX_SETTINGS);
}

// ---------------------------------------------------------------------------
// Documents, read from PostgreSQL: one statement for a batch of tickets.

const DOCUMENT_SQL = (where: string) => `
  SELECT t."id", t."number", t."subject", t."status"::text, t."priority"::text, t."type"::text, c."key" AS "category",
    t."tags", t."requesterId", r."name" AS "requesterName", lower(r."email") AS "requesterEmail", co."name" AS "company",
    t."assigneeId", t."teamId", t."createdAt", t."updatedAt",
    coalesce((SELECT left(string_agg(m."body", E'\\n' ORDER BY m."createdAt", m."id"), ${MAX_TEXT})
              FROM "Message" m WHERE m."ticketId" = t."id" AND m."kind" = 'public'), '') AS "messages",
    coalesce((SELECT left(string_agg(m."body", E'\\n' ORDER BY m."createdAt", m."id"), ${MAX_TEXT})
              FROM "Message" m WHERE m."ticketId" = t."id" AND m."kind" = 'internal'), '') AS "notes"
  FROM "Ticket" t
    JOIN "Customer" r ON r."id" = t."requesterId"
    LEFT JOIN "Company" co ON co."id" = r."companyId"
    JOIN "Category" c ON c."id" = t."categoryId"
  WHERE ${where}`;

type DocumentRow = Omit<TicketDocument, "createdAt" | "updatedAt"> & { createdAt: Date; updatedAt: Date };

function toTicketDocument(row: DocumentRow): TicketDocument {
  // Highlight markers cannot be forged by a message (search/documents.ts).
  const clean = (text: string) => text.replace(MARKERS, "");
  return {
    ...row,
    subject: clean(row.subject),
    messages: clean(row.messages),
    notes: clean(row.notes),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

async function readDocuments(sql: Sql, ticketIds: string[]): Promise<TicketDocument[]> {
  const rows = await sql.query<DocumentRow>(DOCUMENT_SQL(`t."id" = ANY($1::text[])`), [ticketIds]);
  return rows.map(toTicketDocument);
}

/** Brings the search copy of these tickets in line with PostgreSQL (upsert; delete those gone). */
export async function indexTickets(database: Db, ticketIds: string[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await ensureIndex(ticketsIndexUid(), TICKET_INDEX_SETTINGS);
  const documents = await readDocuments(sqlOf(database), ticketIds);
  const index = meili().index<TicketDocument>(ticketsIndexUid());
  if (documents.length > 0) await waitForTask(index.addDocuments(documents));
  const found = new Set(documents.map((d) => d.id));
  const gone = ticketIds.filter((id) => !found.has(id));
  if (gone.length > 0) await waitForTask(index.deleteDocuments(gone));
}

// ---------------------------------------------------------------------------
// Rebuilding the whole index.

const REINDEX_BATCH = 2_000;
/** Batches sent but not yet indexed: Meilisearch indexes one while we read the next. */
const REINDEX_IN_FLIGHT = 4;

export interface ReindexProgress {
  indexed: number;
  total: number;
}

/**
 * Rebuilds the tickets index from PostgreSQL without a moment of empty or
 * partial results (as reindexAllArticles): documents go into a fresh index,
 * which is swapped with the live one, and tickets changed meanwhile are
 * indexed again into the new one.
 */
export async function reindexAllTickets(
  database: Db,
  onProgress: (progress: ReindexProgress) => void = () => {},
): Promise<ReindexProgress> {
  const client = meili();
  const sql = sqlOf(database);
  // Changes committed from here on may miss the new index: they are indexed again after the swap.
  // A minute's margin covers a command whose moment was taken before it committed.
  const startedAt = new Date(Date.now() - 60_000);
  const [{ total }] = await sql.query<{ total: number }>(`SELECT count(*)::int AS "total" FROM "Ticket"`);
  let indexed = 0;
  await rebuildIndex(ticketsIndexUid(), TICKET_INDEX_SETTINGS, async (temp) => {
    const pending: Promise<unknown>[] = [];
    for (let after = ""; ; ) {
      const rows = await sql.query<DocumentRow>(`${DOCUMENT_SQL(`t."id" > $1`)} ORDER BY t."id" LIMIT ${REINDEX_BATCH}`, [after]);
      if (rows.length === 0) break;
      pending.push(waitForTask(client.index<TicketDocument>(temp).addDocuments(rows.map(toTicketDocument))));
      if (pending.length >= REINDEX_IN_FLIGHT) await pending.shift();
      indexed += rows.length;
      after = rows[rows.length - 1].id;
      onProgress({ indexed, total: Math.max(total, indexed) });
    }
    await Promise.all(pending);
  });

  for (let after = ""; ; ) {
    const changed = await sql.query<{ id: string }>(
      `SELECT "id" FROM "Ticket" WHERE "updatedAt" >= $1::timestamp(3) AND "id" > $2 ORDER BY "id" LIMIT ${REINDEX_BATCH}`,
      [startedAt.toISOString(), after],
    );
    if (changed.length === 0) break;
    await indexTickets(database, changed.map((c) => c.id));
    after = changed[changed.length - 1].id;
  }
  return { indexed, total: Math.max(total, indexed) };
}

/** Whether the index lacks tickets PostgreSQL has (first start, a wiped search server, an index added by an upgrade). */
export async function ticketIndexBehind(database: Db): Promise<boolean> {
  const [{ stored }] = await sqlOf(database).query<{ stored: number }>(`SELECT count(*)::int AS "stored" FROM "Ticket"`);
  const stats = await meili()
    .index(ticketsIndexUid())
    .getStats()
    .catch(() => ({ numberOfDocuments: 0 }));
  return stats.numberOfDocuments < stored;
}

// ---------------------------------------------------------------------------
// Searching.

// Messages are i18n keys (app/i18n), like the other input schemas.
export const TicketSearchInputSchema = z.object({
  q: z.string({ error: "validation.query" }).trim().max(500, "validation.query"),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  /** Hits to skip (Meilisearch returns at most 1,000). */
  offset: z.coerce.number().int().min(0).max(MAX_SEARCH_OFFSET).default(0),
});
export type TicketSearchInput = z.input<typeof TicketSearchInputSchema>;

export interface TicketHit {
  id: string;
  number: number;
  subject: string;
  /** The subject as safe HTML with matches in <mark>, when it matched. */
  subjectHtml?: string;
  status: Status;
  priority: (typeof PRIORITIES)[number];
  slaState: TicketSlaState;
  slaDueAt: Date | null;
  updatedAt: Date;
  requesterName: string;
  requesterEmail: string;
  assigneeName: string | null;
  teamName: string | null;
  /** Where the text matched in the conversation, as safe HTML; `inNote` when in an internal note. */
  snippet?: { html: string; inNote: boolean };
}

export interface TicketSearchResult {
  hits: TicketHit[];
  /** Meilisearch's estimate of all matches the searcher may see. */
  total: number;
  hasMore: boolean;
  /** Operators typed with a value they cannot take (`status:opne`), or naming nobody (`assignee:nobody@example.com`). */
  invalid: string[];
}

const quote = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** Names in operators (team key, person) as ids; undefined when nothing has that name. */
async function resolveNames(sql: Sql, user: AuthUser, terms: Term[]): Promise<Map<Term, string | null | undefined>> {
  const resolved = new Map<Term, string | null | undefined>();
  for (const term of terms) {
    if (term.operator === "assignee") {
      const v = term.value.toLowerCase();
      if (v === "me") resolved.set(term, user.id);
      else if (v === "none") resolved.set(term, null);
      else {
        const [found] = await sql.query<{ id: string }>(
          `SELECT "id" FROM "User" WHERE "role" <> 'customer' AND (lower("email") = lower($1) OR lower("name") = lower($1)) ORDER BY "email" LIMIT 1`,
          [term.value],
        );
        resolved.set(term, found?.id);
      }
    } else if (term.operator === "team") {
      if (term.value.toLowerCase() === "none") resolved.set(term, null);
      else {
        const [found] = await sql.query<{ id: string }>(
          `SELECT "id" FROM "Team" WHERE lower("key") = lower($1) OR lower("name") = lower($1) ORDER BY "key" LIMIT 1`,
          [term.value],
        );
        resolved.set(term, found?.id);
      }
    }
  }
  return resolved;
}

const FIELD: Record<Operator, keyof TicketDocument> = {
  status: "status",
  priority: "priority",
  type: "type",
  tag: "tags",
  assignee: "assigneeId",
  requester: "requesterEmail",
  team: "teamId",
  category: "category",
};

/** One operator as a Meilisearch condition. */
function condition(term: Term, resolved: string | null | undefined): string {
  const field = FIELD[term.operator];
  if (term.operator === "assignee" || term.operator === "team") {
    return resolved === null ? `${field} IS NULL` : `${field} = ${quote(resolved!)}`;
  }
  if (term.operator === "status") return `${field} IN [${statusesOf(term.value).map(quote).join(", ")}]`;
  const value = term.operator === "tag" || term.operator === "requester" || term.operator === "category" ? term.value.toLowerCase() : term.value;
  return `${field} = ${quote(value)}`;
}

/**
 * Searches the tickets the user may see. Free text is matched with typo
 * tolerance; operators narrow it down (the same operator twice means either,
 * a minus means without). Without free text, the most recently updated first.
 */
export async function searchTickets(database: Db, user: AuthUser, input: TicketSearchInput): Promise<TicketSearchResult> {
  if (!can(user, "tickets.search")) throw forbidden();
  const { q, limit, offset } = parseInput(TicketSearchInputSchema, input);
  const query = parseTicketQuery(q);
  const none: TicketSearchResult = { hits: [], total: 0, hasMore: false, invalid: query.invalid };
  if (query.text === "" && query.terms.length === 0 && query.numbers.length === 0) return none;

  const sql = sqlOf(database);
  const resolved = await resolveNames(sql, user, query.terms);
  const unknown = query.terms.filter((term) => resolved.has(term) && resolved.get(term) === undefined);
  // A name that matches nobody cannot match a ticket either (a negated one excludes nothing).
  if (unknown.some((term) => !term.negate)) return { ...none, invalid: [...query.invalid, ...unknown.map(typed)] };

  const search = ticketSearchRequest(user, query, resolved, { limit, offset });
  const response = await meili().index<TicketDocument>(ticketsIndexUid()).search(search.q, search.params);

  const page = response.hits.slice(0, limit);
  const current = await currentRows(sql, user, page.map((hit) => hit.id));
  const hits: TicketHit[] = [];
  for (const hit of page) {
    const row = current.get(hit.id);
    // Not (or no longer) visible to this user, whatever the index still says.
    if (!row) continue;
    const fromMessages = snippetToHtml(hit._formatted?.messages);
    const fromNotes = can(user, "tickets.internal") ? snippetToHtml(hit._formatted?.notes) : undefined;
    hits.push({
      ...row,
      subjectHtml: snippetToHtml(hit._formatted?.subject),
      snippet: fromMessages ? { html: fromMessages, inNote: false } : fromNotes ? { html: fromNotes, inNote: true } : undefined,
    });
  }
  return {
    hits,
    total: response.estimatedTotalHits ?? hits.length,
    hasMore: response.hits.length > limit,
    invalid: [...query.invalid, ...unknown.map(typed)],
  };
}

/**
 * The Meilisearch search for this user and query: the policy's filter, the
 * operators, and internal notes only for those who may read them. (The
 * benchmark sends the same search to Meilisearch directly, to compare.)
 */
export function ticketSearchRequest(
  user: AuthUser,
  query: TicketQuery,
  resolved: Map<Term, string | null | undefined>,
  page: { limit: number; offset: number },
): { q: string; params: SearchParams } {
  const filter: string[] = [];
  const visible = ticketSearchFilter(user);
  if (visible) filter.push(`(${visible})`);
  // The same operator twice is either value; a negated one is never that value.
  const byOperator = new Map<Operator, string[]>();
  for (const term of query.terms) {
    if (resolved.has(term) && resolved.get(term) === undefined) continue;
    const c = condition(term, resolved.get(term));
    if (term.negate) filter.push(`NOT (${c})`);
    else byOperator.set(term.operator, [...(byOperator.get(term.operator) ?? []), c]);
  }
  for (const conditions of byOperator.values()) filter.push(`(${conditions.join(" OR ")})`);
  if (query.numbers.length > 0) filter.push(`number IN [${query.numbers.join(", ")}]`);

  const staff = can(user, "tickets.internal");
  const searchOn = TICKET_INDEX_SETTINGS.searchableAttributes.filter((a) => staff || a !== "notes");
  return {
    q: query.text,
    params: {
      filter,
      attributesToSearchOn: searchOn,
      ...(query.text === "" ? { sort: ["updatedAt:desc"] } : {}),
      // One more than asked for tells whether another page exists.
      limit: page.limit + 1,
      offset: page.offset,
      attributesToRetrieve: ["id"],
      attributesToHighlight: staff ? ["subject", "messages", "notes"] : ["subject", "messages"],
      attributesToCrop: staff ? ["messages", "notes"] : ["messages"],
      cropLength: 24,
      cropMarker: "…",
      highlightPreTag: MARK_START,
      highlightPostTag: MARK_END,
    },
  };
}

const typed = (term: Term) => `${term.negate ? "-" : ""}${term.operator}:${term.value}`;

type HitRow = Omit<TicketHit, "subjectHtml" | "snippet">;

/** The hits as PostgreSQL has them now, limited by the policy's SQL condition. */
async function currentRows(sql: Sql, user: AuthUser, ids: string[]): Promise<Map<string, HitRow>> {
  if (ids.length === 0) return new Map();
  const params: unknown[] = [ids];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const rows = await sql.query<HitRow>(
    `SELECT t."id", t."number", t."subject", t."status"::text, t."priority"::text, t."slaState"::text, t."slaDueAt", t."updatedAt",
       r."name" AS "requesterName", r."email" AS "requesterEmail",
       (SELECT a."name" FROM "User" a WHERE a."id" = t."assigneeId") AS "assigneeName",
       (SELECT tm."name" FROM "Team" tm WHERE tm."id" = t."teamId") AS "teamName"
     FROM "Ticket" t JOIN "Customer" r ON r."id" = t."requesterId"
     WHERE t."id" = ANY($1::text[]) AND ${ticketsSql(user, param)}`,
    params,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * At start-up (worker and all-in-one processes): rebuilds the tickets index in
 * the background when it lacks tickets, saying how far it got every few
 * seconds. Searching works meanwhile on what the index already holds; the
 * ticket-search listener keeps new changes coming.
 */
export function reindexTicketsIfBehind(database: Db, log: (line: string) => void = console.log): Promise<void> {
  const running = singleton("search:ticketReindex", () => ({ current: null as Promise<void> | null }));
  running.current ??= (async () => {
    try {
      if (!(await ticketIndexBehind(database))) return;
      const started = Date.now();
      let said = started;
      const { indexed } = await reindexAllTickets(database, ({ indexed, total }) => {
        if (Date.now() - said < 5_000) return;
        said = Date.now();
        log(`[search] indexing tickets: ${indexed.toLocaleString("en")} of ${total.toLocaleString("en")}`);
      });
      log(`[search] indexed ${indexed.toLocaleString("en")} tickets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      console.warn(`[search] could not index tickets (${(error as Error).message}); the next start tries again.`);
    } finally {
      running.current = null;
    }
  })();
  return running.current;
}
