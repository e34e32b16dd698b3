// Assembles the HTTP server: Express with /healthz, the JSON API and the
// Remix app, Socket.IO on the same server, the outbox relay and the SLA sweeper.
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
import { markBreaches } from "./tickets/service.ts";
import { createSearchConsumer, searchHealth } from "../search/articles.ts";
import type { RuntimeSettings } from "./runtime.ts";

const BREACH_SWEEP_MS = 30_000;

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
  const sweep = () => markBreaches(db()).catch((e: Error) => console.warn("[sla sweeper]", e.message));
  const sweeper = setInterval(sweep, BREACH_SWEEP_MS);
  void sweep();

  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "0.0.0.0", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}`,
    relay,
    async close() {
      clearInterval(sweeper);
      server.closeIdleConnections?.();
      await realtime.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
    },
  };
}
