// A large, realistic data set for measuring the helpdesk at scale:
//
//   npm run seed:scale -- --tickets 1000000 [--database-url URL] [--jobs 2] [--chunk 50000] [--seed 0.5]
//
// Adds N tickets spread over the last two years to a helpdesk database, on
// top of the demo organisation (staff, teams, categories, SLA policies; the
// demo data is loaded first when the database is empty): N/20 customers with
// portal accounts in N/160 companies (key, growth and standard tiers), and
// for every ticket what the app itself would have written while it was
// worked: its messages (the customer's request, agents' replies, follow-ups
// and internal notes), its domain events with the payloads the app's zod
// schemas accept (filed, messages, assignment, tags, priority and status
// changes, SLA misses, survey answers), due times and misses from the SLA
// policy that applies, CSAT surveys for solved tickets, and customer health
// scores computed by the app's own formula.
//
// Old tickets are closed; recent ones are new, open, pending or on hold in
// the shares a busy desk has (about 1 % of all tickets are active).
// Everything is written with set-based SQL (INSERT … SELECT over
// generate_series) from a staging table, a chunk of tickets per transaction
// on a few connections at once, and ends with VACUUM ANALYZE.
//
// Which database: --database-url, else DATABASE_URL, else the app's own
// embedded PostgreSQL under DATA_DIR (default .data): the running app's
// server when a helpdesk holds DATA_DIR, otherwise one started here on
// EMBEDDED_PG_PORT for the time of the seeding (migrations are applied first,
// as `npm start` does).
//
// What keeps the running parts of the app undisturbed:
// - Ticket numbers come from the ticket sequence, in creation order, so the
//   next ticket filed gets the next number.
// - The events are history: they are written with a transaction id just
//   below the oldest in the log and below every durable listener's position,
//   so no reader (durable listeners, live delivery) reads them again; they
//   show in ticket timelines and the stale-form rule like any other event.
// - SLA targets are rows as the engine keeps them (first response and
//   resolution, calendar minutes, waiting on the customer standing still);
//   warnings and misses already due are recorded at their moment (misses
//   also as events). No timer jobs: the app's worker looks for what is due
//   when it starts and keeps one job at the next moment from then on.
// - customer.health_changed events are not replayed for two years of
//   history: each new customer gets its current score and one history entry
//   (reason "seed"), as the demo data does.
//
// Speed (1,000,000 tickets, about 4 million messages and 10 million events,
// in a few minutes on 2 cores): ids are time-ordered UUIDs (version 7), so
// index inserts land at the right-hand end; as a superuser (the embedded
// server's) the run skips re-checking foreign keys row by row, as
// pg_restore --disable-triggers does; commits do not wait for the disk.
// A run that fails part-way leaves the chunks it committed: whole tickets,
// each with its messages, events and survey. A run that is killed leaves its
// staging schema (helpdesk_scale_seed) too; the next run drops it first.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { hashPassword } from "../server/auth/password.ts";
import { createDb } from "../server/db/client.ts";
import { migrate } from "../server/db/migrate.ts";
import { parseEnv } from "../server/config.ts";
import { claimDataDir, loadOrCreateSecrets, startEmbeddedPostgres, type RunningService } from "../server/embedded.ts";
import { computeHealth, LOOKBACK_DAYS } from "../server/health/score.ts";
import { selectPolicy, type SlaPolicyRule } from "../server/sla/policy.ts";
import { policiesFromStored, POLICIES_JSON_SQL, type StoredPolicy } from "../server/sla/stored.ts";
import { SURVEY_VALID_DAYS, LOW_RATING, LOW_RATING_TAG } from "../server/surveys/service.ts";
import { DEMO_CUSTOMER_PASSWORD } from "./demo-accounts.ts";
import {
  AGENT_FOLLOW_UPS,
  CLOSING_REPLIES,
  CSAT_COMMENTS,
  CUSTOMER_FOLLOW_UPS,
  INTERNAL_NOTES,
  SCENARIOS,
  type CategoryKey,
} from "./demo-data.ts";
import {
  CATEGORY_TAGS,
  COMPANY_TRADES,
  COMPANY_WORDS_1,
  COMPANY_WORDS_2,
  FIRST_NAMES,
  LAST_NAMES,
  ZH_FAMILY_NAMES,
  ZH_GIVEN_NAMES,
} from "./scale-data.ts";

export interface ScaleOptions {
  tickets: number;
  /** Connections writing chunks at once. */
  jobs?: number;
  /** Tickets per transaction. */
  chunk?: number;
  now?: Date;
  /** The same plan of tickets on every run (PostgreSQL's setseed, from -1 to 1); default: a new one each time. */
  seed?: number;
  /** VACUUM ANALYZE at the end (default true). */
  vacuum?: boolean;
  log?: (line: string) => void;
}

export interface ScaleResult {
  tickets: number;
  customers: number;
  companies: number;
  messages: number;
  events: number;
  surveys: number;
  activeTickets: number;
  firstNumber: number;
  lastNumber: number;
  /** The transaction id the events were written with. */
  historyTxid: string;
  steps: { step: string; seconds: number }[];
  seconds: number;
}

/** Staging tables live here during a run and are dropped at its end. */
const STAGE = "helpdesk_scale_seed";
const HISTORY_DAYS = 730;
/** The newest ticket is this old: there is always a little time for its first events. */
const NEWEST_MINUTES = 15;
export const TICKETS_PER_CUSTOMER = 20;
export const CUSTOMERS_PER_COMPANY = 8;
export const MAX_TICKETS = 10_000_000;

// ------------------------------------------------------------------- helpers

/** Query parameters of one statement: `p(value)` returns its placeholder. */
class Params {
  values: unknown[] = [];
  p = (value: unknown): string => {
    this.values.push(value);
    return `$${this.values.length}`;
  };
}

/** Timestamps are kept to the millisecond, as Prisma stores them, so ISO strings in events match the columns. */
const ms = (expr: string) => `date_trunc('milliseconds', ${expr})`;
const iso = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const hexTime = (expr: string) => `lpad(to_hex((extract(epoch FROM ${expr}) * 1000)::bigint), 12, '0')`;
/** A time-ordered UUID (version 7) for a row created at `at`: index inserts stay at the right-hand end. */
const uuid7 = (at: string) =>
  `substr(${hexTime(at)}, 1, 8) || '-' || substr(${hexTime(at)}, 9, 4) || '-7' || substr(gen_random_uuid()::text, 16, 3) || substr(gen_random_uuid()::text, 19)`;
/**
 * The id of a ticket's k-th row of some kind (message, survey): its own time
 * in front, then k and the ticket id's random bits, so both inserts that need
 * it (the row and the event naming it) compute the same id.
 */
const childId = (k: number | string, at: string, ticketId = "t.id") =>
  `substr(${hexTime(at)}, 1, 8) || '-' || substr(${hexTime(at)}, 9, 4) || '-7' || ${typeof k === "number" ? `'${k.toString(16)}'` : `to_hex(${k})`} || substr(${ticketId}, 17, 2) || substr(${ticketId}, 19)`;
/** Message k of a ticket (1 the request … 6 the closing reply) and its survey. */
const SURVEY_K = 15;
/** One element of a text array parameter chosen by `r` in [0, 1). */
const pickFrom = (p: Params, items: readonly string[], r: string) => `(${p.p(items)}::text[])[1 + floor(${r} * ${items.length})::int]`;
/** A text by language: `texts.en` or `texts.zh`. */
const pickLang = (p: Params, texts: Record<"en" | "zh", readonly string[]>, r: string, lang = "t.lang") =>
  `CASE WHEN ${lang} = 'zh' THEN ${pickFrom(p, texts.zh, r)} ELSE ${pickFrom(p, texts.en, r)} END`;
/** The demo texts' placeholders filled in with the ticket's own values. */
const fill = (text: string) => `${STAGE}.fill(${text}, t.v_name, t.responder_name, t.v_company, t.v_order, t.v_invoice, t.v_amount)`;

/** pg's client, with the statement's text near the error added to a syntax or planning error. */
function explained(client: pg.ClientBase): pg.ClientBase {
  const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  const wrapped = async (text: string, values?: unknown[]) => {
    try {
      return await query(text, values);
    } catch (error) {
      const at = Number((error as { position?: string }).position);
      if (at > 0 && error instanceof Error) error.message += `\n  near: …${text.slice(Math.max(0, at - 200), at)} ⟨here⟩ ${text.slice(at, at + 80)}…`;
      throw error;
    }
  };
  return Object.assign(Object.create(client), { query: wrapped }) as pg.ClientBase;
}

const fmt = (n: number) => n.toLocaleString("en-US");
const duration = (s: number) => (s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

interface Organisation {
  supervisorId: string;
  categories: { key: CategoryKey; id: string; teamId: string; agents: { id: string; name: string }[] }[];
  policies: (SlaPolicyRule & { id: string })[];
}

async function loadOrganisation(client: pg.ClientBase): Promise<Organisation> {
  const staff = await client.query<{ id: string; name: string; role: string }>(
    `SELECT id, name, role::text FROM "User" WHERE role IN ('agent', 'supervisor', 'admin') ORDER BY "createdAt", id`,
  );
  const categories = await client.query<{ key: CategoryKey; id: string; teamId: string | null; agents: { id: string; name: string }[] | null }>(
    `SELECT c.key, c.id, c."teamId",
            (SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name)
             FROM "TeamMember" m JOIN "User" u ON u.id = m."userId" WHERE m."teamId" = c."teamId" AND u.role = 'agent') AS agents
     FROM "Category" c ORDER BY c.key`,
  );
  const stored = await client.query<{ policies: StoredPolicy[] }>(`SELECT ${POLICIES_JSON_SQL} AS policies`);
  const policies = { rows: policiesFromStored(stored.rows[0].policies) };
  // Due times are worked out in SQL per type, priority and tier: the policies must not ask for more.
  const unsupported = policies.rows.find(
    (p) =>
      p.enabled &&
      (p.channels.length + p.categoryIds.length + p.teamIds.length > 0 ||
        p.pauseOnHold ||
        p.atRiskMinutesBefore !== null ||
        Object.values(p.targets).some((t) =>
          Object.entries(t ?? {}).some(([target, spec]) => spec?.business || (target !== "first_response" && target !== "resolution")),
        )),
  );
  if (unsupported) {
    throw new Error(
      "seed:scale works out SLA targets for policies with conditions on type, priority and tier, first response and resolution " +
        "in calendar minutes, and an at-risk share; a policy with more (" + unsupported.id + ") is not supported yet",
    );
  }
  const usable = categories.rows.filter((c) => c.teamId && c.agents?.length && c.key in CATEGORY_TAGS);
  const supervisor = staff.rows.find((s) => s.role === "supervisor") ?? staff.rows.find((s) => s.role === "agent");
  if (!supervisor || usable.length === 0) {
    throw new Error("seed:scale needs the helpdesk's organisation (staff in teams that own categories): start the app once, or seed an empty database");
  }
  return {
    supervisorId: supervisor.id,
    categories: usable.map((c) => ({ key: c.key, id: c.id, teamId: c.teamId!, agents: c.agents! })),
    policies: policies.rows,
  };
}

// ---------------------------------------------------------------- seeding

/**
 * Adds `tickets` tickets (with customers, companies, messages, events,
 * surveys and health scores) to the database at `databaseUrl`, which must be
 * migrated and hold the helpdesk's organisation (see seedScaleDatabase for
 * the whole job). Returns what it wrote.
 */
export async function seedScale(databaseUrl: string, options: ScaleOptions): Promise<ScaleResult> {
  const log = options.log ?? ((line: string) => console.log(`[seed:scale] ${line}`));
  const n = options.tickets;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TICKETS) throw new Error(`--tickets must be a whole number from 1 to ${fmt(MAX_TICKETS)}`);
  const jobs = Math.max(1, Math.min(8, options.jobs ?? 2));
  const chunk = Math.max(1_000, options.chunk ?? 50_000);
  const now = options.now ?? new Date();
  const customers = Math.max(1, Math.ceil(n / TICKETS_PER_CUSTOMER));
  const companies = Math.max(1, Math.ceil(customers / CUSTOMERS_PER_COMPANY));
  const started = performance.now();
  const steps: ScaleResult["steps"] = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await work();
    const seconds = (performance.now() - t0) / 1000;
    steps.push({ step: name, seconds: Math.round(seconds * 10) / 10 });
    log(`${name}: ${duration(seconds)}`);
    return result;
  };

  const pool = new pg.Pool({ connectionString: databaseUrl, max: jobs + 1, application_name: "seed:scale" });
  pool.on("error", () => {}); // a dropped idle connection is reported by the query that needs it
  const mainClient = await pool.connect();
  const main = explained(mainClient);
  try {
    await session(main, "main");
    if (options.seed !== undefined) await main.query(`SELECT setseed($1)`, [options.seed]);
    const org = await loadOrganisation(main);
    const passwordHash = await hashPassword(DEMO_CUSTOMER_PASSWORD);
    const skipForeignKeyChecks = await canSkipTriggers(main);
    log(`adding ${fmt(n)} tickets, ${fmt(customers)} customers and ${fmt(companies)} companies (${jobs} connections, ${fmt(chunk)} tickets per transaction)…`);

    await main.query(`DROP SCHEMA IF EXISTS ${STAGE} CASCADE`);
    await main.query(`CREATE SCHEMA ${STAGE}`);
    await main.query(
      `CREATE FUNCTION ${STAGE}.fill(body text, name text, agent text, company text, "order" text, invoice text, amount text)
       RETURNS text LANGUAGE sql IMMUTABLE AS $$
         SELECT replace(replace(replace(replace(replace(replace(body, '{name}', name), '{agent}', agent),
                '{company}', company), '{order}', "order"), '{invoice}', invoice), '{amount}', amount)
       $$`,
    );

    const historyTxid = await step("organisation and customers", async () => {
      await insertCustomers(main, { customers, companies, now, passwordHash });
      const { rows } = await main.query<{ txid: string }>(
        `SELECT greatest(3, least(
           (SELECT txid::text::bigint FROM "DomainEvent" ORDER BY txid, id LIMIT 1),
           (SELECT min("afterTxid") FROM "EventListener"),
           pg_snapshot_xmin(pg_current_snapshot())::text::bigint) - 1)::text AS txid`,
      );
      return rows[0].txid;
    });

    const numbers = await step("planning the tickets", async () => {
      await stageTickets(main, org, { n, customers, now });
      const { rows } = await main.query<{ first: number; last: number }>(`SELECT min(number) AS first, max(number) AS last FROM ${STAGE}.ticket`);
      return rows[0];
    });

    const counts = { messages: 0, events: 0, surveys: 0 };
    await step("tickets, messages, events and surveys", async () => {
      const ranges: [number, number][] = [];
      for (let from = 1; from <= n; from += chunk) ranges.push([from, Math.min(n, from + chunk - 1)]);
      let done = 0;
      let failed = false;
      const t0 = performance.now();
      const worker = async () => {
        const connection = await pool.connect();
        const client = explained(connection);
        try {
          await session(client, "chunks");
          for (let range = ranges.shift(); range && !failed; range = ranges.shift()) {
            const written = await insertChunk(client, range, { historyTxid, now, skipForeignKeyChecks });
            counts.messages += written.messages;
            counts.events += written.events;
            counts.surveys += written.surveys;
            done += range[1] - range[0] + 1;
            const seconds = (performance.now() - t0) / 1000;
            const rate = done / seconds;
            log(
              `  ${fmt(done)} / ${fmt(n)} tickets (${Math.floor((done / n) * 100)} %), ${fmt(counts.messages)} messages, ` +
                `${fmt(counts.events)} events; ${fmt(Math.round(rate))} tickets/s` +
                (done < n ? `, about ${duration((n - done) / rate)} to go` : ""),
            );
          }
        } catch (error) {
          failed = true; // the other connections stop after their current chunk
          throw error;
        } finally {
          connection.release();
        }
      };
      const results = await Promise.allSettled(Array.from({ length: Math.min(jobs, ranges.length) }, worker));
      const failure = results.find((r) => r.status === "rejected");
      if (failure) throw (failure as PromiseRejectedResult).reason;
    });

    const { active } = await step("Customer health", async () => {
      await insertHealth(main, now);
      const { rows } = await main.query<{ active: number }>(
        `SELECT count(*)::int AS active FROM ${STAGE}.ticket WHERE status NOT IN ('solved', 'closed')`,
      );
      return { active: rows[0].active };
    });

    await main.query(`DROP SCHEMA ${STAGE} CASCADE`);
    if (options.vacuum !== false) await step("VACUUM ANALYZE", () => main.query("VACUUM ANALYZE"));

    const seconds = (performance.now() - started) / 1000;
    log(
      `done in ${duration(seconds)}: ${fmt(n)} tickets (#${numbers.first}–#${numbers.last}, ${fmt(active)} active), ` +
        `${fmt(counts.messages)} messages, ${fmt(counts.events)} events, ${fmt(counts.surveys)} surveys, ` +
        `${fmt(customers)} customers, ${fmt(companies)} companies.`,
    );
    return {
      tickets: n,
      customers,
      companies,
      ...counts,
      activeTickets: active,
      firstNumber: numbers.first,
      lastNumber: numbers.last,
      historyTxid,
      steps,
      seconds: Math.round(seconds * 10) / 10,
    };
  } catch (error) {
    await main.query(`DROP SCHEMA IF EXISTS ${STAGE} CASCADE`).catch(() => {});
    throw error;
  } finally {
    mainClient.release();
    await pool.end();
  }
}

/**
 * Every row written refers to rows that exist (the organisation, the
 * customers added first, the chunk's own tickets): checking each reference
 * again triples the cost of the inserts. Like pg_restore --disable-triggers,
 * a superuser (the embedded server's) may skip those checks; other roles keep them.
 */
async function canSkipTriggers(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ superuser: boolean }>(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
  return rows[0]?.superuser === true;
}

/** Bulk-load settings for one connection: nothing here outlives the session. */
async function session(client: pg.ClientBase, role: "main" | "chunks") {
  // Losing the last moments of a seed in a crash is fine; waiting for each commit's flush is not.
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  await client.query(`SET jit = off`);
  // Chunks are ranges of the staging table's key: always read through its index, never the whole table.
  if (role === "chunks") await client.query(`SET enable_seqscan = off`);
}

/** Companies (with tiers) and their customers, each with a portal account (the demo password). */
async function insertCustomers(
  client: pg.ClientBase,
  o: { customers: number; companies: number; now: Date; passwordHash: string },
) {
  const p = new Params();
  const now = p.p(o.now.toISOString());
  const combos = COMPANY_WORDS_1.length * COMPANY_WORDS_2.length * COMPANY_TRADES.length;
  // k: the company's number among all companies ever added (names stay unique across runs).
  await client.query(
    `CREATE TABLE ${STAGE}.company AS
     WITH base AS (
       SELECT j, (SELECT count(*) FROM "Company") + j - 1 AS k, random() AS r_tier, random() AS r_created
       FROM generate_series(1, ${p.p(o.companies)}::int) j
     ), named AS (
       SELECT base.*, (k % ${combos}) * 7919 % ${combos} AS c, k / ${combos} AS round FROM base
     )
     SELECT j,
            ${uuid7(`${now}::timestamp - (${HISTORY_DAYS + 200} + 400 * r_created) * interval '1 day'`)} AS id,
            (${p.p(COMPANY_WORDS_1)}::text[])[1 + c % ${COMPANY_WORDS_1.length}] || ' ' ||
            (${p.p(COMPANY_WORDS_2)}::text[])[1 + (c / ${COMPANY_WORDS_1.length}) % ${COMPANY_WORDS_2.length}] || ' ' ||
            (${p.p(COMPANY_TRADES)}::text[])[1 + c / ${COMPANY_WORDS_1.length * COMPANY_WORDS_2.length}] ||
            CASE WHEN round > 0 THEN ' ' || (round + 1) ELSE '' END AS name,
            CASE WHEN r_tier < 0.06 THEN 'key' WHEN r_tier < 0.30 THEN 'growth' ELSE 'standard' END AS tier,
            ${ms(`${now}::timestamp - (${HISTORY_DAYS + 200} + 400 * r_created) * interval '1 day'`)} AS created
     FROM named`,
    p.values,
  );
  // A demo company with the same name (unlikely): this one gets its number.
  await client.query(
    `UPDATE ${STAGE}.company s SET name = s.name || ' ' || s.j WHERE EXISTS (SELECT 1 FROM "Company" c WHERE c.name = s.name)`,
  );
  await client.query(
    `INSERT INTO "Company" (id, name, "createdAt") SELECT id, name, created FROM ${STAGE}.company ORDER BY j`,
  );

  const q = new Params();
  const qnow = q.p(o.now.toISOString());
  await client.query(
    `CREATE TABLE ${STAGE}.customer AS
     WITH base AS (
       SELECT i, (SELECT count(*) FROM "Customer") + i AS k,
              random() AS r_company, random() AS r_alone, random() AS r_locale, random() AS r_first, random() AS r_last, random() AS r_created
       FROM generate_series(1, ${q.p(o.customers)}::int) i
     ), person AS (
       SELECT base.*,
              r_locale < 0.15 AS zh,
              CASE WHEN r_alone < 0.2 THEN NULL ELSE 1 + floor(${o.companies} * power(r_company, 1.3))::int END AS j
       FROM base
     )
     SELECT i,
            ${uuid7(`x.created`)} AS id,
            ${uuid7(`x.created`)} AS user_id,
            CASE WHEN zh THEN zh_family || zh_given ELSE first || ' ' || last END AS name,
            CASE WHEN zh THEN zh_family || zh_given ELSE first END AS first_name,
            lower(CASE WHEN zh THEN py_given || '.' || py_family ELSE first || '.' || last END) || '.' || k || '@' ||
              coalesce(lower(regexp_replace(co.name, '[^A-Za-z0-9]+', '', 'g')) || '.example.com', 'mail.example.net') AS email,
            coalesce(co.tier, 'standard') AS tier,
            co.id AS company_id,
            coalesce(co.name, '') AS company_name,
            upper(substr(regexp_replace(coalesce(co.name, 'Order'), '[^A-Za-z]', '', 'g'), 1, 2)) AS order_prefix,
            CASE WHEN zh THEN 'zh-CN' ELSE 'en' END AS locale,
            x.created
     FROM person
     LEFT JOIN ${STAGE}.company co ON co.j = person.j
     CROSS JOIN LATERAL (
       SELECT ${ms(`coalesce(co.created, ${qnow}::timestamp - ${HISTORY_DAYS + 300} * interval '1 day') + (30 + 120 * r_created) * interval '1 day'`)} AS created,
              (${q.p(FIRST_NAMES)}::text[])[1 + floor(r_first * ${FIRST_NAMES.length})::int] AS first,
              (${q.p(LAST_NAMES)}::text[])[1 + floor(r_last * ${LAST_NAMES.length})::int] AS last,
              (${q.p(ZH_FAMILY_NAMES.map((x) => x[0]))}::text[])[1 + floor(r_last * ${ZH_FAMILY_NAMES.length})::int] AS zh_family,
              (${q.p(ZH_FAMILY_NAMES.map((x) => x[1]))}::text[])[1 + floor(r_last * ${ZH_FAMILY_NAMES.length})::int] AS py_family,
              (${q.p(ZH_GIVEN_NAMES.map((x) => x[0]))}::text[])[1 + floor(r_first * ${ZH_GIVEN_NAMES.length})::int] AS zh_given,
              (${q.p(ZH_GIVEN_NAMES.map((x) => x[1]))}::text[])[1 + floor(r_first * ${ZH_GIVEN_NAMES.length})::int] AS py_given
     ) x`,
    q.values,
  );
  await client.query(`CREATE UNIQUE INDEX ON ${STAGE}.customer (i)`);
  const h = new Params();
  await client.query(
    // Confirmed addresses, as the demo customers': they see their requests.
    `INSERT INTO "User" (id, email, name, "passwordHash", role, locale, "createdAt", "emailVerifiedAt")
     SELECT user_id, email, name, ${h.p(o.passwordHash)}, 'customer', locale, created, created FROM ${STAGE}.customer ORDER BY i`,
    h.values,
  );
  await client.query(
    `INSERT INTO "Customer" (id, "userId", email, name, tier, "companyId", "createdAt")
     SELECT id, user_id, email, name, tier::"CustomerTier", company_id, created FROM ${STAGE}.customer ORDER BY i`,
  );
}

/**
 * Plans every ticket in one statement: who filed it and when, what it is
 * about, where it ended up, and when each step of its life happened. The
 * inserts below only read this plan. Randomness is drawn once per ticket (the
 * first, materialised step), so every later step sees the same draws.
 */
async function stageTickets(client: pg.ClientBase, org: Organisation, o: { n: number; customers: number; now: Date }) {
  const { rows } = await client.query<{ sequence: string }>(`SELECT pg_get_serial_sequence('"Ticket"', 'number') AS sequence`);
  const sequence = rows[0].sequence;
  const p = new Params();
  const now = `${p.p(o.now.toISOString())}::timestamp`;
  const span = (HISTORY_DAYS * 24 * 60 - NEWEST_MINUTES) * 60; // seconds
  const complaintIdx = SCENARIOS.flatMap((s, i) => (s.type === "complaint" ? [i + 1] : []));
  const inquiryIdx = SCENARIOS.flatMap((s, i) => (s.type === "inquiry" ? [i + 1] : []));
  // The organisation as arrays (no joins per ticket): the SLA policy of each type × priority × tier, chosen by
  // the app's own rule, and each scenario's category with its team's agents.
  const types = ["complaint", "inquiry"] as const;
  const priorities = ["low", "normal", "high", "urgent"] as const;
  const tiers = ["key", "growth", "standard"] as const;
  const policies = types.flatMap((type) =>
    priorities.flatMap((priority) =>
      tiers.map((tier) => {
        // No policy here looks at channel, category or team (checked when the organisation was read).
        const policy = selectPolicy(org.policies, { type, priority, tier, channel: "portal", categoryId: "", teamId: null });
        const targets = policy?.targets[priority];
        return policy
          ? {
              id: policy.id,
              fr: targets?.first_response?.minutes ?? null,
              res: targets?.resolution?.minutes ?? null,
              share: policy.atRiskShare,
              riskLevel: policy.escalations.some((l) => l.on === "at_risk"),
            }
          : null;
      }),
    ),
  );
  const policyIndex = `1 + CASE type WHEN 'complaint' THEN 0 ELSE 12 END
    + CASE priority0 WHEN 'low' THEN 0 WHEN 'normal' THEN 3 WHEN 'high' THEN 6 ELSE 9 END
    + CASE tier WHEN 'key' THEN 0 WHEN 'growth' THEN 1 ELSE 2 END`;
  const categoryOf = SCENARIOS.map((s) => 1 + org.categories.findIndex((c) => c.key === s.category));
  // Each category's agents, repeated to one common length so they fit a two-dimensional array.
  const counts = org.categories.map((c) => c.agents.length);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lcm = counts.reduce((a, b) => (a * b) / gcd(a, b), 1);
  const slots = lcm <= 120 ? lcm : Math.max(...counts);
  const agentGrid = org.categories.map((c) => Array.from({ length: slots }, (_, i) => c.agents[i % c.agents.length]));
  const notes = (r: string) =>
    `CASE WHEN tier = 'key' AND r_note2 < 0.6 THEN ${pickFrom(p, INTERNAL_NOTES.keyAccount, r)}
          WHEN type = 'complaint' AND r_note2 < 0.8 THEN ${pickFrom(p, INTERNAL_NOTES.complaint, r)}
          WHEN t_reply IS NULL THEN ${pickFrom(p, INTERNAL_NOTES.triage, r)}
          ELSE ${pickFrom(p, INTERNAL_NOTES.general, r)} END`;
  const comment = (ratingExpr: string, r: string) =>
    `CASE ${ratingExpr} ${([1, 2, 3, 4, 5] as const)
      .map((rating) => `WHEN ${rating} THEN ${pickLang(p, CSAT_COMMENTS[rating], r, "lang")}`)
      .join(" ")} END`;

  // Versions: each command after filing adds one; the events of one command share it.
  const commands: [string, string][] = [
    ["v_assign", "assigned"],
    ["v_note", "noted"],
    ["v_reply", "t_reply IS NOT NULL"],
    ["v_update", "tagged OR escalated"],
    ["v_cust", "followed"],
    ["v_agent2", "answered_again"],
    ["v_pend", "t_pend IS NOT NULL"],
    ["v_closing", "t_solved IS NOT NULL"],
    ["v_solved", "t_solved IS NOT NULL"],
    ["v_csat", "csat_low"],
    ["version", "t_closed IS NOT NULL"],
  ];
  const versions = commands
    .map(([name], i) => `1 + ${commands.slice(0, i + 1).map(([, done]) => `(${done})::int`).join(" + ")} AS ${name}`)
    .join(",\n            ");
  // One level per step of a ticket's life. Each level is a subquery behind OFFSET 0, so its columns are
  // computed once per ticket (later steps refer to them many times) and rows stream through without being stored.
  const levels: [string, (from: string) => string][] = [
    [
      "b",
      (from) => `
       SELECT g, nextval(${p.p(sequence)}::regclass)::int AS number,
              ${ms(`${now} - ${HISTORY_DAYS} * interval '1 day' + (sqrt(1 + 3 * ((g - random()) / ${p.p(o.n)}::float8)) - 1) * ${span} * interval '1 second'`)} AS t0,
              random() AS r_cust, random() AS r_type, random() AS r_prio, random() AS r_scen, random() AS r_chan,
              random() AS r_lang, random() AS r_status, random() AS r_agent, random() AS r_assign, random() AS r_assign_at,
              random() AS r_assigner, random() AS r_note, random() AS r_note2, random() AS r_note3, random() AS r_note_at,
              random() AS r_late_fr, random() AS r_fr, random() AS r_late_res, random() AS r_res, random() AS r_solve,
              random() AS r_close, random() AS r_tag, random() AS r_prio_up, random() AS r_follow, random() AS r_follow_at,
              random() AS r_agent2, random() AS r_agent2_at, random() AS r_pend_at, random() AS r_closing,
              random() AS r_survey, random() AS r_rating, random() AS r_comment, random() AS r_comment2, random() AS r_resp,
              random() AS r_txt1, random() AS r_txt2, random() AS r_txt3, random() AS r_var1, random() AS r_var2,
              random() AS r_var3, random() AS r_frb, random() AS r_rb
       FROM generate_series(1, ${p.p(o.n)}::int) g`,
    ],
    [
      "c",
      (from) => `
       SELECT b.*, cu.id AS customer_id, cu.user_id AS customer_user_id, cu.tier, cu.locale, cu.first_name, cu.company_name, cu.order_prefix,
              CASE WHEN r_type < 0.35 THEN 'complaint' ELSE 'inquiry' END AS type,
              extract(epoch FROM ${now} - b.t0) / 86400 AS age_d
       FROM ${from} JOIN ${STAGE}.customer cu ON cu.i = 1 + floor(${o.customers} * power(b.r_cust, 1.6))::int`,
    ],
    [
      "d",
      (from) => `
       SELECT c.*,
              CASE WHEN type = 'complaint'
                   THEN CASE WHEN r_prio < 0.05 THEN 'low' WHEN r_prio < 0.50 THEN 'normal' WHEN r_prio < 0.85 THEN 'high' ELSE 'urgent' END
                   ELSE CASE WHEN r_prio < 0.25 THEN 'low' WHEN r_prio < 0.80 THEN 'normal' WHEN r_prio < 0.95 THEN 'high' ELSE 'urgent' END
              END AS priority0,
              CASE WHEN type = 'complaint' THEN (${p.p(complaintIdx)}::int[])[1 + floor(r_scen * ${complaintIdx.length})::int]
                   ELSE (${p.p(inquiryIdx)}::int[])[1 + floor(r_scen * ${inquiryIdx.length})::int] END AS scenario,
              CASE WHEN r_chan < 0.70 THEN 'portal' WHEN r_chan < 0.92 THEN 'email' ELSE 'api' END AS channel,
              CASE WHEN locale = 'zh-CN' AND r_lang < 0.85 THEN 'zh' ELSE 'en' END AS lang,
              -- Old tickets are done; the last days hold the work in progress.
              CASE
                WHEN age_d < 0.25 THEN CASE WHEN r_status < 0.55 THEN 'new' WHEN r_status < 0.80 THEN 'open' WHEN r_status < 0.88 THEN 'pending' WHEN r_status < 0.90 THEN 'on_hold' ELSE 'solved' END
                WHEN age_d < 1 THEN CASE WHEN r_status < 0.15 THEN 'new' WHEN r_status < 0.50 THEN 'open' WHEN r_status < 0.68 THEN 'pending' WHEN r_status < 0.73 THEN 'on_hold' ELSE 'solved' END
                WHEN age_d < 4 THEN CASE WHEN r_status < 0.03 THEN 'new' WHEN r_status < 0.25 THEN 'open' WHEN r_status < 0.45 THEN 'pending' WHEN r_status < 0.53 THEN 'on_hold' ELSE 'solved' END
                WHEN age_d < 14 THEN CASE WHEN r_status < 0.06 THEN 'open' WHEN r_status < 0.12 THEN 'pending' WHEN r_status < 0.16 THEN 'on_hold' WHEN r_status < 0.26 THEN 'solved' ELSE 'closed' END
                WHEN age_d < 60 THEN CASE WHEN r_status < 0.005 THEN 'open' WHEN r_status < 0.010 THEN 'pending' WHEN r_status < 0.015 THEN 'on_hold' ELSE 'closed' END
                ELSE CASE WHEN r_status < 0.0005 THEN 'on_hold' ELSE 'closed' END
              END AS status
       FROM ${from}`,
    ],
    [
      "e",
      (from) => `
       SELECT d.*,
              (${p.p(org.categories.map((c) => c.id))}::text[])[cat] AS category_id,
              (${p.p(org.categories.map((c) => c.teamId))}::text[])[cat] AS team_id,
              (${p.p(org.categories.map((c) => CATEGORY_TAGS[c.key]))}::text[])[cat] AS category_tag,
              (${p.p(agentGrid.map((row) => row.map((a) => a.id)))}::text[][])[cat][1 + floor(r_agent * ${slots})::int] AS responder_id,
              (${p.p(agentGrid.map((row) => row.map((a) => a.name)))}::text[][])[cat][1 + floor(r_agent * ${slots})::int] AS responder_name,
              (${p.p(policies.map((x) => x?.id ?? null))}::text[])[policy] AS policy_id,
              (${p.p(policies.map((x) => x?.fr ?? null))}::int[])[policy] AS fr_min,
              (${p.p(policies.map((x) => x?.res ?? null))}::int[])[policy] AS res_min,
              (${p.p(policies.map((x) => x?.share ?? null))}::float8[])[policy] AS risk_share,
              (${p.p(policies.map((x) => x?.riskLevel ?? false))}::boolean[])[policy] AS risk_level
       FROM ${from}, LATERAL (SELECT (${p.p(categoryOf)}::int[])[d.scenario] AS cat, ${policyIndex} AS policy) x
      `,
    ],
    [
      "f",
      (from) => `
       -- The first reply: mostly within the target, sometimes late; never in the future.
       SELECT e.*,
              ${ms(`t0 + fr_min * interval '1 minute'`)} AS fr_due,
              ${ms(`t0 + res_min * interval '1 minute'`)} AS res_due,
              CASE WHEN status = 'new' THEN NULL
                   WHEN t0 + reply_after < ${now} - interval '1 minute' THEN ${ms(`t0 + reply_after`)}
                   ELSE ${ms(`t0 + (${now} - t0) * (0.1 + 0.5 * r_fr)`)} END AS t_reply
       FROM ${from}, LATERAL (
         SELECT coalesce(fr_min, 480) * CASE WHEN r_late_fr < 0.08 THEN 1.1 + 1.9 * r_fr ELSE 0.05 + 0.85 * r_fr END * interval '1 minute' AS reply_after
       ) x`,
    ],
    [
      "h",
      (from) => `
       -- Solved: mostly within the resolution target, sometimes late; closed two to three days later.
       SELECT f.*,
              CASE WHEN status IN ('solved', 'closed') THEN
                CASE WHEN planned < done_by THEN planned ELSE ${ms(`t_reply + (done_by - t_reply) * (0.3 + 0.6 * r_solve)`)} END
              END AS t_solved
       FROM ${from}, LATERAL (
         SELECT ${ms(`greatest(t0 + coalesce(res_min, 4320) * CASE WHEN r_late_res < 0.06 THEN 1.05 + 0.75 * r_res ELSE 0.15 + 0.8 * r_res END * interval '1 minute', t_reply + interval '20 minutes')`)} AS planned,
                CASE WHEN status = 'closed' THEN ${now} - interval '2 hours' ELSE ${now} - interval '1 minute' END AS done_by
       ) y`,
    ],
    [
      "i",
      (from) => `
       SELECT h.*,
              status NOT IN ('solved', 'closed') AS active,
              CASE WHEN status = 'closed' THEN ${ms(`greatest(t_solved + interval '1 minute', least(t_solved + (2 + 1.5 * r_close) * interval '1 day', ${now} - (0.25 + r_close) * interval '1 hour'))`)} END AS t_closed,
              coalesce(t_reply, ${now}) - t0 AS before_reply,
              coalesce(t_solved, ${now}) - coalesce(t_reply, ${now}) AS after_reply,
              CASE WHEN status = 'new' THEN r_assign < 0.25 ELSE r_assign < 0.92 END AS assigned,
              r_note < CASE WHEN tier = 'key' THEN 0.6 WHEN type = 'complaint' THEN 0.4 ELSE 0.25 END AS noted,
              t_reply IS NOT NULL AND r_tag < 0.15 AS tagged,
              t_reply IS NOT NULL AND r_prio_up < 0.04 AND priority0 <> 'urgent' AS escalated
       FROM ${from}`,
    ],
    [
      "j",
      (from) => `
       -- Steps between the first reply and the end, in this order: agent's update (tags, priority),
       -- customer's follow-up, agent's answer, pending/on hold, closing reply, solved.
       SELECT i.*,
              ${ms(`t0 + before_reply * (0.05 + 0.25 * r_assign_at)`)} AS t_assign,
              ${ms(`t0 + before_reply * (0.35 + 0.6 * r_note_at)`)} AS t_note,
              ${ms(`t_reply + after_reply * 0.01`)} AS t_update,
              t_reply IS NOT NULL AND after_reply > interval '10 minutes' AND (status = 'pending' OR r_follow < 0.45) AS followed,
              ${ms(`t_reply + after_reply * (0.15 + 0.3 * r_follow_at)`)} AS t_cust,
              ${ms(`t_reply + after_reply * (0.5 + 0.3 * r_agent2_at)`)} AS t_agent2,
              CASE WHEN status IN ('pending', 'on_hold') THEN ${ms(`t_reply + after_reply * (0.85 + 0.05 * r_pend_at)`)} END AS t_pend,
              ${ms(`t_reply + after_reply * (0.95 + 0.04 * r_closing)`)} AS t_closing,
              CASE WHEN escalated THEN CASE priority0 WHEN 'low' THEN 'normal' WHEN 'normal' THEN 'high' ELSE 'urgent' END ELSE priority0 END AS priority,
              -- Targets missed (their due time): first response by a late reply or none yet; resolution by a
              -- late solve or none yet, unless the ticket started waiting on the customer before it was due.
              CASE WHEN fr_due IS NOT NULL AND coalesce(t_reply, CASE WHEN status NOT IN ('solved', 'closed') THEN ${now} END) > fr_due THEN fr_due END AS fr_breached,
              CASE WHEN res_due IS NOT NULL AND coalesce(t_solved, CASE WHEN status = 'pending' THEN ${ms(`t_reply + after_reply * (0.85 + 0.05 * r_pend_at)`)} END, ${now}) > res_due THEN res_due END AS res_breached,
              ${uuid7("t0")} AS id,
              -- A survey for every solved ticket (the app sends one on solving); most are answered.
              t_solved IS NOT NULL AND r_survey < 0.65 AS answered
       FROM ${from}`,
    ],
    [
      "k",
      (from) => `
       SELECT j.*,
              followed AND (status = 'pending' OR r_agent2 < 0.7) AS answered_again,
              CASE WHEN answered THEN
                CASE WHEN fr_breached IS NULL AND res_breached IS NULL
                     THEN CASE WHEN r_rating < 0.55 THEN 5 WHEN r_rating < 0.83 THEN 4 WHEN r_rating < 0.92 THEN 3 WHEN r_rating < 0.97 THEN 2 ELSE 1 END
                     ELSE CASE WHEN r_rating < 0.30 THEN 5 WHEN r_rating < 0.65 THEN 4 WHEN r_rating < 0.87 THEN 3 WHEN r_rating < 0.96 THEN 2 ELSE 1 END END
              END AS rating,
              CASE WHEN answered THEN ${ms(`t_solved + (least(coalesce(t_closed - interval '1 minute', ${now}), t_solved + interval '2 days') - t_solved) * (0.05 + 0.9 * r_resp)`)} END AS t_resp,
              CASE WHEN r_note3 < 0.3 AND type = 'complaint' THEN ${p.p(org.supervisorId)}::text ELSE responder_id END AS note_author,
              CASE WHEN r_assigner < 0.6 THEN ${p.p(org.supervisorId)}::text ELSE responder_id END AS assigner_id
       FROM ${from}`,
    ],
    [
      "l",
      (from) => `
       SELECT k.*, answered AND rating <= ${LOW_RATING} AS csat_low FROM ${from}`,
    ],
  ];
  let from = "";
  for (const [name, level] of levels) from = `(${level(from)}
     OFFSET 0) ${name}`;
  await client.query(
    `CREATE TABLE ${STAGE}.ticket AS
     SELECT l.*,
            t_solved IS NOT NULL AS surveyed,
            ${versions},
            array_remove(ARRAY[CASE WHEN tier = 'key' THEN 'key-account' END, CASE WHEN tagged THEN category_tag END,
                               CASE WHEN csat_low THEN '${LOW_RATING_TAG}' END], NULL) AS tags,
            greatest(t0, CASE WHEN assigned THEN t_assign END, CASE WHEN noted THEN t_note END, t_reply,
                     CASE WHEN tagged OR escalated THEN t_update END, CASE WHEN followed THEN t_cust END,
                     CASE WHEN answered_again THEN t_agent2 END, t_pend, t_solved, CASE WHEN csat_low THEN t_resp END, t_closed) AS updated_at,
            CASE WHEN answered AND r_comment < CASE WHEN rating >= 4 THEN 0.45 ELSE 0.85 END
                 THEN nullif(replace(${comment("rating", "r_comment2")}, '{agent}', responder_name), '') END AS comment,
            ${notes("r_txt3")} AS note_body,
            first_name AS v_name,
            company_name AS v_company,
            order_prefix || '-' || (10000 + floor(r_var1 * 90000))::int AS v_order,
            'INV-' || extract(year FROM t0)::int || '-' || lpad((1 + floor(r_var2 * 9999))::int::text, 4, '0') AS v_invoice,
            CASE WHEN lang = 'zh' THEN '¥' || ((3 + floor(r_var3 * 158)) * 100)::int ELSE '$' || (49 + floor(r_var3 * 2352))::int || '.00' END AS v_amount
     FROM ${from}`,
    p.values,
  );
  await client.query(`CREATE UNIQUE INDEX ON ${STAGE}.ticket (g)`);
  await client.query(`ANALYZE ${STAGE}.ticket (g)`);
}

/** One chunk of tickets with everything that belongs to them, in one transaction. */
async function insertChunk(
  client: pg.ClientBase,
  [from, to]: [number, number],
  o: { historyTxid: string; now: Date; skipForeignKeyChecks: boolean },
): Promise<{ messages: number; events: number; surveys: number }> {
  const inChunk = `t.g BETWEEN ${from} AND ${to}`;
  await client.query("BEGIN");
  if (o.skipForeignKeyChecks) await client.query("SET LOCAL session_replication_role = replica");
  try {
    await client.query(
      `INSERT INTO "Ticket" (id, number, type, channel, priority, status, subject, tags, "requesterId", "assigneeId", "teamId",
         "categoryId", "slaPolicyId", "createdAt", "updatedAt", version, "firstRespondedAt", "solvedAt", "closedAt",
         "slaState", "slaDueAt", language, "statusChangedAt")
       SELECT t.id, t.number, t.type::"TicketType", t.channel::"Channel", t.priority::"Priority", t.status::"TicketStatus",
              ${fill(`CASE WHEN t.lang = 'zh' THEN ($1::text[])[t.scenario] ELSE ($2::text[])[t.scenario] END`)},
              t.tags, t.customer_id, CASE WHEN t.assigned THEN t.responder_id END, t.team_id, t.category_id, t.policy_id,
              t.t0, t.updated_at, t.version, t.t_reply, t.t_solved, t.t_closed,
              -- The summary of the runs written below (server/sla/targets.ts ticketSla).
              (CASE WHEN t.policy_id IS NULL THEN 'none'
                    WHEN t.status IN ('solved', 'closed') THEN CASE WHEN t.fr_breached IS NOT NULL OR t.res_breached IS NOT NULL THEN 'missed' ELSE 'met' END
                    WHEN (t.t_reply IS NULL AND t.fr_breached IS NOT NULL) OR t.res_breached IS NOT NULL THEN 'breached'
                    WHEN t.status = 'pending' THEN 'paused'
                    WHEN (t.t_reply IS NULL AND t.t0 + (t.fr_due - t.t0) * t.risk_share <= $3::timestamp)
                      OR t.t0 + (t.res_due - t.t0) * t.risk_share <= $3::timestamp THEN 'at_risk'
                    ELSE 'on_track' END)::"TicketSlaState",
              CASE WHEN t.policy_id IS NOT NULL AND t.status IN ('new', 'open', 'on_hold')
                   THEN least(CASE WHEN t.t_reply IS NULL THEN t.fr_due END, t.res_due) END,
              CASE WHEN t.lang = 'zh' THEN 'zh-CN' ELSE 'en' END,
              -- Time-based automations count from it (as prisma/seed.ts sets it): closed, solved, filed, else the last change.
              coalesce(t.t_closed, t.t_solved, CASE WHEN t.status = 'new' THEN t.t0 END, t.updated_at)
       FROM ${STAGE}.ticket t WHERE ${inChunk} ORDER BY t.g`,
      [SCENARIOS.map((s) => s.zh.subject), SCENARIOS.map((s) => s.en.subject), o.now.toISOString()],
    );

    // The runs: met by the first reply and the solve; standing still once solved (first response
    // never given) or while waiting on the customer. Warnings are recorded a little after their time
    // for runs still going, and with them the policy's at-risk escalation level (as fired, not to fire
    // again); the next moment of a running one is its alarm.
    await client.query(
      `INSERT INTO "SlaTarget" ("ticketId", "target", "cycle", "policyId", "startedAt", "dueAt", "atRiskAt", "fulfilledAt",
         "pausedSince", "warnedAt", "breachedAt", "escalatedThrough", "alarmAt", "updatedAt")
       SELECT t.id, r.target::"SlaTargetName", 1, t.policy_id, t.t0,
              CASE WHEN r.paused IS NULL OR r.due <= r.paused THEN r.due END,
              CASE WHEN r.paused IS NULL OR r.risk <= r.paused THEN r.risk END,
              r.done, r.paused,
              CASE WHEN r.running AND r.breached IS NULL AND r.risk <= $1::timestamp
                   THEN least(r.risk + interval '1 minute', $1::timestamp) END,
              r.breached,
              CASE WHEN t.risk_level AND r.running AND r.risk <= $1::timestamp THEN r.risk END,
              CASE WHEN r.running AND r.breached IS NULL THEN CASE WHEN r.risk > $1::timestamp THEN r.risk ELSE r.due END END,
              $1::timestamp
       FROM ${STAGE}.ticket t CROSS JOIN LATERAL (
         SELECT x.*, x.done IS NULL AND x.paused IS NULL AS running FROM (VALUES
           ('first_response', t.fr_due, ${ms(`t.t0 + (t.fr_due - t.t0) * t.risk_share`)}, t.t_reply,
            CASE WHEN t.t_reply IS NULL AND t.status IN ('solved', 'closed') THEN coalesce(t.t_solved, t.t_closed) END,
            CASE WHEN t.fr_breached IS NOT NULL THEN ${ms(`least(t.fr_breached + (1 + 59 * t.r_frb) * interval '1 second', $1::timestamp)`)} END),
           ('resolution', t.res_due, ${ms(`t.t0 + (t.res_due - t.t0) * t.risk_share`)}, t.t_solved,
            CASE WHEN t.t_solved IS NULL AND t.status = 'pending' THEN t.t_pend END,
            CASE WHEN t.res_breached IS NOT NULL THEN ${ms(`least(t.res_breached + (1 + 59 * t.r_rb) * interval '1 second', $1::timestamp)`)} END)
         ) AS x(target, due, risk, done, paused, breached)
       ) r
       WHERE ${inChunk} AND t.policy_id IS NOT NULL AND r.due IS NOT NULL`,
      [o.now.toISOString()],
    );

    const m = new Params();
    const scenarioText = (field: "description" | "reply") =>
      `CASE WHEN t.lang = 'zh' THEN (${m.p(SCENARIOS.map((s) => s.zh[field]))}::text[])[t.scenario]
            ELSE (${m.p(SCENARIOS.map((s) => s.en[field]))}::text[])[t.scenario] END`;
    const messages = await client.query(
      `INSERT INTO "Message" (id, "ticketId", "authorId", kind, body, "createdAt")
       SELECT ${childId("x.k", "x.at")}, t.id, x.author, x.kind::"MessageKind", x.body, x.at
       FROM ${STAGE}.ticket t CROSS JOIN LATERAL (
         SELECT 1 AS k, 'public' AS kind, t.customer_user_id AS author, t.t0 AS at, ${fill(scenarioText("description"))} AS body
         UNION ALL SELECT 2, 'internal', t.note_author, t.t_note, t.note_body WHERE t.noted
         UNION ALL SELECT 3, 'public', t.responder_id, t.t_reply, ${fill(scenarioText("reply"))} WHERE t.t_reply IS NOT NULL
         UNION ALL SELECT 4, 'public', t.customer_user_id, t.t_cust, ${pickLang(m, CUSTOMER_FOLLOW_UPS, "t.r_txt1")} WHERE t.followed
         UNION ALL SELECT 5, 'public', t.responder_id, t.t_agent2, ${fill(pickLang(m, AGENT_FOLLOW_UPS, "t.r_txt2"))} WHERE t.answered_again
         UNION ALL SELECT 6, 'public', t.responder_id, t.t_closing, ${fill(pickLang(m, CLOSING_REPLIES, "t.r_txt2"))} WHERE t.t_solved IS NOT NULL
       ) x
       WHERE ${inChunk} ORDER BY t.g, x.k`,
      m.values,
    );

    const surveys = await client.query(
      `INSERT INTO "Survey" (id, "ticketId", "customerId", token, rating, comment, "createdAt", "expiresAt", "respondedAt")
       SELECT ${childId(SURVEY_K, "t.t_solved")}, t.id, t.customer_id,
              replace(gen_random_uuid()::text, '-', '') || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8),
              t.rating, t.comment, t.t_solved, t.t_solved + ${SURVEY_VALID_DAYS} * interval '1 day', t.t_resp
       FROM ${STAGE}.ticket t WHERE ${inChunk} AND t.surveyed ORDER BY t.g`,
    );

    const e = new Params();
    const txid = e.p(o.historyTxid);
    const version = (v: string) => `'version', ${v}`;
    const events = await client.query(
      `INSERT INTO "DomainEvent" (txid, type, "ticketId", "customerId", "actorId", at, data)
       SELECT ${txid}::text::xid8, x.type, t.id, t.customer_id, x.actor, x.at, x.data
       FROM ${STAGE}.ticket t CROSS JOIN LATERAL (
         SELECT 1 AS ord, 'ticket.created' AS type, t.customer_user_id AS actor, t.t0 AS at,
                jsonb_build_object('number', t.number, 'type', t.type, 'channel', t.channel, 'priority', t.priority0, 'teamId', t.team_id,
                  ${version("1")}) AS data
         UNION ALL SELECT 2, 'ticket.message_added', t.customer_user_id, t.t0,
                jsonb_build_object('messageId', ${childId(1, "t.t0")}, 'kind', 'public', ${version("1")})
         UNION ALL SELECT 3, 'ticket.assignee_changed', t.assigner_id, t.t_assign,
                jsonb_build_object('from', NULL::text, 'to', t.responder_id, ${version("t.v_assign")}) WHERE t.assigned
         UNION ALL SELECT 4, 'ticket.message_added', t.note_author, t.t_note,
                jsonb_build_object('messageId', ${childId(2, "t.t_note")}, 'kind', 'internal', ${version("t.v_note")}) WHERE t.noted
         UNION ALL SELECT 5, 'ticket.message_added', t.responder_id, t.t_reply,
                jsonb_build_object('messageId', ${childId(3, "t.t_reply")}, 'kind', 'public', ${version("t.v_reply")}) WHERE t.t_reply IS NOT NULL
         UNION ALL SELECT 6, 'ticket.status_changed', t.responder_id, t.t_reply,
                jsonb_build_object('from', 'new', 'to', 'open', ${version("t.v_reply")}) WHERE t.t_reply IS NOT NULL
         UNION ALL SELECT 7, 'ticket.priority_changed', t.responder_id, t.t_update,
                jsonb_build_object('from', t.priority0, 'to', t.priority, ${version("t.v_update")}) WHERE t.escalated
         UNION ALL SELECT 8, 'ticket.tags_changed', t.responder_id, t.t_update,
                jsonb_build_object('added', jsonb_build_array(t.category_tag), 'removed', '[]'::jsonb, ${version("t.v_update")}) WHERE t.tagged
         UNION ALL SELECT 9, 'ticket.message_added', t.customer_user_id, t.t_cust,
                jsonb_build_object('messageId', ${childId(4, "t.t_cust")}, 'kind', 'public', ${version("t.v_cust")}) WHERE t.followed
         UNION ALL SELECT 10, 'ticket.message_added', t.responder_id, t.t_agent2,
                jsonb_build_object('messageId', ${childId(5, "t.t_agent2")}, 'kind', 'public', ${version("t.v_agent2")}) WHERE t.answered_again
         UNION ALL SELECT 11, 'ticket.status_changed', t.responder_id, t.t_pend,
                jsonb_build_object('from', 'open', 'to', t.status, ${version("t.v_pend")}) WHERE t.t_pend IS NOT NULL
         UNION ALL SELECT 12, 'ticket.message_added', t.responder_id, t.t_closing,
                jsonb_build_object('messageId', ${childId(6, "t.t_closing")}, 'kind', 'public', ${version("t.v_closing")}) WHERE t.t_solved IS NOT NULL
         UNION ALL SELECT 13, 'ticket.status_changed', t.responder_id, t.t_solved,
                jsonb_build_object('from', 'open', 'to', 'solved', ${version("t.v_solved")}) WHERE t.t_solved IS NOT NULL
         UNION ALL SELECT 14, 'survey.answered', t.customer_user_id, t.t_resp,
                jsonb_build_object('surveyId', ${childId(SURVEY_K, "t.t_solved")}, 'rating', t.rating, 'comment', t.comment) WHERE t.answered
         UNION ALL SELECT 15, 'ticket.tags_changed', NULL, t.t_resp,
                jsonb_build_object('added', jsonb_build_array('${LOW_RATING_TAG}'), 'removed', '[]'::jsonb, ${version("t.v_csat")}) WHERE t.csat_low
         UNION ALL SELECT 16, 'ticket.status_changed', t.responder_id, t.t_closed,
                jsonb_build_object('from', 'solved', 'to', 'closed', ${version("t.version")}) WHERE t.t_closed IS NOT NULL
         UNION ALL SELECT 17, 'ticket.sla_breached', NULL, ${ms(`least(t.fr_breached + (1 + 59 * t.r_frb) * interval '1 second', ${e.p(o.now.toISOString())}::timestamp)`)},
                jsonb_build_object('target', 'first_response', 'cycle', 1, 'dueAt', ${iso("t.fr_breached")}) WHERE t.fr_breached IS NOT NULL
         UNION ALL SELECT 18, 'ticket.sla_breached', NULL, ${ms(`least(t.res_breached + (1 + 59 * t.r_rb) * interval '1 second', ${e.p(o.now.toISOString())}::timestamp)`)},
                jsonb_build_object('target', 'resolution', 'cycle', 1, 'dueAt', ${iso("t.res_breached")}) WHERE t.res_breached IS NOT NULL
       ) x
       WHERE ${inChunk} ORDER BY t.g, x.at, x.ord`,
      e.values,
    );
    await client.query("COMMIT");
    return { messages: messages.rowCount ?? 0, events: events.rowCount ?? 0, surveys: surveys.rowCount ?? 0 };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Each new customer's health: the facts gathered in SQL (the same ones
 * recomputeHealth reads), the score from the app's formula, one history entry.
 */
async function insertHealth(client: pg.ClientBase, now: Date) {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  const { rows } = await client.query<{ id: string; ratings: number[] | null; complaints: number; breaches: number; oldest: Date | null }>(
    `SELECT c.id,
            array_agg(t.rating) FILTER (WHERE t.answered AND t.t_resp >= $1::timestamp) AS ratings,
            count(*) FILTER (WHERE t.type = 'complaint' AND t.t0 >= $1::timestamp)::int AS complaints,
            count(*) FILTER (WHERE t.t0 >= $1::timestamp AND (t.fr_breached IS NOT NULL OR t.res_breached IS NOT NULL))::int AS breaches,
            min(t.t0) FILTER (WHERE t.status IN ('new', 'open', 'on_hold')) AT TIME ZONE 'UTC' AS oldest
     FROM ${STAGE}.customer c LEFT JOIN ${STAGE}.ticket t ON t.customer_id = c.id
     GROUP BY c.id`,
    [since],
  );
  const BATCH = 10_000;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH).map((r) => {
      const health = computeHealth({
        ratings: r.ratings ?? [],
        complaints: r.complaints,
        slaBreaches: r.breaches,
        oldestOpenDays: r.oldest ? (now.getTime() - r.oldest.getTime()) / 86_400_000 : null,
      });
      return { customerId: r.id, score: health.score, band: health.band, components: health.components };
    });
    await client.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("customerId" text, score int, band text, components jsonb)),
       health AS (
         INSERT INTO "CustomerHealth" ("customerId", score, band, components, "updatedAt")
         SELECT "customerId", score, band::"HealthBand", components, $2::timestamp FROM x
       )
       INSERT INTO "HealthSnapshot" (id, "customerId", score, band, components, reason, "createdAt")
       SELECT gen_random_uuid()::text, "customerId", score, band::"HealthBand", components, 'seed', $2::timestamp FROM x`,
      [JSON.stringify(batch), now.toISOString()],
    );
  }
}

// ---------------------------------------------------------------- the CLI

export interface CliOptions extends ScaleOptions {
  databaseUrl?: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { tickets: NaN };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = () => Number(value().replace(/[_,]/g, ""));
    if (flag === "--tickets") options.tickets = count();
    else if (flag === "--database-url") options.databaseUrl = value();
    else if (flag === "--jobs") options.jobs = count();
    else if (flag === "--chunk") options.chunk = count();
    else if (flag === "--seed") options.seed = Number(value());
    else if (flag === "--no-vacuum") options.vacuum = false;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.tickets) || options.tickets < 1 || options.tickets > MAX_TICKETS) {
    throw new Error(`usage: npm run seed:scale -- --tickets N (1 to ${fmt(MAX_TICKETS)}) [--database-url URL] [--jobs 2] [--chunk 50000] [--seed -1..1]`);
  }
  if (options.seed !== undefined && !(options.seed >= -1 && options.seed <= 1)) throw new Error("--seed must be a number from -1 to 1");
  return options;
}

/** The port of the PostgreSQL server running on a data directory, from its postmaster.pid. */
function runningPort(pgDir: string): number | null {
  try {
    const lines = fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n");
    const port = Number(lines[3]);
    return Number.isInteger(port) && port > 0 ? port : null;
  } catch {
    return null;
  }
}

function liveHelpdesk(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "helpdesk.pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/**
 * Finds the database as described at the top of this file, makes sure it is
 * migrated and has the organisation (demo data into an empty database), and
 * seeds it.
 */
export async function seedScaleDatabase(options: CliOptions, log = (line: string) => console.log(`[seed:scale] ${line}`)) {
  const env = parseEnv();
  let databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  const owned: RunningService[] = [];
  let release = () => {};
  try {
    if (databaseUrl) {
      log(`database: ${databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
    } else {
      const dataDir = path.resolve(env.DATA_DIR);
      const pgDir = path.join(dataDir, "postgres");
      const secrets = loadOrCreateSecrets(dataDir);
      const pid = liveHelpdesk(dataDir);
      const port = pid ? runningPort(pgDir) : null;
      if (pid && port) {
        log(`the helpdesk (pid ${pid}) is running on ${path.relative(process.cwd(), dataDir) || dataDir}: seeding its PostgreSQL on port ${port}`);
        databaseUrl = `postgresql://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${port}/helpdesk`;
      } else {
        release = claimDataDir(dataDir);
        log(`starting the embedded PostgreSQL of ${path.relative(process.cwd(), pgDir) || pgDir} on port ${env.EMBEDDED_PG_PORT}…`);
        const server = await startEmbeddedPostgres({ dir: pgDir, port: env.EMBEDDED_PG_PORT, password: secrets.postgresPassword, database: "helpdesk" });
        owned.push(server);
        databaseUrl = server.url;
      }
    }
    await migrate(databaseUrl, log);
    const db = createDb(databaseUrl);
    try {
      if ((await db.user.count()) === 0) {
        log("empty database: loading the demo data first…");
        const { seedDemoData } = await import("./seed.ts");
        await seedDemoData(db);
      }
    } finally {
      await db.$disconnect();
    }
    return await seedScale(databaseUrl, { ...options, log });
  } finally {
    for (const server of owned.reverse()) await server.stop().catch(() => {});
    release();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  seedScaleDatabase(options).then(
    () => process.exit(0),
    (error) => {
      console.error(`[seed:scale] failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
