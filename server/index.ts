// `npm start`: boot (config, embedded servers, migrations, demo data), then
// run the helpdesk in its role (all by default; web or worker with --role= or
// ROLE) until Ctrl-C / SIGTERM, and shut everything down cleanly.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { boot } from "./boot.ts";
import { ConfigError } from "./config.ts";
import { db } from "./db/client.ts";
import { closeRateLimits } from "./auth/accounts.ts";
import { startHelpdesk } from "./app.ts";
import { ensureSearchSettings, reindexIfBehind } from "../search/articles.ts";
import { ensureTicketSearchSettings, reindexTicketsIfBehind } from "../search/tickets.ts";
import { DEMO_ACCOUNTS } from "../prisma/demo-accounts.ts";

/** Stopping never takes longer than this, whatever happens. */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main() {
  const booted = await boot();
  const { env, settings } = booted;

  // Search being down must not stop the helpdesk: tickets work without it and
  // the search-index listener catches up once it is back.
  const prepareSearch = async () => {
    await ensureSearchSettings();
    await reindexIfBehind(db());
    await ensureTicketSearchSettings();
    // Minutes at a million tickets: in the background, once per desk (not in web-only processes).
    if (env.ROLE !== "web") void reindexTicketsIfBehind(db());
  };
  try {
    await prepareSearch();
  } catch (error) {
    console.warn(`Search is not ready (${(error as Error).message}); continuing without it.`);
  }
  // A restarted embedded Meilisearch gets the same: its settings again, and its index rebuilt if it lost data.
  if (booted.embedded.meilisearch) booted.embedded.meilisearch.onRestart = prepareSearch;

  let server;
  try {
    const remixBuild =
      env.ROLE === "worker" ? undefined : ((await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild);
    server = await startHelpdesk({
      settings,
      role: env.ROLE,
      port: env.PORT,
      host: env.HOST,
      remixBuild,
      production: env.NODE_ENV === "production",
      logRequests: env.LOG_REQUESTS,
      trustProxy: env.TRUST_PROXY,
      embeddedStatus: booted.embeddedStatus,
    });
  } catch (error) {
    await booted.stop(); // never leave embedded servers running behind us
    throw error;
  }

  // The banner is written at once, so whoever reads "is running" also reads the accounts.
  const banner: string[] = [];
  if (env.ROLE === "worker") banner.push("\nHelpdesk worker is running (listeners and jobs).");
  else banner.push(`\nHelpdesk is running at http://localhost:${env.PORT}${env.ROLE === "web" ? " (web only)" : ""}`);
  if (server.inboundSmtpPort !== null) {
    banner.push(`Mail: send to ${settings.mail.from} via SMTP localhost:${server.inboundSmtpPort}; sent mail at /admin/mail`);
  }
  // Only where the demo accounts exist: a real installation has other users.
  const demo =
    env.ROLE !== "worker" &&
    (await db()
      .user.findUnique({ where: { email: DEMO_ACCOUNTS[0].email }, select: { id: true } })
      .catch(() => null));
  if (demo) {
    banner.push("Demo accounts:");
    for (const a of DEMO_ACCOUNTS) banner.push(`  ${a.role.padEnd(10)} ${a.email.padEnd(30)} ${a.password}`);
  }
  console.log(banner.join("\n"));

  let stopping = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: shutting down…`);
    // An embedded server that dies from here on stays down: we are stopping it anyway.
    booted.stopSupervising();
    // Each step runs even if the one before failed: above all, the embedded
    // servers must never be left running behind us.
    let clean = true;
    // Whatever state the servers are in (a dead Meilisearch, a restarting
    // PostgreSQL), the process ends: each step has a deadline, and a last
    // resort exits outright (an orphaned embedded server is found and
    // stopped at the next start).
    setTimeout(() => {
      console.warn("[shutdown] did not finish in time: exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    const step = async (name: string, run: () => Promise<unknown>, ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          run(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`gave up after ${ms / 1000} s`)), ms))),
        ]);
      } catch (error) {
        clean = false;
        console.warn(`[shutdown] ${name}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    };
    await step("http, sockets, listeners and jobs", () => server.close(), 8_000);
    await step("database clients", async () => {
      await closeRateLimits();
      await db().$disconnect();
    }, 3_000);
    await step("embedded servers", () => booted.stop(), 12_000);
    console.log(clean ? "Stopped." : "Stopped, with warnings.");
    process.exit(clean ? exitCode : 1);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // A crash still stops the embedded servers, which would otherwise outlive us.
  process.on("uncaughtException", (error) => {
    console.error("[uncaught exception]", error);
    void shutdown("Uncaught exception", 1);
  });
}

// A stray rejection is a bug to log, not a reason to drop every user's connection.
process.on("unhandledRejection", (reason) => console.error("[unhandled rejection]", reason));

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
