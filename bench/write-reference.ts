// The physical reference for POST /api/v1/tickets: the rows that filing a
// ticket through the API writes, inserted by plain SQL over pg, one
// transaction per ticket, several clients at once. The API's rate divided by
// this one says how much of PostgreSQL's own rate for the same work the whole
// write path (HTTP, authentication, validation, the listeners, live delivery) keeps.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { newTicketSla } from "../server/sla/engine.ts";
import { policiesFromStored, POLICIES_JSON_SQL, type StoredPolicy } from "../server/sla/stored.ts";
import { CUSTOMER, interrupt, percentile, round } from "./lib.ts";

export const REFERENCE_CONCURRENCY = 10;
export const REFERENCE_SECONDS = 8;
const WARMUP = 50;

/** Everything one ticket filed by the demo customer through the API writes today (createTicket, emit, the in-transaction listeners). */
export const REFERENCE_ROWS = [
  "the Ticket row (next number from its sequence, SLA policy, SLA state and next due time, team from the category)",
  "its first Message (public, written by the customer)",
  "two SlaTarget rows: the first-response and resolution runs (due, at-risk and alarm times)",
  "four DomainEvent rows: ticket.created (number, type, channel, priority, team, version), ticket.message_added, and a ticket.sla_changed per run",
  "two SLA firing jobs (graphile_worker.add_jobs, at the runs' alarm seconds, keyed sla-fire:<second>); the API enqueues them after commit, a batch of tickets per call (sla-timers listener), here they go with the ticket",
  "not written for an inquiry, so not here either: health score (complaints only), CSAT survey (on solving)",
];

/**
 * One statement (a CTE) per ticket, autocommitted: one transaction and one
 * round trip, the least any client could do for these rows. The lookups the
 * API does per request (token, customer, category, policies) are done once
 * here, before the clock starts.
 */
export const REFERENCE_STATEMENT = `WITH t AS (
  INSERT INTO "Ticket" (id, type, channel, priority, subject, "requesterId", "categoryId", "teamId", "slaPolicyId",
                        "createdAt", "updatedAt", "slaState", "slaDueAt")
  VALUES ($1, 'inquiry', 'api', 'normal', $2, $3, $4, $5, $6, $7, $7, 'on_track', least($8::timestamp, $10::timestamp))
  RETURNING id, number, "teamId", version
), m AS (
  INSERT INTO "Message" (id, "ticketId", "authorId", kind, body, "createdAt")
  SELECT $12, t.id, $13, 'public', $14, $7 FROM t
), s AS (
  INSERT INTO "SlaTarget" ("ticketId", target, cycle, "policyId", "startedAt", "dueAt", "atRiskAt", "alarmAt", "updatedAt")
  SELECT t.id, x.target::"SlaTargetName", 1, $6, $7, x.due, x.risk, x.risk, $7
  FROM t, LATERAL (VALUES ('first_response', $8::timestamp, $9::timestamp), ('resolution', $10::timestamp, $11::timestamp)) AS x(target, due, risk)
), e AS (
  INSERT INTO "DomainEvent" (type, "ticketId", "customerId", "actorId", at, data)
  SELECT x.type, t.id, $3, x.actor, $7, x.data
  FROM t, LATERAL (VALUES
    ('ticket.created', $13, jsonb_build_object('number', t.number, 'type', 'inquiry', 'channel', 'api', 'priority', 'normal',
       'teamId', t."teamId", 'version', t.version)),
    ('ticket.message_added', $13, jsonb_build_object('messageId', $12::text, 'kind', 'public', 'version', t.version)),
    ('ticket.sla_changed', NULL, jsonb_build_object('target', 'first_response', 'cycle', 1, 'change', 'applied', 'policyId', $6::text,
       'dueAt', $15::text, 'atRiskAt', $16::text, 'alarmAt', $16::text)),
    ('ticket.sla_changed', NULL, jsonb_build_object('target', 'resolution', 'cycle', 1, 'change', 'applied', 'policyId', $6::text,
       'dueAt', $17::text, 'atRiskAt', $18::text, 'alarmAt', $18::text))
  ) AS x(type, actor, data)
), j AS (
  SELECT count(*) AS jobs FROM graphile_worker.add_jobs(ARRAY[
    ('sla-fire', '{}'::json, NULL, date_trunc('second', $9::timestamptz) + interval '1 second', NULL,
     'sla-fire:' || ceil(extract(epoch FROM $9::timestamptz))::bigint, NULL, NULL)::graphile_worker.job_spec,
    ('sla-fire', '{}'::json, NULL, date_trunc('second', $11::timestamptz) + interval '1 second', NULL,
     'sla-fire:' || ceil(extract(epoch FROM $11::timestamptz))::bigint, NULL, NULL)::graphile_worker.job_spec
  ])
)
SELECT t.number, (SELECT jobs FROM j) AS jobs FROM t`;

export interface WriteReference {
  concurrency: number;
  seconds: number;
  tickets: number;
  ticketsPerS: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  firstError?: string;
  /** POST /api/v1/tickets req/s divided by ticketsPerS. */
  apiRatio: number | null;
  apiRps: number | null;
  rows: string[];
  statement: string;
  /** Where it ran: PostgreSQL alone, after the helpdesk had stopped. */
  setting: string;
}

export async function writeReference(databaseUrl: string, apiRps: number | null): Promise<WriteReference> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: REFERENCE_CONCURRENCY, application_name: "bench-write-reference" });
  pool.on("error", () => {});
  try {
    const { rows } = await pool.query<{ customerId: string; userId: string; tier: "key" | "growth" | "standard"; categoryId: string; teamId: string | null }>(
      `SELECT c.id AS "customerId", u.id AS "userId", c.tier::text AS tier, cat.id AS "categoryId", cat."teamId"
       FROM "User" u JOIN "Customer" c ON c."userId" = u.id, "Category" cat
       WHERE u.email = $1 AND cat.key = 'technical'`,
      [CUSTOMER.email],
    );
    if (rows.length === 0) throw new Error(`the write reference needs ${CUSTOMER.email} and the category "technical"`);
    const who = rows[0];
    const stored = await pool.query<{ policies: StoredPolicy[] }>(`SELECT ${POLICIES_JSON_SQL} AS policies`);
    const policies = policiesFromStored(stored.rows[0].policies);
    const subject = { type: "inquiry", priority: "normal", tier: who.tier, channel: "api", categoryId: who.categoryId, teamId: who.teamId } as const;
    const first = newTicketSla(policies, subject, new Date());
    if (first.runs.map((r) => r.target).join() !== "first_response,resolution") {
      throw new Error("the write reference writes the first-response and resolution runs of the demo policies; the policy for its ticket sets others");
    }
    let n = 0;
    const insert = () => {
      const now = new Date();
      // The due times as the API works them out (the same rule, no I/O), not part of the database's work.
      const [fr, res] = newTicketSla(policies, subject, now).runs;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return pool.query(REFERENCE_STATEMENT, [
        randomUUID(),
        `Plain SQL reference ticket ${++n}`,
        who.customerId,
        who.categoryId,
        who.teamId,
        first.policyId,
        now.toISOString(),
        iso(fr.dueAt),
        iso(fr.atRiskAt),
        iso(res.dueAt),
        iso(res.atRiskAt),
        randomUUID(),
        who.userId,
        "Created by the benchmark's plain-SQL reference.",
        iso(fr.dueAt),
        iso(fr.atRiskAt),
        iso(res.dueAt),
        iso(res.atRiskAt),
      ]);
    };
    for (let i = 0; i < WARMUP; i++) await insert(); // connections and plans, not counted

    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + REFERENCE_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: REFERENCE_CONCURRENCY }, async () => {
        while (performance.now() < deadline && !interrupt.aborted) {
          const t0 = performance.now();
          try {
            await insert();
            latencies.push(performance.now() - t0);
          } catch (error) {
            errors++;
            firstError ??= (error as Error).message.slice(0, 300);
          }
        }
      }),
    );
    if (interrupt.aborted) throw new Error("interrupted");
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const ticketsPerS = latencies.length / seconds;
    const result: WriteReference = {
      concurrency: REFERENCE_CONCURRENCY,
      seconds: round(seconds, 1),
      tickets: latencies.length,
      ticketsPerS: round(ticketsPerS, 1),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies[latencies.length - 1] ?? NaN),
      errors,
      apiRatio: apiRps !== null && ticketsPerS > 0 ? round(apiRps / ticketsPerS, 3) : null,
      apiRps,
      rows: REFERENCE_ROWS,
      statement: REFERENCE_STATEMENT.replace(/\s+/g, " "),
      setting: "the helpdesk stopped, on the same data; one autocommitted statement per ticket over pg",
    };
    if (firstError) result.firstError = firstError;
    return result;
  } finally {
    await pool.end();
  }
}
