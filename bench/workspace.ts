// The agent workspace's reads, measured on the running helpdesk (part of
// `npm run bench`):
// - the full reindex of tickets the server runs at its first start (the
//   index is empty): tickets per second, read off the server's own log line,
//   with its progress shown while it runs;
// - ticket search through the API beside the very same search sent to
//   Meilisearch directly (the filter the policy gives the agent, the same
//   attributes), at the same concurrency in the same run: the ratio is what
//   the API adds (authentication, parsing, the PostgreSQL check of each hit);
// - the queue page showing a saved view (filters and the next-due order).
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb } from "../server/db/client.ts";
import { loadAuthUser } from "../server/auth/users.ts";
import { parseTicketQuery } from "../search/ticket-query.ts";
import { ticketSearchRequest } from "../search/tickets.ts";
import { interrupt, round, sleep, type HttpClient, type Reply, type Server } from "./lib.ts";

/** What an agent looks for: words, a typo, Chinese, and words with an operator (no name to look up). */
export const SEARCH_QUERIES = ["refund", "pasword reset", "退款", "invoice status:active", "delivery missing"];

export interface Reindex {
  tickets: number;
  seconds: number;
  ticketsPerS: number;
}

/**
 * Waits for the first start's reindex of tickets to finish, printing its
 * progress (documents in the index against tickets in PostgreSQL), and reads
 * how long it took from the server's log.
 */
export async function untilTicketsIndexed(server: Server, meili: HttpClient, meiliKey: string, databaseUrl: string, log: (line: string) => void): Promise<Reindex | null> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "bench-monitor" });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Ticket"`);
    const total = rows[0].n;
    const started = performance.now();
    let shown = 0;
    let first = true;
    for (;;) {
      if (interrupt.aborted) throw new Error("interrupted");
      const done = /\[search\] indexed ([\d,]+) tickets in ([\d.]+) s/.exec(server.output());
      if (done) {
        const tickets = Number(done[1].replace(/,/g, ""));
        const seconds = Number(done[2]);
        if (process.stdout.isTTY) process.stdout.write("\n");
        return { tickets, seconds, ticketsPerS: round(tickets / seconds, 0) };
      }
      // The documents go into a fresh index that is swapped in at the end: its progress is the server's to tell.
      const stats = await meili.request("GET", "/indexes/tickets/stats", { headers: { Authorization: `Bearer ${meiliKey}` }, keepBody: true });
      const live = stats.status === 200 ? (JSON.parse(stats.body) as { numberOfDocuments: number }).numberOfDocuments : 0;
      // Nothing to do: the index held every ticket from the start (a reindex swaps a full index in, then logs).
      if (first && live >= total) return null;
      first = false;
      const told = [...server.output().matchAll(/\[search\] indexing tickets: ([\d,]+) of ([\d,]+)/g)].at(-1);
      if (performance.now() - shown > 5_000) {
        shown = performance.now();
        const line = `  indexing tickets: ${told ? `${told[1]} of ${told[2]}` : "starting"} (${Math.round((performance.now() - started) / 1000)} s)`;
        if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
        else log(line);
      }
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}

/**
 * Waits until Meilisearch has nothing left to index (the tickets filed by the
 * scenarios before): searching an index that is busy indexing measures the
 * indexing, for the API and the direct searches alike, and not in the same way.
 */
export async function untilSearchIdle(meili: HttpClient, meiliKey: string, maxMs = 300_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    if (interrupt.aborted) throw new Error("interrupted");
    const res = await meili.request("GET", "/tasks?statuses=enqueued,processing&limit=1", {
      headers: { Authorization: `Bearer ${meiliKey}` },
      keepBody: true,
    });
    if (res.status === 200 && (JSON.parse(res.body) as { total: number }).total === 0) return;
    await sleep(500);
  }
}

/** Sends each query in turn: the API's form and Meilisearch's, built from the same search. */
export async function searchSenders(
  http: HttpClient,
  meili: HttpClient,
  meiliKey: string,
  databaseUrl: string,
  agentEmail: string,
  agentToken: string,
): Promise<{ api: () => Promise<Reply>; direct: () => Promise<Reply> }> {
  const db = createDb(databaseUrl);
  let bodies: string[];
  try {
    const row = await db.user.findUniqueOrThrow({ where: { email: agentEmail }, select: { id: true } });
    const agent = (await loadAuthUser(db, row.id))!;
    bodies = SEARCH_QUERIES.map((q) => {
      // The queries name nobody (no team or person to look up): nothing to resolve.
      const search = ticketSearchRequest(agent, parseTicketQuery(q), new Map(), { limit: 20, offset: 0 });
      return JSON.stringify({ q: search.q, ...search.params });
    });
  } finally {
    await db.$disconnect();
  }
  let a = 0;
  let d = 0;
  return {
    api: () =>
      http.request("GET", `/api/v1/search/tickets?q=${encodeURIComponent(SEARCH_QUERIES[a++ % SEARCH_QUERIES.length])}`, {
        headers: { Authorization: `Bearer ${agentToken}`, Accept: "application/json" },
      }),
    direct: () =>
      meili.request("POST", "/indexes/tickets/search", {
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${meiliKey}` },
        body: bodies[d++ % bodies.length],
      }),
  };
}

/** A saved view for the agent, as the workspace stores it: active complaints and high or urgent tickets of their teams, next due first. */
export async function savedViewFor(databaseUrl: string, agentEmail: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "bench-monitor" });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "SavedView" ("id", "name", "ownerId", "filters", "sort", "position", "updatedAt")
       SELECT gen_random_uuid()::text, 'Urgent work of my teams', u."id", $2::jsonb, 'due', 1, now() FROM "User" u WHERE u."email" = $1
       RETURNING "id"`,
      [agentEmail, JSON.stringify({ statuses: ["new", "open", "pending", "on_hold"], priorities: ["high", "urgent"], teamIds: ["mine"] })],
    );
    return rows[0].id;
  } finally {
    await client.end();
  }
}
