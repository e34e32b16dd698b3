// The SLA engine under load, measured on the running helpdesk (part of
// `npm run bench`, after the request scenarios):
// - firing: 10,000 tickets filed through the API under a one-minute policy,
//   so that all their first responses fall due within about the same minute;
//   how long after each moment its warning and its breach were recorded;
// - recompute: 100,000 worked tickets written by plain SQL, then one policy
//   change through the API; how long until every one was recomputed.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { percentile, round, sleep, ticketBody, type HttpClient } from "./lib.ts";

export const FIRING_TICKETS = 10_000;
export const RECOMPUTE_TICKETS = 100_000;
const ALWAYS_OPEN = "00000000-0000-4000-8000-000000002407";

export interface SlaBench {
  firing: {
    tickets: number;
    /** Filing them all through the API took this long: their due times spread over it. */
    filingS: number;
    dueSpreadS: number;
    warning: Latency;
    breach: Latency;
    /** Runs whose warning or breach was recorded more than once (must be 0). */
    duplicates: number;
  };
  recompute: {
    tickets: number;
    seconds: number;
    ticketsPerS: number;
    changed: number;
  };
}

interface Latency {
  recorded: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const latency = (ms: number[]): Latency => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { recorded: ms.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? 0) };
};

async function api(http: HttpClient, method: string, path: string, token: string, body?: unknown) {
  const res = await http.request(method, path, {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    keepBody: true,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body || "null");
}

/** A policy first in line for tickets filed through the API with the bench's subject tag. */
async function firstPolicy(http: HttpClient, token: string, body: Record<string, unknown>): Promise<string> {
  const created = await api(http, "POST", "/api/v1/sla/policies", token, { calendarId: ALWAYS_OPEN, channels: ["api"], ...body });
  const { data } = await api(http, "GET", "/api/v1/sla/policies", token);
  const ids = (data as { id: string }[]).map((p) => p.id).filter((id) => id !== created.id);
  await api(http, "POST", "/api/v1/sla/policies/order", token, { ids: [created.id, ...ids] });
  return created.id;
}

export async function benchSla(
  http: HttpClient,
  databaseUrl: string,
  tokens: { supervisor: string; customer: string },
  log: (line: string) => void,
): Promise<SlaBench> {
  const db = new pg.Client({ connectionString: databaseUrl, application_name: "bench-sla" });
  await db.connect();
  try {
    // ---- firing: 10,000 first responses due within about a minute
    const policyId = await firstPolicy(http, tokens.supervisor, {
      name: "Bench: one minute",
      targets: { normal: { first_response: { minutes: 1, business: false } } },
    });
    log(`SLA firing: filing ${FIRING_TICKETS} tickets under a one-minute first-response policy…`);
    const filingStarted = performance.now();
    let sent = 0;
    const file = async () => {
      while (sent < FIRING_TICKETS) {
        sent++;
        const body = ticketBody(`SLA bench ${sent}`);
        const res = await http.request("POST", "/api/v1/tickets", { body: body.body, headers: { ...body.headers, Authorization: `Bearer ${tokens.customer}` } });
        if (res.status !== 201) throw new Error(`filing answered ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 10 }, file));
    const filingS = (performance.now() - filingStarted) / 1000;
    log(`  filed in ${round(filingS, 1)} s; waiting for every breach…`);
    // This phase's tickets only: the policy also applies, from the start, to tickets filed through the API before it.
    const runs = `FROM "SlaTarget" WHERE "policyId" = $1 AND "target" = 'first_response'
      AND "ticketId" IN (SELECT id FROM "Ticket" WHERE subject LIKE 'SLA bench %' AND "slaPolicyId" = $1)`;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { rows } = await db.query<{ open: number }>(`SELECT count(*) FILTER (WHERE "breachedAt" IS NULL)::int AS open ${runs}`, [policyId]);
      if (rows[0].open === 0 || Date.now() > deadline) break;
      await sleep(1000);
    }
    const { rows } = await db.query<{ warnMs: number | null; breachMs: number | null; due: Date }>(
      `SELECT extract(epoch FROM "warnedAt" - "atRiskAt") * 1000 AS "warnMs", extract(epoch FROM "breachedAt" - "dueAt") * 1000 AS "breachMs", "dueAt" AS due ${runs}`,
      [policyId],
    );
    const dues = rows.map((r) => r.due.getTime());
    const duplicates = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT "ticketId", type FROM "DomainEvent" e
         WHERE type IN ('ticket.sla_warned', 'ticket.sla_breached') AND "ticketId" IN (SELECT "ticketId" ${runs})
         GROUP BY 1, 2 HAVING count(*) > 1) x`,
      [policyId],
    );
    const firing = {
      tickets: rows.length,
      filingS: round(filingS, 1),
      dueSpreadS: round((Math.max(...dues) - Math.min(...dues)) / 1000, 1),
      warning: latency(rows.flatMap((r) => (r.warnMs === null ? [] : [Number(r.warnMs)]))),
      breach: latency(rows.flatMap((r) => (r.breachMs === null ? [] : [Number(r.breachMs)]))),
      duplicates: duplicates.rows[0].n,
    };
    log(`  breach recorded after its moment: p50 ${firing.breach.p50Ms} ms, p99 ${firing.breach.p99Ms} ms (${firing.breach.recorded} of ${firing.tickets})`);
    // Out of the way of what follows: solved, and the policy off.
    await db.query(`UPDATE "Ticket" SET status = 'closed', "slaState" = 'missed', "slaDueAt" = NULL WHERE id IN (SELECT "ticketId" ${runs})`, [policyId]);
    await api(http, "PATCH", `/api/v1/sla/policies/${policyId}`, tokens.supervisor, { enabled: false });
    await untilRecomputed(db, 0);

    // ---- recompute: 100,000 worked tickets, one policy change
    log(`SLA recompute: writing ${RECOMPUTE_TICKETS} worked tickets by plain SQL…`);
    await db.query(
      `WITH who AS (SELECT c.id AS customer, c."userId" AS author FROM "Customer" c JOIN "User" u ON u.id = c."userId" WHERE u.email = 'customer@demo.helpdesk'),
            cat AS (SELECT id, "teamId" FROM "Category" WHERE key = 'technical'),
            t AS (
              INSERT INTO "Ticket" (id, type, channel, priority, status, subject, "requesterId", "categoryId", "teamId", "createdAt", "updatedAt")
              SELECT gen_random_uuid()::text, 'inquiry', 'portal', 'normal', 'open', 'Recompute bench ' || g, who.customer, cat.id, cat."teamId",
                     now() - (g % 4320) * interval '1 minute', now()
              FROM generate_series(1, $1) g, who, cat
              RETURNING id, "createdAt")
       INSERT INTO "Message" (id, "ticketId", "authorId", kind, body, "createdAt")
       SELECT gen_random_uuid()::text, t.id, who.author, 'public', 'Recompute bench', t."createdAt" FROM t, who`,
      [RECOMPUTE_TICKETS],
    );
    await untilRecomputed(db, 0);
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SlaRecompute"`)).rows[0].n;
    const { data } = await api(http, "GET", "/api/v1/sla/policies", tokens.supervisor);
    const fallback = (data as { id: string; name: string }[]).find((p) => p.name === "Default");
    if (!fallback) throw new Error('the recompute bench changes the demo policy "Default", which is missing');
    log("  changing the Default policy's resolution target…");
    const started = performance.now();
    await api(http, "PATCH", `/api/v1/sla/policies/${fallback.id}`, tokens.supervisor, {
      targets: { low: { first_response: { minutes: 480, business: false }, resolution: { minutes: 4200, business: false } }, normal: { first_response: { minutes: 480, business: false }, resolution: { minutes: 4200, business: false } }, high: { first_response: { minutes: 480, business: false }, resolution: { minutes: 4200, business: false } }, urgent: { first_response: { minutes: 480, business: false }, resolution: { minutes: 4200, business: false } } },
    });
    const run = await untilRecomputed(db, before);
    const seconds = (performance.now() - started) / 1000;
    const recompute = { tickets: run.total, seconds: round(seconds, 1), ticketsPerS: Math.round(run.total / seconds), changed: run.changed };
    log(`  ${recompute.tickets} worked tickets recomputed in ${recompute.seconds} s (${recompute.ticketsPerS}/s), ${recompute.changed} changed`);
    return { firing, recompute };
  } finally {
    await db.end();
  }
}

/** Waits until more than `after` recomputes were asked for and none is unfinished; returns the last. */
async function untilRecomputed(db: pg.Client, after: number, maxMs = 900_000) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const { rows } = await db.query<{ n: number; open: number; total: number; changed: number }>(
      `SELECT (SELECT count(*)::int FROM "SlaRecompute") AS n, (SELECT count(*)::int FROM "SlaRecompute" WHERE "finishedAt" IS NULL) AS open,
              coalesce((SELECT total FROM "SlaRecompute" ORDER BY "requestedAt" DESC LIMIT 1), 0) AS total,
              coalesce((SELECT changed FROM "SlaRecompute" ORDER BY "requestedAt" DESC LIMIT 1), 0) AS changed`,
    );
    if (rows[0].n > after && rows[0].open === 0) return rows[0];
    if (Date.now() > deadline) throw new Error("the recompute did not finish in time");
    await sleep(500);
  }
}
