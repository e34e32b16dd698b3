// Assembles the HTTP server: Express with /healthz, the JSON API and the
// Remix app, Socket.IO on the same server, the outbox relay and periodic upkeep
// (SLA breaches, outbox pruning).
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import compression from "compression";
import morgan from "morgan";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { db } from "./db/client.ts";
import { OutboxRelay } from "./outbox/outbox.ts";
import { attachRealtime, createRealtimeConsumer } from "./realtime/socket.ts";
import { apiRouter } from "./api/router.ts";
import { runMaintenance } from "./jobs/maintenance.ts";
import { createSearchConsumer, searchHealth } from "../search/articles.ts";
import type { RuntimeSettings } from "./runtime.ts";

const MAINTENANCE_EVERY_MS = 30_000;

export interface HelpdeskServer {
  url: string;
  relay: OutboxRelay;
  close(): Promise<void>;
}

export async function startHelpdeskServer(options: {
  settings: RuntimeSettings;
  port: number;
  host?: string;
  /** The Remix server build; without it only /healthz, the API and sockets are served (API tests). */
  remixBuild?: ServerBuild;
  production?: boolean;
  logRequests?: boolean;
}): Promise<HelpdeskServer> {
  const { settings } = options;
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  if (options.logRequests) app.use(morgan("tiny"));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  app.get("/healthz", async (_req, res) => {
    const database = await db()
      .$queryRaw`SELECT 1`.then(() => "up" as const)
      .catch(() => "down" as const);
    const search = await searchHealth();
    res.status(200).json({ status: database === "up" && search === "up" ? "ok" : "degraded", database, search });
  });
  app.use("/api/v1", apiRouter());
  // Forms may only be posted from our own pages: a cross-site form could
  // otherwise sign a visitor into someone else's account or act for them.
  app.use((req, res, next) => {
    const origin = req.get("Origin");
    if (req.method === "GET" || req.method === "HEAD" || !origin) return next();
    let sameSite = false;
    try {
      sameSite = new URL(origin).host === req.get("Host");
    } catch {
      sameSite = false;
    }
    if (!sameSite) return res.status(403).type("text/plain").send("Cross-site form submissions are not accepted.");
    next();
  });
  if (options.remixBuild) {
    app.all("*", createRequestHandler({ build: options.remixBuild, mode: options.production ? "production" : "development" }));
  }

  const server = http.createServer(app);
  const realtime = attachRealtime(server, settings.databaseUrl);
  const relay = new OutboxRelay({
    databaseUrl: settings.databaseUrl,
    consumers: [createRealtimeConsumer(realtime.io), createSearchConsumer()],
    onError: (error, context) => console.warn(`[${context}]`, (error as Error)?.message ?? error),
  });
  await relay.start();
  const maintain = () => runMaintenance(db()).catch((e: Error) => console.warn("[maintenance]", e.message));
  const maintenance = setInterval(maintain, MAINTENANCE_EVERY_MS);
  void maintain();

  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "0.0.0.0", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}`,
    relay,
    async close() {
      clearInterval(maintenance);
      server.closeIdleConnections?.();
      // Every part is closed even when one fails; the first failure is reported.
      const results = await Promise.allSettled([
        realtime.close(),
        new Promise<void>((resolve) => server.close(() => resolve())),
      ]);
      results.push(...(await Promise.allSettled([relay.stop()])));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
