// Tickets: filing, listing, reading, replying and changing them. Every
// function takes the signed-in user and checks what they may do. Commands
// record what they did as domain events (emit); side effects (health, CSAT
// surveys, SLA timers, live updates, indexing) are listeners of those events.
import { randomUUID } from "node:crypto";
import { sqlOf, type Db, type Tx } from "../db/client.ts";
import { inSqlTransaction, inTransaction } from "../events/transaction.ts";
import { asSql, sqlParams, type Sql } from "../db/sql.ts";
import { ticketCounts } from "./counts.ts";
import { recordIdempotencyKey, type IdempotencyClaim } from "../idempotency.ts";
import type { Prisma } from "../db/generated/client.ts";
import { assertCan, can, ticketsSql, usersHoldingSql, type AuthUser } from "../auth/policy.ts";
import { DomainError, forbidden, notFound } from "../errors.ts";
import { appendEventsSql, appendingEvents, emit, emitted } from "../events/emit.ts";
import { parseEventRows, CUSTOM_FIELD_EVENT, FIELD_EVENTS, type EventRow, type NewEvent, type StoredEvent } from "../events/types.ts";
import type { Channel, CustomerTier } from "../sla/policy.ts";
import { escalateFiled, newTicketSla, runsJson, slaEvents, upsertRunsSql } from "../sla/engine.ts";
import type { TargetRun } from "../sla/targets.ts";
import { currentPolicies, POLICIES_VERSION_SQL } from "../sla/stored.ts";
import { parseInput } from "../validation.ts";
import { ACTIVE_STATUSES, canChangeStatus, isActive } from "./status.ts";
import type { Availability } from "../auth/availability.ts";
import { planUpdate, tagDiff, type FieldChange, type FieldName, type TicketFields } from "./changes.ts";
import { buildSlaHistory, buildTimeline, mentionedIds } from "./timeline.ts";
import { detectLanguage, filingLanguage } from "./language.ts";
import { currentRules, RULES_VERSION_SQL } from "../rules/stored.ts";
import { noteIdsFor, ruleEvents, runRulesChecked, writeRuleRows } from "../rules/apply.ts";
import type { RuleFacts } from "../rules/evaluate.ts";
import { afterKeyset, decodeCursor, decodeKeyset, encodeCursor, encodeKeyset, keysetPage, type Keyset, type Page } from "../pagination.ts";
import { z } from "zod";
import { viewSql, type ResolvedView } from "../views/filters.ts";
import { currentSettings } from "../admin/settings.ts";
import { claimAttachments } from "../attachments/service.ts";
import { audienceOf, fieldDefinitions, fieldDefinitionsAt, FIELDS_VERSION_SQL, latestFieldDefinitions } from "../fields/service.ts";
import {
  applyValues,
  fieldValuesSchema,
  filedValues,
  planFieldUpdate,
  storedValues,
  type Audience,
  type FieldDefinition,
  type FieldValue,
  type FieldValues,
} from "../fields/values.ts";
import {
  MessageListQuerySchema,
  NewMessageSchema,
  MailNewTicketSchema,
  NewTicketSchema,
  StaffNewTicketSchema,
  TicketListQuerySchema,
  TicketUpdateSchema,
  MAX_TAGS,
  type StaffNewTicketInput,
} from "./schemas.ts";

export type { Channel } from "../sla/policy.ts";

const slaTargetSelect = {
  target: true,
  cycle: true,
  startedAt: true,
  dueAt: true,
  atRiskAt: true,
  fulfilledAt: true,
  pausedSince: true,
  warnedAt: true,
  breachedAt: true,
} satisfies Prisma.SlaTargetSelect;

const summarySelect = {
  id: true,
  number: true,
  type: true,
  channel: true,
  priority: true,
  status: true,
  subject: true,
  tags: true,
  /** Custom field values by key, as stored: who may see which is the presenters' to decide (fields/values.ts visibleValues). */
  fields: true,
  createdAt: true,
  updatedAt: true,
  version: true,
  firstRespondedAt: true,
  solvedAt: true,
  slaState: true,
  slaDueAt: true,
  // Every run; summaries keep the current one of each target (currentTargets).
  slaTargets: { select: slaTargetSelect, orderBy: [{ target: "asc" }, { cycle: "desc" }] },
  requesterId: true,
  assigneeId: true,
  teamId: true,
  categoryId: true,
  requester: { select: { id: true, name: true, email: true, tier: true, company: { select: { name: true } } } },
  assignee: { select: { id: true, name: true } },
  team: { select: { id: true, name: true } },
  category: { select: { key: true, nameEn: true, nameZh: true } },
} satisfies Prisma.TicketSelect;

export type TicketSummary = Prisma.TicketGetPayload<{ select: typeof summarySelect }>;
export type SlaTargetView = TicketSummary["slaTargets"][number];

/** The latest run of each target (rows ordered by target, then cycle from the last). */
function currentTargets<T extends { slaTargets: SlaTargetView[] }>(ticket: T): T {
  const seen = new Set<string>();
  return { ...ticket, slaTargets: ticket.slaTargets.filter((run) => !seen.has(run.target) && seen.add(run.target)) };
}

/** A run as a summary shows it. */
function targetView(run: TargetRun): SlaTargetView {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    target: run.target,
    cycle: run.cycle,
    startedAt: new Date(run.startedAt),
    dueAt: date(run.dueAt),
    atRiskAt: date(run.atRiskAt),
    fulfilledAt: date(run.fulfilledAt),
    pausedSince: date(run.pausedSince),
    warnedAt: date(run.warnedAt),
    breachedAt: date(run.breachedAt),
  };
}

interface FilingContext {
  requester: { id: string; name: string; email: string; tier: CustomerTier; companyName: string | null; healthBand: string | null } | null;
  category: { id: string; key: string; nameEn: string; nameZh: string; teamId: string | null; teamName: string | null } | null;
  /** Which version of the SLA policies is stored (stored.ts). */
  policiesVersion: string;
  /** Which version of the custom field definitions is stored (fields/service.ts). */
  fieldsVersion: string;
  /** Which version of the routing rules (and calendars) is stored (rules/stored.ts). */
  rulesVersion: string;
  /** The new ticket's number, when the requester and category exist. */
  number: number | null;
}

/**
 * Who the ticket is for, its category with the team it routes to, the fingerprint of the SLA
 * policies (read again only when it changed: sla/stored.ts) and the ticket's number: one round trip.
 */
const FILING_CONTEXT_SQL = `
  SELECT r."requester", c."category", p."policiesVersion", p."fieldsVersion", p."rulesVersion",
    -- The number is taken here, so the events can name the ticket before it is written; only for a
    -- filing that can go ahead (a refused one must not use up numbers).
    CASE WHEN r."requester" IS NOT NULL AND c."category" IS NOT NULL
      THEN nextval(pg_get_serial_sequence('"Ticket"', 'number'))::int END AS "number"
  FROM
    (SELECT (SELECT json_build_object('id', cu."id", 'name', cu."name", 'email', cu."email", 'tier', cu."tier", 'companyName', co."name",
                                      'healthBand', (SELECT h."band" FROM "CustomerHealth" h WHERE h."customerId" = cu."id"))
               FROM "Customer" cu LEFT JOIN "Company" co ON co."id" = cu."companyId"
              WHERE cu."id" = coalesce($1, (SELECT "id" FROM "Customer" WHERE "email" = $2))) AS "requester") r,
    (SELECT (SELECT json_build_object('id', ca."id", 'key', ca."key", 'nameEn', ca."nameEn", 'nameZh', ca."nameZh", 'teamId', ca."teamId", 'teamName', tm."name")
               FROM "Category" ca LEFT JOIN "Team" tm ON tm."id" = ca."teamId"
              WHERE ca."key" = $3) AS "category") c,
    (SELECT ${POLICIES_VERSION_SQL} AS "policiesVersion", ${FIELDS_VERSION_SQL} AS "fieldsVersion", ${RULES_VERSION_SQL} AS "rulesVersion") p`;

/** A new ticket's version: the events name it. */
const FIRST_VERSION = 1;

/**
 * The ticket, its first message and its events, in one statement (the event
 * log's foreign keys are checked at its end, when the ticket is there).
 */
const INSERT_TICKET_SQL = `
  WITH ticket AS (
    INSERT INTO "Ticket" ("id", "type", "channel", "priority", "subject", "requesterId", "categoryId", "teamId",
                          "slaPolicyId", "createdAt", "updatedAt", "slaState", "slaDueAt", "number", "version", "language", "fields",
                          "assigneeId", "tags", "statusChangedAt")
    VALUES ($1, $2::"TicketType", $3::"Channel", $4::"Priority", $5, $6, $7, $8,
            $9, $10::timestamp(3), $10::timestamp(3), $11::"TicketSlaState", $12::timestamp(3), $16, ${FIRST_VERSION}, $19, $20::jsonb,
            $21, $22::text[], $10::timestamp(3))
  ), message AS (
    INSERT INTO "Message" ("id", "ticketId", "authorId", "kind", "body", "createdAt")
    VALUES ($13, $1, $14, 'public', $15, $10::timestamp(3))
  ), targets AS (
    ${upsertRunsSql("$18", "$10::timestamp(3)")}
  )
  ${appendEventsSql("$17")}`;

export interface FilingOptions {
  idempotency?: IdempotencyClaim;
  /**
   * Filed from a received mail (server/mail/inbound/): the inbound-mail job's own command
   * transaction (`within`: the ticket commits with the sender's contact, the mail's record and its
   * followers), the team of the address it was sent to (else the category's), any subject and text
   * length (a mail cannot be sent back to be made longer) and no custom fields: a mail cannot fill
   * them in, so required ones do not hold it up.
   */
  mail?: { within: Tx; teamId: string | null };
}

/**
 * Files a ticket. The busiest write of all, so it speaks plain SQL (sql.ts):
 * a read and one INSERT statement (ticket, first message and events) in one
 * transaction, then the in-transaction listeners.
 */
export async function createTicket(
  db: Db,
  user: AuthUser,
  rawInput: unknown,
  channel: Channel,
  now = new Date(),
  options: FilingOptions = {},
): Promise<TicketSummary> {
  // Custom fields are checked against the definitions last read (no query once read), so that a
  // refused filing uses up no ticket number; the filing context says whether they changed since.
  const audience = audienceOf(user);
  const known = await latestFieldDefinitions(db);
  const rawFields = options.mail ? undefined : (rawInput as { fields?: unknown } | null)?.fields;
  let values: FieldValues = {};
  const input: StaffNewTicketInput = allErrors(
    () =>
      options.mail
        ? parseInput(MailNewTicketSchema, rawInput)
        : can(user, "tickets.file_for_customer")
          ? parseInput(StaffNewTicketSchema, rawInput)
          : parseInput(NewTicketSchema, rawInput),
    () => {
      if (!options.mail) values = filedValues(parseFieldValues(known.fields, audience, "file", rawFields));
    },
  );
  const requesterEmail = requesterEmailFor(user, input);
  const ticketId = randomUUID();
  // `command` is the transaction's handle as emit() knows it; `sql` runs the statements.
  const file = async (sql: Sql, command: Tx | Sql) => {
    if (options.idempotency) await recordIdempotencyKey(sql, options.idempotency, ticketId, now);
    if (requesterEmail) {
      // A requester we have not heard from before becomes a customer (without an account).
      await sql.query(
        `INSERT INTO "Customer" ("id", "email", "name", "createdAt") VALUES ($1, $2, $3, $4::timestamp(3))
         ON CONFLICT ("email") DO NOTHING`,
        [randomUUID(), requesterEmail, requesterEmail.split("@")[0], now.toISOString()],
      );
    }
    const [{ requester, category, policiesVersion, fieldsVersion, rulesVersion, number }] = await sql.query<FilingContext>(FILING_CONTEXT_SQL, [
      requesterEmail ? null : user.customerId,
      requesterEmail,
      input.category,
    ]);
    if (!requester) throw forbidden();
    if (!category) throw new DomainError("validation_failed", "errors.validation", { category: ["validation.category"] });
    if (number === null) throw new Error("No ticket number was taken although requester and category exist");
    // A field was defined or changed a moment ago: check against the definitions as they are now.
    const definitions = fieldsVersion !== known.version ? await fieldDefinitionsAt(sql, fieldsVersion) : known.fields;
    if (fieldsVersion !== known.version && !options.mail) values = filedValues(parseFieldValues(definitions, audience, "file", rawFields));
    const filedTeamId = options.mail?.teamId ?? category.teamId;

    const filedPriority = input.priority ?? "normal";
    // From the words (no query); only words that cannot tell ask for the requester's own language.
    const spoken = detectLanguage(`${input.subject}\n${input.description}`);
    const language = filingLanguage(spoken, spoken ? null : requesterEmail ? await accountLocale(sql, requester.id) : user.locale);
    // The routing rules decide the ticket's values before it is written, so its SLA follows what they set.
    const rules = await currentRules(sql, rulesVersion);
    const filed: RuleFacts = {
      categoryId: category.id,
      type: input.type,
      priority: filedPriority,
      status: "new",
      channel,
      teamId: filedTeamId,
      assigneeId: null,
      tags: [],
      fields: values,
      language,
      tier: requester.tier,
      companyName: requester.companyName,
      healthBand: requester.healthBand,
      text: `${input.subject}\n${input.description}`,
    };
    const routed =
      rules.rules.length > 0
        ? await runRulesChecked(sql, rules.rules, filed, null, { now: now.getTime(), calendars: rules.calendars, fields: definitions })
        : { facts: filed, effects: [] };
    const { priority, type, teamId, assigneeId, tags } = routed.facts;
    values = routed.facts.fields;

    const policies = await currentPolicies(sql, policiesVersion);
    const sla = newTicketSla(policies, { type, priority, tier: requester.tier, channel, categoryId: category.id, teamId }, now);
    const messageId = randomUUID();
    const version = FIRST_VERSION;
    const about = { ticketId, customerId: requester.id, actorId: user.id, at: now };
    const noteIds = noteIdsFor(routed.effects);
    const events: NewEvent[] = [
      // As filed; what the rules changed follows as their own events.
      {
        ...about,
        type: "ticket.created",
        data: {
          number,
          type: input.type,
          channel,
          priority: filedPriority,
          teamId: filedTeamId,
          version,
        },
      },
      { ...about, type: "ticket.message_added", data: { messageId, kind: "public", version } },
      ...slaEvents({ id: ticketId, requesterId: requester.id }, sla.events, now),
    ];
    await sql.query(INSERT_TICKET_SQL, [
      ticketId,
      type,
      channel,
      priority,
      input.subject,
      requester.id,
      category.id,
      teamId,
      sla.policyId,
      now.toISOString(),
      sla.state,
      sla.dueAt === null ? null : new Date(sla.dueAt).toISOString(),
      messageId,
      // Staff filing on a customer's behalf are the author of the text, not the customer.
      user.id,
      input.description,
      number,
      appendingEvents(command, events),
      runsJson(sla.runs.map((run) => ({ ticketId, run }))),
      language,
      JSON.stringify(values),
      assigneeId,
      tags,
    ]);
    await claimAttachments(sql, user, messageId, input.attachments);
    if (routed.effects.length > 0) {
      // The rules' notes and notifications, once the ticket they name is written, then their events
      // (whom they told is known now), handled with the filing's own.
      const rows = await writeRuleRows(sql, ticketId, routed.effects, noteIds, now);
      const routing = [...ruleEvents(routed.effects, about, "create", version, now, noteIds, rows.notified), ...rows.events];
      await sql.query(appendEventsSql("$1"), [appendingEvents(command, routing)]);
      events.push(...routing);
    }
    await emitted(sql, events);
    // Rare: a level due at once (the policy's at-risk time is at filing).
    if (sla.events.some((e) => e.kind === "escalated")) {
      const about = { id: ticketId, requesterId: requester.id, priority, teamId, assigneeId, tags, version };
      await emit(command, await escalateFiled(sql, about, policies, sla.events, now));
      return getTicketSummaryById(sql, ticketId);
    }
    // Handed to a team or person by a rule (or the mail's address): read with their names.
    if (teamId !== category.teamId || assigneeId !== null) return getTicketSummaryById(sql, ticketId);
    return {
      id: ticketId,
      number,
      type,
      channel,
      priority,
      status: "new",
      subject: input.subject,
      tags,
      fields: values,
      createdAt: now,
      updatedAt: now,
      version,
      firstRespondedAt: null,
      solvedAt: null,
      slaState: sla.state,
      slaDueAt: sla.dueAt === null ? null : new Date(sla.dueAt),
      slaTargets: sla.runs.map(targetView),
      requesterId: requester.id,
      assigneeId: null,
      teamId: category.teamId,
      categoryId: category.id,
      requester: {
        id: requester.id,
        name: requester.name,
        email: requester.email,
        tier: requester.tier,
        company: requester.companyName === null ? null : { name: requester.companyName },
      },
      assignee: null,
      team: category.teamId === null ? null : { id: category.teamId, name: category.teamName ?? "" },
      category: { key: category.key, nameEn: category.nameEn, nameZh: category.nameZh },
    } satisfies TicketSummary;
  };
  return options.mail ? file(asSql(options.mail.within), options.mail.within) : inSqlTransaction(db, (sql) => file(sql, sql));
}

/** A customer's own language, if they have an account. */
async function accountLocale(sql: Sql, customerId: string): Promise<string | null> {
  const [row] = await sql.query<{ locale: string }>(`SELECT u."locale" FROM "Customer" c JOIN "User" u ON u."id" = c."userId" WHERE c."id" = $1`, [customerId]);
  return row?.locale ?? null;
}

/** Custom field values as sent (`raw`), parsed against the definitions for the audience; errors on "fields.<key>". */
function parseFieldValues(definitions: readonly FieldDefinition[], audience: Audience, mode: "file" | "update", raw: unknown, current?: FieldValues) {
  return parseInput(z.object({ fields: fieldValuesSchema(definitions, audience, mode, current) }), { fields: raw }).fields;
}

/** Runs each parse and reports the problems of all of them at once (a form shows every field's error together). */
function allErrors<T>(first: () => T, ...more: (() => void)[]): T {
  const details: Record<string, string[]> = {};
  const collect = (error: unknown) => {
    if (!(error instanceof DomainError) || error.code !== "validation_failed" || !error.details) throw error;
    for (const [field, keys] of Object.entries(error.details)) details[field] = [...new Set([...(details[field] ?? []), ...keys])];
  };
  let result: T | undefined;
  try {
    result = first();
  } catch (error) {
    collect(error);
  }
  for (const parse of more) {
    try {
      parse();
    } catch (error) {
      collect(error);
    }
  }
  if (Object.keys(details).length > 0) throw new DomainError("validation_failed", "errors.validation", details);
  return result as T;
}

/** Whom staff file for (lower-cased); null when a customer files for themselves. */
function requesterEmailFor(user: AuthUser, input: StaffNewTicketInput): string | null {
  if (!can(user, "tickets.file_for_customer")) {
    if (!can(user, "tickets.file") || !user.customerId) throw forbidden();
    return null;
  }
  if (!input.requesterEmail) {
    throw new DomainError("validation_failed", "errors.validation", { requesterEmail: ["validation.email"] });
  }
  return input.requesterEmail.toLowerCase();
}

export interface TicketPage extends Page<TicketSummary> {
  /** Tickets matching the filter, and how many of them come before this page (with `counts`). */
  total?: number;
  offset?: number;
  /** True when more than COUNT_LIMIT tickets match: `total` is then COUNT_LIMIT, a lower bound. */
  totalCapped?: boolean;
  /** The same for `offset` (a page deep into a long list). */
  offsetCapped?: boolean;
}

/**
 * Lists count their tickets up to here, then say "more than 10,000". The
 * queue's active tickets are counted in full from a small index, but "every
 * ticket" on a desk with years of history is hundreds of thousands of rows:
 * counting them exactly would cost more than the page itself.
 */
export const COUNT_LIMIT = 10_000;

/**
 * Tickets the user may see, newest first, a page at a time (keyset on
 * createdAt, id). One SQL query for the page with everything a row shows
 * (the queue is the busiest page), and with `counts` its total, counted up
 * to COUNT_LIMIT when no count is remembered since the last change (counts.ts). The active statuses are written out so that PostgreSQL uses
 * the small index of active tickets (see the migration ticket_queue_indexes).
 */
export async function listTickets(
  db: Db,
  user: AuthUser,
  rawQuery: unknown = {},
  options: { counts?: boolean; view?: ResolvedView } = {},
): Promise<TicketPage> {
  const query = parseInput(TicketListQuerySchema, rawQuery);
  // One order at a time: its cursor is decoded by the same order that made it.
  const order = TICKET_ORDERS[query.sort] as TicketOrder<unknown>;
  const cursor = query.cursor ? order.decode(query.cursor) : null;
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const filter = ticketFilter(user, query, options.view, param);
  // The total is kept until a ticket changes (counts.ts); the offset is counted on later pages only.
  const keptTotal = options.counts ? ticketCounts(db).lookup(`${filter}\u0000${JSON.stringify(params)}`) : null;
  const keyed = cursor ? order.keyed(cursor, param) : null;

  // The page and, with `counts`, its counts, in one round trip.
  const counts = keptTotal
    ? `${keptTotal.count === undefined ? countedSql(filter) : "NULL::int"} AS "_total", ${keyed ? countedSql(`${filter} AND ${keyed.upTo}`) : "0"} AS "_offset"`
    : `NULL::int AS "_total", NULL::int AS "_offset"`;
  const rows = await sqlOf(db).query<SummaryRow & { _total: number | null; _offset: number | null }>(
    `WITH page AS (
       SELECT ${TICKET_COLUMNS} FROM "Ticket" t
       WHERE ${filter}${keyed ? ` AND ${keyed.after}` : ""}
       ORDER BY ${order.orderBy("t")}
       LIMIT ${param(query.limit + 1)}
     )
     SELECT page.*, ${RELATED_COLUMNS}, ${counts}
     FROM (SELECT 1) one LEFT JOIN page ON true
       LEFT JOIN "Customer" r ON r."id" = page."requesterId"
       LEFT JOIN "Category" c ON c."id" = page."categoryId"
     ORDER BY ${order.orderBy("page")}`,
    params,
  );
  // An empty page still brings the counts: one row with nothing of a ticket.
  const found = rows.filter((row) => row.id !== null).map(summaryFromRow);
  const items = found.slice(0, query.limit);
  const page: TicketPage = { items, nextCursor: found.length > query.limit ? order.cursorAfter(items[items.length - 1]) : null };
  if (keptTotal) {
    const offset = rows[0]._offset ?? 0;
    let total = keptTotal.count ?? rows[0]._total ?? 0;
    if (keptTotal.count === undefined) keptTotal.remember(total);
    // What this page shows is certain: a count kept from a moment ago (another process's change
    // not yet heard) must not say fewer, and the last page knows its total exactly.
    if (offset <= COUNT_LIMIT) {
      const shown = offset + page.items.length;
      total = page.nextCursor ? Math.max(total, shown + 1) : shown;
    }
    page.total = Math.min(total, COUNT_LIMIT);
    page.totalCapped = total > COUNT_LIMIT;
    page.offset = Math.min(offset, COUNT_LIMIT);
    page.offsetCapped = offset > COUNT_LIMIT;
  }
  return page;
}

type ListFilter = Pick<z.infer<typeof TicketListQuerySchema>, "status" | "view">;

/** The tickets a list holds, as one SQL condition on `t`: what the user may see, narrowed by the query and a view. */
function ticketFilter(user: AuthUser, query: ListFilter, view: ResolvedView | undefined, param: (value: unknown) => string): string {
  const where = [ticketsSql(user, param)];
  // Statuses are written into the text (checked against the enum above): a prepared statement's
  // generic plan must not guess how common "a status" is, and "active" must match the partial index.
  if (query.status === "active") where.push(`t."status" IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ")})`);
  else if (query.status) where.push(`t."status" = '${query.status}'`);
  if (query.view === "mine") where.push(`t."assigneeId" = ${param(user.id)}`);
  if (query.view === "unassigned") where.push(`t."assigneeId" IS NULL`);
  if (view) where.push(...viewSql(view, param));
  return where.join(" AND ");
}

const countedSql = (condition: string) =>
  `(SELECT count(*)::int FROM (SELECT 1 FROM "Ticket" t WHERE ${condition} LIMIT ${COUNT_LIMIT + 1}) x)`;

export interface ViewCount {
  /** Up to COUNT_LIMIT. */
  count: number;
  /** More than COUNT_LIMIT match. */
  capped: boolean;
}

/**
 * How many tickets each view holds for the user (what listTickets would count
 * for it), up to COUNT_LIMIT: the counts kept since the last change to any
 * ticket (counts.ts), and the rest in one statement.
 */
export async function countViews(db: Db, user: AuthUser, views: ResolvedView[]): Promise<ViewCount[]> {
  const cache = ticketCounts(db);
  const params: unknown[] = [];
  const columns: string[] = [];
  const pending: { index: number; remember: (count: number) => void }[] = [];
  const counts: number[] = [];
  views.forEach((view, index) => {
    // Each view's condition with its own numbering, as listTickets writes it, so the two share kept counts.
    const own: unknown[] = [];
    const filter = ticketFilter(user, { view: "all" }, view, (value) => {
      own.push(value);
      return `$${own.length}`;
    });
    const kept = cache.lookup(`${filter}\u0000${JSON.stringify(own)}`);
    if (kept.count !== undefined) {
      counts[index] = kept.count;
      return;
    }
    const offset = params.length;
    params.push(...own);
    columns.push(`${countedSql(filter.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`))} AS "c${pending.length}"`);
    pending.push({ index, remember: kept.remember });
  });
  if (pending.length > 0) {
    const [row] = await sqlOf(db).query<Record<string, number>>(`SELECT ${columns.join(", ")}`, params);
    pending.forEach(({ index, remember }, i) => {
      counts[index] = row[`c${i}`];
      remember(counts[index]);
    });
  }
  return counts.map((count) => ({ count: Math.min(count, COUNT_LIMIT), capped: count > COUNT_LIMIT }));
}

/** How a ticket list is ordered and paged: by keyset, so a page never skips or repeats tickets. */
interface TicketOrder<K> {
  orderBy(alias: string): string;
  decode(cursor: string): K;
  /** The conditions for the rows after the key, and for those up to it (the offset count). */
  keyed(key: K, param: (value: unknown) => string): { after: string; upTo: string };
  cursorAfter(ticket: TicketSummary): string;
}

const DueKeysetSchema = z.tuple([z.iso.datetime().nullable(), z.string().min(1).max(100)]);
const UpdatedKeysetSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(100)]);

const TICKET_ORDERS = {
  /** Newest first. */
  created: {
    orderBy: (a) => `${a}."createdAt" DESC, ${a}."id" DESC`,
    decode: decodeKeyset,
    keyed(key, param) {
      const k = `(${param(key.createdAt.toISOString())}::timestamp(3), ${param(key.id)}::text)`;
      return { after: `(t."createdAt", t."id") < ${k}`, upTo: `(t."createdAt", t."id") >= ${k}` };
    },
    cursorAfter: (t) => encodeKeyset(t),
  } satisfies TicketOrder<Keyset>,
  /** The latest change first. */
  updated: {
    orderBy: (a) => `${a}."updatedAt" DESC, ${a}."id" DESC`,
    decode(cursor) {
      const parsed = UpdatedKeysetSchema.safeParse(decodeCursor(cursor));
      if (!parsed.success) throw new DomainError("validation_failed", "errors.validation", { cursor: ["validation.cursor"] });
      return { updatedAt: parsed.data[0], id: parsed.data[1] };
    },
    keyed(key, param) {
      const k = `(${param(key.updatedAt)}::timestamp(3), ${param(key.id)}::text)`;
      return { after: `(t."updatedAt", t."id") < ${k}`, upTo: `(t."updatedAt", t."id") >= ${k}` };
    },
    cursorAfter: (t) => encodeCursor([t.updatedAt.toISOString(), t.id]),
  } satisfies TicketOrder<{ updatedAt: string; id: string }>,
  /** The next SLA due time first; tickets with no running target (no due time) after all others. */
  due: {
    orderBy: (a) => `${a}."slaDueAt" ASC NULLS LAST, ${a}."id" ASC`,
    decode(cursor) {
      const parsed = DueKeysetSchema.safeParse(decodeCursor(cursor));
      if (!parsed.success) throw new DomainError("validation_failed", "errors.validation", { cursor: ["validation.cursor"] });
      return { dueAt: parsed.data[0], id: parsed.data[1] };
    },
    keyed(key, param) {
      const id = `${param(key.id)}::text`;
      if (key.dueAt === null) return { after: `(t."slaDueAt" IS NULL AND t."id" > ${id})`, upTo: `(t."slaDueAt" IS NOT NULL OR t."id" <= ${id})` };
      const due = `${param(key.dueAt)}::timestamp(3)`;
      return {
        after: `(t."slaDueAt" > ${due} OR (t."slaDueAt" = ${due} AND t."id" > ${id}) OR t."slaDueAt" IS NULL)`,
        upTo: `(t."slaDueAt" < ${due} OR (t."slaDueAt" = ${due} AND t."id" <= ${id}))`,
      };
    },
    cursorAfter: (t) => encodeCursor([t.slaDueAt?.toISOString() ?? null, t.id]),
  } satisfies TicketOrder<{ dueAt: string | null; id: string }>,
};

/**
 * What summarySelect reads, as SQL: the ticket's own columns (of `t`), then
 * what it names (from the page's rows). Names of the company, assignee and
 * team are subqueries rather than joins, which keeps planning the statement
 * (done for every request) cheap.
 */
const TICKET_COLUMNS = `t."id", t."number", t."type"::text, t."channel"::text, t."priority"::text, t."status"::text,
  t."subject", t."tags", t."createdAt", t."updatedAt", t."version", t."firstRespondedAt", t."solvedAt",
  t."slaState"::text, t."slaDueAt", t."requesterId", t."assigneeId", t."teamId", t."categoryId", t."fields"`;

const RELATED_COLUMNS = `(SELECT coalesce(json_agg(json_build_object('target', s."target", 'cycle', s."cycle", 'startedAt', s."startedAt",
      'dueAt', s."dueAt", 'atRiskAt', s."atRiskAt", 'fulfilledAt', s."fulfilledAt", 'pausedSince', s."pausedSince",
      'warnedAt', s."warnedAt", 'breachedAt', s."breachedAt") ORDER BY s."target"), '[]')
     FROM (SELECT DISTINCT ON (st."target") st.* FROM "SlaTarget" st WHERE st."ticketId" = page."id" ORDER BY st."target", st."cycle" DESC) s) AS "slaTargets",
  r."name" AS "requesterName", r."email" AS "requesterEmail", r."tier"::text AS "requesterTier",
  (SELECT co."name" FROM "Company" co WHERE co."id" = r."companyId") AS "companyName",
  (SELECT a."name" FROM "User" a WHERE a."id" = page."assigneeId") AS "assigneeName",
  (SELECT tm."name" FROM "Team" tm WHERE tm."id" = page."teamId") AS "teamName",
  c."key" AS "categoryKey", c."nameEn" AS "categoryNameEn", c."nameZh" AS "categoryNameZh"`;

type SummaryRow = Omit<TicketSummary, "requester" | "assignee" | "team" | "category" | "slaTargets"> & {
  /** As JSON: instants are strings (timestamp(3) without zone, so UTC). */
  slaTargets: Record<keyof SlaTargetView, string | number | null>[];
  requesterName: string;
  requesterEmail: string;
  requesterTier: TicketSummary["requester"]["tier"];
  companyName: string | null;
  assigneeName: string | null;
  teamName: string | null;
  categoryKey: string;
  categoryNameEn: string;
  categoryNameZh: string;
};

function targetFromJson(json: SummaryRow["slaTargets"][number]): SlaTargetView {
  const date = (value: string | number | null) => (value === null ? null : new Date(`${value}Z`));
  return {
    target: json.target as SlaTargetView["target"],
    cycle: json.cycle as number,
    startedAt: date(json.startedAt)!,
    dueAt: date(json.dueAt),
    atRiskAt: date(json.atRiskAt),
    fulfilledAt: date(json.fulfilledAt),
    pausedSince: date(json.pausedSince),
    warnedAt: date(json.warnedAt),
    breachedAt: date(json.breachedAt),
  };
}

function summaryFromRow(row: SummaryRow): TicketSummary {
  return {
    id: row.id,
    number: row.number,
    type: row.type,
    channel: row.channel,
    priority: row.priority,
    status: row.status,
    subject: row.subject,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
    firstRespondedAt: row.firstRespondedAt,
    solvedAt: row.solvedAt,
    slaState: row.slaState,
    slaDueAt: row.slaDueAt,
    slaTargets: row.slaTargets.map(targetFromJson),
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    categoryId: row.categoryId,
    fields: row.fields,
    requester: {
      id: row.requesterId,
      name: row.requesterName,
      email: row.requesterEmail,
      tier: row.requesterTier,
      company: row.companyName === null ? null : { name: row.companyName },
    },
    assignee: row.assigneeId && row.assigneeName !== null ? { id: row.assigneeId, name: row.assigneeName } : null,
    team: row.teamId && row.teamName !== null ? { id: row.teamId, name: row.teamName } : null,
    category: { key: row.categoryKey, nameEn: row.categoryNameEn, nameZh: row.categoryNameZh },
  };
}

/** A ticket's thread, oldest first, a page at a time; customers never get internal notes. */
export async function listMessages(db: Tx, user: AuthUser, number: number, rawQuery: unknown = {}): Promise<Page<MessageView>> {
  const query = parseInput(MessageListQuerySchema, rawQuery);
  const cursor = query.cursor ? decodeKeyset(query.cursor) : null;
  const ticket = await findVisibleTicket(db, user, number);
  const rows = await db.message.findMany({
    where: {
      ticketId: ticket.id,
      ...(can(user, "tickets.internal", ticket) ? {} : { kind: "public" }),
      ...(cursor ? afterKeyset(cursor, "asc") : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: messageSelect,
    take: query.limit + 1,
  });
  return keysetPage(rows, query.limit);
}

/**
 * Locks the ticket row for the rest of the transaction, so two writes to one
 * ticket (a double-clicked "solve", a reply racing a status change) apply one
 * after the other and each sees the other's result.
 */
export async function lockTicket(tx: Tx, number: number) {
  await tx.$executeRaw`SELECT 1 FROM "Ticket" WHERE "number" = ${number} FOR UPDATE`;
}

/** A ticket this user filed (an idempotent retry's answer), if they may still see it. */
export async function getTicketSummary(db: Tx, user: AuthUser, ticketId: string): Promise<TicketSummary> {
  const ticket = await db.ticket.findUnique({ where: { id: ticketId }, select: summarySelect });
  if (!ticket || !can(user, "tickets.view", ticket)) throw notFound("errors.ticketNotFound");
  return currentTargets(ticket);
}

/** A message this user added (an idempotent retry's answer), if they may still see it. */
export async function getMessage(db: Tx, user: AuthUser, number: number, messageId: string): Promise<MessageView> {
  const ticket = await findVisibleTicket(db, user, number);
  const message = await db.message.findFirst({ where: { id: messageId, ticketId: ticket.id }, select: messageSelect });
  if (!message || (message.kind === "internal" && !can(user, "tickets.internal", ticket))) throw notFound();
  return message;
}

/**
 * A ticket by id whoever asks: for callers that decide access otherwise. Only the inbound-mail job,
 * which goes by the mail's reply token and the ticket's participants, not by a session.
 */
export async function findTicketForMail(db: Tx, ticketId: string): Promise<VisibleTicket | null> {
  const ticket = await db.ticket.findUnique({ where: { id: ticketId }, select: summarySelect });
  return ticket ? currentTargets(ticket) : null;
}

export async function findVisibleTicket(db: Tx, user: AuthUser, number: number) {
  const ticket = await db.ticket.findUnique({ where: { number }, select: summarySelect });
  // Someone else's ticket is "not found", so numbers cannot be probed.
  if (!ticket || !can(user, "tickets.view", ticket)) throw notFound("errors.ticketNotFound");
  return currentTargets(ticket);
}

export async function getTicket(db: Tx, user: AuthUser, number: number) {
  const ticket = await findVisibleTicket(db, user, number);
  const messages = await db.message.findMany({
    where: { ticketId: ticket.id, ...(can(user, "tickets.internal", ticket) ? {} : { kind: "public" }) },
    orderBy: { createdAt: "asc" },
    select: messageSelect,
  });
  // The history of changes is for staff, like the internal notes.
  const { timeline, slaHistory } = can(user, "tickets.internal", ticket) ? await ticketTimeline(db, ticket.id) : { timeline: [], slaHistory: [] };
  const survey = await db.survey.findUnique({
    where: { ticketId: ticket.id },
    select: { token: true, rating: true, comment: true, respondedAt: true, expiresAt: true },
  });
  // Only the requester gets the survey link, and only while the ticket is
  // solved: a reopened ticket is being worked again (solved once more, it
  // offers the same survey). Staff see the answer.
  const offered =
    survey !== null &&
    user.customerId === ticket.requesterId &&
    !isActive(ticket.status) &&
    !survey.respondedAt &&
    survey.expiresAt > new Date();
  const surveyView = survey
    ? { rating: survey.rating, comment: survey.comment, respondedAt: survey.respondedAt, token: offered ? survey.token : null }
    : null;
  // People copied on it by mail (they get its public replies in Cc): for staff, like the timeline.
  const followers = can(user, "tickets.internal", ticket)
    ? (await db.ticketFollower.findMany({ where: { ticketId: ticket.id }, select: { customer: { select: { name: true, email: true } } }, orderBy: { createdAt: "asc" } })).map(
        (f) => f.customer,
      )
    : [];
  return { ticket, messages, survey: surveyView, timeline, slaHistory, followers, links: await ticketLinks(db, user, ticket.id) };
}

/** Tickets merged into this one, and the one it was merged into: those the user may see. */
async function ticketLinks(db: Tx, user: AuthUser, ticketId: string) {
  const linkSelect = { number: true, subject: true, status: true, requesterId: true, teamId: true, assigneeId: true } as const;
  const row = await db.ticket.findUniqueOrThrow({
    where: { id: ticketId },
    select: { mergedInto: { select: linkSelect }, mergedFrom: { select: linkSelect, orderBy: { number: "asc" } } },
  });
  const shown = (t: Prisma.TicketGetPayload<{ select: typeof linkSelect }>) => ({ number: t.number, subject: t.subject, status: t.status });
  return {
    mergedInto: row.mergedInto && can(user, "tickets.view", row.mergedInto) ? shown(row.mergedInto) : null,
    mergedFrom: row.mergedFrom.filter((t) => can(user, "tickets.view", t)).map(shown),
  };
}

async function ticketEvents(db: Tx, ticketId: string, afterVersion?: number): Promise<StoredEvent[]> {
  const rows = await db.$queryRawUnsafe<EventRow[]>(
    `SELECT id, txid::text AS txid, type, "ticketId", "customerId", "actorId", at, data
     FROM "DomainEvent" WHERE "ticketId" = $1 AND ($2::int IS NULL OR (data->>'version')::int > $2)
     ORDER BY id`,
    ticketId,
    afterVersion ?? null,
  );
  // A row this release cannot read (written by a newer one, during a rolling deploy) is left out.
  return parseEventRows(rows).events;
}

async function ticketTimeline(db: Tx, ticketId: string) {
  // In the order things happened (a missed target is dated at its due time).
  const events = (await ticketEvents(db, ticketId)).sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.id - b.id));
  const ids = mentionedIds(events);
  const slaHistory = buildSlaHistory(events);
  const [users, teams, policies, categories] = await Promise.all([
    ids.users.length ? db.user.findMany({ where: { id: { in: ids.users } }, select: { id: true, name: true } }) : [],
    ids.teams.length ? db.team.findMany({ where: { id: { in: ids.teams } }, select: { id: true, name: true } }) : [],
    ids.policies.length ? db.slaPolicy.findMany({ where: { id: { in: ids.policies } }, select: { id: true, name: true } }) : [],
    ids.categories.length ? db.category.findMany({ where: { id: { in: ids.categories } }, select: { id: true, nameEn: true, nameZh: true } }) : [],
  ]);
  const policyNames = new Map(policies.map((p) => [p.id, p.name]));
  return {
    timeline: buildTimeline(events, {
      users: new Map(users.map((u) => [u.id, u.name])),
      teams: new Map(teams.map((t) => [t.id, t.name])),
      policies: policyNames,
      categories: new Map(categories.map((c) => [c.id, c])),
      fields: events.some((e) => e.type === CUSTOM_FIELD_EVENT) ? new Map((await fieldDefinitions(db)).map((f) => [f.key, f])) : undefined,
    }),
    // A policy removed since keeps no name: the history says "a removed policy".
    slaHistory: slaHistory.map((h) => ({ ...h, policy: h.policyId ? (policyNames.get(h.policyId) ?? null) : null })),
  };
}

const messageSelect = {
  id: true,
  ticketId: true,
  kind: true,
  body: true,
  createdAt: true,
  author: { select: { id: true, name: true, role: true } },
  attachments: { select: { id: true, filename: true, contentType: true, size: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
} satisfies Prisma.MessageSelect;

export type MessageView = Prisma.MessageGetPayload<{ select: typeof messageSelect }>;

/** Messages by id, oldest first, in the shape of `messageSelect` (plain SQL: live delivery reads them for every batch). */
export async function getMessages(db: Db, messageIds: string[]): Promise<MessageView[]> {
  return messagesOf(sqlOf(db), messageIds);
}

function messagesOf(sql: Sql, messageIds: string[]): Promise<MessageView[]> {
  return sql.query<MessageView>(
    `SELECT m."id", m."ticketId", m."kind", m."body", m."createdAt",
            CASE WHEN u."id" IS NULL THEN NULL ELSE json_build_object('id', u."id", 'name', u."name", 'role', u."role") END AS "author",
            COALESCE((SELECT json_agg(json_build_object('id', a."id", 'filename', a."filename", 'contentType', a."contentType", 'size', a."size")
                                      ORDER BY a."createdAt", a."id")
                        FROM "Attachment" a WHERE a."messageId" = m."id"), '[]'::json) AS "attachments"
       FROM "Message" m LEFT JOIN "User" u ON u."id" = m."authorId"
      WHERE m."id" = ANY($1::text[])
      ORDER BY m."createdAt", m."id"`,
    [messageIds],
  );
}

export async function addMessage(
  db: Db,
  user: AuthUser,
  number: number,
  rawInput: unknown,
  now = new Date(),
  options: { idempotency?: IdempotencyClaim } = {},
): Promise<MessageView> {
  const input = parseInput(NewMessageSchema, rawInput);
  // Refused before taking the ticket's lock; checked again on the ticket below.
  if (!can(user, messagePermission(input.kind))) throw forbidden();
  const messageId = randomUUID();
  return inTransaction(db, async (tx) => {
    if (options.idempotency) await recordIdempotencyKey(asSql(tx), options.idempotency, messageId, now);
    await lockTicket(tx, number);
    const ticket = await findVisibleTicket(tx, user, number);
    await refuseStaleReply(tx, user, ticket, input.seenVersion);
    return writeMessage(tx, user, ticket, input, now, messageId);
  });
}

/**
 * Someone else wrote on the ticket or changed it while this person was
 * writing (since `seenVersion`, a ticket locked in this transaction): they
 * see what happened before their message goes (their own changes meanwhile
 * do not count). Messages, and macros that write one, ask.
 */
export async function refuseStaleReply(tx: Tx, user: AuthUser, ticket: VisibleTicket, seenVersion: number | undefined): Promise<void> {
  // For staff only: versions move with internal changes a customer may not hear of.
  if (seenVersion === undefined || seenVersion >= ticket.version || !can(user, "tickets.internal", ticket)) return;
  const byOthers = (await ticketEvents(tx, ticket.id, seenVersion)).filter((e) => e.actorId !== user.id);
  const messageIds = byOthers.flatMap((e) => (e.type === "ticket.message_added" ? [e.data.messageId] : []));
  const messages = await messagesOf(asSql(tx), messageIds);
  const changes = fieldChanges(byOthers);
  if (messages.length > 0 || changes.length > 0) throw new StaleReplyError(ticket, messages, changes);
}

export type VisibleTicket = Awaited<ReturnType<typeof findVisibleTicket>>;
export type NewMessage = z.output<typeof NewMessageSchema>;

const messagePermission = (kind: NewMessage["kind"]) => (kind === "internal" ? "tickets.internal" : "tickets.reply");

/**
 * Adds a message to a ticket locked in this transaction (addMessage, macros, received mail).
 *
 * `follower`: the writer is a customer who follows the ticket (TicketFollower, someone copied on
 * it) without being its requester. Only the inbound-mail job says so, once it has checked the
 * follower row and the mail's reply token (server/mail/inbound/process.ts): followers have no grant
 * in the policy (they see nothing in the portal), so this stands in for the ticket check, for a
 * public reply only. Their reply is the customer's side, as the requester's is.
 */
export async function writeMessage(
  tx: Tx,
  user: AuthUser,
  ticket: VisibleTicket,
  input: NewMessage,
  now: Date,
  messageId: string = randomUUID(),
  options: { follower?: boolean } = {},
): Promise<MessageView> {
  const follower = options.follower === true && input.kind === "public" && user.customerId !== null;
  if (follower ? !can(user, "tickets.reply") : !can(user, messagePermission(input.kind), ticket)) throw forbidden();
  // The customer's side of the conversation: its requester, or someone copied on it.
  const fromCustomer = user.customerId === ticket.requesterId || follower;
  if (ticket.status === "closed") throw new DomainError("conflict", "errors.ticketClosed");
  // Where the helpdesk says so, a solved request takes no more replies from its requester (a new one is filed instead).
  if (ticket.status === "solved" && fromCustomer && !(await currentSettings(tx)).portalReopenByReply) {
    throw new DomainError("conflict", "errors.solvedNoReplies");
  }

  await tx.message.create({
    data: { id: messageId, ticketId: ticket.id, authorId: user.id, kind: input.kind, body: input.body, createdAt: now },
  });
  await claimAttachments(asSql(tx), user, messageId, input.attachments);
  const message = await tx.message.findUniqueOrThrow({ where: { id: messageId }, select: messageSelect });

  const changes: Prisma.TicketUpdateInput = {};
  let status: TicketFields["status"] = ticket.status;
  // Who wrote decides the status effects (and the SLA clocks: server/listeners/sla-clocks.ts).
  if (input.kind === "public" && !fromCustomer) {
    if (!ticket.firstRespondedAt) changes.firstRespondedAt = now;
    if (ticket.status === "new") status = "open";
  }
  // A customer writing back re-opens a ticket that was waiting on them or solved.
  if (fromCustomer && ["pending", "solved"].includes(ticket.status)) {
    status = "open";
    changes.solvedAt = null;
  }
  if (status !== ticket.status) changes.status = status;
  const version = ticket.version + 1;
  await tx.ticket.update({ where: { id: ticket.id }, data: { ...changes, updatedAt: now, version } });
  const about = { ticketId: ticket.id, customerId: ticket.requesterId, actorId: user.id, at: now };
  const events: NewEvent[] = [{ ...about, type: "ticket.message_added", data: { messageId: message.id, kind: input.kind, version } }];
  if (status !== ticket.status) {
    events.push({ ...about, type: "ticket.status_changed", data: { from: ticket.status, to: status, version } });
  }
  await emit(tx, events);
  return message;
}

export type TicketUpdate = z.output<typeof TicketUpdateSchema>;

/**
 * Changes a ticket's properties. `from: "form"` says the input is a whole
 * form (every field, changed or not) rather than the fields to change; it
 * matters only with a version (see planUpdate).
 */
export async function updateTicket(
  db: Db,
  user: AuthUser,
  number: number,
  rawInput: unknown,
  now = new Date(),
  from: "fields" | "form" = "fields",
): Promise<TicketSummary> {
  const input = parseInput(TicketUpdateSchema, rawInput);
  return inTransaction(db, async (tx) => {
    await lockTicket(tx, number);
    const ticket = await findVisibleTicket(tx, user, number);
    const changed = await changeTicket(tx, user, ticket, input, now, from);
    if (!changed) return ticket;
    // Read after the listeners (the SLA clocks may have moved with the change), whether or not the
    // change took the ticket out of the user's sight (moved to a team they are not in).
    return currentTargets(await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: summarySelect }));
  });
}

/** Changes the properties of a ticket locked in this transaction (updateTicket, macros); false when nothing changed. */
export async function changeTicket(
  tx: Tx,
  user: AuthUser,
  ticket: VisibleTicket,
  input: TicketUpdate,
  now: Date,
  from: "fields" | "form" = "fields",
): Promise<boolean> {
  const { version: seenVersion, addTags, removeTags, fields: fieldInput, ...requested } = input;
  if (!can(user, "tickets.update", ticket)) throw forbidden();

  const current: TicketFields = {
    status: ticket.status,
    priority: ticket.priority,
    type: ticket.type,
    assigneeId: ticket.assigneeId,
    teamId: ticket.teamId,
    tags: ticket.tags,
  };
  if (seenVersion !== undefined && seenVersion > ticket.version) {
    throw new DomainError("validation_failed", "errors.validation", { version: ["validation.versionAhead"] });
  }
  // Custom fields: staff set any active field; values checked against the definitions as they are now.
  const storedFields = storedValues(ticket.fields);
  const fieldValues = fieldInput === undefined ? null : parseFieldValues(await fieldDefinitions(tx), "staff", "update", fieldInput, storedFields);
  const seen =
    seenVersion !== undefined && seenVersion < ticket.version
      ? {
          version: seenVersion,
          changesSince: fieldChanges(await ticketEvents(tx, ticket.id, seenVersion)),
          actorId: user.id,
          wholeForm: from === "form",
        }
      : null;
  const { apply, conflicts } = planUpdate(current, requested, seen);
  const fieldPlan = fieldValues
    ? planFieldUpdate(storedFields, fieldValues, seen && { ...seen, changesSince: seen.changesSince.flatMap(customFieldChange) })
    : { apply: {}, conflicts: [] };
  conflicts.push(...fieldPlan.conflicts.map((c): FieldChange => ({ ...c, field: `fields.${c.key}` })));
  if (conflicts.length > 0) throw new StaleTicketError(ticket, conflicts);
  // Tags added or removed apply to the tags the ticket has now: they never conflict.
  if ((addTags || removeTags) && requested.tags === undefined) {
    const tags = [...new Set([...ticket.tags.filter((tag) => !removeTags?.includes(tag)), ...(addTags ?? [])])];
    if (tags.length > MAX_TAGS) throw new DomainError("validation_failed", "errors.validation", { addTags: ["validation.tooManyTags"] });
    const diff = tagDiff(ticket.tags, tags);
    if (diff.added.length + diff.removed.length > 0) apply.tags = tags;
  }
  if (apply.status && !canChangeStatus(ticket.status, apply.status)) {
    throw new DomainError("conflict", "errors.invalidTransition");
  }
  if (apply.assigneeId) {
    const assignee = await tx.user.findUnique({ where: { id: apply.assigneeId } });
    // A deactivated agent keeps the tickets they have but takes no new ones.
    if (!assignee || assignee.deactivatedAt || !can(assignee, "tickets.assignable")) {
      throw new DomainError("validation_failed", "errors.validation", { assigneeId: ["validation.assignee"] });
    }
  }
  if (apply.teamId && !(await tx.team.findUnique({ where: { id: apply.teamId } }))) {
    throw new DomainError("validation_failed", "errors.validation", { teamId: ["validation.team"] });
  }
  const fieldsApplied = Object.entries(fieldPlan.apply);
  if (Object.keys(apply).length === 0 && fieldsApplied.length === 0) return false;

  const version = ticket.version + 1;
  const data: Prisma.TicketUncheckedUpdateInput = { ...apply, version, updatedAt: now };
  if (fieldsApplied.length > 0) data.fields = applyValues(storedFields, fieldPlan.apply);
  if (apply.status === "solved") data.solvedAt = now;
  if (apply.status === "closed") data.closedAt = now;
  if (apply.status && isActive(apply.status)) data.solvedAt = null;
  await tx.ticket.update({ where: { id: ticket.id }, data, select: { id: true } });

  const about = { ticketId: ticket.id, customerId: ticket.requesterId, actorId: user.id, at: now };
  const events: NewEvent[] = [];
  if (apply.status) events.push({ ...about, type: "ticket.status_changed", data: { from: ticket.status, to: apply.status, version } });
  if (apply.priority) events.push({ ...about, type: "ticket.priority_changed", data: { from: ticket.priority, to: apply.priority, version } });
  if (apply.type) events.push({ ...about, type: "ticket.type_changed", data: { from: ticket.type, to: apply.type, version } });
  if (apply.assigneeId !== undefined) {
    events.push({ ...about, type: "ticket.assignee_changed", data: { from: ticket.assigneeId, to: apply.assigneeId, version } });
  }
  if (apply.teamId !== undefined) events.push({ ...about, type: "ticket.team_changed", data: { from: ticket.teamId, to: apply.teamId, version } });
  if (apply.tags) events.push({ ...about, type: "ticket.tags_changed", data: { ...tagDiff(ticket.tags, apply.tags), version } });
  for (const [key, to] of fieldsApplied) {
    events.push({ ...about, type: CUSTOM_FIELD_EVENT, data: { key, from: storedFields[key] ?? null, to, version } });
  }
  await emit(tx, events);
  return true;
}

/** A custom field's change among property changes ("fields.<key>"), as the custom-field stale rule reads it. */
function customFieldChange(change: FieldChange) {
  if (!change.field.startsWith("fields.")) return [];
  return [{ ...change, key: change.field.slice("fields.".length), from: change.from as FieldValue | null, to: change.to as FieldValue | null }];
}

/** Property changes recorded in a ticket's events, for the stale-form rule. */
function fieldChanges(events: StoredEvent[]): FieldChange[] {
  const fieldOf = Object.fromEntries(Object.entries(FIELD_EVENTS).map(([field, type]) => [type, field])) as Record<string, FieldName>;
  return events.flatMap((e): FieldChange[] => {
    if (e.type === CUSTOM_FIELD_EVENT) {
      return [{ field: `fields.${e.data.key}`, from: e.data.from, to: e.data.to, actorId: e.actorId, at: e.at, version: e.data.version }];
    }
    const field = fieldOf[e.type];
    if (!field) return [];
    const data = e.data as { from?: unknown; to?: unknown; added?: string[]; removed?: string[]; version?: number };
    const to = field === "tags" ? { added: data.added, removed: data.removed } : data.to;
    return [{ field, from: data.from ?? null, to, actorId: e.actorId, at: e.at, version: data.version }];
  });
}

/** 409: someone else changed what this request changes, since the version it was based on. */
export class StaleTicketError extends DomainError {
  constructor(
    readonly ticket: TicketSummary,
    readonly changes: FieldChange[],
  ) {
    super("conflict", "errors.staleTicket");
  }
}

/** 409: the ticket moved on while someone wrote a message; here is how. */
export class StaleReplyError extends DomainError {
  constructor(
    readonly ticket: TicketSummary | VisibleTicket,
    readonly messages: MessageView[],
    readonly changes: FieldChange[],
  ) {
    super("conflict", "errors.staleReply");
  }
}

/** Tickets by id, as listTickets shows them (one SQL query: live delivery reads them for every batch of changes). */
export async function getTicketSummaries(db: Db, ticketIds: string[]): Promise<TicketSummary[]> {
  return summariesOf(sqlOf(db), ticketIds);
}

/** One ticket as listTickets shows it, read through `sql` (a command's transaction sees its own changes). */
async function getTicketSummaryById(sql: Sql, ticketId: string): Promise<TicketSummary> {
  const [summary] = await summariesOf(sql, [ticketId]);
  return summary;
}

async function summariesOf(sql: Sql, ticketIds: string[]): Promise<TicketSummary[]> {
  const rows = await sql.query<SummaryRow>(
    `SELECT page.*, ${RELATED_COLUMNS}
     FROM (SELECT ${TICKET_COLUMNS} FROM "Ticket" t WHERE t."id" = ANY($1::text[])) page
       JOIN "Customer" r ON r."id" = page."requesterId"
       JOIN "Category" c ON c."id" = page."categoryId"`,
    [ticketIds],
  );
  return rows.map(summaryFromRow);
}

/** Staff a ticket can be assigned to, with whether they take work now. */
export async function listAssignableAgents(
  db: Db,
  user: AuthUser,
): Promise<{ id: string; name: string; availability: Availability; handle: string }[]> {
  assertCan(user, "agents.list");
  // Plain SQL: the queue and ticket pages ask on every load (server/db/sql.ts).
  // The handle is what an @mention of them says (server/notifications/mentions.ts).
  const { values, param } = sqlParams();
  return sqlOf(db).query(
    `SELECT u."id", u."name", u."availability"::text AS "availability", lower(split_part(u."email", '@', 1)) AS "handle" FROM "User" u
      WHERE ${usersHoldingSql("tickets.assignable", param)} AND u."deactivatedAt" IS NULL AND u."invitedAt" IS NULL ORDER BY u."name"`,
    values,
  );
}

/** Tags in use on tickets still being worked, most used first: what tag inputs suggest. */
export async function popularTags(db: Db, user: AuthUser, limit = 200): Promise<string[]> {
  assertCan(user, "tickets.internal");
  const rows = await sqlOf(db).query<{ tag: string }>(
    `SELECT tag FROM "Ticket" t, unnest(t."tags") AS tag
     WHERE t."status" IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ")})
     GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ${Number(limit)}`,
  );
  return rows.map((row) => row.tag);
}
