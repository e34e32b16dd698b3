// Assembles one helpdesk process in its role:
// - web: Express (/healthz, the JSON API, the Remix app) and Socket.IO, with
//   live delivery of committed events to this process's sockets;
// - worker: durable listeners (search indexing) and the job queue (timers,
//   periodic work), each effect once across all worker processes;
// - all: both (the embedded default, `npm start`).
// Several web and worker processes can share one PostgreSQL and Meilisearch.
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import compression from "compression";
import morgan from "morgan";
import type pg from "pg";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { db } from "./db/client.ts";
import { attachRealtime } from "./realtime/socket.ts";
import { hostileRequests, isSameOrigin, pagesSetTheirOwnCaching, securityHeaders } from "./http/security.ts";
import { apiRouter } from "./api/router.ts";
import { searchHealth } from "../search/articles.ts";
import { Wakeup } from "./events/feed.ts";
import { ticketCounts } from "./tickets/counts.ts";
import { createBoundedPool } from "./db/pool.ts";
import { DurableRunner } from "./events/durable.ts";
import { RealtimeDelivery } from "./listeners/realtime.ts";
import { PresenceSync } from "./realtime/presence-sync.ts";
import { durableListeners } from "./listeners/index.ts";
import { startJobRunner } from "./jobs/queue.ts";
import { startInboundSmtp } from "./mail/inbound/smtp.ts";
import type { RuntimeSettings } from "./runtime.ts";
import type { ServerStatus } from "./supervise.ts";
import type { Role } from "./config.ts";

export interface HelpdeskProcess {
  /** Where the web role listens; null for a worker. */
  url: string | null;
  /** The port of the built-in inbound SMTP server (server/mail/inbound/smtp.ts); null when off. */
  inboundSmtpPort: number | null;
  /** Delivers and handles everything committed so far (tests, benchmarks). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** How long requests in flight may take to finish when the process stops. */
const DRAIN_MS = 3_000;

const warn = (error: unknown, context: string) => console.warn(`[${context}]`, (error as Error)?.message ?? error);

export async function startHelpdesk(options: {
  settings: RuntimeSettings;
  role?: Role;
  port?: number;
  host?: string;
  /** The Remix server build; without it only /healthz, the API and sockets are served (API tests). */
  remixBuild?: ServerBuild;
  production?: boolean;
  logRequests?: boolean;
  /** Trust X-Forwarded-For from a proxy in front (TRUST_PROXY). */
  trustProxy?: boolean;
  /** On embedded servers: their supervisors' view, shown on /healthz. */
  embeddedStatus?: () => Record<string, ServerStatus> | null;
}): Promise<HelpdeskProcess> {
  const role = options.role ?? "all";
  const { databaseUrl } = options.settings;
  // The feed's reads are prepared statements; a custom plan per read cost more than the read itself.
  const pool = createBoundedPool(databaseUrl, (e) => warn(e, "event feed pool"), 3, { genericPlans: true });
  const wakeup = new Wakeup(databaseUrl, warn);
  const stops: (() => Promise<void>)[] = [];
  let web: { url: string; realtime: RealtimeDelivery } | null = null;
  let worker: { durable: DurableRunner } | null = null;
  let inboundSmtpPort: number | null = null;

  try {
    await wakeup.start();
    if (role !== "worker") web = await startWeb(options, pool, wakeup, stops);
    // Mail is taken in by whichever process the settings say (by default the embedded all-in-one).
    const inbound = options.settings.mail.inbound;
    if (inbound) {
      const smtp = await startInboundSmtp(db(), inbound);
      stops.push(() => smtp.close());
      inboundSmtpPort = smtp.port;
    }
    if (role !== "web") {
      const durable = new DurableRunner(pool, wakeup, durableListeners(), warn);
      await durable.start();
      stops.push(() => durable.stop());
      const jobs = await startJobRunner(databaseUrl, (m) => console.warn("[jobs]", m));
      stops.push(() => jobs.stop());
      worker = { durable };
    }
  } catch (error) {
    await stopAll(stops, wakeup, pool).catch(() => {});
    throw error;
  }

  return {
    url: web?.url ?? null,
    inboundSmtpPort,
    async drain() {
      await web?.realtime.drain();
      await worker?.durable.drain();
    },
    close: () => stopAll(stops, wakeup, pool),
  };
}

/** Stops the parts in the order they started (HTTP first); every part is stopped even when one fails. */
async function stopAll(stops: (() => Promise<void>)[], wakeup: Wakeup, pool: pg.Pool) {
  const results: PromiseSettledResult<void>[] = [];
  for (const stop of stops) results.push(...(await Promise.allSettled([stop()])));
  results.push(...(await Promise.allSettled([wakeup.stop(), pool.end()])));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

async function startWeb(
  options: Parameters<typeof startHelpdesk>[0],
  pool: pg.Pool,
  wakeup: Wakeup,
  stops: (() => Promise<void>)[],
) {
  const app = express();
  app.disable("x-powered-by");
  // Once shutting down, every answer asks the client to close its connection,
  // so keep-alive clients that keep it busy let go instead of holding us open.
  let closing = false;
  app.use((_req, res, next) => {
    if (closing) res.set("Connection", "close");
    next();
  });
  // Behind a proxy, its X-Forwarded-For names the client (for the throttles). Only when told:
  // otherwise anyone could name any address and slip past them.
  if (options.trustProxy) app.set("trust proxy", true);
  app.use(securityHeaders());
  app.use(hostileRequests());
  // Level 3: a page compresses in half the time of the default for 8 % more bytes.
  app.use(compression({ level: 3 }));
  if (options.logRequests) app.use(morgan("tiny"));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Only names with an extension can be files of public/: pages and the API skip the disk lookup.
  const publicFiles = express.static("public", { maxAge: "1h" });
  app.use((req, res, next) => (/\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  app.get("/healthz", async (_req, res) => {
    const database = await db()
      .$queryRaw`SELECT 1`.then(() => "up" as const)
      .catch(() => "down" as const);
    const search = await searchHealth();
    const embedded = options.embeddedStatus?.() ?? undefined;
    res.status(200).json({ status: database === "up" && search === "up" ? "ok" : "degraded", database, search, embedded });
  });
  app.use("/api/v1", apiRouter());
  // Forms may only be posted from our own pages: a cross-site form could
  // otherwise sign a visitor into someone else's account or act for them.
  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || isSameOrigin(req.get("Origin"), req.get("Host"))) return next();
    res.status(403).type("text/plain").send("Cross-site form submissions are not accepted.");
  });
  if (options.remixBuild) {
    app.all(
      "*",
      pagesSetTheirOwnCaching(),
      createRequestHandler({
        build: options.remixBuild,
        mode: options.production ? "production" : "development",
        // The page's inline scripts carry this request's CSP nonce.
        getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientIp: req.ip ?? "unknown" }),
      }),
    );
  }

  const server = http.createServer(app);
  const sockets = attachRealtime(server);
  const realtime = new RealtimeDelivery(sockets.io, pool, wakeup, warn);
  await realtime.start();
  const presence = new PresenceSync(sockets.io, wakeup, warn);
  await presence.start();
  const stopCounting = ticketCounts(db()).follow(wakeup);
  stops.push(async () => {
    stopCounting();
    presence.stop();
    closing = true;
    server.closeIdleConnections?.();
    // Requests in flight get a moment to finish; then whatever is still open is cut.
    const cut = setTimeout(() => server.closeAllConnections?.(), DRAIN_MS);
    const results = await Promise.allSettled([
      sockets.close(),
      new Promise<void>((resolve) => server.close(() => resolve())),
      realtime.stop(),
    ]);
    clearTimeout(cut);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, options.host ?? "0.0.0.0", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, realtime };
}
